/**
 * The HTML report: one self-contained page (inline CSS, inline SVG, a few lines of inline script for the
 * copy buttons) that a user can open from disk, attach to a ticket or print. It loads nothing: its
 * Content-Security-Policy allows only its own style and script, by hash. Pure: a document in, a string out.
 *
 * From the top: the verdict; the diagnosis as a chain of layers, from the machine to the account, with
 * the first broken layer marked and every blocked check pointing at the check that blocked it; the
 * findings, worst first, with their fixes; the causes left unchecked; every check with a timeline of the
 * run; the environment. The document is already redacted: its strings are drawn as given, escaped.
 */
import { createHash } from 'node:crypto';
import type { Status } from '../result.js';
import { ACTOR_LABEL } from '../result.js';
import { formatDuration } from '../runner.js';
import type { ReportCheck, ReportDocument, ReportEvidence, ReportFinding, ReportLayer, ReportRemediation, UncheckedCause } from './document.js';
import { CSS, SCRIPT } from './html-assets.js';
import { SYMBOL } from './style.js';

/** Markup that is already safe: everything else that goes into the page is escaped. */
class Markup {
  constructor(readonly text: string) {}
}

type Part = Markup | string | number | null | undefined | false | readonly Part[];

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an element or a quoted attribute. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] as string);
}

function part(value: Part): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(part).join('');
  return escapeHtml(String(value));
}

/** A template whose values are escaped unless they are {@link Markup} themselves. */
function html(strings: TemplateStringsArray, ...values: Part[]): Markup {
  return new Markup(strings.reduce((out, text, i) => out + text + (i < values.length ? part(values[i] as Part) : ''), ''));
}

const SKIP_WORDS: Readonly<Record<string, string>> = {
  blocked: 'blocked',
  'not-applicable': 'not applicable',
  'not-checked': 'not checked',
  'left-out': 'left out with --skip',
  interrupted: 'interrupted',
};

/** `✔ pass`: the symbol and the word, never colour alone. */
function statusLabel(status: Status): Markup {
  return html`<span class="status ${status}"><span aria-hidden="true">${SYMBOL[status]} </span>${status}</span>`;
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** What the page needs to know across sections, worked out once. */
interface Page {
  readonly doc: ReportDocument;
  readonly byId: ReadonlyMap<string, ReportCheck>;
  readonly layerOf: ReadonlyMap<string, ReportLayer>;
  /** The checks each check kept from running. */
  readonly blocks: ReadonlyMap<string, readonly string[]>;
  readonly total: number;
  /** Numbers the commands, so that each copy button names its own. */
  nextCommand(): number;
}

function pageOf(doc: ReportDocument): Page {
  const blocks = new Map<string, string[]>();
  for (const check of doc.checks) if (check.blockedBy) blocks.set(check.blockedBy, [...(blocks.get(check.blockedBy) ?? []), check.id]);
  const layerOf = new Map<string, ReportLayer>();
  for (const layer of doc.layers) for (const id of layer.checks) layerOf.set(id, layer);
  let commands = 0;
  return {
    doc,
    byId: new Map(doc.checks.map((check) => [check.id, check])),
    layerOf,
    blocks,
    total: Math.max(1, doc.durationMs, ...doc.checks.map((check) => check.startMs + check.durationMs)),
    nextCommand: () => (commands += 1),
  };
}

/** The report as one HTML page that loads nothing from anywhere. */
export function renderHtml(doc: ReportDocument): string {
  const page = pageOf(doc);
  const body = html`<header class="top ${doc.outcome.verdict}">${verdict(page)}</header>
<nav aria-label="Sections of the report"><ul>${sections(doc).map(([id, name]) => html`<li><a href="#${id}">${name}</a></li>`)}</ul></nav>
<main>
${chain(page)}
${findings(page)}
${unchecked(page)}
${errorAnalysis(doc)}
${everyCheck(page)}
${environment(doc)}
</main>
<footer><p>Made by ${doc.tool.name} ${doc.tool.version}. This page is one file: it loads nothing from the network, and the doctor changed nothing.</p></footer>
<p id="copy-status" class="visually-hidden" role="status" aria-live="polite"></p>`;
  const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
  // Nothing loads but the page's own style and script; the empty data: icon keeps a browser from asking
  // a server for /favicon.ico when the page is served rather than opened from disk.
  const csp = `default-src 'none'; style-src ${hash(CSS)}; script-src ${hash(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(titleOf(doc))}</title>
<link rel="icon" href="data:,">
<style>${CSS}</style>
</head>
<body>
${body.text}
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function titleOf(doc: ReportDocument): string {
  const where = doc.simulation ? ` (simulated: ${doc.simulation.scenario})` : '';
  return `exo-doctor report: ${headline(doc)}${where}`;
}

/** The sections the page has, as the navigation links to them. */
function sections(doc: ReportDocument): (readonly [string, string])[] {
  const all = [
    ['diagnosis', 'Diagnosis', true],
    ['findings', 'Findings', doc.findings.length > 0],
    ['unchecked', 'Not checked', doc.unchecked.length > 0],
    ['your-error', 'Your error', doc.errorAnalysis !== undefined],
    ['checks', 'Every check', true],
    ['environment', 'Environment', true],
  ] as const;
  return all.filter(([, , shown]) => shown).map(([id, name]) => [id, name] as const);
}

/** The verdict in a few words, as the heading of the page says it. */
function headline(doc: ReportDocument): string {
  const { verdict, unchecked } = doc.outcome;
  const failed = doc.findings.filter((f) => f.status === 'fail').length;
  const warned = doc.findings.filter((f) => f.status === 'warn').length;
  switch (verdict) {
    case 'ok':
      return doc.outcome.leftOut > 0 ? 'No problems found in what ran' : 'No problems found';
    case 'interrupted':
      return 'Interrupted: the report shows what finished';
    case 'incomplete':
      return `Incomplete: ${plural(unchecked, 'check')} could not run`;
    case 'problems':
      if (failed === 0) return `No failures, but ${plural(warned, 'warning')}`;
      return `${plural(doc.findings.length, 'problem')} found`;
  }
}

const VERDICT_STATUS: Readonly<Record<ReportDocument['outcome']['verdict'], Status>> = { ok: 'pass', problems: 'fail', incomplete: 'error', interrupted: 'skip' };

function verdictStatus(doc: ReportDocument): Status {
  if (doc.outcome.verdict === 'problems' && doc.outcome.counts.fail === 0) return 'warn';
  return VERDICT_STATUS[doc.outcome.verdict];
}

function countsLine(doc: ReportDocument): string {
  const { counts } = doc.outcome;
  const words: [Status, string][] = [['pass', 'passed'], ['warn', 'warned'], ['fail', 'failed'], ['error', 'could not run'], ['skip', 'skipped']];
  const parts = words.filter(([status]) => counts[status] > 0).map(([status, word]) => `${counts[status]} ${word}`);
  return `${plural(doc.checks.length, 'check')} in ${formatDuration(doc.durationMs)}: ${parts.join(', ')}`;
}

function verdict(page: Page): Markup {
  const { doc } = page;
  const status = verdictStatus(doc);
  const who = [
    `Cloud ${doc.environment.exchangeEnvironment}`,
    doc.environment.upn && `account ${doc.environment.upn}`,
    doc.environment.tenant && `tenant ${doc.environment.tenant}`,
  ].filter(Boolean);
  return html`<div class="wrap">
<p class="tool">${doc.tool.name} ${doc.tool.version} · ${when(doc.startedAt)} · ${who.join(' · ')}</p>
<h1><span class="symbol ${status}" aria-hidden="true">${SYMBOL[status]} </span>${headline(doc)}</h1>
<p class="counts">Verdict: <strong>${doc.outcome.verdict}</strong>, exit code ${doc.outcome.exitCode}. ${countsLine(doc)}.</p>
${doc.simulation && html`<p class="scenario">Simulated tenant, scenario <strong>${doc.simulation.scenario}</strong>: ${doc.simulation.description}</p>`}
${primary(page)}
${!doc.outcome.sensitiveShown && masked(doc) && html`<p class="note">Account, tenant and machine names are masked, and commands name them by role (&lt;admin UPN&gt;); run the doctor with --show-sensitive to print them ready to paste.</p>`}
</div>`;
}

function primary(page: Page): Markup | undefined {
  const first = page.doc.outcome.primaryFinding;
  if (!first) return undefined;
  const check = page.byId.get(first.checkId);
  const layer = page.layerOf.get(first.checkId);
  return html`<p class="primary"><strong>Start here${layer && `, in ${inLayer(layer)}`}:</strong> ${first.summary} <a href="#finding-${first.checkId}">${check ? check.title : first.checkId} (${first.checkId})</a></p>`;
}

/** "the machine", "Exchange Online": a layer's title inside a sentence. */
function inLayer(layer: ReportLayer): string {
  return layer.title.replace(/^The /, 'the ');
}

function masked(doc: ReportDocument): boolean {
  return doc.environment.upn !== null || doc.environment.tenant !== null || doc.checks.some((c) => c.evidence.some((e) => e.sensitive));
}

/** `2026-11-25 12:00:00 UTC`: the same for every reader, whatever their locale. */
function when(iso: string): string {
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
}

// The chain ---------------------------------------------------------------------------------------------

/**
 * A layer's status: its worst check. A check not applicable here, or left out, does not make it worse:
 * a layer of passes and one proxy check with no proxy to test passed.
 */
function layerStatus(checks: readonly ReportCheck[]): Status {
  const counted = checks.filter((c) => c.skipKind !== 'not-applicable' && c.skipKind !== 'left-out');
  const order: Status[] = ['fail', 'error', 'warn', 'skip', 'pass'];
  return order.find((status) => counted.some((c) => c.status === status)) ?? (checks.length > 0 ? 'skip' : 'pass');
}

/** The layer the eye should land on: the first that failed, else the first that could not run, else the first warning. */
function firstBroken(layers: readonly { readonly status: Status }[]): number {
  for (const status of ['fail', 'error', 'warn'] as const) {
    const index = layers.findIndex((layer) => layer.status === status);
    if (index >= 0) return index;
  }
  return -1;
}

const BREAK_WORDS: Partial<Record<Status, string>> = { fail: 'The chain breaks here', error: 'A check could not run here', warn: 'Look here first' };

function chain(page: Page): Markup {
  const layers = page.doc.layers.map((layer) => {
    const checks = layer.checks.map((id) => page.byId.get(id)).filter((c): c is ReportCheck => c !== undefined);
    return { layer, checks, status: layerStatus(checks) };
  });
  const broken = firstBroken(layers);
  return html`<section id="diagnosis" aria-labelledby="diagnosis-title" class="wrap">
<h2 id="diagnosis-title">The diagnosis, layer by layer</h2>
<p class="muted">Connecting needs every layer, from the machine to the account. Each box lists its checks; a check that could not run because another failed says which one blocked it.</p>
<ol class="chain">
${layers.map(({ layer, checks, status }, i) => {
  const notRun = checks.every((c) => c.status === 'skip') && checks.some((c) => c.skipKind === 'blocked');
  const classes = ['layer', status, i === broken && 'first-broken', broken >= 0 && i > broken && 'after-break', notRun && 'not-run'].filter(Boolean).join(' ');
  return html`<li class="${classes}" id="layer-${layer.name}">
<span class="node" aria-hidden="true">${SYMBOL[status]}</span>
<div class="box">
<h3>${layer.title} ${statusLabel(status)} <span class="tally">${tally(checks)}</span></h3>
${i === broken && html`<p class="breaks"><strong>${BREAK_WORDS[status]}.</strong> ${firstBad(checks, status)}</p>`}
<ul class="chips">${checks.map((check) => chip(check, page))}</ul>
</div>
</li>`;
})}
</ol>
<p class="legend muted">✔ pass, ⚠ warn, ✖ fail, ! error (the check could not run), ○ skip. A dashed box was not run: the arrow names the check that blocked it.</p>
</section>`;
}

/** "3 of 4 checks passed, 1 not applicable": what a layer's box says of its checks. */
function tally(checks: readonly ReportCheck[]): string {
  const count = (kind: string) => checks.filter((c) => c.skipKind === kind).length;
  const notRun = checks.filter((c) => c.status === 'skip').length - count('not-applicable') - count('left-out');
  const counted = checks.filter((c) => c.status !== 'skip').length;
  const passed = checks.filter((c) => c.status === 'pass').length;
  const parts = [
    counted > 0 && `${passed} of ${plural(counted, 'check')} passed`,
    notRun > 0 && `${notRun} not run`,
    count('not-applicable') > 0 && `${count('not-applicable')} not applicable`,
    count('left-out') > 0 && `${count('left-out')} left out`,
  ];
  return parts.filter(Boolean).join(', ');
}

function firstBad(checks: readonly ReportCheck[], status: Status): Markup | undefined {
  const check = checks.find((c) => c.status === status);
  return check && html`${check.title} (<a href="#check-${check.id}">${check.id}</a>) ${status === 'fail' ? 'failed' : status === 'error' ? 'could not run' : 'warned'}.`;
}

const ARROW = new Markup(
  '<svg class="arrow" viewBox="0 0 16 12" width="16" height="12" aria-hidden="true" focusable="false"><path d="M15 6H3M7 1.5 2.5 6 7 10.5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/></svg>',
);

function chip(check: ReportCheck, page: Page): Markup {
  const blocked = check.skipKind === 'blocked' && check.blockedBy;
  const blocks = page.blocks.get(check.id) ?? [];
  const kind = check.status === 'skip' && check.skipKind && check.skipKind !== 'blocked' ? SKIP_WORDS[check.skipKind] : undefined;
  return html`<li class="chip ${check.status}${blocked ? ' blocked' : ''}${check.skipKind === 'not-applicable' ? ' quiet' : ''}" id="chain-${check.id}">
${statusLabel(check.status)} <a href="#check-${check.id}">${check.id}</a>${kind && html` <span class="kind">${kind}</span>`}
${blocked && html`<span class="blocked-by" data-blocked-by="${check.blockedBy}">${ARROW}blocked by <a href="#chain-${check.blockedBy}">${check.blockedBy}</a></span>`}
${blocks.length > 0 && html`<span class="blocks">blocks ${plural(blocks.length, 'check')}</span>`}
</li>`;
}

// Findings ----------------------------------------------------------------------------------------------

function findings(page: Page): Markup | undefined {
  if (page.doc.findings.length === 0) return undefined;
  return html`<section id="findings" aria-labelledby="findings-title" class="wrap">
<h2 id="findings-title">Findings, worst first</h2>
${page.doc.findings.map((finding) => findingCard(finding, page))}
</section>`;
}

function findingCard(finding: ReportFinding, page: Page): Markup {
  const layer = page.layerOf.get(finding.checkId);
  return html`<article class="card ${finding.status}" id="finding-${finding.checkId}" aria-labelledby="finding-${finding.checkId}-title">
<h3 id="finding-${finding.checkId}-title">${statusLabel(finding.status)} <code>${finding.checkId}</code> ${finding.title}</h3>
${layer && html`<p class="muted small">In ${inLayer(layer)}${finding.cause ? ` · cause: ${finding.cause}` : ''}</p>`}
<p class="summary">${finding.summary}</p>
${evidence(finding.evidence, page.doc.outcome.sensitiveShown)}
${related('Also seen by', finding.corroboratedBy)}
${related('Follows from it', finding.consequences)}
${remediation(finding.remediation, page)}
</article>`;
}

function related(heading: string, checks: ReportFinding['corroboratedBy']): Markup | undefined {
  if (checks.length === 0) return undefined;
  return html`<h4>${heading}</h4>
<ul class="related">${checks.map((c) => html`<li>${statusLabel(c.status)} <a href="#check-${c.id}">${c.id}</a>: ${c.summary}</li>`)}</ul>`;
}

function evidence(items: readonly ReportEvidence[], shown: boolean): Markup | undefined {
  if (items.length === 0) return undefined;
  return html`<h4>Evidence</h4>
<dl class="evidence">${items.map(
    (item) => html`<div><dt>${item.label}</dt><dd>${item.value}${item.sensitive && !shown && html` <span class="tag">masked</span>`}</dd></div>`,
  )}</dl>`;
}

function remediation(steps: readonly ReportRemediation[], page: Page): Markup | undefined {
  if (steps.length === 0) return undefined;
  return html`<h4>${steps.length === 1 ? 'How to fix it' : 'How to fix it, step by step'}</h4>
<ol class="fixes">${steps.map(
    (step) => html`<li><p><span class="actor">Run by ${ACTOR_LABEL[step.runBy]}</span> ${step.summary}</p>
${step.commands.map((command) => commandBlock(command, page.nextCommand()))}
${step.links.length > 0 && html`<ul class="links">${step.links.map(link)}</ul>`}</li>`,
  )}</ol>`;
}

/** A command to paste, with a copy button that the script shows (without script the text selects as usual). */
function commandBlock(command: string, n: number): Markup {
  return html`<div class="command"><pre><code id="cmd-${n}">${command}</code></pre><button type="button" class="copy" data-copy="cmd-${n}" aria-label="Copy the command: ${command}" hidden>Copy</button></div>`;
}

/** A link the user may follow; anything but http(s) is shown as text, never as a link. */
function link(href: string): Markup {
  return /^https?:\/\/[^\s]+$/i.test(href) ? html`<li><a href="${href}" rel="noreferrer">${href}</a></li>` : html`<li>${href}</li>`;
}

// Unchecked and the pasted error ------------------------------------------------------------------------

function unchecked(page: Page): Markup | undefined {
  const { doc } = page;
  if (doc.unchecked.length === 0) return undefined;
  const next = doc.unchecked.flatMap((cause) => cause.remediation.flatMap((r) => r.commands))[0];
  return html`<section id="unchecked" aria-labelledby="unchecked-title" class="wrap">
<h2 id="unchecked-title">Not checked: causes not ruled out</h2>
<p class="muted">These checks could not run, or were not run, so what they look for is neither confirmed nor ruled out.</p>
${doc.unchecked.map((cause) => uncheckedCard(cause, page))}
${next && html`<p><strong>To complete the run:</strong></p>${commandBlock(next, page.nextCommand())}`}
</section>`;
}

function uncheckedCard(cause: UncheckedCause, page: Page): Markup {
  const check = page.byId.get(cause.checkId);
  return html`<article class="card ${cause.status}" id="unchecked-${cause.checkId}" aria-labelledby="unchecked-${cause.checkId}-title">
<h3 id="unchecked-${cause.checkId}-title">${statusLabel(cause.status)} <code>${cause.checkId}</code> ${check?.title ?? ''}</h3>
<p class="summary">${cause.summary}</p>
${cause.blocks.length > 0 && html`<p class="muted">Not run because of it: ${cause.blocks.map((id, i) => html`${i > 0 && ', '}<a href="#check-${id}">${id}</a>`)}</p>`}
${check && evidence(check.evidence, page.doc.outcome.sensitiveShown)}
${remediation(cause.remediation, page)}
</article>`;
}

/** Each verdict on a cause of the pasted error: how it looks, its word, and how the checks it rests on are named. */
const CAUSE_WORDS = {
  confirmed: ['fail', 'confirmed', 'confirmed by'],
  'ruled-out': ['pass', 'ruled out', 'ruled out: passed'],
  'not-checked': ['skip', 'not checked', 'not checked'],
} as const;

function errorAnalysis(doc: ReportDocument): Markup | undefined {
  const analysis = doc.errorAnalysis;
  if (!analysis) return undefined;
  return html`<section id="your-error" aria-labelledby="your-error-title" class="wrap">
<h2 id="your-error-title">Your error</h2>
${analysis.signals.length > 0 && html`<p>It says: ${analysis.signals.map((s, i) => html`${i > 0 && ' · '}<code>${s}</code>`)}</p>`}
${
  analysis.recognised
    ? html`<ol class="causes">${analysis.causes.map((cause) => {
        const [status, word, byWords] = CAUSE_WORDS[cause.verdict];
        const by =
          cause.verdict === 'not-checked'
            ? cause.checks.length > 0
              ? `the checks that would tell (${cause.checks.join(', ')}) did not run`
              : 'no check tests it'
            : `${byWords} ${cause.by.join(', ')}`;
        return html`<li><strong class="symbol ${status}"><span aria-hidden="true">${SYMBOL[status]} </span>${word}</strong>: ${cause.title} <span class="muted">(${cause.category}, ${cause.confidence} confidence; ${by})</span></li>`;
      })}</ol>`
    : html`<p>The text names no error the doctor knows; the checks are the whole diagnosis (exo-doctor explain says what to collect).</p>`
}
</section>`;
}

// Every check -------------------------------------------------------------------------------------------

function everyCheck(page: Page): Markup {
  return html`<section id="checks" aria-labelledby="checks-title" class="wrap">
<h2 id="checks-title">Every check</h2>
<p class="muted">In pipeline order, by layer. The bar on the right shows when each check ran, across the ${formatDuration(page.total)} of the run; checks start as soon as what they need is ready.</p>
${page.doc.layers.map(
  (layer) => html`<h3 id="checks-${layer.name}">${layer.title}</h3>
<table class="checks">
<thead><tr><th scope="col">Status</th><th scope="col">Check</th><th scope="col">Result</th><th scope="col" class="num">Took</th><th scope="col" class="when">When it ran</th></tr></thead>
<tbody>${layer.checks.map((id) => page.byId.get(id)).map((check) => check && checkRow(check, page))}</tbody>
</table>`,
)}
</section>`;
}

function checkRow(check: ReportCheck, page: Page): Markup {
  const extra = check.evidence.length > 0 || check.remediation.length > 0 || check.detail !== undefined;
  return html`<tr id="check-${check.id}" class="${check.status}">
<td>${statusLabel(check.status)}${check.status === 'skip' && check.skipKind && html`<span class="kind block">${SKIP_WORDS[check.skipKind] ?? check.skipKind}</span>`}</td>
<th scope="row"><code>${check.id}</code><span class="title">${check.title}</span></th>
<td><p class="summary">${check.summary}</p>
${check.blockedBy && html`<p class="blocked-by">${ARROW}blocked by <a href="#check-${check.blockedBy}">${check.blockedBy}</a></p>`}
${check.consequenceOf && html`<p class="muted small">Follows from <a href="#check-${check.consequenceOf}">${check.consequenceOf}</a>.</p>`}
${
  extra &&
  html`<details><summary>${detailsLabel(check)}</summary>
${evidence(check.evidence, page.doc.outcome.sensitiveShown)}
${remediation(check.remediation, page)}
${check.detail !== undefined && html`<h4>Detail</h4><pre><code>${check.detail}</code></pre>`}
</details>`
}</td>
<td class="num">${ran(check) ? formatDuration(check.durationMs) : 'not run'}</td>
<td class="when">${timeline(check, page.total)}</td>
</tr>`;
}

/** "Evidence and fix", "Fix": what the details of a row hold. */
function detailsLabel(check: ReportCheck): string {
  const parts = [check.evidence.length > 0 && 'evidence', check.remediation.length > 0 && 'fix', check.detail !== undefined && 'detail'].filter((p): p is string => typeof p === 'string');
  const text = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : (parts[0] ?? '');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A check that was skipped before it started has no time of its own (the document says 0 and 0). */
function ran(check: ReportCheck): boolean {
  return !(check.status === 'skip' && check.startMs === 0 && check.durationMs === 0);
}

/** When a check ran, as a bar on the run's time axis. */
function timeline(check: ReportCheck, total: number): Markup {
  const width = 200;
  const label = ran(check)
    ? `Started ${formatDuration(check.startMs)} into the run and took ${formatDuration(check.durationMs)}.`
    : 'Not run.';
  const x = (check.startMs / total) * width;
  const w = Math.max(1.5, (check.durationMs / total) * width);
  return html`<svg class="timeline" viewBox="0 0 ${width} 12" preserveAspectRatio="none" role="img" aria-label="${label}"><title>${label}</title><rect class="track" x="0" y="3" width="${width}" height="6" rx="1"/>${
    ran(check) && html`<rect class="bar ${check.status}" x="${Math.min(x, width - w).toFixed(1)}" y="1" width="${w.toFixed(1)}" height="10" rx="1"/>`
  }</svg>`;
}

// Environment -------------------------------------------------------------------------------------------

const OS_NAMES: Readonly<Record<string, string>> = { linux: 'Linux', win32: 'Windows', darwin: 'macOS' };

function environment(doc: ReportDocument): Markup {
  const { environment: env, outcome } = doc;
  const rows: [string, string][] = [
    ['Tool', `${doc.tool.name} ${doc.tool.version}`],
    ['Started', when(doc.startedAt)],
    ['Took', formatDuration(doc.durationMs)],
    ['Cloud (Exchange environment)', env.exchangeEnvironment],
    ['Account', env.upn ?? 'none given'],
    ['Tenant', env.tenant ?? 'none given'],
    ['Operating system', `${OS_NAMES[env.os] ?? env.os} (${env.os}) ${env.osRelease}, ${env.arch}`],
    ['Node.js', env.node],
    ['Verdict', `${outcome.verdict}, exit code ${outcome.exitCode}${outcome.interrupted ? ', interrupted' : ''}`],
    ['Checks', countsLine(doc)],
    ['Not applicable here', String(outcome.notApplicable)],
    ['Left out with --skip', String(outcome.leftOut)],
    ['Left unchecked', String(outcome.unchecked)],
    ['Names', outcome.sensitiveShown ? 'shown (--show-sensitive)' : 'masked'],
    ...(doc.simulation ? ([['Simulated scenario', doc.simulation.scenario]] as [string, string][]) : []),
    ['Report format', `schema version ${doc.schemaVersion}`],
  ];
  return html`<section id="environment" aria-labelledby="environment-title" class="wrap">
<h2 id="environment-title">Environment</h2>
<dl class="evidence facts">${rows.map(([label, value]) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`)}</dl>
</section>`;
}
