/**
 * The result model every check speaks, and the builders that make the common mistakes
 * (a warning without a fix, a failure without a fix) fail to type-check.
 */

/** `error` means the check itself could not run; `fail` means the system is wrong. */
export type Status = 'pass' | 'warn' | 'fail' | 'skip' | 'error';

/** One observed fact behind a verdict. */
export interface Evidence {
  readonly label: string;
  readonly value: string;
  /** Names a person, tenant or machine: masked in every output unless `--show-sensitive`. */
  readonly sensitive?: boolean;
  /** For a sensitive value that is one name, whose name it is (a person's, an organisation's): masked wherever it appears. */
  readonly names?: 'person' | 'organisation' | 'app';
}

/** Who has to act. The doctor never changes anything itself. */
export type Actor = 'admin' | 'another-admin' | 'network-team';

export const ACTOR_LABEL: Readonly<Record<Actor, string>> = {
  admin: 'you',
  'another-admin': 'another admin of the tenant',
  'network-team': 'the network team',
};

/** One way to fix a finding: what to do, the exact commands, who runs them, where to read more. */
export interface Remediation {
  readonly summary: string;
  readonly runBy: Actor;
  readonly commands: readonly string[];
  readonly links: readonly string[];
}

/** At least one element: a warning or failure always says how to fix it. */
export type NonEmpty<T> = readonly [T, ...T[]];

interface ResultBase {
  readonly summary: string;
  readonly evidence: readonly Evidence[];
}

/** What a warning or failure can add, so that one root cause makes one finding. */
interface FindingLinks {
  /**
   * A stable name for the root cause (`no-exchange-role`): findings of several checks with the same cause
   * are reported once, led by the first, the others as corroboration.
   */
  readonly cause?: string;
  /** Checks upstream whose failure this one is a consequence of, when they failed (the report says so). */
  readonly explainedBy?: readonly string[];
}

export interface PassResult<O> extends ResultBase {
  readonly status: 'pass';
  readonly output: O;
}

/** A warning is a pass with advice: dependents still run and receive the output. */
export interface WarnResult<O> extends ResultBase, FindingLinks {
  readonly status: 'warn';
  readonly remediation: NonEmpty<Remediation>;
  readonly output: O;
}

export interface FailResult extends ResultBase, FindingLinks {
  readonly status: 'fail';
  readonly remediation: NonEmpty<Remediation>;
}

/**
 * Why a check did not reach a verdict, stated by the check, never guessed from other fields:
 * - `not-applicable`: nothing to check here (not Windows, no proxy in use, no federation server);
 * - `not-checked`: a cause that was not ruled out (sign-in turned off, a permission the signed-in
 *   account lacks). A run with one of these is incomplete, and says what would complete it.
 */
type SkipKind = 'not-applicable' | 'not-checked';

export interface SkipResult extends ResultBase {
  readonly status: 'skip';
  readonly kind: SkipKind;
  /** Set by the runner: the check whose failure kept this one from running. */
  readonly blockedBy?: string;
  /** The step that would let the check run (an option, a permission): required when not checked. */
  readonly remediation?: NonEmpty<Remediation>;
  /**
   * Checks whose failure would explain this one: when one of them failed (or could not run, or warned),
   * the runner reports this check as blocked by it. When none did, a check that could not do its job
   * for an unexplained reason becomes an `error` ({@link couldNotCheck}).
   */
  readonly explainedBy?: readonly string[];
  /** Without an explaining failure, this is an error, not a skip. */
  readonly errorUnlessExplained?: boolean;
}

export interface ErrorResult extends ResultBase {
  readonly status: 'error';
  /** A stack trace or other internals: shown only with `--verbose`. */
  readonly detail?: string;
  readonly remediation?: NonEmpty<Remediation>;
}

/** What a check's `run` resolves to. `O` is what dependents receive when it passes or warns. */
export type CheckResult<O = unknown> = PassResult<O> | WarnResult<O> | FailResult | SkipResult | ErrorResult;

/** Options shared by every builder. */
interface Common {
  readonly evidence?: readonly Evidence[];
}

type OneOrMore<T> = T | NonEmpty<T>;

function toList<T extends object>(value: OneOrMore<T>): NonEmpty<T> {
  return (Array.isArray(value) ? value : [value]) as unknown as NonEmpty<T>;
}

export function pass(summary: string, options?: Common): PassResult<undefined>;
export function pass<O>(summary: string, options: Common & { readonly output: O }): PassResult<O>;
export function pass<O>(summary: string, options: Common & { readonly output?: O } = {}): PassResult<O | undefined> {
  return { status: 'pass', summary, evidence: options.evidence ?? [], output: options.output };
}

type Links = Common & FindingLinks;

export function warn(summary: string, options: Links & { readonly remediation: OneOrMore<Remediation> }): WarnResult<undefined>;
export function warn<O>(
  summary: string,
  options: Links & { readonly remediation: OneOrMore<Remediation>; readonly output: O },
): WarnResult<O>;
export function warn<O>(
  summary: string,
  options: Links & { readonly remediation: OneOrMore<Remediation>; readonly output?: O },
): WarnResult<O | undefined> {
  return {
    status: 'warn',
    summary,
    evidence: options.evidence ?? [],
    remediation: toList(options.remediation),
    output: options.output,
    ...links(options),
  };
}

export function fail(summary: string, options: Links & { readonly remediation: OneOrMore<Remediation> }): FailResult {
  return { status: 'fail', summary, evidence: options.evidence ?? [], remediation: toList(options.remediation), ...links(options) };
}

function links(options: FindingLinks): FindingLinks {
  return {
    ...(options.cause ? { cause: options.cause } : {}),
    ...(options.explainedBy && options.explainedBy.length > 0 ? { explainedBy: options.explainedBy } : {}),
  };
}

/** Nothing to check here: not this platform, no proxy in use, no federation server. */
export function notApplicable(summary: string, options: Common = {}): SkipResult {
  return { status: 'skip', kind: 'not-applicable', summary, evidence: options.evidence ?? [] };
}

/**
 * A cause left unchecked (sign-in turned off, a permission the signed-in account lacks), with the step
 * that would check it. `explainedBy`: checks whose failure is the reason, when they failed.
 */
export function notChecked(
  summary: string,
  options: Common & { readonly remediation: OneOrMore<Remediation>; readonly explainedBy?: readonly string[] },
): SkipResult {
  return {
    status: 'skip',
    kind: 'not-checked',
    summary,
    evidence: options.evidence ?? [],
    remediation: toList(options.remediation),
    ...(options.explainedBy && options.explainedBy.length > 0 ? { explainedBy: options.explainedBy } : {}),
  };
}

/**
 * The check could not do its job (its host did not answer, an answer could not be read). When one of
 * `explainedBy` failed, that failure is the finding and this check is reported as blocked by it; when
 * none did, nothing explains it and it is reported as an error with this summary.
 */
export function couldNotCheck(
  summary: string,
  options: Common & { readonly explainedBy: readonly string[]; readonly remediation?: OneOrMore<Remediation> },
): SkipResult {
  return {
    status: 'skip',
    kind: 'not-checked',
    summary,
    evidence: options.evidence ?? [],
    ...(options.remediation ? { remediation: toList(options.remediation) } : {}),
    explainedBy: options.explainedBy,
    errorUnlessExplained: true,
  };
}

/** The check could not reach a verdict (a tool it needs is missing, an answer it cannot read). */
export function error(
  summary: string,
  options: Common & { readonly detail?: string; readonly remediation?: OneOrMore<Remediation> } = {},
): ErrorResult {
  return {
    status: 'error',
    summary,
    evidence: options.evidence ?? [],
    ...(options.detail ? { detail: options.detail } : {}),
    ...(options.remediation ? { remediation: toList(options.remediation) } : {}),
  };
}

/** Evidence that is safe to show anywhere. */
export function evidence(label: string, value: string): Evidence {
  return { label, value };
}

/** Evidence that names a person, tenant or machine. */
export function sensitive(label: string, value: string): Evidence {
  return { label, value, sensitive: true };
}

/** Evidence that is a person's name (a display name). */
export function personName(label: string, value: string): Evidence {
  return { label, value, sensitive: true, names: 'person' };
}

/** Evidence that is an organisation's name (its display name, its sign-in brand). */
export function organisationName(label: string, value: string): Evidence {
  return { label, value, sensitive: true, names: 'organisation' };
}

/** Evidence that names a customer's application (a certificate subject, an app's display name). */
export function appName(label: string, value: string): Evidence {
  return { label, value, sensitive: true, names: 'app' };
}

/** A remediation step. `commands` and `links` default to none. */
export function fix(step: {
  summary: string;
  runBy: Actor;
  commands?: readonly string[];
  links?: readonly string[];
}): Remediation {
  return { summary: step.summary, runBy: step.runBy, commands: step.commands ?? [], links: step.links ?? [] };
}

/** Severity for ordering findings: worst first. */
export const SEVERITY: Readonly<Record<Status, number>> = { fail: 4, error: 3, warn: 2, skip: 1, pass: 0 };

/** A non-empty list, or undefined: how a list of fixes becomes the remediation a warning needs, without a cast. */
function nonEmpty<T>(items: readonly T[]): NonEmpty<T> | undefined {
  const [first, ...rest] = items;
  return first === undefined ? undefined : [first, ...rest];
}

/**
 * One thing a check found (brew's `Finding`): how much it matters, what it means, and how to fix it. A
 * check that looks at several things collects findings and lets {@link verdict} make one result.
 */
export interface Finding {
  /** `not-checked`: a cause the check could not rule out (a permission, an unreadable answer). */
  readonly severity: 'fail' | 'warn' | 'not-checked';
  readonly summary: string;
  readonly remediation: readonly Remediation[];
  /** The root cause's name, when other checks see it too (src/causes.ts). */
  readonly cause?: string;
  /** Its fixes come before every other (a prerequisite: PowerShellGet before any Install-Module). */
  readonly prerequisite?: boolean;
}

const FINDING_RANK: Readonly<Record<Finding['severity'], number>> = { fail: 3, warn: 2, 'not-checked': 1 };

/**
 * The one result of a check that found several things: the worst finding leads (failures, then
 * warnings, then what could not be checked, each in the order found); the others follow as "Also"
 * evidence; the fixes of all of them, without repeats, in that order. No findings: a pass.
 */
export function verdict<O>(
  findings: readonly Finding[],
  options: { readonly pass: string; readonly evidence?: readonly Evidence[]; readonly output: O; readonly explainedBy?: readonly string[] },
): CheckResult<O> {
  const ordered = findings.map((finding, order) => ({ finding, order })).sort((a, b) => FINDING_RANK[b.finding.severity] - FINDING_RANK[a.finding.severity] || a.order - b.order);
  const [lead, ...others] = ordered.map(({ finding }) => finding);
  const evidenceOut = [...(options.evidence ?? []), ...others.map((finding) => evidence('Also', finding.summary))];
  if (!lead) return { status: 'pass', summary: options.pass, evidence: options.evidence ?? [], output: options.output };
  const more = others.length > 0 ? ` (and ${others.length} more below)` : '';
  const summary = `${lead.summary}${more}`;
  const all = [lead, ...others];
  const remediation = nonEmpty(distinct([...all.filter((f) => f.prerequisite), ...all.filter((f) => !f.prerequisite)].flatMap((finding) => finding.remediation)));
  const cause = lead.cause ? { cause: lead.cause } : {};
  if (lead.severity === 'not-checked') {
    return remediation
      ? notChecked(summary, { evidence: evidenceOut, remediation, ...(options.explainedBy ? { explainedBy: options.explainedBy } : {}) })
      : couldNotCheck(summary, { evidence: evidenceOut, explainedBy: options.explainedBy ?? [] });
  }
  if (!remediation) return error(`${summary} (the check found this but has no fix to offer: a bug in exo-doctor)`, { evidence: evidenceOut });
  return lead.severity === 'fail'
    ? fail(summary, { evidence: evidenceOut, remediation, ...cause })
    : warn(summary, { evidence: evidenceOut, remediation, output: options.output, ...cause });
}

/** Fixes in order, each once (the same summary, commands and actor make the same fix). */
function distinct(steps: readonly Remediation[]): Remediation[] {
  const seen = new Set<string>();
  return steps.filter((step) => {
    const key = `${step.runBy}\n${step.summary}\n${step.commands.join('\n')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
