/**
 * What a check is: data plus one async function, declared with {@link defineCheck}.
 *
 * Dependencies are other checks, referenced by value, so a check's `run` receives its dependencies'
 * outputs fully typed. When a dependency does not pass (fail, error or skip), the runner skips the
 * dependent with `blockedBy` instead of running it.
 */
import type { Context } from './context.js';
import type { CheckResult } from './result.js';

/** The context a check runs in: the shared one plus its own stop signal. */
export interface CheckContext extends Context {
  /** Aborted when the check times out or the user presses Ctrl-C. Pass it to every I/O call. */
  readonly signal: AbortSignal;
  /**
   * Says what the check is doing now ("TLS handshake with outlook.office365.com"): shown as live
   * progress, and named in the error when the check runs out of time.
   */
  step(activity: string): void;
  /**
   * Tells the user something they must act on now, such as the device-code sign-in instructions. The
   * only way a check reaches the user while it runs (checks never print); shown at once on stderr.
   */
  notify(message: string): void;
}

/** The time limit of a check: fixed, or derived from the `--timeout` the user chose. */
export type Timeout = number | ((configuredMs: number) => number);

// `any` here only widens the registry's element type; every check keeps its precise type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCheck = Check<string, readonly any[], any, readonly any[]>;

/** The output a check hands to its dependents when it passes or warns. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OutputOf<C> = C extends Check<string, readonly AnyCheck[], infer O, readonly any[]> ? O : never;

/** The `deps` argument of `run`: each dependency's output, by id. */
export type DependencyOutputs<Deps extends readonly AnyCheck[]> = {
  readonly [C in Deps[number] as C['id']]: OutputOf<C>;
};

/** Outputs of the checks a check `uses`: present when that check passed or warned, else undefined. */
export type OptionalOutputs<Uses extends readonly AnyCheck[]> = {
  readonly [C in Uses[number] as C['id']]: OutputOf<C> | undefined;
};

export interface Check<Id extends string, Deps extends readonly AnyCheck[], O, Uses extends readonly AnyCheck[] = readonly []> {
  /** Kebab-case and stable: used by `--only`, `--skip`, the JSON report and fixtures. */
  readonly id: Id;
  /** What is verified, in sentence case. */
  readonly title: string;
  readonly dependsOn: Deps;
  /**
   * Checks whose output helps when they passed but is not needed: the check waits for them (when they
   * are part of the run) and runs whatever they concluded. `--only` does not pull them in.
   */
  readonly uses?: Uses;
  readonly timeout?: Timeout;
  /**
   * Work that needs nothing from the run, such as loading the libraries the check will use: started when
   * the run starts, so that it is done before the check's dependencies are, instead of after them.
   */
  readonly prepare?: () => void;
  run(ctx: CheckContext, deps: DependencyOutputs<Deps> & OptionalOutputs<Uses>): Promise<CheckResult<O>>;
}

/** Declares a check. Does nothing at run time; it gives the definition its types. */
export function defineCheck<const Id extends string, const Deps extends readonly AnyCheck[], O, const Uses extends readonly AnyCheck[] = readonly []>(definition: {
  readonly id: Id;
  readonly title: string;
  readonly dependsOn: Deps;
  readonly uses?: Uses;
  readonly timeout?: Timeout;
  readonly prepare?: () => void;
  run(ctx: CheckContext, deps: DependencyOutputs<Deps> & OptionalOutputs<Uses>): Promise<CheckResult<O>>;
}): Check<Id, Deps, O, Uses> {
  return definition;
}
