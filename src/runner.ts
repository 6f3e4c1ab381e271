/**
 * Runs the check graph. Every check whose dependencies have settled starts at once; results come back
 * in registry order. The runner owns what no check should have to think about: time limits, crashes,
 * Ctrl-C, and skipping the dependents of a check that did not pass.
 */
import { performance } from 'node:perf_hooks';
import type { AnyCheck, CheckContext, Timeout } from './check.js';
import type { Context } from './context.js';
import type { CheckResult, Evidence, Remediation, Status } from './result.js';
import { fix } from './result.js';
import { doctorCommand } from './invocation.js';
import { anySignal } from './abort.js';

/**
 * Why a check reported `skip`: not applicable here, a cause left unchecked, blocked by a check that
 * failed or could not run (the failure is the finding), left out with `--skip`, or interrupted.
 */
export type ReportSkipKind = 'not-applicable' | 'not-checked' | 'blocked' | 'left-out' | 'interrupted';

/** One check's outcome as the report shows it. */
export interface CheckReport {
  readonly id: string;
  readonly title: string;
  readonly status: Status;
  readonly summary: string;
  readonly evidence: readonly Evidence[];
  readonly remediation: readonly Remediation[];
  /** The check whose failure kept this one from running (the root of the chain). */
  readonly blockedBy?: string;
  /** For `skip`: why. */
  readonly skipKind?: ReportSkipKind;
  /** For `warn` and `fail`: the root cause's name, shared by the checks that see the same one. */
  readonly cause?: string;
  /** For `warn` and `fail`: the upstream check whose failure this one follows from. */
  readonly consequenceOf?: string;
  /** Internals behind an `error` (a stack trace): shown only with `--verbose`. */
  readonly detail?: string;
  readonly durationMs: number;
  /** When the check started, in milliseconds from the start of the run (absent when it never ran). */
  readonly startedMs?: number;
  /** What the check handed to its dependents. Never rendered. */
  readonly output?: unknown;
}

export interface RunReport {
  readonly startedAt: Date;
  readonly durationMs: number;
  /** Every planned check, in registry order. */
  readonly checks: readonly CheckReport[];
  /** The run was stopped by the user before every check finished. */
  readonly interrupted: boolean;
}

export type RunEvent =
  | { readonly type: 'start'; readonly check: AnyCheck }
  | { readonly type: 'step'; readonly check: AnyCheck; readonly activity: string }
  | { readonly type: 'notice'; readonly check: AnyCheck; readonly message: string }
  | { readonly type: 'finish'; readonly check: AnyCheck; readonly report: CheckReport };

export interface RunOptions {
  /** Run only these checks (and what they depend on). */
  readonly only?: readonly string[];
  /** Leave these checks out; their dependents are skipped. */
  readonly skip?: readonly string[];
  /** Default time limit per check. */
  readonly timeoutMs: number;
  /** Stops the whole run (Ctrl-C). What finished is still reported. */
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: RunEvent) => void;
  /** Monotonic milliseconds, for durations. */
  readonly elapsed?: () => number;
  /**
   * Results already known (a pre-flight's tenant-level checks, run once for every account): these checks
   * are not run again, their dependents get these results, and the run reports only the others.
   */
  readonly given?: ReadonlyMap<string, CheckReport>;
}

/** The registry is wrong: a programming error, reported at start-up. */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
}

/** `--only` or `--skip` named a check that does not exist. */
export class SelectionError extends Error {
  override readonly name = 'SelectionError';
}

const ID_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Rejects a registry with a duplicate or malformed id, a dependency that is not registered, a cycle,
 * or a dependency registered after its dependent (the registry must read as the pipeline, in order).
 */
export function validateRegistry(registry: readonly AnyCheck[]): void {
  const position = new Map<string, number>();
  registry.forEach((check, index) => {
    if (!ID_PATTERN.test(check.id)) throw new RegistryError(`Check id "${check.id}" is not kebab-case.`);
    if (position.has(check.id)) throw new RegistryError(`Check id "${check.id}" is registered twice.`);
    position.set(check.id, index);
  });
  for (const check of registry) {
    for (const dep of [...check.dependsOn, ...(check.uses ?? [])]) {
      if (!position.has(dep.id)) {
        throw new RegistryError(`Check "${check.id}" depends on "${dep.id}", which is not in the registry.`);
      }
    }
  }
  const cycle = findCycle(registry);
  if (cycle) throw new RegistryError(`Checks depend on each other in a cycle: ${cycle.join(' → ')}.`);
  for (const check of registry) {
    for (const dep of [...check.dependsOn, ...(check.uses ?? [])]) {
      if ((position.get(dep.id) as number) > (position.get(check.id) as number)) {
        throw new RegistryError(`Check "${check.id}" depends on "${dep.id}", which is registered after it.`);
      }
    }
  }
}

function findCycle(registry: readonly AnyCheck[]): string[] | undefined {
  const byId = new Map(registry.map((c) => [c.id, c]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const dep of [...(byId.get(id)?.dependsOn ?? []), ...(byId.get(id)?.uses ?? [])]) {
      const found = visit(dep.id);
      if (found) return found;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const check of registry) {
    const found = visit(check.id);
    if (found) return found;
  }
  return undefined;
}

/** The checks a run will report, in registry order: `--only` pulls in what those checks need. */
export function planChecks(registry: readonly AnyCheck[], only: readonly string[] = [], skip: readonly string[] = []): AnyCheck[] {
  const known = new Set(registry.map((c) => c.id));
  const unknown = [...only, ...skip].filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new SelectionError(
      `Unknown check ${unknown.map((id) => `"${id}"`).join(', ')}; the checks are: ${[...known].join(', ')}.`,
    );
  }
  if (only.length === 0) return [...registry];
  const wanted = new Set<string>();
  const byId = new Map(registry.map((c) => [c.id, c]));
  const add = (id: string) => {
    if (wanted.has(id)) return;
    wanted.add(id);
    for (const dep of byId.get(id)?.dependsOn ?? []) add(dep.id);
  };
  only.forEach(add);
  return registry.filter((c) => wanted.has(c.id));
}

/** Runs the planned checks against a context. Never rejects because of a check. */
export async function runChecks(registry: readonly AnyCheck[], ctx: Context, options: RunOptions): Promise<RunReport> {
  validateRegistry(registry);
  const plan = planChecks(registry, options.only, options.skip);
  const leftOut = new Set(options.skip ?? []);
  const elapsed = options.elapsed ?? (() => performance.now());
  const emit = options.onEvent ?? (() => undefined);
  const startedAt = ctx.now();
  const start = elapsed();
  const reports = new Map<string, Promise<CheckReport>>();
  const finished = new Map<string, CheckReport>();

  const settle = (check: AnyCheck, report: CheckReport): CheckReport => {
    // Names a check marked sensitive are masked everywhere from now on, live progress included.
    for (const item of report.evidence) {
      if (item.names) ctx.redactor.addIdentifier(item.value, item.names);
      else if (item.sensitive) ctx.redactor.addIdentifiersIn(item.value);
    }
    finished.set(check.id, report);
    emit({ type: 'finish', check, report });
    return report;
  };

  // The checks a result names as its possible explanation, when they are part of this run and come
  // before it in the pipeline (so no two checks can wait for each other).
  const position = new Map(plan.map((c, i) => [c.id, i]));
  const explainers = async (report: CheckReport & { explainedBy?: readonly string[] }, check: AnyCheck): Promise<CheckReport[]> => {
    const ids = (report.explainedBy ?? []).filter((id) => (position.get(id) ?? Infinity) < (position.get(check.id) as number));
    return Promise.all(ids.map((id) => reports.get(id) as Promise<CheckReport>));
  };
  const explain = async (report: CheckReport & { explainedBy?: readonly string[]; errorUnlessExplained?: boolean }, by: readonly CheckReport[], check: AnyCheck): Promise<CheckReport> => {
    const { explainedBy: _named, errorUnlessExplained, ...rest } = report;
    const culprit = by.find((c) => c.status === 'fail' || c.status === 'error' || c.status === 'warn');
    const root = culprit ? (culprit.blockedBy ? (finished.get(culprit.blockedBy) ?? culprit) : culprit) : undefined;
    if (rest.status === 'skip' && root) return { ...rest, skipKind: 'blocked', blockedBy: root.id };
    if (rest.status === 'skip' && errorUnlessExplained) {
      // Nothing that failed explains why the check could not do its job: that is an error in its own right.
      const { skipKind: _kind, ...error } = rest;
      return {
        ...error,
        status: 'error',
        remediation:
          rest.remediation.length > 0
            ? rest.remediation
            : [fix({ summary: 'Run this check again with --verbose to see each step; if it keeps failing, something between this machine and Microsoft cuts the answers short.', runBy: 'admin', commands: [doctorCommand(ctx.config, `--only ${check.id} --verbose`)] })],
      };
    }
    if ((rest.status === 'fail' || rest.status === 'warn') && root) return { ...rest, consequenceOf: root.id };
    return rest;
  };

  const given = options.given ?? new Map<string, CheckReport>();
  // Known results stand for their checks, planned or only used (`uses`) by a planned one.
  for (const [id, known] of given) {
    finished.set(id, known);
    reports.set(id, Promise.resolve(known));
  }
  // What checks can do before their dependencies finish (load their libraries) starts now.
  for (const check of plan) if (!given.has(check.id) && !leftOut.has(check.id)) check.prepare?.();
  for (const check of plan) {
    if (given.has(check.id)) continue;
    const report = (async (): Promise<CheckReport> => {
      if (leftOut.has(check.id)) return settle(check, skipped(check, 'Left out with --skip.', 'left-out'));
      const deps = await Promise.all(check.dependsOn.map((dep: AnyCheck) => reports.get(dep.id) as Promise<CheckReport>));
      const used = await Promise.all((check.uses ?? []).flatMap((dep: AnyCheck) => reports.get(dep.id) ?? []));
      if (options.signal?.aborted) return settle(check, skipped(check, 'Not run: the run was interrupted.', 'interrupted'));
      const blocker = deps.find((dep) => dep.status !== 'pass' && dep.status !== 'warn');
      if (blocker) return settle(check, blocked(check, blocker, finished));
      const outputs = Object.fromEntries([
        ...(check.uses ?? []).map((dep: AnyCheck) => [dep.id, undefined]),
        ...used.filter((dep) => dep.status === 'pass' || dep.status === 'warn').map((dep) => [dep.id, dep.output]),
        ...deps.map((dep) => [dep.id, dep.output]),
      ]);
      const report = await runOne(check, ctx, outputs, options, elapsed, emit, start);
      return settle(check, await explain(report, await explainers(report, check), check));
    })();
    reports.set(check.id, report);
  }

  const checks = await Promise.all(plan.filter((check) => !given.has(check.id)).map((check) => reports.get(check.id) as Promise<CheckReport>));
  return {
    startedAt,
    durationMs: elapsed() - start,
    checks,
    interrupted: options.signal?.aborted === true,
  };
}

function skipped(check: AnyCheck, summary: string, skipKind: ReportSkipKind): CheckReport {
  return { id: check.id, title: check.title, status: 'skip', skipKind, summary, evidence: [], remediation: [], durationMs: 0 };
}

/**
 * A check whose dependency did not pass. It inherits why from the root of the chain: blocked by a failure
 * (the failure is the finding), not applicable because its prerequisite is not, not checked because its
 * prerequisite was not, or left out with it.
 */
function blocked(check: AnyCheck, dependency: CheckReport, finished: ReadonlyMap<string, CheckReport>): CheckReport {
  const rootId = dependency.blockedBy ?? dependency.id;
  const root = finished.get(rootId) ?? dependency;
  const kind: ReportSkipKind = root.status === 'skip' ? (root.skipKind === 'blocked' ? 'blocked' : (root.skipKind ?? 'not-checked')) : 'blocked';
  const what =
    root.status === 'fail'
      ? 'failed'
      : root.status === 'error'
        ? 'could not run'
        : kind === 'not-applicable'
          ? 'does not apply here'
          : kind === 'left-out'
            ? 'was left out'
            : 'was not checked';
  const summary = kind === 'not-applicable' ? `Not applicable: “${root.title}” ${what}.` : `Not run: “${root.title}” ${what}.`;
  return { ...skipped(check, summary, kind), blockedBy: rootId };
}

type Outcome =
  | { kind: 'result'; result: CheckResult }
  | { kind: 'crash'; error: unknown }
  | { kind: 'timeout' }
  | { kind: 'interrupted' };

async function runOne(
  check: AnyCheck,
  ctx: Context,
  outputs: Record<string, unknown>,
  options: RunOptions,
  elapsed: () => number,
  emit: (event: RunEvent) => void,
  runStart: number,
): Promise<CheckReport> {
  const timeoutMs = resolveTimeout(check.timeout, options.timeoutMs);
  const controller = new AbortController();
  const linked = anySignal(options.signal ? [controller.signal, options.signal] : [controller.signal]);
  const signal = linked.signal;
  let activity: string | undefined;
  const checkCtx: CheckContext = Object.create(ctx, {
    signal: { value: signal, enumerable: true },
    step: {
      value: (text: string) => {
        activity = text;
        emit({ type: 'step', check, activity: text });
      },
      enumerable: true,
    },
    notify: { value: (message: string) => emit({ type: 'notice', check, message }), enumerable: true },
  });

  emit({ type: 'start', check });
  const start = elapsed();
  const outcome = await new Promise<Outcome>((resolve) => {
    const onInterrupt = () => resolve({ kind: 'interrupted' });
    const timer = setTimeout(() => {
      controller.abort(new Error(`timed out after ${timeoutMs} ms`));
      resolve({ kind: 'timeout' });
    }, timeoutMs);
    options.signal?.addEventListener('abort', onInterrupt, { once: true });
    // `Promise.resolve().then` turns a synchronous throw in `run` into a rejection.
    Promise.resolve()
      .then(() => check.run(checkCtx, outputs))
      .then(
        (result: CheckResult) => resolve({ kind: 'result', result }),
        (error: unknown) => resolve({ kind: 'crash', error }),
      )
      .finally(() => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onInterrupt);
        linked.dispose();
      });
  });
  const durationMs = elapsed() - start;
  const base = { id: check.id, title: check.title, durationMs, startedMs: start - runStart };

  switch (outcome.kind) {
    case 'result':
      return { ...base, ...fromResult(outcome.result, check.id, ctx.config) };
    case 'crash':
      return {
        ...base,
        status: 'error',
        summary: `The check broke: ${describeError(outcome.error)}`,
        evidence: [],
        remediation: [reportBug(check.id, ctx.config)],
        detail: outcome.error instanceof Error && outcome.error.stack ? outcome.error.stack : String(outcome.error),
      };
    case 'timeout':
      return {
        ...base,
        status: 'error',
        summary: `Stopped after ${formatDuration(timeoutMs)}: ${activity ? `still ${activity}` : 'it did not finish in time'}.`,
        evidence: activity ? [{ label: 'Waiting on', value: activity }] : [],
        remediation: [
          fix({
            summary: 'Run this check again with more time; add --verbose to see each step.',
            runBy: 'admin',
            commands: [doctorCommand(ctx.config, `--only ${check.id} --timeout ${Math.max(timeoutMs * 2, 30_000)} --verbose`)],
          }),
        ],
      };
    case 'interrupted':
      return { ...base, status: 'skip', skipKind: 'interrupted', summary: 'Interrupted before it finished.', evidence: [], remediation: [] };
  }
}

/** Turns what a check returned into a report, guarding against results the types would have refused. */
function fromResult(result: CheckResult, id: string, config: { readonly invocation?: string }): Omit<CheckReport, 'id' | 'title' | 'durationMs'> & { explainedBy?: readonly string[]; errorUnlessExplained?: boolean } {
  const remediation = 'remediation' in result && result.remediation ? result.remediation : [];
  if ((result.status === 'warn' || result.status === 'fail') && remediation.length === 0) {
    return {
      status: 'error',
      summary: `The check returned "${result.status}" without saying how to fix it (${result.summary})`,
      evidence: result.evidence,
      remediation: [reportBug(id, config)],
    };
  }
  if (result.status === 'skip' && result.kind === 'not-checked' && remediation.length === 0 && !result.errorUnlessExplained) {
    return {
      status: 'error',
      summary: `The check left a cause unchecked without saying what would check it (${result.summary})`,
      evidence: result.evidence,
      remediation: [reportBug(id, config)],
    };
  }
  return {
    status: result.status,
    summary: result.summary,
    evidence: result.evidence,
    remediation,
    ...(result.status === 'error' && result.detail ? { detail: result.detail } : {}),
    ...(result.status === 'pass' || result.status === 'warn' ? { output: result.output } : {}),
    ...(result.status === 'skip'
      ? {
          skipKind: result.kind,
          ...(result.explainedBy ? { explainedBy: result.explainedBy } : {}),
          ...(result.errorUnlessExplained ? { errorUnlessExplained: true } : {}),
        }
      : {}),
    ...((result.status === 'fail' || result.status === 'warn') && result.cause ? { cause: result.cause } : {}),
    ...((result.status === 'fail' || result.status === 'warn') && result.explainedBy ? { explainedBy: result.explainedBy } : {}),
  };
}

function reportBug(id: string, config: { readonly invocation?: string } = {}): Remediation {
  return fix({
    summary: 'This is a bug in exo-doctor. Run the check again with --verbose and send the output (it is redacted) to the exo-doctor maintainers.',
    runBy: 'admin',
    commands: [doctorCommand(config, `--only ${id} --verbose`)],
  });
}

function resolveTimeout(timeout: Timeout | undefined, configuredMs: number): number {
  if (timeout === undefined) return configuredMs;
  return typeof timeout === 'number' ? timeout : timeout(configuredMs);
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : `a non-error value was thrown (${typeof error})`;
}

/** `1.2 s`, `350 ms`, `2 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
  return `${Number((ms / 60_000).toFixed(1))} min`;
}
