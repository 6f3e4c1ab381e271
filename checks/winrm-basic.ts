/**
 * winrm-basic: whether the WinRM client on this Windows machine may use Basic authentication, and whether
 * the WinRM service runs. Only the legacy Remote PowerShell connection needs either: ExchangeOnlineManagement
 * before 3.0 (and 3.x with -UseRPSSession) sends its OAuth token in a Basic header over WinRM, so with Basic
 * off it fails with "Create Powershell Session is failed using OAuth". REST connections (3.0 and later)
 * need neither; the retired MFA module (Connect-EXOPSSession) only ever spoke Remote PowerShell ("Turn on Basic authentication in WinRM",
 * https://learn.microsoft.com/powershell/exchange/exchange-online-powershell-v2; docs/exchange-rest.md#legacy-remote-powershell-over-winrm-with-oauth and docs/errors.md#module-side-messages).
 *
 * Read without PowerShell: the Group Policy and local WinRM client values with `reg query`, the service
 * with `sc query WinRM`, and PSReadLine's history files for a `-UseRPSSession` the admin typed.
 */
import { defineCheck, type CheckContext } from '../src/check.js';
import { CAUSE } from '../src/causes.js';
import type { InstalledModule, PowerShellClient, PowerShellEditionName } from '../src/powershell/types.js';
import { loadedModule } from '../src/powershell/discovery.js';
import { readRegistry } from '../src/platform/registry.js';
import { findInHistory, USE_RPS_SESSION } from '../src/powershell/history.js';
import { parseScQueryState, type ServiceState, WINRM_CLIENT_KEY, WINRM_POLICY_KEY, type WinRmBasic, winRmBasic } from '../src/platform/winrm.js';
import { type Finding, type Remediation, error, evidence, fix, notApplicable, pass, sensitive, verdict, warn } from '../src/result.js';
import { powershellClient } from './powershell-client.js';

const MODULE_DOC = 'https://learn.microsoft.com/powershell/exchange/exchange-online-powershell-v2';
const POLICY_DOC = 'https://learn.microsoft.com/windows/client-management/mdm/policy-csp-remotemanagement#allowbasicauthentication_client';
const GPO_PATH = 'Computer Configuration > Administrative Templates > Windows Components > Windows Remote Management (WinRM) > WinRM Client > Allow Basic authentication';
const CLASSIC_ERROR = '"Create Powershell Session is failed using OAuth"';
const EDITION_LABEL: Readonly<Record<PowerShellEditionName, string>> = { Desktop: 'Windows PowerShell', Core: 'PowerShell 7' };

/** What the machine says about the connection path the admin's module takes. */
interface ModulePath {
  /** Installed ExchangeOnlineManagement before 3.0: Remote PowerShell only. */
  readonly legacy: readonly InstalledModule[];
  /** The pre-3.0 versions an edition actually loads (Import-Module takes the first module folder that has one). */
  readonly legacyLoaded: readonly { readonly edition: PowerShellEditionName; readonly module: InstalledModule }[];
  /** Installed 3.0 and later: REST. */
  readonly modern: readonly InstalledModule[];
  /** A PSReadLine history file where `-UseRPSSession` was typed. */
  readonly rpsHistory?: string;
  /** The retired MFA module (Connect-EXOPSSession) is installed. */
  readonly mfaModule: boolean;
  /** false when powershell-client did not run or could not tell. */
  readonly known: boolean;
}

export const winrmBasic = defineCheck({
  id: 'winrm-basic',
  title: 'WinRM Basic authentication for the legacy Remote PowerShell connection',
  dependsOn: [],
  uses: [powershellClient],
  async run(ctx, deps) {
    if (ctx.platform !== 'win32') {
      return notApplicable(`Not applicable: WinRM Basic authentication matters only to the legacy Remote PowerShell connection on Windows, and this machine runs ${ctx.platform}.`);
    }
    ctx.step('reading the WinRM client settings');
    const [policy, local, service, rpsHistory] = await Promise.all([
      readRegistry(ctx, WINRM_POLICY_KEY, 'AllowBasic'),
      readRegistry(ctx, WINRM_CLIENT_KEY, 'auth_basic'),
      winRmService(ctx),
      findInHistory(ctx, USE_RPS_SESSION),
    ]);
    const basic = winRmBasic(policy, local);
    const path = modulePath(deps['powershell-client'], ctx.platform, rpsHistory);
    const facts = [
      evidence('WinRM client Basic', `${describeAllowed(basic.allowed)}: ${basic.detail}`),
      evidence('WinRM service', service.detail),
      evidence('ExchangeOnlineManagement', path.known ? describeModules([...path.legacy, ...path.modern]) : 'unknown (powershell-client gave no answer)'),
      ...(path.mfaModule ? [evidence('MFA module (Connect-EXOPSSession)', 'installed (Remote PowerShell over WinRM only)')] : []),
      ...(rpsHistory ? [sensitive('-UseRPSSession typed in', rpsHistory)] : []),
    ];
    const problems = [
      ...(basic.allowed === false ? [basicProblem(basic)] : []),
      ...(service.state !== undefined && service.state !== 'RUNNING' ? [serviceProblem(service.state)] : []),
      ...(service.missing ? [serviceProblem('NOT_INSTALLED')] : []),
    ];
    // On the legacy path a service whose state could not be read is a cause not ruled out, said as such.
    const serviceUnread: Finding[] =
      service.state === undefined && !service.missing
        ? [
            {
              severity: 'not-checked',
              summary: `Whether the WinRM service runs could not be read (${service.detail.replace(/^unknown \((.*)\)$/, '$1')}); the legacy connection needs it.`,
              remediation: [fix({ summary: 'Look at the service from a Command Prompt: STATE must be RUNNING.', runBy: 'admin', commands: ['sc query WinRM'] })],
            },
          ]
        : [];
    const basicAndService = 'the WinRM client allows Basic authentication and the service runs';
    if (path.legacyLoaded.length > 0 || path.rpsHistory !== undefined) {
      const why =
        path.legacyLoaded.length > 0
          ? `${path.legacyLoaded.map((l) => `${EDITION_LABEL[l.edition]} loads ExchangeOnlineManagement ${l.module.version}`).join(' and ')} (before 3.0), which connects through Remote PowerShell over WinRM`
          : 'Connect-ExchangeOnline -UseRPSSession was used here, which connects through Remote PowerShell over WinRM';
      if (basic.allowed === undefined) return error(`${why}, and whether WinRM allows Basic authentication could not be read: ${basic.detail}.`, { evidence: facts });
      const findings = problems.map((p): Finding => ({ severity: 'fail', summary: `${why}. ${p.summary} Connecting then fails with ${p.error}.`, remediation: [upgrade(path), ...p.remediation] }));
      return verdict([...findings, ...serviceUnread], { pass: `${why}; ${basicAndService}, so WinRM is not what blocks that path here.`, evidence: facts, output: undefined });
    }
    if (path.mfaModule) {
      // Basic off is exactly why the MFA module fails, but turning it on would not help: Remote PowerShell is gone.
      const why = 'The retired MFA module (Connect-EXOPSSession) is installed here, and it connects through Remote PowerShell over WinRM with its token in a Basic header';
      if (basic.allowed === undefined) return error(`${why}, and whether WinRM allows Basic authentication could not be read: ${basic.detail}.`, { evidence: facts });
      const severity = path.modern.length > 0 ? 'warn' : 'fail';
      const findings = problems.map((p): Finding => ({
        severity,
        summary: `${why}. ${p.summary} That is why it fails with ${p.error}; allowing Basic would not make it connect, since Exchange Online no longer accepts Remote PowerShell.`,
        remediation: [upgrade(path)],
        cause: CAUSE.legacyMfaModule,
      }));
      // The service's state changes nothing here (the module cannot connect anyway): evidence only.
      return verdict(findings, { pass: `${why}; the WinRM client allows Basic authentication (the service: ${service.detail}), so WinRM is not what blocks it (Remote PowerShell itself is retired: see module-versions).`, evidence: facts, output: undefined });
    }
    if (path.legacy.length > 0 && problems.length > 0) {
      // Installed but not what Import-Module picks: only a script that asks for that version loads it.
      const stale = `ExchangeOnlineManagement ${versions(path.legacy)} (before 3.0) is still installed beside ${versions(path.modern)}; a script that loads the old version connects through WinRM and fails with ${CLASSIC_ERROR}.`;
      const findings = problems.map((p, i): Finding => ({ severity: 'warn', summary: i === 0 ? `${stale} ${p.summary}` : p.summary, remediation: [uninstallLegacy(path.legacy), ...p.remediation] }));
      return verdict(findings, { pass: stale, evidence: facts, output: undefined });
    }
    if (!path.known && basic.allowed === false) {
      return warn(`${basicProblem(basic).summary} This matters only to ExchangeOnlineManagement before 3.0 or -UseRPSSession, and which versions are installed is not known.`, {
        evidence: facts,
        remediation: [upgrade(path), ...basicProblem(basic).remediation],
      });
    }
    const modules = path.modern.length > 0 ? `ExchangeOnlineManagement ${versions(path.modern)} connects over REST` : 'The current ExchangeOnlineManagement module connects over REST';
    return pass(`Not needed: ${modules}, which needs neither WinRM Basic authentication nor the WinRM service (Basic is ${describeAllowed(basic.allowed)} here).`, { evidence: facts });
  },
});

/** A WinRM setting that breaks the legacy path, with the message Connect-ExchangeOnline then shows. */
interface Problem extends Omit<Finding, 'severity'> {
  readonly error: string;
}

function basicProblem(basic: WinRmBasic): Problem {
  if (basic.source === 'group-policy') {
    return {
      summary: 'Group Policy turns Basic authentication off for the WinRM client (AllowBasic = 0), and policy wins over any local change.',
      error: CLASSIC_ERROR,
      remediation: [
        fix({
          summary: `If the legacy connection must stay, the owner of the Group Policy object sets "${GPO_PATH}" to Enabled for this machine; then refresh the policy and confirm "Basic = true".`,
          runBy: 'another-admin',
          commands: ['gpupdate /force', 'winrm get winrm/config/client/auth'],
          links: [POLICY_DOC, MODULE_DOC],
        }),
      ],
    };
  }
  return {
    summary: 'The local WinRM client configuration has Basic authentication off (auth_basic = 0).',
    error: CLASSIC_ERROR,
    remediation: [
      fix({
        summary: 'If the legacy connection must stay, allow Basic authentication in the WinRM client from an elevated Command Prompt (a Group Policy applied later would set it back).',
        runBy: 'admin',
        commands: ['winrm set winrm/config/client/auth @{Basic="true"}', 'winrm get winrm/config/client/auth'],
        links: [MODULE_DOC],
      }),
    ],
  };
}

function serviceProblem(state: ServiceState | 'NOT_INSTALLED'): Problem {
  return {
    summary: `The WinRM service is ${state.toLowerCase().replace('_', ' ')}; the WinRM client cannot open a session without it.`,
    error: '"The WinRM client cannot process the request"',
    remediation: [fix({ summary: 'Start the WinRM service from an elevated PowerShell window.', runBy: 'admin', commands: ['Start-Service WinRM'], links: [MODULE_DOC] })],
  };
}

function upgrade(path: ModulePath): Remediation {
  return fix({
    summary: `Best: use ExchangeOnlineManagement 3.x, which connects over REST and needs no WinRM Basic authentication${path.rpsHistory ? ', and connect without -UseRPSSession' : ''} (Remote PowerShell connections are retired).`,
    runBy: 'admin',
    commands: ['Install-Module ExchangeOnlineManagement -Scope CurrentUser -Force', 'Connect-ExchangeOnline'],
    links: [MODULE_DOC],
  });
}

function uninstallLegacy(legacy: readonly InstalledModule[]): Remediation {
  return fix({
    summary: 'Remove the pre-3.0 module so no script can load it, and keep the current one.',
    runBy: 'admin',
    commands: [...new Set(legacy.map((m) => `Uninstall-Module ExchangeOnlineManagement -RequiredVersion ${m.version}`))],
    links: [MODULE_DOC],
  });
}

function modulePath(client: PowerShellClient | undefined, platform: NodeJS.Platform, rpsHistory: string | undefined): ModulePath {
  const exo = (client?.modules ?? []).filter((m) => m.name.toLowerCase() === 'exchangeonlinemanagement');
  const editions = [...new Set((client?.editions ?? []).map((e) => e.edition))];
  const loaded = client ? editions.map((edition) => ({ edition, module: loadedModule(client, platform, 'ExchangeOnlineManagement', edition) })) : [];
  return {
    legacy: exo.filter((m) => majorOf(m.version) < 3),
    legacyLoaded: loaded.filter((l): l is { edition: PowerShellEditionName; module: InstalledModule } => l.module !== undefined && majorOf(l.module.version) < 3),
    modern: exo.filter((m) => majorOf(m.version) >= 3),
    mfaModule: client?.legacyMfaModule !== undefined,
    known: client !== undefined,
    ...(rpsHistory ? { rpsHistory } : {}),
  };
}

function majorOf(version: string): number {
  const major = Number.parseInt(version, 10);
  return Number.isNaN(major) ? 0 : major;
}

/** `sc query WinRM`: the service state, in any display language. */
async function winRmService(ctx: CheckContext): Promise<{ readonly state?: ServiceState; readonly missing?: true; readonly detail: string }> {
  const result = await ctx.exec('sc', ['query', 'WinRM'], { timeoutMs: Math.min(ctx.config.timeoutMs, 10_000), signal: ctx.signal });
  if (result.kind !== 'exited') return { detail: 'unknown (sc.exe could not be run)' };
  // 1060: ERROR_SERVICE_DOES_NOT_EXIST.
  if (result.exitCode === 1060) return { missing: true, detail: 'not installed' };
  const state = parseScQueryState(result.stdout);
  return state ? { state, detail: state.toLowerCase().replace('_', ' ') } : { detail: `unknown (sc query exited with ${result.exitCode})` };
}

function describeAllowed(allowed: boolean | undefined): string {
  return allowed === undefined ? 'unknown' : allowed ? 'allowed' : 'off';
}

function versions(modules: readonly InstalledModule[]): string {
  return [...new Set(modules.map((m) => m.version))].join(', ');
}

function describeModules(modules: readonly InstalledModule[]): string {
  if (modules.length === 0) return 'not installed';
  return modules.map((m) => `${m.version} (${m.scope}; ${m.editions.map((e) => EDITION_LABEL[e]).join(' and ') || 'no edition loads it'})`).join(', ');
}
