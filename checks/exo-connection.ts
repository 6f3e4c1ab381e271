/**
 * exo-connection: does the admin's (or app's) connection to Exchange Online work end to end? One real,
 * read-only cmdlet, `Get-OrganizationConfig`, sent to InvokeCommand exactly as the module sends it.
 * When Exchange refuses, the answer says why: PowerShell access turned off for the account
 * (EXOModuleEnabled / RemotePowerShellEnabled), no Exchange role, an app without a supported Entra role
 * or without Exchange.ManageAsApp, a token Exchange cannot use, or throttling.
 * See ../shared/docs/domain.md sections 1.2, 1.4, 4 and 8.1.
 */
import { defineCheck } from '../src/check.js';
import { ExchangeClient, ExchangeError, type ExchangeRow, ExchangeThrottledError } from '../src/exo/client.js';
import type { ExoSession } from '../src/identity.js';
import { ENTRA_ROLES, EXCHANGE_APP_ONLY_ROLES, type EntraRole, roleByTemplateId } from '../src/knowledge/entra-roles.js';
import { HttpFailure } from '../src/net/http.js';
import type { Evidence, Remediation } from '../src/result.js';
import { evidence, fail, fix, pass, sensitive } from '../src/result.js';
import { exoToken } from './exo-token.js';
import { proxyConfig } from './proxy-config.js';

export const PS_ACCESS_DOC = 'https://learn.microsoft.com/powershell/exchange/disable-access-to-exchange-online-powershell';
export const EXO_PERMISSIONS_DOC = 'https://learn.microsoft.com/exchange/permissions-exo/permissions-exo';
export const APP_ONLY_DOC = 'https://learn.microsoft.com/powershell/exchange/app-only-auth-powershell-v2';
const SERVICE_HEALTH = 'https://admin.microsoft.com/#/servicehealth';

/** The application permission app-only sign-in needs, on "Office 365 Exchange Online". */
export const MANAGE_AS_APP = { value: 'Exchange.ManageAsApp', id: 'dc50a0fb-09a3-484d-be87-e023b12c6440', resourceAppId: '00000002-0000-0ff1-ce00-000000000000' };

/** What dependents receive: the organisation as Get-OrganizationConfig returned it (OAuth2ClientProfileEnabled included). */
export interface ExoConnection {
  readonly organization: ExchangeRow;
}

/** A check's time limit for Exchange calls: room for one request, and one `Retry-After` wait. */
export const exchangeTimeLimit = (configuredMs: number): number => 2 * configuredMs;

/** The Entra roles in a token's `wids` that Exchange Online maps to its role groups. */
export function exchangeRolesIn(claims: Readonly<Record<string, unknown>>): EntraRole[] {
  const wids = Array.isArray(claims['wids']) ? claims['wids'].filter((w): w is string => typeof w === 'string') : [];
  return wids.map(roleByTemplateId).filter((r): r is EntraRole => r !== undefined && EXCHANGE_APP_ONLY_ROLES.includes(r));
}

/** `OTHER_ADMIN@contoso.com`: a stand-in for an admin the doctor does not know, in the account's domain. */
export function otherAdmin(upn: string | undefined): string {
  return `OTHER_ADMIN@${upn?.split('@')[1] ?? 'contoso.com'}`;
}

/** Another admin turns PowerShell access back on for `upn`. */
export function powerShellAccessFix(upn: string, runBy: 'admin' | 'another-admin' = 'another-admin'): Remediation {
  return fix({
    summary: `${runBy === 'admin' ? 'Turn' : 'Another admin (Exchange Administrator or Global Administrator, or a member of Organization Management or Recipient Management) turns'} PowerShell access back on for ${upn}. The legacy parameter -RemotePowerShellEnabled sets the same flag on module versions that do not know -EXOModuleEnabled. The change takes 15–20 minutes to apply; then ${runBy === 'admin' ? 'run the doctor again with --target' : "that admin confirms it from outside with exo-doctor --target, signed in as themselves"}.`,
    runBy,
    commands: [
      `Set-User -Identity ${upn} -EXOModuleEnabled $true`,
      `Set-User -Identity ${upn} -RemotePowerShellEnabled $true`,
      `Get-User -Identity ${upn} | Format-List UserPrincipalName,EXOModuleEnabled,RemotePowerShellEnabled`,
      `exo-doctor --upn ${otherAdmin(upn)} --target ${upn}`,
    ],
    links: [PS_ACCESS_DOC],
  });
}

/** Another admin gives a person an Exchange role: an Exchange role group, or the Entra role. */
export function personRoleFixes(upn: string, objectId: string | undefined): [Remediation, Remediation] {
  const principal = objectId ?? `(Get-MgUser -UserId ${upn}).Id`;
  return [
    fix({
      summary: `Another admin adds ${upn} to the Exchange role group Organization Management (or View-Only Organization Management, to only read). Allow up to an hour, then sign in again.`,
      runBy: 'another-admin',
      commands: [`Add-RoleGroupMember -Identity "Organization Management" -Member ${upn}`],
      links: [EXO_PERMISSIONS_DOC],
    }),
    fix({
      summary: `Or another admin (Privileged Role Administrator or Global Administrator) gives ${upn} the Entra role Exchange Administrator (Global Reader to only read); sign in again afterwards so the token carries it.`,
      runBy: 'another-admin',
      commands: [
        'Connect-MgGraph -Scopes RoleManagement.ReadWrite.Directory',
        `New-MgRoleManagementDirectoryRoleAssignment -PrincipalId ${principal} -RoleDefinitionId ${ENTRA_ROLES.exchangeAdministrator.templateId} -DirectoryScopeId "/"`,
      ],
      links: [EXO_PERMISSIONS_DOC],
    }),
  ];
}

/** Another admin gives an app's service principal one of the Entra roles Exchange accepts for app-only. */
export function appRoleFix(appId: string): Remediation {
  return fix({
    summary: `Another admin (Privileged Role Administrator or Global Administrator) assigns Exchange Administrator (or, to only read, Global Reader) to the service principal of app ${appId}. The next token carries the role.`,
    runBy: 'another-admin',
    commands: [
      'Connect-MgGraph -Scopes RoleManagement.ReadWrite.Directory,Application.Read.All',
      `$sp = Get-MgServicePrincipal -Filter "appId eq '${appId}'"`,
      `New-MgRoleManagementDirectoryRoleAssignment -PrincipalId $sp.Id -RoleDefinitionId ${ENTRA_ROLES.exchangeAdministrator.templateId} -DirectoryScopeId "/"`,
    ],
    links: [APP_ONLY_DOC],
  });
}

/** Another admin grants Exchange.ManageAsApp to an app, with admin consent. */
export function manageAsAppFix(session: ExoSession): Remediation {
  const app = session.clientId;
  return fix({
    summary: `Another admin (Global Administrator, or Privileged Role Administrator) grants app ${app} the application permission ${MANAGE_AS_APP.value} of Office 365 Exchange Online, with admin consent (the consent page below does it in one step once the permission is in the app registration).`,
    runBy: 'another-admin',
    commands: [
      'Connect-MgGraph -Scopes AppRoleAssignment.ReadWrite.All,Application.Read.All',
      `$sp = Get-MgServicePrincipal -Filter "appId eq '${app}'"`,
      `$exo = Get-MgServicePrincipal -Filter "appId eq '${MANAGE_AS_APP.resourceAppId}'"`,
      `New-MgServicePrincipalAppRoleAssignment -ServicePrincipalId $sp.Id -PrincipalId $sp.Id -ResourceId $exo.Id -AppRoleId ${MANAGE_AS_APP.id}`,
    ],
    links: [`https://${session.cloud.loginHost}/${session.tenantId}/adminconsent?client_id=${app}`, APP_ONLY_DOC],
  });
}

/** What Exchange answered, for evidence; texts that name a person or tenant are marked sensitive. */
export function exchangeEvidence(err: ExchangeError, client: ExchangeClient, session: ExoSession): Evidence[] {
  const domain = session.upn?.split('@')[1]?.toLowerCase();
  const named = (text: string) => {
    const lower = text.toLowerCase();
    return lower.includes('@') || lower.includes(session.tenantId.toLowerCase()) || /\.onmicrosoft\.|\.partner\.onmschina\./.test(lower) || (domain !== undefined && lower.includes(domain));
  };
  const reason = err.reason;
  return [
    evidence('HTTP status', String(err.status)),
    evidence('Error code', err.code),
    (named(reason) ? sensitive : evidence)('Exchange answered', reason),
    ...(err.diagnostics ? [evidence('x-ms-diagnostics', err.diagnostics)] : []),
    evidence('client-request-id', err.clientRequestId),
    ...(err.requestId ? [evidence('request-id', err.requestId)] : []),
    evidence('Route', client.route === 'direct' ? `direct to ${session.cloud.exchangeHost}` : `${session.cloud.exchangeHost} through ${client.route}`),
  ];
}

/** HTTP 429 that the check could not wait out. */
export function throttledFailure(err: ExchangeThrottledError, facts: Evidence[], rerun: string) {
  const wait = err.retryAfterSeconds !== undefined ? `${err.retryAfterSeconds} seconds` : 'an unstated time';
  return fail(`Exchange Online is throttling this tenant: ${err.cmdlet} got HTTP 429 (Too Many Requests) and was asked to wait ${wait}, longer than this check may wait.`, {
    evidence: [
      ...facts,
      ...(err.retryAfterSeconds !== undefined ? [evidence('Retry-After', `${err.retryAfterSeconds} s`)] : []),
      ...Object.entries(err.rateLimit).map(([name, value]) => evidence(name, value)),
    ],
    remediation: fix({
      summary: `Wait ${wait} and run the doctor again. If it keeps happening, look for scripts or tools calling Exchange Online in a loop with the same account or app.`,
      runBy: 'admin',
      commands: [rerun],
      links: ['https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/exchange-online-throttling'],
    }),
  });
}

/** No HTTP answer from the Exchange host: the network checks say why. */
export function unreachableFailure(err: HttpFailure, session: ExoSession, route: string) {
  return fail(`No answer from ${session.cloud.exchangeHost} (${err.code}): ${err.message}. The endpoints, proxy-health and tls-inspection checks show where the way is blocked.`, {
    evidence: [evidence('Error', `${err.code}: ${err.message}`), evidence('Route', route === 'direct' ? `direct to ${session.cloud.exchangeHost}` : `${session.cloud.exchangeHost} through ${route}`)],
    remediation: fix({
      summary: `Allow HTTPS (TCP 443) from this machine to ${session.cloud.exchangeHost}, directly or through the proxy.`,
      runBy: 'network-team',
      links: ['https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges'],
    }),
  });
}

/** A token Exchange cannot accept, told from its own claims: expired, another audience, another tenant. */
function tokenProblem(session: ExoSession, now: Date): string | undefined {
  const { claims } = session;
  const exp = typeof claims['exp'] === 'number' ? claims['exp'] * 1000 : undefined;
  if (exp !== undefined && exp <= now.getTime()) return `the token expired at ${new Date(exp).toISOString()}`;
  const aud = String(claims['aud'] ?? '').replace(/\/$/, '');
  if (aud && aud !== session.cloud.exchangeResource && aud !== MANAGE_AS_APP.resourceAppId) return `the token is for ${aud}, not for ${session.cloud.exchangeResource}`;
  const tid = claims['tid'];
  if (typeof tid === 'string' && tid.toLowerCase() !== session.tenantId.toLowerCase()) return `the token was issued by tenant ${tid}, not by ${session.tenantId}`;
  return undefined;
}

export const exoConnection = defineCheck({
  id: 'exo-connection',
  title: 'Exchange Online answers a read-only cmdlet',
  dependsOn: [exoToken, proxyConfig],
  timeout: exchangeTimeLimit,
  async run(ctx, deps) {
    const session = deps['exo-token'];
    const deadline = new Date(ctx.now().getTime() + exchangeTimeLimit(ctx.config.timeoutMs) - 1000);
    const client = await ExchangeClient.open(ctx, deps['proxy-config'], session, { timeoutMs: ctx.config.timeoutMs, deadline, signal: ctx.signal });
    const who = session.appOnly ? `the app ${session.clientId}` : (session.upn ?? 'the signed-in account');
    const rerun = `exo-doctor --only exo-connection${session.upn ? ` --upn ${session.upn}` : ''}`;
    try {
      ctx.step(`running Get-OrganizationConfig on ${session.cloud.exchangeHost}`);
      const [organization] = await client.invoke('Get-OrganizationConfig');
      const call = client.lastCall;
      const facts = [
        session.appOnly ? evidence('Signed in as', `app ${session.clientId}`) : sensitive('Signed in as', who),
        ...(client.anchorMailbox ? [sensitive('X-AnchorMailbox', client.anchorMailbox)] : []),
        evidence('Route', client.route === 'direct' ? `direct to ${session.cloud.exchangeHost}` : `${session.cloud.exchangeHost} through ${client.route}`),
        ...(call ? [evidence('client-request-id', call.clientRequestId)] : []),
      ];
      if (!organization) return fail(`Exchange Online ran Get-OrganizationConfig for ${who} but returned no organisation.`, { evidence: facts, remediation: serviceFix(rerun) });
      const name = String(organization['DisplayName'] ?? organization['Name'] ?? organization['Identity'] ?? 'the organisation');
      return pass(`Exchange Online runs cmdlets for ${who}: Get-OrganizationConfig answered for ${name}.`, {
        evidence: [...facts, sensitive('Organisation', `${name} (${String(organization['Name'] ?? organization['Identity'] ?? '')})`)],
        output: { organization },
      });
    } catch (err) {
      if (err instanceof HttpFailure) return unreachableFailure(err, session, client.route);
      if (!(err instanceof ExchangeError)) throw err;
      const facts = exchangeEvidence(err, client, session);
      if (err instanceof ExchangeThrottledError) return throttledFailure(err, facts, rerun);
      return refusal(err, session, facts, ctx.now(), rerun);
    } finally {
      await client.close();
    }
  },
});

/** Why Exchange refused, from the status, its message and the token's own claims. */
function refusal(err: ExchangeError, session: ExoSession, facts: Evidence[], now: Date, rerun: string) {
  const notAllowed = err.texts.some((t) => /is not allowed to call/i.test(t));
  const oid = typeof session.claims['oid'] === 'string' ? session.claims['oid'] : undefined;
  const appRoles = Array.isArray(session.claims['roles']) ? session.claims['roles'] : [];
  const roleList = EXCHANGE_APP_ONLY_ROLES.map((r) => r.name).join(', ');
  if (session.appOnly && err.status === 403 && (err.body !== 'json' || err.texts.some((t) => /isn't supported in this scenario/i.test(t)))) {
    return fail(
      `Exchange Online refuses app ${session.clientId} (HTTP 403): the app holds none of the Entra roles Exchange accepts for app-only sign-in (${roleList}). A token with Exchange.ManageAsApp alone is not enough.`,
      { evidence: facts, remediation: appRoleFix(session.clientId) },
    );
  }
  if (err.status === 401 && notAllowed) {
    if (session.appOnly) {
      return fail(`App ${session.clientId} has no Exchange role that allows ${err.cmdlet} (Exchange: "${err.exchangeMessage}").`, { evidence: facts, remediation: appRoleFix(session.clientId) });
    }
    const upn = session.upn ?? 'the account';
    return fail(`${upn} connects to Exchange Online but holds no Exchange role that allows ${err.cmdlet} (Exchange: "${err.exchangeMessage}"): it is not an Exchange admin.`, {
      evidence: facts,
      remediation: personRoleFixes(upn, oid),
    });
  }
  if (err.status === 401 && session.appOnly && !appRoles.includes(MANAGE_AS_APP.value)) {
    return fail(`Exchange Online refuses the token of app ${session.clientId} (HTTP 401): it does not carry the application permission ${MANAGE_AS_APP.value}, so the app was never granted it or admin consent is missing.`, {
      evidence: [...facts, evidence('Token roles', appRoles.length ? appRoles.join(', ') : 'none')],
      remediation: manageAsAppFix(session),
    });
  }
  const token = err.status === 401 ? tokenProblem(session, now) : undefined;
  if (token) {
    return fail(`Exchange Online refuses the token (HTTP 401): ${token}.`, {
      evidence: facts,
      remediation: fix({ summary: 'Sign in again for a fresh token for Exchange Online in this tenant (the doctor does it when run again).', runBy: 'admin', commands: [rerun] }),
    });
  }
  if (err.status === 401 && !session.appOnly && session.upn) {
    const roles = exchangeRolesIn(session.claims);
    const holding = roles.length ? `holds ${roles.map((r) => r.name).join(', ')}` : undefined;
    const summary = holding
      ? `Exchange Online refuses ${session.upn} ("${err.exchangeMessage}", HTTP 401) although the token is valid and the account ${holding}: most likely the account's PowerShell access (EXOModuleEnabled / RemotePowerShellEnabled) is off. The account cannot turn it back on itself.`
      : `Exchange Online refuses ${session.upn} ("${err.exchangeMessage}", HTTP 401) although the token is valid: either the account's PowerShell access (EXOModuleEnabled / RemotePowerShellEnabled) is off, or it has no Exchange role at all.`;
    return fail(summary, {
      evidence: [...facts, evidence('Exchange roles in the token', holding ? roles.map((r) => r.name).join(', ') : 'none')],
      remediation: holding ? powerShellAccessFix(session.upn) : [powerShellAccessFix(session.upn), ...personRoleFixes(session.upn, oid)],
    });
  }
  return fail(`Exchange Online did not run ${err.cmdlet} for ${session.appOnly ? `app ${session.clientId}` : (session.upn ?? 'the account')}: HTTP ${err.status} ${err.code} ("${err.reason}").`, {
    evidence: facts,
    remediation: serviceFix(rerun),
  });
}

function serviceFix(rerun: string): Remediation {
  return fix({
    summary: 'Run the doctor again in a few minutes. If it persists, check Exchange Online in the service health dashboard and open a support request quoting the client-request-id.',
    runBy: 'admin',
    commands: [rerun],
    links: [SERVICE_HEALTH],
  });
}
