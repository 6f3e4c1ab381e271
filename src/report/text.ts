/**
 * The terminal report: a summary table in pipeline order, then every finding worst first with its
 * evidence and the exact commands that fix it, then one line that sums it up. Pure: a document in,
 * a string out.
 */
import Table from 'cli-table3';
import { ACTOR_LABEL, SEVERITY } from '../result.js';
import { formatDuration } from '../runner.js';
import type { ReportCheck, ReportDocument } from './document.js';
import type { Style } from './style.js';
import { statusLabel, SYMBOL } from './style.js';

export interface TextOptions {
  readonly style: Style;
  /** Width to wrap the table at. */
  readonly width: number;
  readonly verbose: boolean;
}

export function renderText(doc: ReportDocument, options: TextOptions): string {
  const { style } = options;
  const out: string[] = [];
  out.push(
    `${style.bold('exo-doctor')} ${doc.tool.version} · ${doc.environment.exchangeEnvironment}` +
      (doc.environment.upn ? ` · ${doc.environment.upn}` : doc.environment.tenant ? ` · ${doc.environment.tenant}` : '') +
      (doc.simulation ? ` · ${style.yellow(`simulated tenant "${doc.simulation.scenario}"`)}` : ''),
    '',
    renderTable(doc.checks, options),
  );

  if (doc.errorAnalysis) out.push('', ...renderErrorAnalysis(doc.errorAnalysis, style));

  const findings = findingsWorstFirst(doc.checks);
  if (findings.length > 0) {
    out.push('', style.bold('Findings, worst first'));
    for (const check of findings) out.push('', ...renderFinding(check, options));
  }

  const hints = doc.checks.filter((c) => c.status === 'skip' && c.blockedBy === null && c.remediation.length > 0);
  if (hints.length > 0) {
    out.push('', style.bold('Not checked'));
    for (const check of hints) out.push('', ...renderFinding(check, options));
  }

  out.push('', summaryLine(doc, style));
  if (!doc.outcome.sensitiveShown && hasMasked(doc)) {
    out.push(style.dim('Account and tenant names are masked; --show-sensitive shows them.'));
  }
  return `${out.join('\n')}\n`;
}

function renderTable(checks: readonly ReportCheck[], { style, width }: TextOptions): string {
  // Widths include one space of padding on each side; "! error" is the widest status.
  const statusWidth = 9;
  const idWidth = Math.min(Math.max(5, ...checks.map((c) => c.id.length)), 26) + 2;
  const summaryWidth = Math.max(30, width - statusWidth - idWidth - 2);
  const table = new Table({
    head: [style.bold('Status'), style.bold('Check'), style.bold('Result')],
    colWidths: [statusWidth, idWidth, summaryWidth],
    wordWrap: true,
    wrapOnWordBoundary: true,
    // No borders, and no colour from cli-table3 itself: colour is ours and follows NO_COLOR.
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '',
      right: '', 'right-mid': '', middle: ' ',
    },
    style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1 },
  });
  for (const check of checks) table.push([statusLabel(check.status, style), check.id, check.summary]);
  return table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

function renderFinding(check: ReportCheck, { style, verbose }: TextOptions): string[] {
  const lines = [`${statusLabel(check.status, style)} ${style.bold(check.id)}: ${check.title}`, `  ${check.summary}`];
  if (check.evidence.length > 0) {
    const labelWidth = Math.max(...check.evidence.map((e) => e.label.length));
    lines.push(style.dim('  Evidence'));
    for (const item of check.evidence) lines.push(`    ${item.label.padEnd(labelWidth)}  ${item.value}`);
  }
  for (const step of check.remediation) {
    lines.push(`  ${style.bold('Fix')} ${style.dim(`(run by ${ACTOR_LABEL[step.runBy]})`)}: ${step.summary}`);
    for (const command of step.commands) lines.push(`    ${style.cyan(command)}`);
    for (const link of step.links) lines.push(`    ${style.dim(link)}`);
  }
  if (verbose && check.detail) {
    lines.push(style.dim('  Detail'), ...check.detail.split('\n').map((line) => style.dim(`    ${line}`)));
  }
  return lines;
}

function summaryLine(doc: ReportDocument, style: Style): string {
  const { counts } = doc.outcome;
  const total = doc.checks.length;
  const timing = `${total} ${total === 1 ? 'check' : 'checks'} in ${formatDuration(doc.durationMs)}`;
  const parts = [
    counts.fail && `${counts.fail} failed`,
    counts.error && `${counts.error} could not run`,
    counts.warn && `${counts.warn} ${counts.warn === 1 ? 'warning' : 'warnings'}`,
  ].filter(Boolean);
  const problems = counts.fail + counts.error + counts.warn;
  const skipped = counts.skip ? `, ${counts.skip} skipped` : '';
  if (doc.outcome.interrupted) {
    const found = problems ? `; so far ${parts.join(', ')}` : '';
    return style.yellow(`Interrupted after ${formatDuration(doc.durationMs)}: the report shows what finished${found}.`);
  }
  if (problems === 0) return style.green(`${SYMBOL.pass} No problems found (${timing}${skipped}).`);
  const headline = `${problems} ${problems === 1 ? 'problem' : 'problems'} found: ${parts.join(', ')}`;
  const colour = counts.fail || counts.error ? style.red : style.yellow;
  return colour(`${headline} (${timing}${skipped}).`);
}

function hasMasked(doc: ReportDocument): boolean {
  return doc.environment.upn !== null || doc.environment.tenant !== null || doc.checks.some((c) => c.evidence.some((e) => e.sensitive));
}

/**
 * Failures, then errors, then warnings, each in pipeline order: the first is the top finding, the
 * likeliest root cause (the pipeline runs from the machine to the account, and a failure blocks what
 * depends on it).
 */
export function findingsWorstFirst<C extends { readonly status: ReportCheck['status'] }>(checks: readonly C[]): C[] {
  return checks
    .filter((c) => c.status === 'fail' || c.status === 'error' || c.status === 'warn')
    .map((check, order) => ({ check, order }))
    .sort((a, b) => SEVERITY[b.check.status] - SEVERITY[a.check.status] || a.order - b.order)
    .map(({ check }) => check);
}

const VERDICT_WORDS = { confirmed: 'confirmed by', 'ruled-out': 'ruled out: passed', 'not-checked': 'not checked' } as const;

/** `--error`: each likely cause of the pasted error, and what the checks said of it. */
function renderErrorAnalysis(analysis: NonNullable<ReportDocument['errorAnalysis']>, style: Style): string[] {
  const head = `${style.bold('Your error')}${analysis.signals.length > 0 ? `  ${style.dim(analysis.signals.slice(0, 6).join(' · '))}` : ''}`;
  if (!analysis.recognised) return [head, '  The text names no error the doctor knows; the checks below are the whole diagnosis (exo-doctor explain says what to collect).'];
  const lines = [head];
  analysis.causes.forEach((cause, i) => {
    const mark = cause.verdict === 'confirmed' ? style.red('✖ confirmed  ') : cause.verdict === 'ruled-out' ? style.green('✔ ruled out  ') : style.dim('○ not checked');
    const by =
      cause.verdict === 'not-checked'
        ? cause.checks.length > 0
          ? `the checks that would tell (${cause.checks.join(', ')}) did not run`
          : 'no check tests it'
        : `${VERDICT_WORDS[cause.verdict]} ${cause.by.join(', ')}`;
    lines.push(`  ${i + 1}. ${mark} ${cause.title} ${style.dim(`[${cause.category}, ${cause.confidence}]`)}`, `     ${style.dim(by)}`);
  });
  return lines;
}
