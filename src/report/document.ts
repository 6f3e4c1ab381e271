/**
 * The report as data: what `--json` prints and what the terminal renderer draws. Built once from a
 * run, with every secret removed and every sensitive value masked (unless `--show-sensitive`), so no
 * renderer can leak what this step took out. The shape is described by `schema/report.schema.json`.
 */
import type { Redactor } from '../redact.js';
import type { Actor, Status } from '../result.js';
import type { RunReport } from '../runner.js';
import type { ErrorAnalysis } from '../explain/verdict.js';
import { EXIT } from '../exit.js';

export const SCHEMA_VERSION = 1;

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
  readonly durationMs: number;
  /** Internals of an error, present only with `--verbose`. */
  readonly detail?: string;
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
    readonly exitCode: number;
    readonly counts: Readonly<Record<Status, number>>;
    readonly interrupted: boolean;
    readonly sensitiveShown: boolean;
  };
  /** Present when the run was against the simulated tenant (`exo-doctor demo`). */
  readonly simulation?: { readonly scenario: string; readonly description: string };
  /** Present with `--error`: the causes the pasted error points to, and what the checks said of each. */
  readonly errorAnalysis?: ErrorAnalysis;
  readonly checks: readonly ReportCheck[];
}


export type FailOn = 'fail' | 'warn';

/**
 * 0 when nothing failed (warnings too, with `--fail-on warn`); 1 when a check failed; 3 when no check
 * failed but one could not run, since then the diagnosis is incomplete; 130 when interrupted.
 */
export function exitCodeFor(run: Pick<RunReport, 'checks' | 'interrupted'>, failOn: FailOn): number {
  const has = (status: Status) => run.checks.some((c) => c.status === status);
  if (has('fail') || (failOn === 'warn' && has('warn'))) return EXIT.problems;
  if (run.interrupted) return EXIT.interrupted;
  if (has('error')) return EXIT.incomplete;
  return EXIT.ok;
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
}

export function buildDocument(run: RunReport, meta: DocumentMeta, redactor: Redactor): ReportDocument {
  // The run's own account and tenant first, so commands name them by role (<admin UPN>); then every
  // identifier named by sensitive evidence, masked wherever else it appears too (summaries, commands).
  redactor.addIdentifier(meta.upn, 'admin');
  redactor.addIdentifier(meta.tenant, 'tenant');
  for (const check of run.checks) for (const item of check.evidence) if (item.sensitive) redactor.addIdentifiersIn(item.value);
  const text = (value: string) => redactor.apply(value);
  const counts: Record<Status, number> = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0 };
  for (const check of run.checks) counts[check.status] += 1;

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
      exitCode: exitCodeFor(run, meta.failOn),
      counts,
      interrupted: run.interrupted,
      sensitiveShown: redactor.showsIdentifiers,
    },
    ...(meta.simulation ? { simulation: meta.simulation } : {}),
    ...(meta.errorAnalysis
      ? {
          errorAnalysis: {
            ...meta.errorAnalysis,
            signals: meta.errorAnalysis.signals.map(text),
            causes: meta.errorAnalysis.causes.map((cause) => ({ ...cause, title: text(cause.title) })),
          },
        }
      : {}),
    checks: run.checks.map((check) => ({
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
      durationMs: Math.round(check.durationMs),
      ...(meta.verbose && check.detail ? { detail: text(check.detail) } : {}),
    })),
  };
}
