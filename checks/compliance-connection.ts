/**
 * compliance-connection: does Security & Compliance PowerShell answer a real, read-only cmdlet for the
 * admin (or app), the way Connect-IPPSSession (module 3.2.0 and later) reaches it? The first request
 * goes to the cloud's global host; a tenant outside the global forest gets a 302 to a regional back end,
 * whose forest label the module keeps and calls `<label>.ps.compliance.protection.outlook.com` with the
 * same token. Then `Get-RetentionCompliancePolicy`, Microsoft's own test of the connection. A refusal
 * says whether the account lacks a compliance role; no answer from the regional host points at a proxy
 * or firewall that lets the global name through and not the regional one.
 * See docs/compliance-powershell.md#2-how-module-3x-connects-rest.
 */
import type { ExoSession } from '../src/auth/identity.js';
import { CAUSE } from '../src/causes.js';
import { defineCheck } from '../src/check.js';
import { ExchangeClient, ExchangeError, ExchangeThrottledError } from '../src/exo/client.js';
import { exchangeTimeLimit, throttledFailure } from '../src/exo/findings.js';
import { COMPLIANCE_ROLES, ENTRA_ROLES } from '../src/knowledge/entra-roles.js';
import { doctorCommand } from '../src/invocation.js';
import { HttpClient, HttpFailure } from '../src/net/http.js';
import { serviceRoute } from '../src/net/service-route.js';
import { type CheckResult, evidence, type Evidence, fail, fix, notApplicable, pass, sensitive } from '../src/result.js';
import { includesService } from '../src/services.js';
import { complianceToken } from './compliance-token.js';
import { proxyConfig } from './proxy-config.js';

const CONNECT_DOC = 'https://learn.microsoft.com/powershell/exchange/connect-to-scc-powershell';
const PERMISSIONS_DOC = 'https://learn.microsoft.com/purview/purview-compliance-portal-permissions';
const ENDPOINTS_DOC = 'https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges';
/** Microsoft's own test that the connection works (Connect to Security & Compliance PowerShell). */
const PROBE = 'Get-RetentionCompliancePolicy';
interface ComplianceConnection {
  /** The host the cmdlets go to: the regional one after a redirect, or the global one. */
  readonly host: string;
  readonly redirected: boolean;
}

export const complianceConnection = defineCheck({
  id: 'compliance-connection',
  title: 'Security & Compliance PowerShell answers a read-only cmdlet',
  dependsOn: [complianceToken, proxyConfig],
  timeout: exchangeTimeLimit,
  async run(ctx, deps): Promise<CheckResult<ComplianceConnection>> {
    if (!includesService(ctx.config, 'compliance')) return notApplicable('Security & Compliance PowerShell is not diagnosed (give --service compliance or all).');
    const session = deps['compliance-token'];
    const plan = deps['proxy-config'];
    const global = session.cloud.complianceHost;
    const who = session.appOnly ? `the app ${session.clientId}` : (session.upn ?? 'the signed-in account');
    const rerun = doctorCommand(ctx.config, `--service compliance --only compliance-connection${session.upn ? ` --upn ${session.upn}` : ''}`);
    const roles = entraRoles(session);
    const facts: Evidence[] = [
      session.appOnly ? evidence('Signed in as', `app ${session.clientId}`) : sensitive('Signed in as', who),
      evidence('Entra roles in the token that Purview maps to role groups', roles.length > 0 ? roles.join(', ') : 'none'),
    ];

    ctx.step(`asking ${global} where the tenant's Security & Compliance service lives`);
    const found = await regionalHost(ctx, plan, session);
    if ('failure' in found) return unreachable(found.failure, global, facts);
    facts.push(evidence('Host', found.redirected ? `${found.host} (redirected by ${global})` : global));
    const deadline = new Date(ctx.now().getTime() + exchangeTimeLimit(ctx.config.timeoutMs) - 1000);
    const client = await ExchangeClient.open(ctx, plan, session, { timeoutMs: ctx.config.timeoutMs, deadline, signal: ctx.signal, host: found.host });
    try {
      ctx.step(`running ${PROBE} on ${found.host}`);
      const rows = await client.invoke(PROBE);
      return pass(`Security & Compliance PowerShell runs cmdlets for ${who}: ${PROBE} answered (${rows.length} ${rows.length === 1 ? 'policy' : 'policies'}) on ${found.host}.`, {
        evidence: facts,
        output: { host: found.host, redirected: found.redirected },
      });
    } catch (err) {
      if (err instanceof HttpFailure) return unreachable(err, found.host, facts, found.redirected ? global : undefined);
      if (!(err instanceof ExchangeError)) throw err;
      facts.push(evidence('Answer', `HTTP ${err.status} ${err.code}: ${err.reason}`));
      if (err instanceof ExchangeThrottledError) return throttledFailure(err, facts, rerun);
      if ((err.status === 401 || err.status === 403) && /not allowed to call|management roles|isn't supported in this scenario/i.test(`${err.reason} ${err.message}`)) {
        return noRole(session, who, facts);
      }
      return fail(`Security & Compliance PowerShell did not run ${PROBE} for ${who}: HTTP ${err.status} ${err.code} ("${err.reason}").`, {
        evidence: facts,
        remediation: fix({ summary: 'Connect with the module to see its own message, then run the doctor again with --verbose.', runBy: 'admin', commands: ['Connect-IPPSSession -UserPrincipalName <upn>', rerun], links: [CONNECT_DOC] }),
      });
    } finally {
      await client.close();
    }
  },
});

/** The Entra roles of the token's `wids` that carry a compliance role group. */
function entraRoles(session: ExoSession): string[] {
  const wids = Array.isArray(session.claims['wids']) ? (session.claims['wids'] as unknown[]).map(String) : [];
  return COMPLIANCE_ROLES.filter((role) => wids.some((id) => id.toLowerCase() === role.templateId)).map((role) => role.name);
}

/**
 * The host the cmdlets go to: the first request, to the global host and without following redirects,
 * is answered in place (the global forest) or with a 302 whose back end's forest label names the
 * regional host, as the module's UpdateConnectionUriForEop does.
 */
async function regionalHost(ctx: Parameters<(typeof complianceConnection)['run']>[0], plan: Parameters<typeof serviceRoute>[1], session: ExoSession): Promise<{ host: string; redirected: boolean } | { failure: HttpFailure }> {
  const global = session.cloud.complianceHost;
  const route = await serviceRoute(ctx, plan, global);
  const http = new HttpClient(ctx, { timeoutMs: ctx.config.timeoutMs, signal: ctx.signal, ...(route.proxy ? { proxy: route.proxy } : {}) });
  try {
    const res = await http.send({
      method: 'POST',
      url: `https://${global}/adminapi/beta/${encodeURIComponent(session.tenantId)}/InvokeCommand`,
      headers: { authorization: `Bearer ${session.accessToken}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ CmdletInput: { CmdletName: PROBE, Parameters: {} } }),
    });
    const location = res.headers['location'];
    if (res.status >= 300 && res.status < 400 && location) {
      const label = /^https?:\/\/([a-z0-9-]+)\./i.exec(location)?.[1];
      if (label) return { host: `${label.toLowerCase()}.${global}`, redirected: true };
    }
    return { host: global, redirected: false };
  } catch (err) {
    if (err instanceof HttpFailure) return { failure: err };
    throw err;
  } finally {
    await http.close();
  }
}

function unreachable(err: HttpFailure, host: string, facts: Evidence[], redirectedBy?: string) {
  const regional = redirectedBy
    ? ` ${redirectedBy} answered and sent the tenant to ${host}, which did not: a proxy or firewall that allows ${redirectedBy} must allow *.${redirectedBy} too.`
    : '';
  return fail(`No answer from ${host} (${err.code}): ${err.message}.${regional}`, {
    cause: CAUSE.complianceUnreachable,
    explainedBy: ['proxy-health', 'endpoints', 'tls-inspection'],
    evidence: [...facts, evidence('Error', `${err.code}: ${err.message}`)],
    remediation: fix({
      summary: `Allow HTTPS (TCP 443) from this machine to ${redirectedBy ? `${redirectedBy} and *.${redirectedBy}` : host}, directly or through the proxy.`,
      runBy: 'network-team',
      commands: [...(redirectedBy ? [`Test-NetConnection ${redirectedBy} -Port 443`] : []), `Test-NetConnection ${host} -Port 443`],
      links: [ENDPOINTS_DOC],
    }),
  });
}

function noRole(session: ExoSession, who: string, facts: Evidence[]) {
  if (session.appOnly) {
    return fail(`Security & Compliance PowerShell refuses ${who}: the app holds none of the Entra roles it accepts for app-only connections (Compliance Administrator, Global Administrator, Global Reader, Security Administrator, Security Reader), or lacks Exchange.ManageAsApp.`, {
      cause: CAUSE.complianceNoRole,
      evidence: facts,
      remediation: fix({
        summary: `Another admin (Privileged Role Administrator or Global Administrator) assigns Compliance Administrator (or, to only read, Global Reader) to the service principal of app ${session.clientId}; the next token carries it.`,
        runBy: 'another-admin',
        commands: [
          'Connect-MgGraph -Scopes RoleManagement.ReadWrite.Directory,Application.Read.All',
          `$sp = Get-MgServicePrincipal -Filter "appId eq '${session.clientId}'"`,
          `New-MgRoleManagementDirectoryRoleAssignment -PrincipalId $sp.Id -RoleDefinitionId ${ENTRA_ROLES.complianceAdministrator.templateId} -DirectoryScopeId "/"`,
        ],
        links: ['https://learn.microsoft.com/powershell/exchange/app-only-auth-powershell-v2'],
      }),
    });
  }
  return fail(`${who} may connect to Security & Compliance PowerShell, but holds no compliance role: its cmdlets are refused. Exchange's role groups do not count here; Microsoft Purview has its own.`, {
    cause: CAUSE.complianceNoRole,
    evidence: facts,
    remediation: fix({
      summary: `Another admin adds ${who} to a Microsoft Purview role group (Compliance Administrator, or Organization Management; eDiscovery Manager for searches), or gives the account the Entra role Compliance Administrator. Allow up to an hour, then connect again.`,
      runBy: 'another-admin',
      commands: [`Connect-IPPSSession -UserPrincipalName <other admin UPN>`, `Add-RoleGroupMember -Identity "ComplianceAdministrator" -Member ${who}`],
      links: [PERMISSIONS_DOC],
    }),
  });
}
