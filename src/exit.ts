/**
 * Exit codes: policy, not rendering. The README's table and `--help` both come from {@link EXIT_CODES}.
 */

/** Exit codes, as documented in the README. */
export const EXIT = {
  ok: 0,
  problems: 1,
  usage: 2,
  incomplete: 3,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Each exit code with what it means, in the words `--help` and the README use. */
const EXIT_CODES: readonly { readonly code: ExitCode; readonly meaning: string }[] = [
  { code: EXIT.ok, meaning: 'no problems found, and every check that matters ran (warnings allowed, unless --fail-on warn)' },
  { code: EXIT.problems, meaning: 'at least one check failed (or warned, with --fail-on warn)' },
  { code: EXIT.usage, meaning: 'usage error: a bad option, file or check id; nothing was run' },
  { code: EXIT.incomplete, meaning: 'incomplete: a check could not run or a cause was left unchecked, or the doctor itself broke' },
  { code: EXIT.interrupted, meaning: 'interrupted with Ctrl-C; the report still shows what finished' },
];

/** The exit-code section of `--help`. */
export function exitCodesHelp(): string {
  return `Exit codes:\n${EXIT_CODES.map(({ code, meaning }) => `  ${String(code).padEnd(4)} ${meaning}`).join('\n')}`;
}

/**
 * A mistake in what the user gave (an option, a file, a check id): reported as a sentence with the next
 * step, and exit code 2, before any work is done. Never "the doctor broke".
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** How a run ended, in one word: the JSON's `outcome.verdict` and the report's last line follow it. */
export type Verdict = 'ok' | 'problems' | 'incomplete' | 'interrupted';

/** What the verdict needs of each check. */
export interface VerdictInput {
  readonly id: string;
  readonly status: 'pass' | 'warn' | 'fail' | 'skip' | 'error';
  readonly skipKind?: string | null;
  readonly blockedBy?: string | null;
}

/**
 * The checks that leave a cause unchecked, as the roots that explain them: a check that could not run
 * (`error`), or one skipped as not checked (sign-in turned off, a permission missing). Checks blocked by
 * a failure are not among them: the failure is the finding.
 */
export function uncheckedRoots<C extends VerdictInput>(checks: readonly C[]): C[] {
  return checks.filter((c) => c.status === 'error' || (c.status === 'skip' && c.skipKind === 'not-checked' && !c.blockedBy));
}

/** The checks a run did not check for a reason other than a failure: the roots and what they blocked. */
export function uncheckedCount(checks: readonly VerdictInput[]): number {
  const errors = new Set(checks.filter((c) => c.status === 'error').map((c) => c.id));
  return checks.filter((c) => c.status === 'error' || (c.status === 'skip' && (c.skipKind === 'not-checked' || (c.blockedBy && errors.has(c.blockedBy))))).length;
}

/**
 * 1 when a check failed (or warned, with `--fail-on warn`); else 3 when the diagnosis is incomplete (a
 * check could not run, or a cause was left unchecked); else 0. 130 when interrupted without a failure.
 * "No problems found" is said only with 0.
 */
export function verdictOf(run: { readonly checks: readonly VerdictInput[]; readonly interrupted: boolean }, failOn: 'fail' | 'warn'): { verdict: Verdict; exitCode: ExitCode } {
  const has = (status: VerdictInput['status']) => run.checks.some((c) => c.status === status);
  const failed = has('fail') || (failOn === 'warn' && has('warn'));
  if (failed) return { verdict: 'problems', exitCode: EXIT.problems };
  if (run.interrupted) return { verdict: 'interrupted', exitCode: EXIT.interrupted };
  if (uncheckedRoots(run.checks).length > 0) return { verdict: 'incomplete', exitCode: EXIT.incomplete };
  if (has('warn')) return { verdict: 'problems', exitCode: EXIT.ok };
  return { verdict: 'ok', exitCode: EXIT.ok };
}
