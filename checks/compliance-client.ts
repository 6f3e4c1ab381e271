/**
 * compliance-client: can the module installed here connect to Security & Compliance PowerShell at all?
 * Connect-IPPSSession in ExchangeOnlineManagement before 3.2.0 connects only through Remote PowerShell
 * over WinRM (Basic authentication on the client needed), a path the service has refused since October
 * 2023; 3.2.0 brought REST, which needs neither. From 3.9.0 the eDiscovery search cmdlets need a session
 * opened with -EnableSearchOnlySession; -UseRPSSession, typed at the prompt, takes even a current module
 * back to the retired path. Runs only with `--service compliance` or `all`.
 * See docs/compliance-powershell.md#4--usersession-and-the-legacy-remote-powershell-winrm-path.
 */
import { CAUSE } from '../src/causes.js';
import { defineCheck } from '../src/check.js';
import { loadedModule } from '../src/powershell/discovery.js';
import { findInHistory } from '../src/powershell/history.js';
import type { PowerShellEditionName } from '../src/powershell/types.js';
import { compareModuleVersions } from '../src/powershell/version.js';
import { readRegistry } from '../src/platform/registry.js';
import { WINRM_CLIENT_KEY, WINRM_POLICY_KEY, winRmBasic } from '../src/platform/winrm.js';
import { evidence, fail, fix, notApplicable, pass, warn } from '../src/result.js';
import { includesService } from '../src/services.js';
import { powershellClient } from './powershell-client.js';

const EXO = 'ExchangeOnlineManagement';
/** The first version whose Connect-IPPSSession connects over REST. */
const REST_FROM = '3.2.0';
/** The first version whose search cmdlets need -EnableSearchOnlySession. */
const SEARCH_ONLY_FROM = '3.9.0';
const RELEASE_NOTES = 'https://learn.microsoft.com/powershell/exchange/exchange-online-powershell-v2#release-notes';
const EDITION: Readonly<Record<PowerShellEditionName, string>> = { Desktop: 'Windows PowerShell 5.1', Core: 'PowerShell 7' };

export const complianceClient = defineCheck({
  id: 'compliance-client',
  title: 'The module can connect to Security & Compliance PowerShell (Connect-IPPSSession)',
  dependsOn: [powershellClient],
  async run(ctx, deps) {
    if (!includesService(ctx.config, 'compliance')) return notApplicable('Security & Compliance PowerShell is not diagnosed (give --service compliance or all).');
    const client = deps['powershell-client'];
    const loaded = client.editions
      .map((e) => ({ edition: e.edition, module: loadedModule(client, ctx.platform, EXO, e.edition) }))
      .filter((l): l is { edition: PowerShellEditionName; module: NonNullable<typeof l.module> } => l.module !== undefined);
    if (loaded.length === 0) return notApplicable(`No PowerShell edition here loads ${EXO}, so there is no Connect-IPPSSession to judge (powershell-client says where to install it).`);
    const facts = loaded.map((l) => evidence(`${EXO} in ${EDITION[l.edition]}`, l.module.version));
    const rest = loaded.filter((l) => compareModuleVersions(l.module.version, REST_FROM) >= 0);
    if (rest.length === 0) {
      const basic = ctx.platform === 'win32' ? winRmBasic(...(await Promise.all([readRegistry(ctx, WINRM_POLICY_KEY, 'AllowBasic'), readRegistry(ctx, WINRM_CLIENT_KEY, 'auth_basic')]))) : undefined;
      if (basic) facts.push(evidence('WinRM client Basic', basic.detail));
      const winrm = basic?.allowed === false ? ' WinRM Basic authentication is off on this machine too, so that path fails here before it reaches the service.' : '';
      return fail(
        `Connect-IPPSSession in ${EXO} ${loaded.map((l) => l.module.version).join(' and ')} connects only through Remote PowerShell over WinRM, which Security & Compliance PowerShell no longer accepts (REST came in ${REST_FROM}; the service turned the old path off in October 2023).${winrm}`,
        {
          cause: CAUSE.complianceLegacyModule,
          evidence: facts,
          remediation: fix({
            summary: `Update ${EXO} to ${REST_FROM} or later (the current release is best), in a new PowerShell window, then connect again; REST needs no WinRM Basic authentication.`,
            runBy: 'admin',
            commands: [`Install-Module ${EXO} -Scope CurrentUser -Force`, `Import-Module ${EXO}; Connect-IPPSSession -UserPrincipalName <upn>`],
            links: [RELEASE_NOTES],
          }),
        },
      );
    }
    // -UseRPSSession takes even a current module back to the retired path (the switch is deprecated since 3.9.2).
    const rps = ctx.platform === 'win32' ? await findInHistory(ctx, /Connect-IPPSSession\b.*-UseRPSSession\b(?!\s*:\s*\$false)/i) : undefined;
    if (rps) {
      return warn(`Connect-IPPSSession -UseRPSSession was typed at this machine's PowerShell (${rps}): it connects through Remote PowerShell over WinRM even with ${EXO} ${rest.map((l) => l.module.version).join(' and ')}, a path Security & Compliance PowerShell no longer accepts, and it is limited to a few sessions at once.`, {
        evidence: [...facts, evidence('-UseRPSSession typed in', rps)],
        remediation: fix({ summary: 'Leave -UseRPSSession out: the module connects over REST, which needs no WinRM and has no session limit of its own.', runBy: 'admin', commands: ['Connect-IPPSSession -UserPrincipalName <upn>'], links: [RELEASE_NOTES] }),
      });
    }
    const searchOnly = rest.some((l) => compareModuleVersions(l.module.version, SEARCH_ONLY_FROM) >= 0)
      ? ` Its eDiscovery search cmdlets (*-ComplianceSearch, New-ComplianceSearchAction) need a session opened with Connect-IPPSSession -EnableSearchOnlySession.`
      : '';
    return pass(`Connect-IPPSSession in ${EXO} ${rest.map((l) => `${l.module.version} (${EDITION[l.edition]})`).join(' and ')} connects over REST, which needs no WinRM.${searchOnly}`, { evidence: facts });
  },
});
