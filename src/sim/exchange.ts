/**
 * The Exchange admin API the module's cmdlets call: POST /adminapi/beta/{tenant}/InvokeCommand with a
 * `CmdletInput` body (docs/exchange-rest.md#the-rest-transport). Read-only: it answers a handful of Get-
 * cmdlets with Exchange's RBAC, and refuses everything else.
 *
 * Microsoft documents neither this API nor its refusals. Where the shape is observed by third parties
 * it is reproduced (401 "User is not allowed to call …", `details[].message` as `code|type|text`, paging
 * by `@odata.nextLink`); the rest is this world's choice, listed in docs/simulated-world.md, and the
 * doctor must not depend on its wording.
 */
import { randomUUID } from 'node:crypto';
import { APP_ONLY_ROLES, type Role, ROLES, roleWithId } from './roles.js';
import { json, type SimRequest, type SimResponse } from './http.js';
import { EXCHANGE_APP_ROLE, EXCHANGE_DELEGATED_SCOPES, stableGuid } from './ids.js';
import type { ScenarioUser } from './scenario.js';
import type { Tenant } from './tenant.js';
import type { TokenIssuer } from './tokens.js';

type Caller = { readonly kind: 'user'; readonly user: ScenarioUser } | { readonly kind: 'app'; readonly appId: string; readonly wids: readonly string[] };

interface Cmdlet {
  /** Entra roles whose Exchange role groups may run it against anyone. */
  readonly roles: readonly Role[];
  /** Any user may run it about themselves (the default role assignment policy, MyBaseOptions). */
  readonly self?: boolean;
  run(tenant: Tenant, parameters: Record<string, unknown>): Record<string, unknown>[] | { notFound: string };
}

const R = ROLES;
const ORGANIZATION_READERS = [R.globalAdministrator, R.exchangeAdministrator, R.globalReader, R.securityAdministrator, R.securityReader, R.complianceAdministrator];
const RECIPIENT_READERS = [...ORGANIZATION_READERS, R.exchangeRecipientAdministrator, R.helpdeskAdministrator];

function userRecord(tenant: Tenant, user: ScenarioUser): Record<string, unknown> {
  return {
    Identity: user.upn.split('@')[0],
    Name: user.upn.split('@')[0],
    DisplayName: user.displayName,
    UserPrincipalName: user.upn,
    WindowsEmailAddress: user.hasMailbox ? user.upn : '',
    RecipientType: user.hasMailbox ? 'UserMailbox' : 'User',
    RecipientTypeDetails: user.hasMailbox ? 'UserMailbox' : 'User',
    AccountDisabled: !user.enabled,
    RemotePowerShellEnabled: user.exoModuleEnabled,
    EXOModuleEnabled: user.exoModuleEnabled,
    ExternalDirectoryObjectId: user.id,
    Guid: stableGuid(`${tenant.id}/exo/${user.id}`),
    OrganizationId: tenant.initialDomain,
  };
}

function findUser(tenant: Tenant, identity: unknown): ScenarioUser | undefined {
  return typeof identity === 'string' ? tenant.user(identity) ?? tenant.scenario.users.find((u) => u.upn.split('@')[0]?.toLowerCase() === identity.toLowerCase()) : undefined;
}

const CMDLETS: Readonly<Record<string, Cmdlet>> = {
  'get-organizationconfig': {
    roles: ORGANIZATION_READERS,
    run: (tenant) => [
      {
        Identity: tenant.initialDomain,
        Name: tenant.initialDomain,
        DisplayName: tenant.scenario.tenant.displayName,
        Guid: stableGuid(`${tenant.id}/organization`),
        OAuth2ClientProfileEnabled: tenant.scenario.exchange.oauth2ClientProfileEnabled,
        IsDehydrated: false,
        ExchangeVersion: '0.20 (15.0.0.0)',
        DefaultAuthenticationPolicy: null,
      },
    ],
  },
  'get-user': {
    roles: RECIPIENT_READERS,
    self: true,
    run: (tenant, parameters) => {
      if (parameters['Identity'] === undefined) return tenant.scenario.users.map((u) => userRecord(tenant, u));
      const user = findUser(tenant, parameters['Identity']);
      return user ? [userRecord(tenant, user)] : { notFound: String(parameters['Identity']) };
    },
  },
  'get-mailbox': {
    roles: RECIPIENT_READERS,
    self: true,
    run: (tenant, parameters) => {
      const mailboxes = tenant.scenario.users.filter((u) => u.hasMailbox);
      const pick = parameters['Identity'] === undefined ? mailboxes : mailboxes.filter((u) => u === findUser(tenant, parameters['Identity']));
      if (pick.length === 0 && parameters['Identity'] !== undefined) return { notFound: String(parameters['Identity']) };
      return pick.map((u) => ({ ...userRecord(tenant, u), PrimarySmtpAddress: u.upn, RecipientTypeDetails: 'UserMailbox' }));
    },
  },
  'get-accepteddomain': {
    roles: RECIPIENT_READERS,
    run: (tenant) =>
      tenant.scenario.tenant.domains.map((d, index) => ({
        Identity: d,
        Name: d,
        DomainName: d,
        DomainType: 'Authoritative',
        Default: index === 0,
        InitialDomain: d === tenant.initialDomain,
      })),
  },
};

/** An Exchange error body: `error.code`, `error.message` and `details[].message` as `code|type|text`. */
function exoError(status: number, code: string, message: string, detail?: { id: string; type: string; text: string }): SimResponse {
  return json(status, {
    error: {
      code,
      message,
      details: detail ? [{ code: 'Client', target: '', message: `${detail.id}|${detail.type}|${detail.text}` }] : [],
      innererror: { message, type: 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException' },
    },
  });
}

const UNAUTHORIZED = (reason: string): SimResponse => ({
  ...exoError(401, 'Unauthorized', 'UnAuthorized'),
  headers: { 'www-authenticate': 'Bearer client_id="00000002-0000-0ff1-ce00-000000000000", token_types="app_asserted_user_v1 service_asserted_app_v1"', 'x-ms-diagnostics': `2000001;reason="${reason}"` },
});

export class ExchangeService {
  constructor(
    private readonly tenant: Tenant,
    private readonly issuer: TokenIssuer,
  ) {}

  handle(req: SimRequest): SimResponse {
    const m = /^\/adminapi\/(beta|v2\.0)\/([^/]+)\/InvokeCommand$/i.exec(req.path);
    if (!m) return exoError(404, 'NotFound', 'The requested resource does not exist.');
    if (req.method !== 'POST') return exoError(405, 'MethodNotAllowed', 'InvokeCommand takes POST.');
    let body: unknown;
    try {
      body = JSON.parse(req.body);
    } catch {
      return exoError(400, 'BadRequest', 'The request body is not valid JSON.');
    }
    const input = (body as { CmdletInput?: { CmdletName?: unknown; Parameters?: unknown } } | null)?.CmdletInput;
    const cmdletName = typeof input?.CmdletName === 'string' ? input.CmdletName : '';
    req.note({ cmdlet: cmdletName });

    const caller = this.authenticate(req, m[2] as string);
    if ('status' in caller) return caller;
    // Delegated calls are routed by the anchor mailbox; app-only calls work without one (observed, see docs).
    if (caller.kind === 'user' && !req.headers['x-anchormailbox']) {
      return exoError(400, 'BadRequest', 'The X-AnchorMailbox header is required to route the request.');
    }
    if (!cmdletName) return exoError(400, 'BadRequest', 'CmdletInput.CmdletName is missing.');
    const cmdlet = CMDLETS[cmdletName.toLowerCase()];
    if (!cmdlet) {
      return exoError(400, 'BadRequest', 'Error executing cmdlet', {
        id: 'Ex6F9304',
        type: 'System.Management.Automation.CommandNotFoundException',
        text: `The term '${cmdletName}' is not recognized as a name of a cmdlet available in this read-only simulated tenant.`,
      });
    }
    const parameters = typeof input?.Parameters === 'object' && input.Parameters !== null ? (input.Parameters as Record<string, unknown>) : {};
    const refused = this.authorize(caller, cmdletName, cmdlet, parameters);
    if (refused) return refused;

    const result = cmdlet.run(this.tenant, parameters);
    if ('notFound' in result) {
      return exoError(404, 'NotFound', 'Error executing cmdlet', {
        id: 'Ex6F9304',
        type: 'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
        text: `The operation couldn't be performed because object '${result.notFound}' couldn't be found on '${this.tenant.initialDomain}'.`,
      });
    }
    return this.page(req, m[1] as string, m[2] as string, result);
  }

  private authenticate(req: SimRequest, tenantSegment: string): Caller | SimResponse {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers['authorization'] ?? '')?.[1];
    if (!token) return UNAUTHORIZED('The Authorization header is missing');
    const check = this.issuer.verifyAccessToken(token, [this.tenant.cloud.exchangeResource], req.now);
    if (!check.ok) return UNAUTHORIZED(`Token validation failed: ${check.reason}`);
    if (!this.tenant.matches(tenantSegment)) return UNAUTHORIZED('The tenant in the URL is not the tenant of the token');
    const { claims } = check;
    req.note({ clientId: String(claims['appid']) });
    if (claims['idtyp'] === 'app') {
      const roles = Array.isArray(claims['roles']) ? (claims['roles'] as string[]) : [];
      if (!roles.includes(EXCHANGE_APP_ROLE)) return UNAUTHORIZED(`The application lacks the ${EXCHANGE_APP_ROLE} permission`);
      return { kind: 'app', appId: String(claims['appid']), wids: Array.isArray(claims['wids']) ? (claims['wids'] as string[]) : [] };
    }
    const scopes = String(claims['scp'] ?? '').split(' ');
    if (!EXCHANGE_DELEGATED_SCOPES.some((s) => scopes.includes(s))) return UNAUTHORIZED('The token has no Exchange admin API scope');
    const user = this.tenant.user(String(claims['oid']));
    if (!user) return UNAUTHORIZED('Unknown user');
    // EXOModuleEnabled / RemotePowerShellEnabled false: the account may not use Exchange Online PowerShell at all.
    if (!user.exoModuleEnabled) return UNAUTHORIZED('PowerShell access is disabled for the user');
    return { kind: 'user', user };
  }

  private authorize(caller: Caller, cmdletName: string, cmdlet: Cmdlet, parameters: Record<string, unknown>): SimResponse | undefined {
    if (caller.kind === 'app') {
      const supported = caller.wids.some((id) => APP_ONLY_ROLES.some((r) => r.templateId === id));
      if (!supported) {
        // Observed: 403 with a body that is not JSON; the world carries the module's own message instead.
        return exoError(
          403,
          'Forbidden',
          `The role assigned to application ${caller.appId} isn't supported in this scenario. Please check online documentation for assigning correct Directory Roles to Azure AD Application for EXO App-Only Authentication.`,
        );
      }
      const held = caller.wids.map((id) => roleWithId(id)).filter((r): r is Role => r !== undefined);
      return cmdlet.roles.some((r) => held.includes(r)) ? undefined : notAllowed('Application', cmdletName);
    }
    const { user } = caller;
    if (cmdlet.roles.some((r) => user.roles.includes(r.name))) return undefined;
    const aboutSelf = parameters['Identity'] !== undefined && findUser(this.tenant, parameters['Identity'])?.id === user.id;
    return cmdlet.self && aboutSelf ? undefined : notAllowed('User', cmdletName);
  }

  /** One page of results; the rest by re-posting the same body to `@odata.nextLink`. */
  private page(req: SimRequest, version: string, tenantSegment: string, rows: Record<string, unknown>[]): SimResponse {
    const pageSize = Number(/odata\.maxpagesize=(\d+)/i.exec(req.headers['prefer'] ?? '')?.[1] ?? 1000);
    const skip = Number(req.query.get('$skiptoken') ?? 0);
    const select = req.query.get('$select')?.split(',').map((s) => s.trim()).filter(Boolean);
    const value = rows
      .slice(skip, skip + pageSize)
      .map((row) => (select ? Object.fromEntries(Object.entries(row).filter(([k]) => select.includes(k))) : row));
    const base = `https://${req.host}/adminapi/${version}/${tenantSegment}`;
    const next = skip + pageSize < rows.length ? new URL(`${base}/InvokeCommand`) : undefined;
    next?.searchParams.set('$skiptoken', String(skip + pageSize));
    if (next && select) next.searchParams.set('$select', select.join(','));
    return json(
      200,
      {
        '@odata.context': `${base}/$metadata#Collection(Exchange.GenericHashTable)`,
        ...(next ? { '@odata.nextLink': next.toString() } : {}),
        'adminapi.warnings@odata.type': '#Collection(String)',
        '@adminapi.warnings': [],
        value,
      },
      { 'request-id': randomUUID(), 'client-request-id': req.headers['client-request-id'] ?? randomUUID() },
    );
  }
}

function notAllowed(kind: 'User' | 'Application', cmdletName: string): SimResponse {
  return exoError(401, 'Unauthorized', `${kind} is not allowed to call ${cmdletName}`, {
    id: 'Ex7C5A41',
    type: 'Microsoft.Exchange.Configuration.Tasks.CmdletAccessDeniedException',
    text: `The user isn't assigned to any management roles that allow running ${cmdletName}.`,
  });
}
