/**
 * The report as data: what `--json` prints and what the renderers draw. Built once from a run, with
 * every secret removed and every sensitive value masked (unless `--show-sensitive`), so no renderer can
 * leak what this step took out. The shape is described by `schema/report.schema.json`.
 *
 * It also says what the run means: the verdict (no problems, problems, incomplete), and the findings,
 * one per root cause: checks that see the same cause are listed under the first as corroboration, and a
 * failure that follows from an upstream one is listed under it as its consequence.
 */
import type { Context } from '../context.js';
import type { Redactor } from '../redact.js';
import type { Actor, Status } from '../result.js';
import { SEVERITY } from '../result.js';
import type { ReportSkipKind, RunReport } from '../runner.js';
import type { ErrorAnalysis } from '../explain/verdict.js';
import { uncheckedCount, uncheckedRoots, type Verdict, verdictOf } from '../exit.js';

const SCHEMA_VERSION = 3;

export interface ReportEvidence {
  readonly label: string;
  readonly value: string;
  readonly sensitive: boolean;
}

export interface ReportRemediation {
  readonly summary: string;
  readonly runBy: Actor;
  readonly commands: readonly string[];
  readonly links: readonly string[];
}

export interface ReportCheck {
  readonly id: string;
  readonly title: string;
  readonly status: Status;
  readonly summary: string;
  readonly evidence: readonly ReportEvidence[];
  readonly remediation: readonly ReportRemediation[];
  readonly blockedBy: string | null;
  /** For `skip`: not applicable here, not checked, blocked by a failure, left out with --skip, interrupted. */
  readonly skipKind: ReportSkipKind | null;
  /** For `warn` and `fail`: the name of the root cause, shared by checks that see the same one. */
  readonly cause: string | null;
  /** For `warn` and `fail`: the upstream check this one follows from. */
  readonly consequenceOf: string | null;
  readonly durationMs: number;
  /** When the check started, from the start of the run. */
  readonly startMs: number;
  /** Internals of an error, present only with `--verbose`. */
  readonly detail?: string;
}

/** A check named under a finding: one that saw the same cause, or one that follows from it. */
interface RelatedCheck {
  readonly id: string;
  readonly status: Status;
  readonly summary: string;
}

/** One root cause, as the first check that saw it reports it. */
export interface ReportFinding {
  /** The check that leads: the worst, then the first in the pipeline, of those that see this cause. */
  readonly checkId: string;
  readonly status: 'fail' | 'warn';
  readonly title: string;
  readonly summary: string;
  readonly cause: string | null;
  readonly evidence: readonly ReportEvidence[];
  readonly remediation: readonly ReportRemediation[];
  /** Other checks that saw the same cause. */
  readonly corroboratedBy: readonly RelatedCheck[];
  /** Checks whose failure follows from this one. */
  readonly consequences: readonly RelatedCheck[];
}

/** A cause left unchecked: the check that could not run, or that was not run, and what would run it. */
export interface UncheckedCause {
  readonly checkId: string;
  readonly status: 'skip' | 'error';
  readonly summary: string;
  /** Checks that were not run because of it. */
  readonly blocks: readonly string[];
  readonly remediation: readonly ReportRemediation[];
}

export interface ReportDocument {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly tool: { readonly name: 'exo-doctor'; readonly version: string };
  readonly startedAt: string;
  readonly durationMs: number;
  readonly environment: {
    readonly os: string;
    readonly osRelease: string;
    readonly arch: string;
    readonly node: string;
    readonly exchangeEnvironment: string;
    readonly upn: string | null;
    readonly tenant: string | null;
  };
  readonly outcome: {
    readonly verdict: Verdict;
    readonly exitCode: number;
    readonly counts: Readonly<Record<Status, number>>;
    /** Checks not applicable here, left out with --skip, and left unchecked. */
    readonly notApplicable: number;
    readonly leftOut: number;
    readonly unchecked: number;
    readonly interrupted: boolean;
    readonly sensitiveShown: boolean;
    /** What a ticket's title would use: the first finding, its check, summary and first fix. */
    readonly primaryFinding: { readonly checkId: string; readonly summary: string; readonly remediation: string | null } | null;
  };
  /** One per root cause, worst first. */
  readonly findings: readonly ReportFinding[];
  /** Causes left unchecked, with the step that would check them. */
  readonly unchecked: readonly UncheckedCause[];
  /** Present when the run was against the simulated tenant (`exo-doctor demo`). */
  readonly simulation?: { readonly scenario: string; readonly description: string };
  /** Present with `--error`: the causes the pasted error points to, and what the checks said of each. */
  readonly errorAnalysis?: ErrorAnalysis;
  /** The layers of the diagnosis in order, each with its checks of this run (renderers draw the chain). */
  readonly layers: readonly ReportLayer[];
  readonly checks: readonly ReportCheck[];
}

/** A layer of the diagnosis (checks/index.ts LAYERS): machine, network, tenant, sign-in, Exchange, account. */
export interface ReportLayer {
  readonly name: string;
  readonly title: string;
  /** Ids of its checks in this run, in run order. */
  readonly checks: readonly string[];
}

export type FailOn = 'fail' | 'warn';

/** The exit code of a run (src/exit.ts says why). */
export function exitCodeFor(run: Pick<RunReport, 'checks' | 'interrupted'>, failOn: FailOn): number {
  return verdictOf(run, failOn).exitCode;
}

export interface DocumentMeta {
  readonly version: string;
  readonly os: string;
  readonly osRelease: string;
  readonly arch: string;
  readonly node: string;
  readonly exchangeEnvironment: string;
  readonly upn?: string;
  readonly tenant?: string;
  readonly failOn: FailOn;
  readonly verbose: boolean;
  readonly simulation?: { readonly scenario: string; readonly description: string };
  readonly errorAnalysis?: ErrorAnalysis;
  /** The pipeline's layers; without them every check is in one layer, "checks". */
  readonly layers?: readonly ReportLayer[];
}

/** A run's meta as the context knows it (doctor, machine, cloud, account), with what the run adds. */
export function metaOf(
  ctx: Pick<Context, 'runtime' | 'platform' | 'config'>,
  run: Pick<DocumentMeta, 'failOn' | 'verbose' | 'errorAnalysis' | 'layers'> & { readonly simulation?: { readonly name: string; readonly description: string } | undefined },
): DocumentMeta {
  return {
    version: ctx.runtime.doctorVersion,
    os: ctx.platform,
    osRelease: ctx.runtime.osRelease,
    arch: ctx.runtime.arch,
    node: ctx.runtime.node,
    exchangeEnvironment: ctx.config.environment,
    ...(ctx.config.upn ? { upn: ctx.config.upn } : {}),
    ...(ctx.config.tenant ? { tenant: ctx.config.tenant } : {}),
    failOn: run.failOn,
    verbose: run.verbose,
    ...(run.simulation ? { simulation: { scenario: run.simulation.name, description: run.simulation.description } } : {}),
    ...(run.errorAnalysis ? { errorAnalysis: run.errorAnalysis } : {}),
    ...(run.layers ? { layers: run.layers } : {}),
  };
}

export function buildDocument(run: RunReport, meta: DocumentMeta, redactor: Redactor): ReportDocument {
  // The run's own account and tenant first, so commands name them by role (<admin UPN>); then every
  // identifier named by sensitive evidence, masked wherever else it appears too (summaries, commands).
  redactor.addIdentifier(meta.upn, 'admin');
  redactor.addIdentifier(meta.tenant, 'tenant');
  for (const check of run.checks) {
    for (const item of check.evidence) {
      if (item.names) redactor.addIdentifier(item.value, item.names);
      else if (item.sensitive) redactor.addIdentifiersIn(item.value);
    }
  }
  const text = (value: string) => redactor.apply(value);
  const counts: Record<Status, number> = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0 };
  for (const check of run.checks) counts[check.status] += 1;
  const { verdict, exitCode } = verdictOf(run, meta.failOn);

  const checks: ReportCheck[] = run.checks.map((check) => ({
    id: check.id,
    title: text(check.title),
    status: check.status,
    summary: text(check.summary),
    evidence: check.evidence.map((item) => ({
      label: text(item.label),
      value: item.sensitive ? redactor.maskValue(item.value) : text(item.value),
      sensitive: item.sensitive === true,
    })),
    remediation: check.remediation.map((step) => ({
      summary: text(step.summary),
      runBy: step.runBy,
      commands: step.commands.map((command) => redactor.applyCommand(command)),
      links: [...step.links],
    })),
    blockedBy: check.blockedBy ?? null,
    skipKind: check.status === 'skip' ? (check.skipKind ?? (check.blockedBy ? 'blocked' : 'not-checked')) : null,
    cause: check.cause ?? null,
    consequenceOf: check.consequenceOf ?? null,
    durationMs: Math.round(check.durationMs),
    startMs: Math.round(check.startedMs ?? 0),
    ...(meta.verbose && check.detail ? { detail: text(check.detail) } : {}),
  }));
  const findings = groupFindings(checks);
  const unchecked = uncheckedCauses(checks);
  const first = findings[0];

  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'exo-doctor', version: meta.version },
    startedAt: run.startedAt.toISOString(),
    durationMs: Math.round(run.durationMs),
    environment: {
      os: meta.os,
      osRelease: meta.osRelease,
      arch: meta.arch,
      node: meta.node,
      exchangeEnvironment: meta.exchangeEnvironment,
      upn: meta.upn === undefined ? null : redactor.maskValue(meta.upn),
      tenant: meta.tenant === undefined ? null : redactor.maskValue(meta.tenant),
    },
    outcome: {
      verdict,
      exitCode,
      counts,
      notApplicable: checks.filter((c) => c.skipKind === 'not-applicable').length,
      leftOut: checks.filter((c) => c.skipKind === 'left-out').length,
      unchecked: uncheckedCount(checks),
      interrupted: run.interrupted,
      sensitiveShown: redactor.showsIdentifiers,
      primaryFinding: first
        ? { checkId: first.checkId, summary: first.summary, remediation: first.remediation[0] ? firstStep(first.remediation[0]) : null }
        : null,
    },
    findings,
    unchecked,
    ...(meta.simulation ? { simulation: { scenario: meta.simulation.scenario, description: text(meta.simulation.description) } } : {}),
    ...(meta.errorAnalysis
      ? {
          errorAnalysis: {
            ...meta.errorAnalysis,
            signals: meta.errorAnalysis.signals.map(text),
            causes: meta.errorAnalysis.causes.map((cause) => ({ ...cause, title: text(cause.title) })),
          },
        }
      : {}),
    layers: layersOf(checks, meta.layers),
    checks,
  };
}

/** The layers with the checks of this run, in run order; a check no layer names goes into a last one. */
function layersOf(checks: readonly ReportCheck[], layers: readonly ReportLayer[] = []): ReportLayer[] {
  const ran = new Set(checks.map((check) => check.id));
  const out = layers.map((layer) => ({ name: layer.name, title: layer.title, checks: layer.checks.filter((id) => ran.has(id)) })).filter((layer) => layer.checks.length > 0);
  const named = new Set(out.flatMap((layer) => layer.checks));
  const rest = checks.filter((check) => !named.has(check.id)).map((check) => check.id);
  return rest.length > 0 ? [...out, { name: 'checks', title: layers.length > 0 ? 'Other checks' : 'Checks', checks: rest }] : out;
}

function firstStep(step: ReportRemediation): string {
  return step.commands[0] ? `${step.summary} ${step.commands[0]}` : step.summary;
}

const related = (check: ReportCheck): RelatedCheck => ({ id: check.id, status: check.status, summary: check.summary });

/**
 * Failures and warnings as findings, one per root cause, worst first and then in pipeline order: the
 * first is the likeliest root cause (the pipeline runs from the machine to the account). A check that
 * could not run is not a finding: it is a cause left unchecked (see {@link uncheckedCauses}).
 */
function groupFindings(checks: readonly ReportCheck[]): ReportFinding[] {
  const candidates = checks
    .map((check, order) => ({ check, order }))
    .filter(({ check }) => check.status === 'fail' || check.status === 'warn')
    .sort((a, b) => SEVERITY[b.check.status] - SEVERITY[a.check.status] || a.order - b.order)
    .map(({ check }) => check);
  const leads = new Map<string, { finding: ReportFinding; corroboratedBy: RelatedCheck[]; consequences: RelatedCheck[] }>();
  const byCause = new Map<string, string>();
  const leadOf = new Map<string, string>();
  const ordered: string[] = [];
  // Consequences go under the finding of the check they follow from, wherever it leads.
  const deferred: ReportCheck[] = [];
  for (const check of candidates) {
    if (check.consequenceOf) {
      deferred.push(check);
      continue;
    }
    const leadId = check.cause ? byCause.get(check.cause) : undefined;
    if (leadId) {
      leads.get(leadId)?.corroboratedBy.push(related(check));
      leadOf.set(check.id, leadId);
      continue;
    }
    const corroboratedBy: RelatedCheck[] = [];
    const consequences: RelatedCheck[] = [];
    leads.set(check.id, {
      finding: {
        checkId: check.id,
        status: check.status as ReportFinding['status'],
        title: check.title,
        summary: check.summary,
        cause: check.cause,
        evidence: check.evidence,
        remediation: check.remediation,
        corroboratedBy,
        consequences,
      },
      corroboratedBy,
      consequences,
    });
    if (check.cause) byCause.set(check.cause, check.id);
    leadOf.set(check.id, check.id);
    ordered.push(check.id);
  }
  for (const check of deferred) {
    const leadId = leadOf.get(check.consequenceOf as string) ?? (check.cause ? byCause.get(check.cause) : undefined);
    const lead = leadId ? leads.get(leadId) : undefined;
    if (lead) {
      lead.consequences.push(related(check));
      continue;
    }
    // The check it follows from is not a finding after all (it passed on a retry): it stands alone.
    leads.set(check.id, {
      finding: { checkId: check.id, status: check.status as ReportFinding['status'], title: check.title, summary: check.summary, cause: check.cause, evidence: check.evidence, remediation: check.remediation, corroboratedBy: [], consequences: [] },
      corroboratedBy: [],
      consequences: [],
    });
    ordered.push(check.id);
  }
  return ordered.map((id) => (leads.get(id) as { finding: ReportFinding }).finding);
}

/** The causes left unchecked, each with the checks it kept from running and the step that would run them. */
function uncheckedCauses(checks: readonly ReportCheck[]): UncheckedCause[] {
  return uncheckedRoots(checks).map((root) => ({
    checkId: root.id,
    status: root.status as 'skip' | 'error',
    summary: root.summary,
    blocks: checks.filter((c) => c.blockedBy === root.id).map((c) => c.id),
    remediation: root.remediation,
  }));
}
