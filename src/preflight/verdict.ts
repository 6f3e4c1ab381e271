/**
 * What a pre-flight says of one account, from the report of its checks: ready; ready with a warning
 * (it can connect, with something to know, such as an account that needs no MFA); not ready, with the
 * finding that blocks it and its first fix; unknown, when a check that could block it could not look;
 * invalid, for a row that is not an account.
 */
import type { Actor } from '../result.js';
import type { ReportDocument, ReportRemediation } from '../report/document.js';

export type RowVerdict = 'ready' | 'ready-with-warnings' | 'not-ready' | 'unknown' | 'invalid';

export const VERDICT_ORDER: readonly RowVerdict[] = ['ready', 'ready-with-warnings', 'not-ready', 'unknown', 'invalid'];

export const VERDICT_LABEL: Readonly<Record<RowVerdict, string>> = {
  ready: 'ready',
  'ready-with-warnings': 'ready, with a warning',
  'not-ready': 'not ready',
  unknown: 'could not tell',
  invalid: 'not an account',
};

export interface RowOutcome {
  readonly verdict: RowVerdict;
  /** The check whose finding decides, when one does. */
  readonly check?: string;
  readonly finding?: string;
  /** The first fix, as one line: what to do, then its commands. */
  readonly fix?: string;
  /** The first fix's what-to-do alone (with its command when the sentence leads into one), for summaries. */
  readonly fixSummary?: string;
  readonly runBy?: string;
}

/** Who acts, as the single diagnosis says it; a fix for the account's holder says so in its own words. */
const RUN_BY: Readonly<Record<Actor, string>> = { admin: 'you', 'another-admin': 'another admin of the tenant', 'network-team': 'the network team' };

function oneLine(step: ReportRemediation | undefined): Pick<RowOutcome, 'fix' | 'fixSummary' | 'runBy'> {
  if (!step) return {};
  const fixSummary = step.summary.trimEnd().endsWith(':') && step.commands[0] ? `${step.summary} ${step.commands[0]}` : step.summary;
  return { fix: step.commands[0] ? `${step.summary} ${step.commands.join('; ')}` : step.summary, fixSummary, runBy: RUN_BY[step.runBy] };
}

/** The verdict on one account, from the document of its checks. */
export function rowOutcome(doc: ReportDocument): RowOutcome {
  const lead = doc.findings[0];
  if (lead?.status === 'fail') return { verdict: 'not-ready', check: lead.checkId, finding: lead.summary, ...oneLine(lead.remediation[0]) };
  const unchecked = doc.unchecked[0];
  if (unchecked) return { verdict: 'unknown', check: unchecked.checkId, finding: unchecked.summary, ...oneLine(unchecked.remediation[0]) };
  if (lead?.status === 'warn') return { verdict: 'ready-with-warnings', check: lead.checkId, finding: lead.summary, ...oneLine(lead.remediation[0]) };
  return { verdict: 'ready' };
}
