/**
 * The Markdown report, for pasting into a ticket or a GitHub issue: the same content as the HTML report,
 * in GitHub-flavoured Markdown. The verdict and the primary finding first; the layers as a chain; the
 * findings worst first with the checks that saw them too, their fixes (who runs them, the commands in
 * fenced blocks) and their evidence folded away; what was left unchecked; every check in a table; the
 * environment. Pure: a document in, a string out.
 *
 * The document is already redacted, so its strings are printed as given, only escaped: a summary cannot
 * open a link, emphasis, a table cell, math (GitHub renders `$…$`) or an HTML tag. Commands go in fences
 * longer than any run of backticks inside them. The only HTML is `<details>` and `<summary>`, which GitHub
 * keeps, each on a line of its own followed by a blank line so that the Markdown inside still renders.
 * Statuses are a symbol and a word, never colour alone.
 */
import { ACTOR_LABEL, SEVERITY, type Status } from '../result.js';
import { formatDuration } from '../runner.js';
import type { ReportCheck, ReportDocument, ReportEvidence, ReportFinding, ReportRemediation, UncheckedCause } from './document.js';
import { SYMBOL } from './style.js';

export function renderMarkdown(doc: ReportDocument): string {
  const byId = new Map(doc.checks.map((check) => [check.id, check]));
  const blocks: string[] = [...head(doc), ...layers(doc, byId)];
  if (doc.errorAnalysis) blocks.push(...errorAnalysis(doc.errorAnalysis));
  if (doc.findings.length > 0) {
    blocks.push('### Findings, worst first');
    doc.findings.forEach((finding, i) => blocks.push(...renderFinding(finding, i + 1, byId.get(finding.checkId))));
  }
  if (doc.unchecked.length > 0) {
    blocks.push('### Not checked: causes not ruled out');
    for (const cause of doc.unchecked) blocks.push(...renderUnchecked(cause, byId.get(cause.checkId)));
  }
  blocks.push(...checkTable(doc.checks), ...environment(doc));
  return `${blocks.join('\n\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------
// Sections

const VERDICT_WORDS: Readonly<Record<ReportDocument['outcome']['verdict'], string>> = {
  ok: 'no problems found',
  problems: 'problems found',
  incomplete: 'incomplete, so not an all-clear',
  interrupted: 'interrupted: the report shows what finished',
};

/** Worst first, as the findings are ordered. */
const STATUS_ORDER: readonly Status[] = ['fail', 'error', 'warn', 'skip', 'pass'];

/** The title line (verdict, exit code, counts), the primary finding, and what was diagnosed. */
function head(doc: ReportDocument): string[] {
  const { outcome } = doc;
  const counts = STATUS_ORDER.filter((status) => outcome.counts[status] > 0).map((status) => `${SYMBOL[status]} ${outcome.counts[status]} ${status}`);
  const lead = outcome.verdict === 'ok' ? SYMBOL.pass : outcome.counts.fail > 0 ? SYMBOL.fail : outcome.verdict === 'problems' ? SYMBOL.warn : SYMBOL.error;
  const out = [`## ${lead} exo-doctor: ${VERDICT_WORDS[outcome.verdict]} (exit code ${outcome.exitCode}) · ${counts.join(' · ')}`];
  const primary = outcome.primaryFinding;
  if (primary) {
    const status = doc.findings.find((f) => f.checkId === primary.checkId)?.status;
    out.push(`**Primary finding:** ${status ? `${label(status)} ` : ''}${code(primary.checkId)}: ${inline(primary.summary)}`);
  }
  const about = [
    `exo-doctor ${inline(doc.tool.version)}`,
    inline(doc.environment.exchangeEnvironment),
    doc.environment.upn ? inline(doc.environment.upn) : doc.environment.tenant ? inline(doc.environment.tenant) : '',
    doc.simulation ? `simulated tenant ${code(doc.simulation.scenario)}` : '',
    `${doc.checks.length} ${doc.checks.length === 1 ? 'check' : 'checks'} in ${formatDuration(doc.durationMs)}`,
  ];
  out.push(about.filter(Boolean).join(' · '));
  if (!outcome.sensitiveShown && hasMasked(doc)) {
    out.push('_Account, tenant and machine names are masked, and commands name them by role (\\<admin UPN\\>)._');
  }
  return out;
}

/** The chain of layers, each with its worst status, then each layer's checks with "blocked by". */
function layers(doc: ReportDocument, byId: ReadonlyMap<string, ReportCheck>): string[] {
  if (doc.layers.length === 0) return [];
  const checksOf = (ids: readonly string[]) => ids.map((id) => byId.get(id)).filter((c): c is ReportCheck => c !== undefined);
  const chain = doc.layers.map((layer) => `${inline(layer.title)} ${label(worst(checksOf(layer.checks).map((c) => c.status)))}`).join(' → ');
  const items = doc.layers.map((layer, i) => {
    const checks = checksOf(layer.checks).map((c) => `${label(c.status)} ${code(c.id)}${c.blockedBy ? ` (blocked by ${code(c.blockedBy)})` : ''}`);
    return `${i + 1}. **${inline(layer.title)}:** ${checks.join(' · ')}`;
  });
  return ['### Layers', chain, items.join('\n')];
}

/**
 * The status of a layer: its worst check, where a skip counts only when nothing else ran (a check not
 * applicable here does not make a layer look worse than its passes).
 */
function worst(statuses: readonly Status[]): Status {
  const ran = statuses.filter((status) => status !== 'skip');
  const pool = ran.length > 0 ? ran : statuses;
  return pool.reduce<Status>((a, b) => (SEVERITY[b] > SEVERITY[a] ? b : a), pool[0] ?? 'skip');
}

function renderFinding(finding: ReportFinding, n: number, check: ReportCheck | undefined): string[] {
  const out = [`#### ${n}. ${label(finding.status)} ${code(finding.checkId)}: ${inline(finding.title)}`, paragraph(finding.summary)];
  if (finding.corroboratedBy.length > 0) out.push('Also seen by:', related(finding.corroboratedBy));
  if (finding.consequences.length > 0) out.push('Follows from it:', related(finding.consequences));
  out.push(...renderRemediation(finding.remediation), ...renderEvidence(finding.evidence), ...renderDetail(check?.detail));
  return out;
}

function renderUnchecked(cause: UncheckedCause, check: ReportCheck | undefined): string[] {
  const out = [`#### ${label(cause.status)} ${code(cause.checkId)}: ${inline(check?.title ?? '')}`, paragraph(cause.summary)];
  if (cause.blocks.length > 0) out.push(`Not run because of it: ${cause.blocks.map(code).join(', ')}`);
  out.push(...renderRemediation(cause.remediation), ...renderEvidence(check?.evidence ?? []), ...renderDetail(check?.detail));
  return out;
}

function related(checks: readonly { readonly id: string; readonly status: Status; readonly summary: string }[]): string {
  return checks.map((c) => `- ${label(c.status)} ${code(c.id)}: ${inline(c.summary)}`).join('\n');
}

/** Each step: who runs it and what it does, its commands in one fenced block, its links. */
function renderRemediation(steps: readonly ReportRemediation[]): string[] {
  const out: string[] = [];
  steps.forEach((step, i) => {
    const number = steps.length > 1 ? ` ${i + 1} of ${steps.length}` : '';
    out.push(`**Fix${number}** (run by ${ACTOR_LABEL[step.runBy]}): ${inline(step.summary)}`);
    if (step.commands.length > 0) out.push(fence(step.commands.join('\n'), languageOf(step.commands)));
    if (step.links.length > 0) out.push(step.links.map((link) => `- ${autolink(link)}`).join('\n'));
  });
  return out;
}

function renderEvidence(evidence: readonly ReportEvidence[], title = 'Evidence'): string[] {
  if (evidence.length === 0) return [];
  return details(title, [evidenceList(evidence)]);
}

/** Evidence as a list; a value of several lines keeps them, in a fenced block under its label. */
function evidenceList(evidence: readonly ReportEvidence[]): string {
  return evidence
    .map((item) => {
      const name = `- **${inline(item.label)}:**`;
      if (!item.value.includes('\n')) return `${name} ${inline(item.value)}`;
      return `${name}\n\n${indent(fence(item.value, ''), '  ')}\n`;
    })
    .join('\n');
}

/** Internals of an error, present only with --verbose. */
function renderDetail(detail: string | undefined): string[] {
  return detail ? details('Detail', [fence(detail, '')]) : [];
}

const CAUSE_WORDS = { confirmed: `${SYMBOL.fail} confirmed`, 'ruled-out': `${SYMBOL.pass} ruled out`, 'not-checked': `${SYMBOL.skip} not checked` } as const;

/** `--error`: each likely cause of the pasted error, and what the checks said of it. */
function errorAnalysis(analysis: NonNullable<ReportDocument['errorAnalysis']>): string[] {
  const out = ['### Your error'];
  if (analysis.signals.length > 0) out.push(`Signals: ${analysis.signals.map(inline).join(' · ')}`);
  if (!analysis.recognised) {
    out.push('The text names no error the doctor knows; the checks below are the whole diagnosis (`exo-doctor explain` says what to collect).');
    return out;
  }
  const items = analysis.causes.map((cause, i) => {
    const by =
      cause.verdict === 'not-checked'
        ? cause.checks.length > 0
          ? `the checks that would tell (${cause.checks.map(code).join(', ')}) did not run`
          : 'no check tests it'
        : `${cause.verdict === 'confirmed' ? 'confirmed by' : 'passed:'} ${cause.by.map(code).join(', ')}`;
    return `${i + 1}. **${CAUSE_WORDS[cause.verdict]}:** ${inline(cause.title)} (${code(cause.category)}, ${inline(cause.confidence)}): ${by}`;
  });
  out.push(items.join('\n'));
  return out;
}

/** Every check in registry order, then the evidence of each, folded away. */
function checkTable(checks: readonly ReportCheck[]): string[] {
  const rows = checks.map((c) => {
    const result = `${cell(c.summary)}${c.blockedBy ? ` (blocked by ${code(c.blockedBy)})` : ''}`;
    return `| ${label(c.status)} | ${code(c.id)} | ${result} | ${formatDuration(c.durationMs)} |`;
  });
  const out = ['### Every check', ['| Status | Check | Result | Time |', '| --- | --- | --- | ---: |', ...rows].join('\n')];
  const withEvidence = checks.filter((c) => c.evidence.length > 0);
  if (withEvidence.length > 0) out.push('Evidence of each check:');
  for (const c of withEvidence) out.push(...renderEvidence(c.evidence, `${label(c.status)} · ${c.id}: ${c.title}`));
  return out;
}

function environment(doc: ReportDocument): string[] {
  const env = doc.environment;
  const rows: [string, string][] = [
    ['exo-doctor', doc.tool.version],
    ['Started', `${doc.startedAt} (took ${formatDuration(doc.durationMs)})`],
    ['Operating system', `${env.os} ${env.osRelease} (${env.arch})`],
    ['Node.js', env.node],
    ['Exchange environment', env.exchangeEnvironment],
  ];
  if (env.upn !== null) rows.push(['Account', env.upn]);
  if (env.tenant !== null) rows.push(['Tenant', env.tenant]);
  if (doc.simulation) rows.push(['Simulated tenant', `${doc.simulation.scenario}: ${doc.simulation.description}`]);
  if (doc.outcome.interrupted) rows.push(['Interrupted', 'yes: checks still running were stopped']);
  const table = ['| Fact | Value |', '| --- | --- |', ...rows.map(([name, value]) => `| ${cell(name)} | ${cell(value)} |`)];
  return ['### Environment', table.join('\n')];
}

function hasMasked(doc: ReportDocument): boolean {
  return doc.environment.upn !== null || doc.environment.tenant !== null || doc.checks.some((c) => c.evidence.some((e) => e.sensitive));
}

// ---------------------------------------------------------------------------------------------------
// Markdown building blocks

/** `✖ fail`: the symbol and the word. */
function label(status: Status): string {
  return `${SYMBOL[status]} ${status}`;
}

/**
 * Characters GitHub would read as syntax anywhere in a line: escapes, code, emphasis, links, HTML and
 * autolinks, headings' closing marks, strikethrough, math. A backslash before any ASCII punctuation is a
 * literal in CommonMark (https://spec.commonmark.org/0.31.2/#backslash-escapes), so escaping one that
 * needed none is harmless. `|` matters only in a table cell (see {@link cell}).
 */
const INLINE_SYNTAX = /[\\`*_[\]<>#~$]/g;
/**
 * A web address in text. GitHub links a bare one itself, but reads it up to the next space or `<`,
 * backslash escapes included (`https://x/\<tenant\>` would link `https://x/\`): each is written as
 * an explicit autolink instead, `<https://…>`, after the punctuation GitHub would leave out of it.
 */
const WEB_ADDRESS = /https?:\/\/[^\s<>]+/g;

/** Text as Markdown that renders as itself, on one line (for headings, list items, labels). */
export function inline(text: string): string {
  return lines(text)
    .map((line) => escapeLine(line, false))
    .join(' ');
}

/** Text for a table cell: on one line, with its pipes escaped (https://github.github.com/gfm/#tables-extension-). */
export function cell(text: string): string {
  return lines(text)
    .map((line) => escapeLine(line, true))
    .join(' ');
}

/** Text as a paragraph that renders as itself; its line breaks kept as hard breaks. */
function paragraph(text: string): string {
  return lines(text)
    .map((line) => blockSafe(escapeLine(line, false)))
    .join('\\\n');
}

function lines(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

function escapeLine(line: string, inCell: boolean): string {
  const plain = (text: string) => {
    // An entity (&amp; &#36;) would be decoded: escape its ampersand.
    const escaped = text.replace(INLINE_SYNTAX, '\\$&').replace(/&(?=#?\w+;)/g, '\\&');
    return inCell ? escaped.replace(/\|/g, '\\|') : escaped;
  };
  let out = '';
  let from = 0;
  for (const match of line.matchAll(WEB_ADDRESS)) {
    const address = trimAddress(match[0]);
    out += `${plain(line.slice(from, match.index))}<${inCell ? address.replace(/\|/g, '\\|') : address}>`;
    from = match.index + address.length;
  }
  return out + plain(line.slice(from));
}

/** A web address without the punctuation GitHub's autolinks leave out: a final `.`, `,`, `)` unmatched… */
function trimAddress(address: string): string {
  let out = address;
  for (;;) {
    const last = out.at(-1) ?? '';
    const unmatched = last === ')' && out.split('(').length < out.split(')').length;
    if (!`?!.,:*_~'";`.includes(last) && !unmatched) return out;
    out = out.slice(0, -1);
  }
}

/**
 * A line that would open a block where it starts a line of a paragraph (a heading, a list item, a
 * setext underline) has its mark escaped; a list number keeps its digits (`1\.`).
 */
function blockSafe(line: string): string {
  if (/^[+=-]/.test(line)) return `\\${line}`;
  return line.replace(/^(\d{1,9})([.)])(?=\s|$)/, '$1\\$2');
}

/** The longest run of backticks in a text. */
function longestBacktickRun(text: string): number {
  return Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
}

/** An inline code span that holds any text, backticks included. */
function code(text: string): string {
  const ticks = '`'.repeat(longestBacktickRun(text) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text.replace(/\r?\n/g, ' ')}${pad}${ticks}`;
}

/** A fenced code block whose fence is longer than any run of backticks inside (at least three). */
function fence(body: string, language: string): string {
  const ticks = '`'.repeat(Math.max(3, longestBacktickRun(body) + 1));
  return `${ticks}${language}\n${body}\n${ticks}`;
}

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : `${by}${line}`))
    .join('\n');
}

/** A link GitHub turns into an anchor; anything that is not a plain web address stays text. */
function autolink(link: string): string {
  return /^https?:\/\/[^\s<>]+$/.test(link) ? `<${link}>` : inline(link);
}

/**
 * A collapsible block. The HTML tags sit on lines of their own with blank lines around the Markdown
 * inside, which GitHub renders (https://github.github.com/gfm/#html-blocks: an HTML block ends at a blank
 * line). The summary is HTML, not Markdown, so it is escaped as HTML.
 */
function details(summary: string, body: readonly string[]): string[] {
  return [`<details><summary>${escapeHtml(summary)}</summary>`, ...body, '</details>'];
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\r?\n/g, ' ');
}

/**
 * The language of a step's commands, for the fence's hint, only when obvious: PowerShell when every
 * command starts with a cmdlet (Verb-Noun), a variable or a .NET type; sh when every one starts with sudo,
 * export or unset. Anything else (w32tm, netsh, node) gets no hint rather than a wrong one.
 */
function languageOf(commands: readonly string[]): string {
  const powershell = /^(?:\$[\w:]+|\[[\w.]+\]::|[A-Z][a-z]+-[A-Z][A-Za-z]+\b)/;
  const sh = /^(?:sudo|export|unset)\s/;
  if (commands.every((c) => powershell.test(c.trim()))) return 'powershell';
  if (commands.every((c) => sh.test(c.trim()))) return 'sh';
  return '';
}
