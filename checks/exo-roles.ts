/**
 * exo-roles: does the account (or app) hold a role that lets it run Exchange admin cmdlets? Connecting
 * needs no role, but every admin cmdlet needs Exchange RBAC, which the Entra roles Exchange
 * Administrator, Global Administrator, Global Reader (and a few more) grant through Exchange's role
 * groups. App-only sign-in needs both Exchange.ManageAsApp and one of eight Entra roles. For another
 * account (`--target`) the token says nothing, so Microsoft Graph is asked, PIM-eligible roles
 * included: an eligible role that was never activated gives no rights.
 * See docs/exchange-rest.md#app-only-certificate-authentication and docs/powershell-access-and-roles.md#rbac-needed.
 */
import { CAUSE } from '../src/causes.js';
import { defineCheck, type CheckContext } from '../src/check.js';
import type { ExoSession, GraphSession } from '../src/auth/identity.js';
import { EXCHANGE_APP_ONLY_ROLES, roleByTemplateId } from '../src/knowledge/entra-roles.js';
import { GraphClient, GraphError } from '../src/graph/client.js';
import { HttpFailure } from '../src/net/http.js';
import type { ProxyPlan } from '../src/net/routes.js';
import { serviceRoute } from '../src/net/service-route.js';
import type { Evidence, Remediation } from '../src/result.js';
import { evidence, fail, fix, notApplicable, notChecked, pass, sensitive } from '../src/result.js';
import { appRoleFix, exchangeRolesIn, exchangeTimeLimit, MANAGE_AS_APP, manageAsAppFix, personRoleFixes } from '../src/exo/findings.js';
import { exoConnection } from './exo-connection.js';
import { exoToken } from './exo-token.js';
import { graphToken } from './graph-token.js';
import { proxyConfig } from './proxy-config.js';
import { includesService } from '../src/services.js';

const PIM_DOC = 'https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-activate-role';
const EXCHANGE_ROLE_NAMES = EXCHANGE_APP_ONLY_ROLES.map((r) => r.name).join(', ');

/** A directory role assignment as Graph lists it, reduced to what matters here. */
interface Assignment {
  readonly name: string;
  readonly templateId: string;
  readonly exchange: boolean;
}

type Lookup = { readonly ok: true; readonly active: readonly Assignment[]; readonly eligible: readonly Assignment[] } | { readonly ok: false; readonly reason: string };

/** Active and eligible roles of a principal, from Graph; undefined when there is no Graph token. */
type LookUp = ((principalId: string) => Promise<Lookup>) | undefined;

export const exoRoles = defineCheck({
  id: 'exo-roles',
  title: 'Exchange admin role of the account or app',
  dependsOn: [exoToken, proxyConfig],
  uses: [exoConnection, graphToken],
  timeout: exchangeTimeLimit,
  async run(ctx, deps) {
    if (!includesService(ctx.config, 'exchange')) return notApplicable('Exchange Online PowerShell is not diagnosed in this run (--service compliance).');
    const session = deps['exo-token'];
    const connected = deps['exo-connection'] !== undefined;
    const graph = deps['graph-token'];
    const lookUp: LookUp = graph ? (principalId) => lookUpRoles(ctx, deps['proxy-config'], graph, principalId) : undefined;
    if (session.appOnly) return appRoles(session, connected, lookUp);
    const upn = session.upn ?? 'the signed-in account';
    const subject = session.subject ?? upn;
    if (subject.toLowerCase() === upn.toLowerCase()) return ownRoles(session, upn, connected, lookUp);
    return targetRoles(subject, upn, graph, lookUp);
  },
});

/** App-only: Exchange.ManageAsApp in `roles`, and one of the eight Entra roles in `wids` (or, without that claim, in Graph). */
async function appRoles(session: ExoSession, connected: boolean, lookUp: LookUp) {
  const app = `App ${session.clientId}`;
  const permissions = Array.isArray(session.claims['roles']) ? session.claims['roles'].map(String) : [];
  const facts = [evidence('Application permissions in the token', permissions.join(', ') || 'none')];
  if (!permissions.includes(MANAGE_AS_APP.value)) {
    return fail(`${app} lacks the application permission ${MANAGE_AS_APP.value} of Office 365 Exchange Online (or admin consent for it), so Exchange Online refuses its tokens.`, {
      cause: CAUSE.appNoManageAsApp,
      evidence: facts,
      remediation: manageAsAppFix(session),
    });
  }
  const oid = typeof session.claims['oid'] === 'string' ? session.claims['oid'] : undefined;
  const inToken = Array.isArray(session.claims['wids']);
  const lookup = !inToken && !connected && lookUp && oid ? await lookUp(oid) : undefined;
  const held = inToken ? exchangeRolesIn(session.claims).map((r) => r.name) : lookup?.ok ? lookup.active.filter((a) => a.exchange).map((a) => a.name) : [];
  facts.push(evidence('Entra roles in the token', inToken ? held.join(', ') || 'none Exchange accepts' : 'not listed (no wids claim)'));
  if (lookup) facts.push(evidence('Active Entra roles (Graph)', lookup.ok ? lookup.active.map((a) => a.name).join(', ') || 'none' : lookup.reason));
  if (held.length > 0) return pass(`${app} has ${MANAGE_AS_APP.value} and the Entra role ${held.join(', ')}.`, { evidence: facts, output: { roles: held } });
  if (connected) return pass(`${app} has ${MANAGE_AS_APP.value}; Exchange ran Get-OrganizationConfig for it, so an Exchange role group gives it its permissions.`, { evidence: facts, output: { roles: [] } });
  if (!inToken && !lookup?.ok) {
    return notChecked(`Cannot tell whether ${app} holds an Entra role Exchange accepts: its token does not list its roles and Microsoft Graph ${lookup ? 'did not answer' : 'was not available'}.`, {
      evidence: facts,
      remediation: fix({
        summary: "List the directory roles of the app's service principal.",
        runBy: 'admin',
        commands: [`Get-MgServicePrincipalMemberOf -ServicePrincipalId (Get-MgServicePrincipal -Filter "appId eq '${session.clientId}'").Id`],
      }),
    });
  }
  return fail(`${app} has ${MANAGE_AS_APP.value} but none of the Entra roles Exchange Online accepts for app-only sign-in (${EXCHANGE_ROLE_NAMES}).`, {
    cause: CAUSE.appNoExchangeRole,
    evidence: facts,
    remediation: appRoleFix(session.clientId),
  });
}

/** The signed-in person: the token's `wids` are theirs; a working connection proves an Exchange role group. */
async function ownRoles(session: ExoSession, upn: string, connected: boolean, lookUp: LookUp) {
  const held = exchangeRolesIn(session.claims);
  const facts = [sensitive('Account', upn), evidence('Entra roles in the token', tokenRoleNames(session) || 'none')];
  if (held.length > 0) {
    return pass(`${upn} holds ${names(held)}, which Exchange Online maps to its admin role groups.${connected ? '' : ' The role is not what stops the connection.'}`, {
      evidence: facts,
      output: { roles: held.map((r) => r.name) },
    });
  }
  if (connected) {
    return pass(`${upn} holds no Entra admin role for Exchange, but Exchange ran Get-OrganizationConfig for it: an Exchange role group gives it its permissions.`, { evidence: facts, output: { roles: [] } });
  }
  const oid = typeof session.claims['oid'] === 'string' ? session.claims['oid'] : undefined;
  return verdict(upn, oid, lookUp && oid ? await lookUp(oid) : undefined, facts, 'admin');
}

/** `--target`: the token's roles are the signed-in admin's, not the target's; only Graph can tell. */
async function targetRoles(subject: string, upn: string, graph: GraphSession | undefined, lookUp: LookUp) {
  const facts: Evidence[] = [sensitive('Account', subject), sensitive('Signed in as', upn)];
  const target = graph?.subject && graph.subject.upn.toLowerCase() === subject.toLowerCase() ? graph.subject : undefined;
  const lookup = target && lookUp ? await lookUp(target.id) : undefined;
  if (target && lookup?.ok) return verdict(subject, target.id, lookup, facts, 'another-admin');
  const why = !graph
    ? 'the doctor has no Microsoft Graph token'
    : !target
      ? `Microsoft Graph did not resolve ${subject}`
      : `Microsoft Graph did not answer (${lookup && !lookup.ok ? lookup.reason : 'no answer'})`;
  return notChecked(`Cannot tell which roles ${subject} holds: the Exchange token lists the roles of ${upn}, not of ${subject}, and ${why}.`, {
    evidence: facts,
    remediation: fix({
      summary: `Let the doctor sign in to Microsoft Graph with RoleManagement.Read.Directory (graph-token), or list the roles of ${subject} yourself.`,
      runBy: 'admin',
      commands: [
        'Connect-MgGraph -Scopes RoleManagement.Read.Directory',
        `Get-MgRoleManagementDirectoryRoleAssignment -Filter "principalId eq '$((Get-MgUser -UserId ${subject}).Id)'" -ExpandProperty roleDefinition | ForEach-Object { $_.RoleDefinition.DisplayName }`,
      ],
    }),
  });
}

/** The verdict for a person whose roles the token did not settle: Graph's active and eligible roles, if read. */
function verdict(upn: string, principalId: string | undefined, lookup: Lookup | undefined, facts: Evidence[], activator: 'admin' | 'another-admin') {
  const evidenceOf = (l: Lookup | undefined) =>
    l?.ok
      ? [evidence('Active Entra roles (Graph)', l.active.map((a) => a.name).join(', ') || 'none'), evidence('Eligible Entra roles (PIM)', l.eligible.map((a) => a.name).join(', ') || 'none')]
      : l
        ? [evidence('Microsoft Graph', l.reason)]
        : [];
  const all = [...facts, ...evidenceOf(lookup)];
  const active = lookup?.ok ? lookup.active.filter((a) => a.exchange) : [];
  if (active.length > 0) return pass(`${upn} holds ${active.map((a) => a.name).join(', ')}, which Exchange Online maps to its admin role groups.`, { evidence: all, output: { roles: active.map((a) => a.name) } });
  const eligible = lookup?.ok ? lookup.eligible.filter((a) => a.exchange) : [];
  if (eligible.length > 0 && principalId) {
    return fail(`${upn} is only eligible for ${eligible.map((a) => a.name).join(', ')} in Privileged Identity Management: until the role is activated it gives no rights in Exchange Online.`, {
      cause: CAUSE.noExchangeRole,
      evidence: all,
      remediation: activationFix(upn, principalId, eligible[0] as Assignment, activator),
    });
  }
  const unseen = activator === 'another-admin' ? ' (membership of an Exchange role group is not visible from Graph)' : '';
  return fail(`${upn} holds none of the Entra roles that give Exchange admin permissions (${EXCHANGE_ROLE_NAMES}) and Exchange did not confirm a role group${unseen}, so admin cmdlets are refused.`, {
    cause: CAUSE.noExchangeRole,
    evidence: all,
    remediation: personRoleFixes(upn, principalId),
  });
}

function activationFix(upn: string, principalId: string, role: Assignment, activator: 'admin' | 'another-admin'): Remediation {
  return fix({
    summary: `${activator === 'admin' ? 'Activate' : `${upn} activates`} the eligible role ${role.name} (Entra admin center › Identity governance › Privileged Identity Management › My roles), then ${activator === 'admin' ? 'sign' : 'signs'} in again so the token carries it.`,
    runBy: activator,
    commands: [
      'Connect-MgGraph -Scopes RoleAssignmentSchedule.ReadWrite.Directory',
      `New-MgRoleManagementDirectoryRoleAssignmentScheduleRequest -BodyParameter @{ action = 'selfActivate'; principalId = '${principalId}'; roleDefinitionId = '${role.templateId}'; directoryScopeId = '/'; justification = 'Exchange Online administration'; scheduleInfo = @{ startDateTime = (Get-Date).ToUniversalTime().ToString('o'); expiration = @{ type = 'AfterDuration'; duration = 'PT8H' } } }`,
    ],
    links: [PIM_DOC],
  });
}

function names(roles: readonly { name: string }[]): string {
  return roles.map((r) => r.name).join(', ');
}

/** Every role in the token's `wids` except the default User role, by name where known. */
function tokenRoleNames(session: ExoSession): string {
  const wids = Array.isArray(session.claims['wids']) ? session.claims['wids'].map(String) : [];
  return wids
    .map((id) => roleByTemplateId(id)?.name ?? id)
    .filter((name) => name !== 'User')
    .join(', ');
}

/** Active and PIM-eligible directory roles of a principal, from Microsoft Graph. */
async function lookUpRoles(ctx: CheckContext, plan: ProxyPlan, graph: GraphSession, principalId: string): Promise<Lookup> {
  ctx.step(`reading the directory roles of ${principalId} from ${graph.graphHost}`);
  const client = new GraphClient(ctx, graph, await serviceRoute(ctx, plan, graph.graphHost), { timeoutMs: ctx.config.timeoutMs, signal: ctx.signal });
  const filter = encodeURIComponent(`principalId eq '${principalId.replace(/'/g, "''")}'`);
  try {
    const [active, eligible] = await Promise.all(
      ['roleAssignments', 'roleEligibilitySchedules'].map(async (set) =>
        (await client.list(`/v1.0/roleManagement/directory/${set}?$filter=${filter}&$expand=roleDefinition`)).map(assignment).filter((a): a is Assignment => a !== undefined),
      ),
    );
    return { ok: true, active: active as Assignment[], eligible: eligible as Assignment[] };
  } catch (err) {
    if (err instanceof GraphError) return { ok: false, reason: `${err.path}: HTTP ${err.status} ${err.code}: ${err.message}` };
    if (err instanceof HttpFailure) return { ok: false, reason: `${err.code}: ${err.message}` };
    throw err;
  } finally {
    await client.close();
  }
}

/** A tenant-wide (`/`) role assignment; one scoped to an administrative unit grants nothing in Exchange. */
function assignment(raw: unknown): Assignment | undefined {
  const a = raw as { roleDefinitionId?: unknown; directoryScopeId?: unknown; roleDefinition?: { templateId?: unknown; displayName?: unknown } } | null;
  if (!a || (a.directoryScopeId !== undefined && a.directoryScopeId !== '/')) return undefined;
  const templateId = String(a.roleDefinition?.templateId ?? a.roleDefinitionId ?? '');
  const known = roleByTemplateId(templateId);
  const name = known?.name ?? (typeof a.roleDefinition?.displayName === 'string' ? a.roleDefinition.displayName : templateId);
  return { name, templateId, exchange: known !== undefined && EXCHANGE_APP_ONLY_ROLES.includes(known) };
}
