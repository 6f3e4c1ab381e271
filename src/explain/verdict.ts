/**
 * `exo-doctor --error TEXT`: the causes the pasted error points to, held against what the diagnosis
 * found. A cause is confirmed when a check that tests it failed or warned, ruled out when every such
 * check that ran passed, and not checked otherwise (blocked, or not run). A check that was not applicable
 * (no proxy to test, not Windows) counts for neither.
 */
import type { Category } from '../knowledge/aadsts.js';
import type { CheckReport } from '../runner.js';
import { describeSignals } from './signals.js';
import type { Confidence, Explanation } from './explain.js';

export type CauseVerdict = 'confirmed' | 'ruled-out' | 'not-checked';

export interface ErrorAnalysis {
  readonly recognised: boolean;
  /** The signals found, in words (`AADSTS50076`, `HTTP 407`, `module 2.0.5 (Windows PowerShell 5.1)`). */
  readonly signals: readonly string[];
  readonly causes: readonly {
    readonly category: Category;
    readonly title: string;
    readonly confidence: Confidence;
    readonly checks: readonly string[];
    readonly verdict: CauseVerdict;
    /** The checks the verdict rests on. */
    readonly by: readonly string[];
  }[];
}

export function judgeCauses(explanation: Explanation, checks: readonly Pick<CheckReport, 'id' | 'status' | 'blockedBy' | 'remediation'>[]): ErrorAnalysis {
  const byId = new Map(checks.map((c) => [c.id, c]));
  return {
    recognised: explanation.recognised,
    signals: describeSignals(explanation.signals),
    causes: explanation.causes.map((cause) => {
      // A check skipped as not applicable (no proxy, not Windows: skipped on its own, with nothing to do
      // about it) counts for neither side; one blocked, or waiting for an option (a sign-in), leaves the
      // question open.
      const ran = cause.checks
        .map((id) => byId.get(id))
        .filter((c): c is NonNullable<typeof c> => c !== undefined && !(c.status === 'skip' && c.blockedBy === undefined && c.remediation.length === 0));
      const against = ran.filter((c) => c.status === 'fail' || c.status === 'warn');
      const passed = ran.filter((c) => c.status === 'pass');
      const verdict: CauseVerdict = against.length > 0 ? 'confirmed' : passed.length > 0 && passed.length === ran.length ? 'ruled-out' : 'not-checked';
      const by = verdict === 'confirmed' ? against : verdict === 'ruled-out' ? passed : [];
      return { category: cause.category, title: cause.title, confidence: cause.confidence, checks: cause.checks, verdict, by: by.map((c) => c.id) };
    }),
  };
}
