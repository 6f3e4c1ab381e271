/**
 * Security & Compliance PowerShell as module 3.2.0 and later reaches it: the same InvokeCommand API as
 * Exchange, on the cloud's compliance host. The global host answers a tenant outside the global forest
 * with a 302 to a regional back end (`https://nam02b.admin.protection.outlook.com:446/…`); the client
 * takes the forest label and sends the same request to `nam02b.ps.compliance.protection.outlook.com`
 * with the same token (docs/compliance-powershell.md#23-regional-redirect-and-how-the-host-is-discovered).
 *
 * The refusals reuse Exchange's observed shapes; Microsoft documents no compliance-specific one (the
 * world's choice, docs/simulated-world.md). Read-only: a few Get- cmdlets, every other one refused.
 */
import { randomUUID } from 'node:crypto';
import { CLOUDS } from '../clouds.js';
import { json, type SimRequest, type SimResponse } from './http.js';
import { EXCHANGE_APP_ROLE, EXCHANGE_DELEGATED_SCOPES } from './ids.js';
import { type Role, ROLES } from './roles.js';
import type { Tenant } from './tenant.js';
import type { TokenIssuer } from './tokens.js';

/** Entra roles that carry a Microsoft Purview role group (Global Administrator is in Organization Management). */
const COMPLIANCE_ROLES: readonly Role[] = [
  ROLES.globalAdministrator,
  ROLES.complianceAdministrator,
  ROLES.globalReader,
  ROLES.securityAdministrator,
  ROLES.securityReader,
  ROLES.securityOperator,
];

/** The roles Microsoft lists for an application connecting with Connect-IPPSSession. */
const APP_ONLY_COMPLIANCE_ROLES: readonly Role[] = [ROLES.complianceAdministrator, ROLES.globalAdministrator, ROLES.globalReader, ROLES.securityAdministrator, ROLES.securityReader];

const CMDLETS: Readonly<Record<string, () => Record<string, unknown>[]>> = {
  'get-retentioncompliancepolicy': () => [{ Name: 'Default retention', Enabled: true, Mode: 'Enforce', DistributionStatus: 'Success' }],
  'get-label': () => [{ Name: 'Confidential', DisplayName: 'Confidential', Priority: 1 }],
};

function sccError(status: number, code: string, message: string, detail?: { id: string; type: string; text: string }): SimResponse {
  return json(status, {
    error: { code, message, details: detail ? [{ code: 'Client', target: '', message: `${detail.id}|${detail.type}|${detail.text}` }] : [], innererror: { message, type: 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException' } },
  });
}

const UNAUTHORIZED = (reason: string): SimResponse => ({
  ...sccError(401, 'Unauthorized', 'UnAuthorized'),
  headers: { 'x-ms-diagnostics': `2000001;reason="${reason}"` },
});

export class ComplianceService {
  constructor(
    private readonly tenant: Tenant,
    private readonly issuer: TokenIssuer,
  ) {}

  /** The hosts it answers: the cloud's compliance host, and the regional one when the tenant has a region. */
  static hosts(region: string | undefined): string[] {
    const global = Object.values(CLOUDS).map((cloud) => cloud.complianceHost);
    return region ? [...global, `${region}.${CLOUDS.O365Default.complianceHost}`] : global;
  }

  handle(req: SimRequest): SimResponse {
    const m = /^\/adminapi\/(beta|v1\.0)\/([^/]+)\/InvokeCommand$/i.exec(req.path);
    if (!m) return sccError(404, 'NotFound', 'The requested resource does not exist.');
    if (req.method !== 'POST') return sccError(405, 'MethodNotAllowed', 'InvokeCommand takes POST.');
    const region = this.tenant.scenario.compliance.region;
    if (region && req.host === this.tenant.cloud.complianceHost) {
      // Outside the global forest: where the tenant lives, on a back end the client does not call itself.
      return { status: 302, headers: { location: `https://${region}.admin.protection.outlook.com:446${req.path}` }, text: '' };
    }
    let body: unknown;
    try {
      body = JSON.parse(req.body);
    } catch {
      return sccError(400, 'BadRequest', 'The request body is not valid JSON.');
    }
    const cmdletName = String((body as { CmdletInput?: { CmdletName?: unknown } } | null)?.CmdletInput?.CmdletName ?? '');
    req.note({ cmdlet: cmdletName });
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers['authorization'] ?? '')?.[1];
    if (!token) return UNAUTHORIZED('The Authorization header is missing');
    const check = this.issuer.verifyAccessToken(token, [this.tenant.cloud.complianceResource], req.now);
    if (!check.ok) return UNAUTHORIZED(`Token validation failed: ${check.reason}`);
    if (!this.tenant.matches(m[2] as string)) return UNAUTHORIZED('The tenant in the URL is not the tenant of the token');
    const { claims } = check;
    req.note({ clientId: String(claims['appid']) });
    const run = CMDLETS[cmdletName.toLowerCase()];
    if (!run) {
      return sccError(400, 'BadRequest', 'Error executing cmdlet', { id: 'Ex6F9304', type: 'System.Management.Automation.CommandNotFoundException', text: `The term '${cmdletName}' is not recognized as a name of a cmdlet.` });
    }
    if (claims['idtyp'] === 'app') {
      const roles = Array.isArray(claims['roles']) ? (claims['roles'] as string[]) : [];
      if (!roles.includes(EXCHANGE_APP_ROLE)) return UNAUTHORIZED(`The application lacks the ${EXCHANGE_APP_ROLE} permission`);
      const wids = Array.isArray(claims['wids']) ? (claims['wids'] as string[]) : [];
      if (!wids.some((id) => APP_ONLY_COMPLIANCE_ROLES.some((r) => r.templateId === id))) {
        return sccError(403, 'Forbidden', `The role assigned to application ${String(claims['appid'])} isn't supported in this scenario. Please check online documentation for assigning correct Directory Roles to Azure AD Application for EXO App-Only Authentication.`);
      }
    } else {
      const scopes = String(claims['scp'] ?? '').split(' ');
      if (!EXCHANGE_DELEGATED_SCOPES.some((s) => scopes.includes(s))) return UNAUTHORIZED('The token has no admin API scope');
      const user = this.tenant.user(String(claims['oid']));
      if (!user) return UNAUTHORIZED('Unknown user');
      if (!user.roles.some((name) => COMPLIANCE_ROLES.some((r) => r.name === name))) {
        return sccError(401, 'Unauthorized', `User is not allowed to call ${cmdletName}`, {
          id: 'Ex7C5A41',
          type: 'Microsoft.Exchange.Configuration.Tasks.CmdletAccessDeniedException',
          text: `The user isn't assigned to any management roles that allow running ${cmdletName}.`,
        });
      }
    }
    const base = `https://${req.host}/adminapi/${m[1]}/${m[2]}`;
    return json(200, { '@odata.context': `${base}/$metadata#Collection(Exchange.GenericHashTable)`, '@adminapi.warnings': [], value: run() }, { 'request-id': randomUUID() });
  }
}

