/**
 * The terminal report: a summary table in pipeline order, then one finding per root cause, worst
 * first, with its evidence, the checks that saw it too, and the exact commands that fix it; then the
 * causes left unchecked with what would check them; then one line that sums it up. Pure: a document in,
 * a string out.
 */
import Table from 'cli-table3';
import { ACTOR_LABEL } from '../result.js';
import { formatDuration } from '../runner.js';
import type { ReportCheck, ReportDocument, ReportEvidence, ReportFinding, ReportRemediation, UncheckedCause } from './document.js';
import type { Style } from './style.js';
import { statusLabel, SYMBOL } from './style.js';

export interface TextOptions {
  readonly style: Style;
  /** Width to wrap at. */
  readonly width: number;
  /** Every check as a row (not-applicable ones too), and the details of errors. */
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
  );
  const notApplicable = doc.checks.filter((c) => c.skipKind === 'not-applicable');
  const rows = options.verbose ? doc.checks : doc.checks.filter((c) => c.skipKind !== 'not-applicable');
  out.push(renderTable(rows, options));
  if (!options.verbose && notApplicable.length > 0) {
    const where = doc.environment.os ? ` on ${platformName(doc.environment.os)}` : '';
    out.push(
      ...wrap(
        style.dim(`${notApplicable.length} ${notApplicable.length === 1 ? 'check' : 'checks'} not applicable${where}: ${notApplicable.map((c) => c.id).join(', ')} (--verbose lists them).`),
        options.width,
        ' ',
      ),
    );
  }

  if (doc.errorAnalysis) out.push('', ...renderErrorAnalysis(doc.errorAnalysis, style));

  if (doc.findings.length > 0) {
    out.push('', style.bold('Findings, worst first'));
    for (const finding of doc.findings) out.push('', ...renderFinding(finding, doc.checks, options));
  }

  if (doc.unchecked.length > 0) {
    out.push('', style.bold('Not checked: causes not ruled out'));
    for (const cause of doc.unchecked) out.push('', ...renderUnchecked(cause, doc.checks, options));
  }

  out.push('', ...wrap(summaryLine(doc, style), options.width, ''));
  const next = completion(doc);
  // The command stays on a line of its own, unwrapped, so that it pastes.
  if (next) out.push(`To complete it: ${style.cyan(next)}`);
  if (!doc.outcome.sensitiveShown && hasMasked(doc)) {
    out.push(
      ...wrap(
        style.dim('Account, tenant and machine names are masked, and commands name them by role (<admin UPN>); --show-sensitive prints them ready to paste.'),
        options.width,
        '',
      ),
    );
  }
  return `${out.join('\n')}\n`;
}

function platformName(os: string): string {
  return { linux: 'Linux', win32: 'Windows', darwin: 'macOS' }[os] ?? os;
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

function renderEvidence(evidence: readonly ReportEvidence[], { style, width }: TextOptions): string[] {
  if (evidence.length === 0) return [];
  const labelWidth = Math.min(Math.max(...evidence.map((e) => e.label.length)), 30);
  const lines = [style.dim('  Evidence')];
  for (const item of evidence) {
    // A label longer than the column gets a line of its own, so its value keeps the width of the page.
    if (item.label.length > labelWidth) {
      lines.push(`    ${item.label}`, ...wrap(`      ${item.value}`, width, '      '));
      continue;
    }
    lines.push(...wrap(`    ${item.label.padEnd(labelWidth)}  ${item.value}`, width, ' '.repeat(4 + labelWidth + 2)));
  }
  return lines;
}

function renderRemediation(steps: readonly ReportRemediation[], { style, width }: TextOptions): string[] {
  const lines: string[] = [];
  for (const step of steps) {
    lines.push(...wrap(`  ${style.bold('Fix')} ${style.dim(`(run by ${ACTOR_LABEL[step.runBy]})`)}: ${step.summary}`, width, '    '));
    // Commands are never wrapped: they must paste as one line.
    for (const command of step.commands) lines.push(`    ${style.cyan(command)}`);
    for (const link of step.links) lines.push(`    ${style.dim(link)}`);
  }
  return lines;
}

function renderFinding(finding: ReportFinding, checks: readonly ReportCheck[], options: TextOptions): string[] {
  const { style, width, verbose } = options;
  const lines = [`${statusLabel(finding.status, style)} ${style.bold(finding.checkId)}: ${finding.title}`, ...wrap(`  ${finding.summary}`, width, '  ')];
  lines.push(...renderEvidence(finding.evidence, options));
  if (finding.corroboratedBy.length > 0) {
    lines.push(style.dim('  Also seen by'));
    for (const other of finding.corroboratedBy) lines.push(...wrap(`    ${SYMBOL[other.status]} ${other.id}: ${other.summary}`, width, '      '));
  }
  if (finding.consequences.length > 0) {
    lines.push(style.dim('  Follows from it'));
    for (const other of finding.consequences) lines.push(...wrap(`    ${SYMBOL[other.status]} ${other.id}: ${other.summary}`, width, '      '));
  }
  lines.push(...renderRemediation(finding.remediation, options));
  const detail = checks.find((c) => c.id === finding.checkId)?.detail;
  if (verbose && detail) lines.push(style.dim('  Detail'), ...detail.split('\n').map((line) => style.dim(`    ${line}`)));
  return lines;
}

function renderUnchecked(cause: UncheckedCause, checks: readonly ReportCheck[], options: TextOptions): string[] {
  const { style, width } = options;
  const check = checks.find((c) => c.id === cause.checkId);
  const lines = [`${statusLabel(cause.status, style)} ${style.bold(cause.checkId)}: ${check?.title ?? ''}`, ...wrap(`  ${cause.summary}`, width, '  ')];
  if (cause.blocks.length > 0) lines.push(...wrap(`  ${style.dim(`Not run because of it: ${cause.blocks.join(', ')}`)}`, width, '    '));
  if (check) lines.push(...renderEvidence(check.evidence, options));
  lines.push(...renderRemediation(cause.remediation, options));
  if (options.verbose && check?.detail) lines.push(style.dim('  Detail'), ...check.detail.split('\n').map((line) => style.dim(`    ${line}`)));
  return lines;
}

function summaryLine(doc: ReportDocument, style: Style): string {
  const { counts, unchecked, notApplicable, leftOut } = doc.outcome;
  const total = doc.checks.length;
  const timing = `${total} ${total === 1 ? 'check' : 'checks'} in ${formatDuration(doc.durationMs)}`;
  const aside = [leftOut && `${leftOut} left out with --skip`, notApplicable && `${notApplicable} not applicable`].filter(Boolean).join(', ');
  const scope = `(${timing}${aside ? `; ${aside}` : ''})`;
  const couldNot = unchecked ? `${unchecked} ${unchecked === 1 ? 'check' : 'checks'} could not run` : '';
  if (doc.outcome.interrupted) {
    const found = doc.findings.length ? `; so far ${doc.findings.length} ${doc.findings.length === 1 ? 'problem' : 'problems'}` : '';
    return style.yellow(`Interrupted after ${formatDuration(doc.durationMs)}: the report shows what finished${found}.`);
  }
  const byStatus = (status: ReportFinding['status']) => doc.findings.filter((f) => f.status === status).length;
  const parts = [byStatus('fail') && `${byStatus('fail')} failed`, byStatus('warn') && `${byStatus('warn')} ${byStatus('warn') === 1 ? 'warning' : 'warnings'}`].filter(Boolean);
  const problems = doc.findings.length;
  if (doc.outcome.verdict === 'incomplete' && counts.fail === 0) {
    const warnings = byStatus('warn') ? `; ${byStatus('warn')} ${byStatus('warn') === 1 ? 'warning' : 'warnings'}` : '';
    return style.yellow(`Incomplete: ${couldNot}${warnings} ${scope}, so this is not an all-clear.`);
  }
  if (problems === 0) {
    return style.green(`${SYMBOL.pass} No problems found${leftOut ? ' in what ran' : ''} ${scope}.`);
  }
  const headline = `${problems} ${problems === 1 ? 'problem' : 'problems'} found: ${parts.join(', ')}`;
  const colour = counts.fail ? style.red : style.yellow;
  return colour(`${headline}${couldNot ? `; ${couldNot}` : ''} ${scope}.`);
}

/** The command that would run what an incomplete run left out. */
function completion(doc: ReportDocument): string | undefined {
  if (doc.outcome.verdict !== 'incomplete' && doc.outcome.unchecked === 0) return undefined;
  return doc.unchecked.flatMap((cause) => cause.remediation.flatMap((r) => r.commands))[0];
}

function hasMasked(doc: ReportDocument): boolean {
  return doc.environment.upn !== null || doc.environment.tenant !== null || doc.checks.some((c) => c.evidence.some((e) => e.sensitive));
}

/**
 * Wraps a line at `width`, continuing with `indent`. Words longer than the width (URLs, commands) stay
 * whole. Escape codes count for nothing.
 */
/** Breaks a line at spaces to fit `width` (colour codes do not count); later lines start with `indent`. */
export function wrap(line: string, width: number, indent: string): string[] {
  // eslint-disable-next-line no-control-regex -- colour codes are skipped when measuring
  const visible = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '').length;
  if (visible(line) <= width) return [line];
  const lead = /^\s*/.exec(line)?.[0] ?? '';
  const words = line.slice(lead.length).split(' ');
  const lines: string[] = [];
  let current = lead;
  for (const word of words) {
    const candidate = current.trim() === '' ? `${current}${word}` : `${current} ${word}`;
    if (visible(candidate) > width && current.trim() !== '') {
      lines.push(current);
      current = `${indent}${word}`;
    } else current = candidate;
  }
  lines.push(current);
  return lines;
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
