/**
 * exo-app-principal: the module's enterprise application in the tenant, "Microsoft Exchange REST API
 * Based Powershell" (fb78d390-0c51-40cd-8e17-fdbfab77341b). Disabled, every Connect-ExchangeOnline
 * stops at AADSTS7000112; with "assignment required", everyone not assigned stops at AADSTS50105.
 * Both are read through Microsoft Graph (servicePrincipals, appRoleAssignedTo).
 * See docs/errors.md#aadsts-codes.
 */
import { CAUSE } from '../src/causes.js';
import { defineCheck } from '../src/check.js';
import { GraphClient, graphPath, quoted } from '../src/graph/client.js';
import { withGraph } from '../src/graph/findings.js';
import { GRAPH_PERMISSIONS } from '../src/graph/permissions.js';
import { MICROSOFT_APPS } from '../src/knowledge/microsoft-ids.js';

const EXO_POWERSHELL_APP_ID = MICROSOFT_APPS.exchangePowerShell;
import { type CheckResult, type Evidence, evidence, fail, fix, notChecked, pass, sensitive } from '../src/result.js';
import { graphToken } from './graph-token.js';
import { proxyConfig } from './proxy-config.js';

/** What dependents receive: the service principal as found (absent until the first sign-in). */
export interface ExoAppPrincipal {
  readonly exists: boolean;
  readonly id?: string;
  readonly enabled?: boolean;
  readonly assignmentRequired?: boolean;
}

interface ServicePrincipal {
  readonly id?: string;
  readonly displayName?: string;
  readonly accountEnabled?: boolean;
  readonly appRoleAssignmentRequired?: boolean;
}

interface Assignment {
  readonly principalId?: string;
  readonly principalType?: string;
}

const APP_NAME = 'Microsoft Exchange REST API Based Powershell';
const FIND_SP = `$sp = Get-MgServicePrincipal -Filter "appId eq '${EXO_POWERSHELL_APP_ID}'"`;
const ASSIGN_DOC = 'https://learn.microsoft.com/entra/identity/enterprise-apps/assign-user-or-group-access-portal';
const DISABLE_DOC = 'https://learn.microsoft.com/entra/identity/enterprise-apps/disable-user-sign-in-portal';

export const exoAppPrincipal = defineCheck({
  id: 'exo-app-principal',
  title: `The module's enterprise app (${APP_NAME}) is enabled and open to the account`,
  dependsOn: [graphToken, proxyConfig],
  async run(ctx, deps): Promise<CheckResult<ExoAppPrincipal>> {
    const session = deps['graph-token'];
    const subject = session.subject;
    const who: Evidence[] = subject ? [sensitive('Account', subject.upn)] : [];
    return withGraph(ctx, deps['proxy-config'], session, who, async (graph) => {
      ctx.step(`looking up ${APP_NAME} in the tenant`);
      const found = await graph.sharedReadList<ServicePrincipal>(
        graphPath('/v1.0/servicePrincipals', { $filter: `appId eq ${quoted(EXO_POWERSHELL_APP_ID)}`, $select: 'id,appId,displayName,accountEnabled,appRoleAssignmentRequired' }),
        GRAPH_PERMISSIONS.servicePrincipals,
      );
      if (!found.ok) return notChecked(`The enterprise app could not be looked up: ${found.denial.reason}.`, { evidence: who, remediation: found.denial.remediation });
      const sp = found.value[0];
      if (!sp) {
        return pass(
          `${APP_NAME} has no enterprise app in this tenant yet: Entra ID creates it at the first sign-in to the module, so nothing here can block it.`,
          { evidence: [...who, evidence('Application', `${EXO_POWERSHELL_APP_ID} (not instantiated)`)], output: { exists: false } },
        );
      }
      const output: ExoAppPrincipal = { exists: true, ...(sp.id ? { id: sp.id } : {}), enabled: sp.accountEnabled !== false, assignmentRequired: sp.appRoleAssignmentRequired === true };
      const facts = [
        ...who,
        evidence('Application', `${EXO_POWERSHELL_APP_ID} (${sp.displayName ?? APP_NAME})`),
        evidence('Enabled for users to sign in', sp.accountEnabled === false ? 'no' : 'yes'),
        evidence('Assignment required', sp.appRoleAssignmentRequired ? 'yes' : 'no'),
      ];
      if (sp.accountEnabled === false) {
        return fail(
          `${APP_NAME} is disabled in this tenant: every Connect-ExchangeOnline stops at AADSTS7000112, for every admin. Someone most likely disabled it on purpose to block Exchange Online PowerShell.`,
          {
            cause: CAUSE.exoAppDisabled,
            evidence: facts,
            remediation: fix({
              summary: `Talk to whoever disabled it first. To allow PowerShell again, an Application Administrator (or Global Administrator) turns "Enabled for users to sign in" back on (Entra admin centre → Enterprise applications → ${APP_NAME} → Properties), or runs:`,
              runBy: 'another-admin',
              commands: ['Connect-MgGraph -Scopes Application.ReadWrite.All', FIND_SP, 'Update-MgServicePrincipal -ServicePrincipalId $sp.Id -AccountEnabled:$true'],
              links: [DISABLE_DOC],
            }),
          },
        );
      }
      if (!sp.appRoleAssignmentRequired) return pass(`${APP_NAME} is enabled and open to every user of the tenant.`, { evidence: facts, output });
      if (!subject) {
        return pass(`${APP_NAME} is enabled and requires assignment; app-only sign-in does not use this app, so the assignment was not checked (give --target to check an admin).`, { evidence: facts, output });
      }
      return await assignment(graph, sp.id ?? '', subject, facts, output);
    });
  },
});

/** Whether the account is assigned, directly or through a group it is a direct member of. */
async function assignment(graph: GraphClient, spId: string, subject: { id: string; upn: string }, facts: Evidence[], output: ExoAppPrincipal): Promise<CheckResult<ExoAppPrincipal>> {
  const assigned = await graph.sharedReadList<Assignment>(`/v1.0/servicePrincipals/${encodeURIComponent(spId)}/appRoleAssignedTo`, GRAPH_PERMISSIONS.servicePrincipals, { max: 5000 });
  if (!assigned.ok) return notChecked(`${APP_NAME} requires assignment, and who is assigned could not be read: ${assigned.denial.reason}.`, { evidence: facts, remediation: assigned.denial.remediation });
  const id = subject.id.toLowerCase();
  const direct = assigned.value.some((a) => a.principalId?.toLowerCase() === id);
  const groupIds = assigned.value.filter((a) => a.principalType === 'Group').map((a) => a.principalId?.toLowerCase());
  facts.push(evidence('Assignments', `${assigned.value.length} (${groupIds.length} of them groups)`));
  if (direct) return pass(`${APP_NAME} requires assignment, and the account is assigned.`, { evidence: facts, output });
  if (groupIds.length > 0) {
    // Assignment through a group counts for its direct members only (nested groups do not).
    const memberOf = await graph.readList<{ id?: string }>(graphPath(`/v1.0/users/${encodeURIComponent(subject.id)}/memberOf/microsoft.graph.group`, { $select: 'id' }), GRAPH_PERMISSIONS.groupMembership, { max: 2000 });
    if (!memberOf.ok) return notChecked(`${APP_NAME} requires assignment; the account is not assigned directly, and its groups could not be read: ${memberOf.denial.reason}.`, { evidence: facts, remediation: memberOf.denial.remediation });
    if (memberOf.value.some((g) => groupIds.includes(g.id?.toLowerCase()))) return pass(`${APP_NAME} requires assignment, and the account is assigned through a group.`, { evidence: facts, output });
  }
  return fail(`${APP_NAME} requires assignment and the account is not assigned: Connect-ExchangeOnline stops at AADSTS50105.`, {
    cause: CAUSE.exoAppNotAssigned,
    evidence: facts,
    remediation: fix({
      summary: `An Application Administrator (or Global Administrator) assigns the account, or a group it is a direct member of, to the app (Entra admin centre → Enterprise applications → ${APP_NAME} → Users and groups → Add user/group), or runs:`,
      runBy: 'another-admin',
      commands: [
        'Connect-MgGraph -Scopes AppRoleAssignment.ReadWrite.All,Application.Read.All,User.Read.All',
        FIND_SP,
        `$user = Get-MgUser -UserId ${subject.upn}`,
        'New-MgServicePrincipalAppRoleAssignedTo -ServicePrincipalId $sp.Id -PrincipalId $user.Id -ResourceId $sp.Id -AppRoleId ([Guid]::Empty)',
      ],
      links: [ASSIGN_DOC],
    }),
  });
}
