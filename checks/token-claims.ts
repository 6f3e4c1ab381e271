/**
 * token-claims: what the Exchange token says, explained and never printed. The claims decide what
 * Exchange Online does with the token: `aud` must be Exchange of the right cloud, `tid` the tenant, `exp`
 * in the future by Microsoft's clock; `wids` are the Entra roles Exchange maps to its role groups; `amr`
 * tells whether MFA was done. Claim reference:
 * https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
 */
import { MICROSOFT_APPS } from '../src/knowledge/microsoft-ids.js';
import { doctorCommand } from '../src/invocation.js';
import { CAUSE } from '../src/causes.js';
import { defineCheck } from '../src/check.js';
import { ENTRA_ROLES, EXCHANGE_APP_ONLY_ROLES, roleByTemplateId } from '../src/knowledge/entra-roles.js';
import { type Evidence, evidence, fail, fix, pass, sensitive, warn } from '../src/result.js';
import { exoToken } from './exo-token.js';
import { tenantDiscovery } from './tenant-discovery.js';

const EXCHANGE_ONLINE_APP_ID = MICROSOFT_APPS.exchangeOnline;
const CLAIMS_DOC = 'https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference';
const ROLES_DOC = 'https://learn.microsoft.com/exchange/permissions-exo/permissions-exo';

/**
 * Templates every token lists that grant nothing: the default User role of members, and the one every
 * app-only token carries (observed: fixtures/microsoft/exchange/exo-access-token-claims-app.json).
 */
const DEFAULT_WIDS = new Set([ENTRA_ROLES.user.templateId, '0997a1d0-0d1d-4acb-b408-d5ca73121e90']);

/** Entra roles that Exchange Online turns into Exchange permissions (its role groups). */
const EXCHANGE_ROLE_IDS = new Set(EXCHANGE_APP_ONLY_ROLES.map((r) => r.templateId));

const AMR_WORDS: Readonly<Record<string, string>> = {
  pwd: 'password',
  mfa: 'multi-factor authentication',
  rsa: 'RSA key (Authenticator, FIDO or certificate)',
  otp: 'one-time code',
  fed: 'federated sign-in',
  wia: 'Windows integrated authentication',
  ngcmfa: 'Windows Hello / passkey',
  wiaormfa: 'Windows integrated or MFA',
  sms: 'text message',
  kba: 'security questions',
  face: 'face',
  fido: 'FIDO2 key',
  hwk: 'hardware key',
  pop: 'proof of possession',
  swk: 'software key',
  tel: 'telephone',
  vpn: 'VPN',
  x509: 'certificate',
};

interface TokenFacts {
  /** Names of the Entra roles active in the token (`wids`), without the default User role. */
  readonly roles: readonly string[];
  readonly mfaPerformed?: boolean;
}

export const tokenClaims = defineCheck({
  id: 'token-claims',
  title: 'What the Exchange token says (audience, tenant, roles, MFA, expiry)',
  dependsOn: [exoToken, tenantDiscovery],
  async run(ctx, deps) {
    const session = deps['exo-token'];
    const tenant = deps['tenant-discovery'];
    const c = session.claims;
    const now = ctx.now();
    const aud = str(c['aud']);
    const tid = str(c['tid']);
    const exp = typeof c['exp'] === 'number' ? new Date(c['exp'] * 1000) : undefined;
    const wids = Array.isArray(c['wids']) ? c['wids'].filter((w): w is string => typeof w === 'string') : [];
    const roleNames = wids
      .filter((id) => !DEFAULT_WIDS.has(id.toLowerCase()))
      .map((id) => roleByTemplateId(id)?.name ?? `role template ${id}`);
    const amr = Array.isArray(c['amr']) ? c['amr'].filter((a): a is string => typeof a === 'string') : undefined;
    const scopes = str(c['scp'])?.split(' ').filter(Boolean) ?? [];
    const appRoles = Array.isArray(c['roles']) ? c['roles'].filter((r): r is string => typeof r === 'string') : [];

    const facts: Evidence[] = [
      evidence('Audience (aud)', aud ?? 'none'),
      evidence('Issuer (iss)', str(c['iss'])?.replace(/[0-9a-f-]{36}/i, '<tenant id>') ?? 'none'),
      sensitive('Tenant (tid)', tid ?? 'none'),
      ...(session.appOnly
        ? [evidence('Application (appid)', str(c['appid']) ?? str(c['azp']) ?? 'none'), evidence('Application permissions (roles)', appRoles.join(', ') || 'none')]
        : [sensitive('Account (upn)', session.upn ?? 'none'), evidence('Client (appid)', str(c['appid']) ?? 'none'), evidence('Scopes (scp)', scopes.join(' ') || 'none')]),
      evidence('Entra roles (wids)', roleNames.join(', ') || 'none'),
      ...(amr ? [evidence('Sign-in methods (amr)', amr.map((a) => AMR_WORDS[a] ?? a).join(', '))] : []),
      evidence('Expires (exp)', exp ? `${exp.toISOString().replace(/\.\d+Z$/, 'Z')} (${describeLeft(exp.getTime() - now.getTime())})` : 'no expiry claim'),
      evidence('Token version (ver)', str(c['ver']) ?? 'none'),
    ];

    const expected = session.cloud.exchangeResource;
    if (aud !== expected && aud !== `${expected}/` && aud !== EXCHANGE_ONLINE_APP_ID) {
      return fail(`The token is for ${aud ?? 'no audience'}, not for Exchange Online (${expected}): Exchange refuses it with 401.`, {
        evidence: facts,
        remediation: fix({
          summary: `Get a token for the Exchange resource, scope ${expected}/.default (Connect-ExchangeOnline -AccessToken needs exactly that), or let the doctor sign in itself.`,
          runBy: 'admin',
          commands: [doctorCommand(ctx.config, `${session.upn ? `--upn ${session.upn} ` : ''}--sign-in device-code`)],
          links: [CLAIMS_DOC],
        }),
      });
    }
    const tenantIsId = /^[0-9a-f-]{36}$/i.test(tenant.tenantId);
    if (tid && tenantIsId && tid.toLowerCase() !== tenant.tenantId.toLowerCase()) {
      return fail(`The token was issued by another tenant than the one being diagnosed (${tid} instead of ${tenant.tenantId}): Exchange answers for the token's tenant only.`, {
        evidence: facts,
        remediation: fix({
          summary: 'Sign in to the right tenant: a guest account signs in to its home tenant unless the tenant is named (Connect-ExchangeOnline -Organization or -DelegatedOrganization).',
          runBy: 'admin',
          commands: [`Connect-ExchangeOnline ${session.upn ? `-UserPrincipalName ${session.upn} ` : ''}-Organization ${tenant.query}`],
          links: [CLAIMS_DOC],
        }),
      });
    }
    if (exp && exp.getTime() <= now.getTime()) {
      return fail(`The token expired ${describeLeft(exp.getTime() - now.getTime())}: Exchange refuses it with 401.`, {
        evidence: facts,
        remediation: fix({ summary: 'Get a new token (they last about an hour), or let the doctor sign in itself.', runBy: 'admin', commands: [doctorCommand(ctx.config, `${session.upn ? `--upn ${session.upn} ` : ''}--sign-in device-code`)] }),
      });
    }
    const output: TokenFacts = { roles: roleNames, ...(amr ? { mfaPerformed: amr.includes('mfa') || amr.includes('ngcmfa') } : {}) };
    const exchangeRoles = wids.filter((id) => EXCHANGE_ROLE_IDS.has(id.toLowerCase())).map((id) => roleByTemplateId(id)?.name as string);
    const who = session.appOnly ? 'the application' : 'the account';
    if (exchangeRoles.length === 0) {
      return warn(
        `The token is for Exchange Online in the right tenant, but ${who} holds no Entra role that Exchange maps to admin permissions (wids: ${roleNames.join(', ') || 'none'}). ` +
          'Cmdlets will be refused unless Exchange role groups grant them directly, or a PIM-eligible role is activated first.',
        {
          cause: session.appOnly ? CAUSE.appNoExchangeRole : CAUSE.noExchangeRole,
          evidence: facts,
          output,
          remediation: fix({
            summary: `Another admin assigns ${who} a role such as Exchange Administrator (or, for a person, activates an eligible role in Privileged Identity Management), then sign in again.`,
            runBy: 'another-admin',
            commands: session.appOnly
              ? [`New-MgRoleManagementDirectoryRoleAssignment -PrincipalId (Get-MgServicePrincipal -Filter "appId eq '${session.clientId}'").Id -RoleDefinitionId ${ENTRA_ROLES.exchangeAdministrator.templateId} -DirectoryScopeId "/"`]
              : [`New-MgRoleManagementDirectoryRoleAssignment -PrincipalId (Get-MgUser -UserId ${session.upn ?? '<upn>'}).Id -RoleDefinitionId ${ENTRA_ROLES.exchangeAdministrator.templateId} -DirectoryScopeId "/"`],
            links: [ROLES_DOC],
          }),
        },
      );
    }
    return pass(`The token is for Exchange Online in the right tenant, valid ${describeLeft(exp ? exp.getTime() - now.getTime() : Number.NaN)}, with ${exchangeRoles.join(', ')}.`, {
      evidence: facts,
      output,
    });
  },
});

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `52 min left`, `3 h 10 min left`, `12 min ago` (negative). */
function describeLeft(ms: number): string {
  if (Number.isNaN(ms)) return 'with no expiry';
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const amount = minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
  return ms >= 0 ? `${amount} left` : `${amount} ago`;
}
