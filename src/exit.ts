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
export const EXIT_CODES: readonly { readonly code: ExitCode; readonly meaning: string }[] = [
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

