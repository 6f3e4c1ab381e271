/**
 * sign-in-log: the account's latest sign-ins to the module's app (fb78d390-…) in the Entra sign-in
 * log, through Microsoft Graph (auditLogs/signIns, Entra ID P1): when, how each ended (the AADSTS code
 * and what it means), and which Conditional Access policies applied with what result. Evidence for the
 * other findings, from the tenant's own record. See docs/mfa.md#sign-in-log.
 */
import { causeOfAadsts } from '../src/causes.js';
import { forAccount } from '../src/knowledge/fixes.js';
import { defineCheck } from '../src/check.js';
import { graphPath, quoted } from '../src/graph/client.js';
import { withGraph } from '../src/graph/findings.js';
import { GRAPH_PERMISSIONS } from '../src/graph/permissions.js';
import { MICROSOFT_APPS } from '../src/knowledge/microsoft-ids.js';

const EXO_POWERSHELL_APP_ID = MICROSOFT_APPS.exchangePowerShell;
import { describeAadsts } from '../src/knowledge/aadsts.js';
import { type CheckResult, type Evidence, evidence, fix, notApplicable, notChecked, pass, sensitive, warn } from '../src/result.js';
import { graphToken } from './graph-token.js';
import { proxyConfig } from './proxy-config.js';

/** One sign-in as the check hands it on. */
export interface SignInSummary {
  readonly at: string;
  readonly errorCode: number;
  readonly failureReason?: string;
  readonly conditionalAccessStatus?: string;
  readonly policies: readonly { readonly displayName: string; readonly result: string }[];
}

interface SignIn {
  readonly createdDateTime?: string;
  readonly status?: { readonly errorCode?: number; readonly failureReason?: string | null } | null;
  readonly conditionalAccessStatus?: string;
  readonly isInteractive?: boolean;
  readonly appliedConditionalAccessPolicies?: readonly { readonly displayName?: string; readonly result?: string; readonly enforcedGrantControls?: readonly string[] }[];
}

/** How many sign-ins are read and shown. */
const LATEST = 5;
const SIGN_IN_LOG_DOC = 'https://learn.microsoft.com/entra/identity/monitoring-health/concept-sign-ins';
const WINDOW = 'the log keeps 30 days with Entra ID P1 or P2 (7 days without, in the admin centre only), and a sign-in shows up a few minutes after it happens';

export const signInLog = defineCheck({
  id: 'sign-in-log',
  title: "The account's latest sign-ins to Exchange Online PowerShell, from the Entra sign-in log",
  dependsOn: [graphToken, proxyConfig],
  async run(ctx, deps): Promise<CheckResult<readonly SignInSummary[]>> {
    const session = deps['graph-token'];
    const subject = session.subject;
    if (!subject) {
      return notApplicable('There is no account whose sign-ins to read: the sign-in is app-only and no --target names an admin.');
    }
    const who: Evidence[] = [sensitive('Account', subject.upn)];
    return withGraph(ctx, deps['proxy-config'], session, who, async (graph) => {
      ctx.step(`reading the sign-in log on ${session.graphHost}`);
      const path = graphPath('/v1.0/auditLogs/signIns', { $filter: `userId eq ${quoted(subject.id)} and appId eq ${quoted(EXO_POWERSHELL_APP_ID)}`, $top: LATEST });
      // $top sets the page size; the first page holds the latest sign-ins (newest first).
      const read = await graph.readList<SignIn>(path, GRAPH_PERMISSIONS.signIns, { max: LATEST });
      if (!read.ok) {
        const licence = read.denial.error.unlicensed ? ' The sign-in log in Graph needs Microsoft Entra ID P1.' : '';
        return notChecked(`The sign-in log could not be read: ${read.denial.reason}.${licence}`, { evidence: who, remediation: read.denial.remediation });
      }
      const signIns = read.value.map(summarise);
      const facts = [...who, ...signIns.map((s, i) => evidence(`Sign-in ${i + 1}`, line(s)))];
      const latest = signIns[0];
      if (!latest) return pass(`No sign-ins to Exchange Online PowerShell in the log window: ${WINDOW}.`, { evidence: [...facts, evidence('Application', EXO_POWERSHELL_APP_ID)], output: signIns });
      if (latest.errorCode === 0) {
        return pass(`The latest sign-in to Exchange Online PowerShell (${latest.at}) succeeded${signIns.some((s) => s.errorCode !== 0) ? ', after earlier failures listed below' : ''}.`, { evidence: facts, output: signIns });
      }
      const entry = describeAadsts(latest.errorCode);
      const policies = latest.policies.filter((p) => p.result === 'failure').map((p) => `“${p.displayName}”`);
      return warn(
        `The latest sign-in to Exchange Online PowerShell (${latest.at}) failed with AADSTS${latest.errorCode} (${entry.name}): ${entry.meaning.replace(/\.?$/, '.')}${policies.length > 0 ? ` Conditional Access policies that failed it: ${policies.join(', ')}.` : ''}`,
        {
          cause: causeOfAadsts(latest.errorCode),
          evidence: [...facts, evidence('Likely cause', entry.cause)],
          remediation: [
            forAccount(entry.fix, subject.upn),
            fix({ summary: 'Read the failed sign-in in full (Entra admin centre → Sign-in logs, filtered on this user and application): its Conditional Access and Authentication details tabs show the policy and the step that stopped it.', runBy: 'admin', links: [SIGN_IN_LOG_DOC] }),
          ],
          output: signIns,
        },
      );
    });
  },
});

function summarise(s: SignIn): SignInSummary {
  const code = typeof s.status?.errorCode === 'number' ? s.status.errorCode : 0;
  return {
    at: (s.createdDateTime ?? 'unknown time').replace(/\.\d+Z$/, 'Z'),
    errorCode: code,
    // Graph fills failureReason for successes too ("Other."): it means something only with a code.
    ...(code !== 0 && s.status?.failureReason ? { failureReason: s.status.failureReason } : {}),
    ...(s.conditionalAccessStatus ? { conditionalAccessStatus: s.conditionalAccessStatus } : {}),
    policies: (s.appliedConditionalAccessPolicies ?? [])
      .filter((p) => p.result !== 'notEnabled')
      .map((p) => ({ displayName: p.displayName ?? 'unnamed policy', result: p.result ?? 'unknown' })),
  };
}

/** `2026-11-25T12:00:00Z: failed, AADSTS50079 (…); Conditional Access: success (“Require MFA…”: success)`. */
function line(s: SignInSummary): string {
  const outcome = s.errorCode === 0 ? 'succeeded' : `failed, AADSTS${s.errorCode} (${describeAadsts(s.errorCode).name})${s.failureReason ? `: ${s.failureReason.replace(/\.$/, '')}` : ''}`;
  const ca = s.conditionalAccessStatus ? `; Conditional Access: ${s.conditionalAccessStatus}${s.policies.length > 0 ? ` (${s.policies.map((p) => `“${p.displayName}”: ${p.result}`).join(', ')})` : ''}` : '';
  return `${s.at}: ${outcome}${ca}`;
}
