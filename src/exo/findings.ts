/**
 * What the Exchange checks share: reading why Exchange Online refused a cmdlet, the evidence that goes
 * with it, and the fixes (PowerShell access, roles, app permissions), built from the run's own account,
 * tenant and app. The doctor only tells; another admin runs what changes the tenant.
 */
import { CAUSE } from '../causes.js';
import type { ExoSession } from '../auth/identity.js';
import { doctorCommand } from '../invocation.js';
import { MANAGE_AS_APP } from '../knowledge/microsoft-ids.js';
import { ENTRA_ROLES, EXCHANGE_APP_ONLY_ROLES, type EntraRole, roleByTemplateId } from '../knowledge/entra-roles.js';
import type { HttpFailure } from '../net/http.js';
import { type Evidence, evidence, type FailResult, fail, fix, type NonEmpty, type Remediation, sensitive } from '../result.js';
import type { ExchangeClient, ExchangeError, ExchangeThrottledError } from './client.js';

export const PS_ACCESS_DOC = 'https://learn.microsoft.com/powershell/exchange/disable-access-to-exchange-online-powershell';
const EXO_PERMISSIONS_DOC = 'https://learn.microsoft.com/exchange/permissions-exo/permissions-exo';
const APP_ONLY_DOC = 'https://learn.microsoft.com/powershell/exchange/app-only-auth-powershell-v2';
const SERVICE_HEALTH = 'https://admin.microsoft.com/#/servicehealth';
const THROTTLING_DOC = 'https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/exchange-online-throttling';
const ENDPOINTS_DOC = 'https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges';

export { MANAGE_AS_APP } from '../knowledge/microsoft-ids.js';

/** A check's time limit for Exchange calls: room for one request, and one `Retry-After` wait. */
export const exchangeTimeLimit = (configuredMs: number): number => 2 * configuredMs;

/** The Entra roles in a token's `wids` that Exchange Online maps to its role groups. */
export function exchangeRolesIn(claims: Readonly<Record<string, unknown>>): EntraRole[] {
  const wids = Array.isArray(claims['wids']) ? claims['wids'].filter((w): w is string => typeof w === 'string') : [];
  return wids.map(roleByTemplateId).filter((r): r is EntraRole => r !== undefined && EXCHANGE_APP_ONLY_ROLES.includes(r));
}

/** `<other admin UPN>`: a stand-in for an admin the doctor does not know. */
export const OTHER_ADMIN = '<other admin UPN>';

/** Another admin (or the admin, for someone else) turns PowerShell access back on for `upn`. */
export function powerShellAccessFix(config: { readonly invocation?: string }, upn: string, runBy: 'admin' | 'another-admin' = 'another-admin'): Remediation {
  return fix({
    summary: `${runBy === 'admin' ? 'Turn' : 'Another admin (Exchange Administrator or Global Administrator, or a member of Organization Management or Recipient Management) turns'} PowerShell access back on for ${upn}. The legacy parameter -RemotePowerShellEnabled sets the same flag on module versions that do not know -EXOModuleEnabled. The change takes 15–20 minutes to apply; then ${runBy === 'admin' ? 'run the doctor again with --target' : 'that admin confirms it from outside with the doctor and --target, signed in as themselves'}.`,
    runBy,
    commands: [
      `Set-User -Identity ${upn} -EXOModuleEnabled $true`,
      `Set-User -Identity ${upn} -RemotePowerShellEnabled $true`,
      `Get-User -Identity ${upn} | Format-List UserPrincipalName,EXOModuleEnabled,RemotePowerShellEnabled`,
      doctorCommand(config, `--upn ${OTHER_ADMIN} --target ${upn}`),
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

/** Where the Exchange client went, in words. */
export function routeWords(client: Pick<ExchangeClient, 'route'>, session: ExoSession): string {
  return client.route === 'direct' ? `direct to ${session.cloud.exchangeHost}` : `${session.cloud.exchangeHost} through ${client.route}`;
}

/** What Exchange answered, for evidence; texts that name a person or tenant are marked sensitive. */
export function exchangeEvidence(err: ExchangeError, client: Pick<ExchangeClient, 'route'>, session: ExoSession): Evidence[] {
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
    evidence('Route', routeWords(client, session)),
  ];
}

/** HTTP 429 that the check could not wait out. */
export function throttledFailure(err: ExchangeThrottledError, facts: Evidence[], rerun: string): FailResult {
  const wait = err.retryAfterSeconds !== undefined ? `${err.retryAfterSeconds} seconds` : 'an unstated time';
  return fail(`Exchange Online is throttling this tenant: ${err.cmdlet} got HTTP 429 (Too Many Requests) and was asked to wait ${wait}, longer than this check may wait.`, {
    cause: CAUSE.exchangeThrottled,
    evidence: [
      ...facts,
      ...(err.retryAfterSeconds !== undefined ? [evidence('Retry-After', `${err.retryAfterSeconds} s`)] : []),
      ...Object.entries(err.rateLimit).map(([name, value]) => evidence(name, value)),
    ],
    remediation: fix({
      summary: `Wait ${wait} and run the doctor again. If it keeps happening, look for scripts or tools calling Exchange Online in a loop with the same account or app.`,
      runBy: 'admin',
      commands: [rerun],
      links: [THROTTLING_DOC],
    }),
  });
}

/** No HTTP answer from the Exchange host: the network checks say why. */
export function unreachableFailure(err: HttpFailure, session: ExoSession, client: Pick<ExchangeClient, 'route'>): FailResult {
  return fail(`No answer from ${session.cloud.exchangeHost} (${err.code}): ${err.message}.`, {
    cause: CAUSE.exchangeUnreachable,
    explainedBy: ['proxy-health', 'endpoints', 'tls-inspection'],
    evidence: [evidence('Error', `${err.code}: ${err.message}`), evidence('Route', routeWords(client, session))],
    remediation: fix({
      summary: `Allow HTTPS (TCP 443) from this machine to ${session.cloud.exchangeHost}, directly or through the proxy.`,
      runBy: 'network-team',
      links: [ENDPOINTS_DOC],
    }),
  });
}

/** Why Exchange refused a token it was given, from its own `x-ms-diagnostics` header or the token's claims. */
function tokenRejection(err: ExchangeError, session: ExoSession, now: Date): string | undefined {
  if (err.status !== 401) return undefined;
  // Exchange names a token it could not validate (signature, lifetime, audience, issuer) in x-ms-diagnostics.
  const diagnostics = err.diagnostics ?? '';
  const reason = /reason="([^"]*)"/i.exec(diagnostics)?.[1] ?? diagnostics;
  if (/token validation failed|invalid signature|signature|token (?:has )?expired|lifetime|audience|issuer|malformed|not (?:a )?valid (?:jwt|token)/i.test(reason)) {
    return `Exchange says: "${reason}"`;
  }
  const { claims } = session;
  const exp = typeof claims['exp'] === 'number' ? claims['exp'] * 1000 : undefined;
  if (exp !== undefined && exp <= now.getTime()) return `the token expired at ${new Date(exp).toISOString()}`;
  const aud = String(claims['aud'] ?? '').replace(/\/$/, '');
  if (aud && aud !== session.cloud.exchangeResource && aud !== MANAGE_AS_APP.resourceAppId) return `the token is for ${aud}, not for ${session.cloud.exchangeResource}`;
  const tid = claims['tid'];
  if (typeof tid === 'string' && tid.toLowerCase() !== session.tenantId.toLowerCase()) return `the token was issued by tenant ${tid}, not by ${session.tenantId}`;
  return undefined;
}

/**
 * Why Exchange Online refused a cmdlet, as one finding: an app without a role or without
 * Exchange.ManageAsApp, a person without an Exchange role, a token Exchange cannot use, PowerShell access
 * turned off. Undefined when the refusal says none of these.
 */
export function refusalFinding(
  err: ExchangeError,
  session: ExoSession,
  facts: Evidence[],
  now: Date,
  config: { readonly invocation?: string },
): FailResult | undefined {
  const notAllowed = err.texts.some((t) => /is not allowed to call/i.test(t));
  const appRoles = Array.isArray(session.claims['roles']) ? session.claims['roles'] : [];
  const roleList = EXCHANGE_APP_ONLY_ROLES.map((r) => r.name).join(', ');
  const oid = typeof session.claims['oid'] === 'string' ? session.claims['oid'] : undefined;
  const rerun = doctorCommand(config, session.upn ? `--upn ${session.upn}` : '');
  const token = tokenRejection(err, session, now);
  if (token) {
    return fail(`Exchange Online refuses the token itself (HTTP 401): ${token}. Nothing about the account can be concluded from this refusal.`, {
      cause: CAUSE.tokenRejected,
      evidence: facts,
      remediation: fix({
        summary:
          session.mode === 'access-token'
            ? 'Give the doctor a token Entra ID issued for Exchange Online in this tenant, whole and unedited (it expires after about an hour), or let the doctor sign in itself.'
            : 'Sign in again for a fresh token for Exchange Online in this tenant (the doctor does it when run again).',
        runBy: 'admin',
        commands: [session.mode === 'access-token' ? doctorCommand(config, `${session.upn ? `--upn ${session.upn} ` : ''}--sign-in device-code`) : rerun],
      }),
    });
  }
  if (session.appOnly && err.status === 403 && (err.body !== 'json' || err.texts.some((t) => /isn't supported in this scenario/i.test(t)))) {
    return fail(
      `Exchange Online refuses app ${session.clientId} (HTTP 403): the app holds none of the Entra roles Exchange accepts for app-only sign-in (${roleList}). A token with Exchange.ManageAsApp alone is not enough.`,
      { cause: CAUSE.appNoExchangeRole, evidence: facts, remediation: appRoleFix(session.clientId) },
    );
  }
  if (err.status === 401 && notAllowed) {
    if (session.appOnly) {
      return fail(`App ${session.clientId} has no Exchange role that allows ${err.cmdlet} (Exchange: "${err.exchangeMessage}").`, { cause: CAUSE.appNoExchangeRole, evidence: facts, remediation: appRoleFix(session.clientId) });
    }
    const upn = session.upn ?? 'the account';
    return fail(`${upn} connects to Exchange Online but holds no Exchange role that allows ${err.cmdlet} (Exchange: "${err.exchangeMessage}"): it is not an Exchange admin.`, {
      cause: CAUSE.noExchangeRole,
      evidence: facts,
      remediation: personRoleFixes(upn, oid),
    });
  }
  if (err.status === 401 && session.appOnly && !appRoles.includes(MANAGE_AS_APP.value)) {
    return fail(`Exchange Online refuses the token of app ${session.clientId} (HTTP 401): it does not carry the application permission ${MANAGE_AS_APP.value}, so the app was never granted it or admin consent is missing.`, {
      cause: CAUSE.appNoManageAsApp,
      evidence: [...facts, evidence('Token roles', appRoles.length ? appRoles.join(', ') : 'none')],
      remediation: manageAsAppFix(session),
    });
  }
  if (err.status === 401 && !session.appOnly && session.upn) {
    const roles = exchangeRolesIn(session.claims);
    const holding = roles.length ? `holds ${roles.map((r) => r.name).join(', ')}` : undefined;
    const summary = holding
      ? `Exchange Online refuses ${session.upn} ("${err.exchangeMessage}", HTTP 401) although the token is valid and the account ${holding}: its PowerShell access (EXOModuleEnabled / RemotePowerShellEnabled) is off. The account cannot turn it back on itself.`
      : `Exchange Online refuses ${session.upn} ("${err.exchangeMessage}", HTTP 401) although the token is valid: either the account's PowerShell access (EXOModuleEnabled / RemotePowerShellEnabled) is off, or it has no Exchange role at all.`;
    const remediation: NonEmpty<Remediation> = holding
      ? [powerShellAccessFix(config, session.upn)]
      : [powerShellAccessFix(config, session.upn), ...personRoleFixes(session.upn, oid)];
    return fail(summary, {
      ...(holding ? { cause: CAUSE.powershellAccessOff } : {}),
      evidence: [...facts, evidence('Exchange roles in the token', holding ? roles.map((r) => r.name).join(', ') : 'none')],
      remediation,
    });
  }
  return undefined;
}

/** Exchange did not run the cmdlet for a reason the doctor does not know: Microsoft's side, most likely. */
export function serviceFix(rerun: string): Remediation {
  return fix({
    summary: 'Run the doctor again in a few minutes. If it persists, check Exchange Online in the service health dashboard and open a support request quoting the client-request-id.',
    runBy: 'admin',
    commands: [rerun],
    links: [SERVICE_HEALTH],
  });
}
