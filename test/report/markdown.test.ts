// The Markdown report: built from real runs of the built-in scenarios and held to what GitHub must show.
// Its structure is read two ways: with patterns that always run (fences, table rows, details blocks), and
// with cmark-gfm, GitHub's own CommonMark parser (Debian's cmark-gfm, tables and autolinks on, as on
// GitHub), whose syntax tree says what really renders. Without cmark-gfm the parser tests skip, and fail
// under CI.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/redact.js';
import { buildDocument, type ReportCheck, type ReportDocument } from '../../src/report/document.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { ACTOR_LABEL } from '../../src/result.js';
import { formatDuration } from '../../src/runner.js';
import { reportOf } from '../support/report-docs.js';
import { sampleRun } from '../support/sample-run.js';

const CMARK_LIMIT_MS = 15_000;
const CMARK_ARGS = ['--to', 'xml', '-e', 'table', '-e', 'autolink', '-e', 'strikethrough', '-e', 'tagfilter'];
const SCENARIOS = ['legacy-mfa-module', 'app-only-no-role', 'healthy'];

/** Why cmark-gfm cannot run here, or undefined. */
function cmarkMissing(): string | undefined {
  const run = spawnSync('cmark-gfm', ['--version'], { encoding: 'utf8', timeout: CMARK_LIMIT_MS });
  if (run.error) return `cmark-gfm cannot run (${run.error.message}): install Debian's cmark-gfm`;
  return run.status === 0 ? undefined : `cmark-gfm --version exited with ${run.status}: ${run.stderr}`;
}
const noCmark = cmarkMissing();
const inCI = process.env['CI'] !== undefined;
if (noCmark !== undefined && !inCI) console.warn(`Skipping the Markdown parser tests: ${noCmark}`);

// ---------------------------------------------------------------------------------------------------
// Reading the Markdown with patterns

interface Fence {
  readonly fence: string;
  readonly info: string;
  readonly body: string;
}

/** The fenced code blocks, as CommonMark closes them: a line of at least as many backticks. */
function fences(markdown: string): Fence[] {
  const out: Fence[] = [];
  let open: { fence: string; info: string; lines: string[] } | undefined;
  for (const line of markdown.split('\n')) {
    if (open) {
      const close = /^ {0,3}(`+)\s*$/.exec(line);
      if (close && (close[1] as string).length >= open.fence.length) {
        out.push({ fence: open.fence, info: open.info, body: open.lines.join('\n') });
        open = undefined;
      } else open.lines.push(line.replace(/^ {0,2}/, ''));
      continue;
    }
    const start = /^ {0,3}(`{3,})([^`]*)$/.exec(line);
    if (start) open = { fence: start[1] as string, info: (start[2] as string).trim(), lines: [] };
  }
  expect(open, 'a fence is never closed').toBeUndefined();
  return out;
}

/** The Markdown outside fenced code blocks. */
function outsideFences(markdown: string): string {
  let text = markdown;
  for (const block of fences(markdown)) text = text.replace(`${block.fence}${block.info}\n`, '').replace(block.body, '');
  return text;
}

/** The cells of a table row, split at pipes that are not escaped. */
function cellsOf(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/** The rows of the table of every check, without its header. */
function checkRows(markdown: string): string[] {
  const lines = markdown.split('\n');
  const head = lines.indexOf('| Status | Check | Result | Time |');
  expect(head).toBeGreaterThan(0);
  const end = lines.findIndex((line, i) => i > head && !line.startsWith('|'));
  return lines.slice(head + 2, end);
}

// ---------------------------------------------------------------------------------------------------
// Reading it as GitHub does

/** The syntax tree cmark-gfm makes of a document, as its XML. */
function syntaxTree(markdown: string): string {
  if (noCmark !== undefined) throw new Error(`The Markdown parser tests cannot run: ${noCmark}`);
  const run = spawnSync('cmark-gfm', CMARK_ARGS, { input: markdown, encoding: 'utf8', timeout: CMARK_LIMIT_MS });
  if (run.error) throw run.error;
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const decode = (text: string) => text.replace(/&(lt|gt|amp|quot|apos);/g, (_m, name: string) => ENTITIES[name] ?? '');

/** The nodes of one kind, with what is inside them. */
function nodes(tree: string, kind: string): { attrs: string; inner: string }[] {
  const pattern = new RegExp(`<${kind}(\\s[^>]*)?(?:/>|>([\\s\\S]*?)</${kind}>)`, 'g');
  return [...tree.matchAll(pattern)].map((m) => ({ attrs: m[1] ?? '', inner: m[2] ?? '' }));
}

/** The text a node shows: its text and code, links' text included, line breaks as newlines. */
function shownText(inner: string): string {
  const parts = [...inner.matchAll(/<(text|code)(?:\s[^>]*)?>([\s\S]*?)<\/\1>|<(linebreak|softbreak) \/>/g)];
  return parts.map((m) => (m[3] === 'linebreak' ? '\n' : m[3] === 'softbreak' ? ' ' : decode(m[2] as string))).join('');
}

// ---------------------------------------------------------------------------------------------------
// Documents

function checkOf(doc: ReportDocument, id: string): ReportCheck {
  const check = doc.checks.find((c) => c.id === id);
  if (!check) throw new Error(`${id} is not in the document`);
  return check;
}

/**
 * A document whose check `id` (and the finding it leads, if any) says `summary`, has the fixes `remediation`
 * instead of its own, or `commands` added to its first fix.
 */
function withCheck(
  doc: ReportDocument,
  id: string,
  change: { readonly summary?: string; readonly remediation?: ReportCheck['remediation']; readonly commands?: readonly string[] },
): ReportDocument {
  const fixes = (steps: ReportCheck['remediation']) =>
    (change.remediation ?? steps).map((step, i) => (i === 0 && change.commands ? { ...step, commands: [...step.commands, ...change.commands] } : step));
  const patch = <T extends { summary: string; remediation: ReportCheck['remediation'] }>(item: T): T => ({ ...item, summary: change.summary ?? item.summary, remediation: fixes(item.remediation) });
  return {
    ...doc,
    checks: doc.checks.map((c) => (c.id === id ? patch(c) : c)),
    findings: doc.findings.map((f) => (f.checkId === id ? patch(f) : f)),
  };
}

/** The sample run of the renderer tests: one check of each status, one of them an error, no layers. */
function sampleDocument(): ReportDocument {
  const meta = { version: '0.1.0', os: 'linux', osRelease: '6.1.0', arch: 'x64', node: 'v20.20.2', exchangeEnvironment: 'O365Default', failOn: 'fail' as const, verbose: false };
  return buildDocument(sampleRun(), meta, new Redactor(false));
}

/** A summary made of everything GitHub would read as syntax. */
const MARKUP =
  'Use *not bold* and _not italic_, [not a link](http://example.com), <b>not html</b>, <img src=x onerror=alert(1)>, ' +
  '$x + y$, ~~not struck~~, `not code`, &amp; not an entity, \\ a backslash, # not a heading, see https://example.com/a_b_c.';
const COMMAND_WITH_FENCES = 'Write-Host "```powershell" ````not a fence````';

describe('renderMarkdown', () => {
  it('opens with the verdict, the exit code, the counts and the primary finding', async () => {
    const doc = await reportOf('legacy-mfa-module');
    const [title, primary] = renderMarkdown(doc).split('\n\n');
    const { fail, warn, skip, pass } = doc.outcome.counts;
    expect(doc.outcome.counts.error).toBe(0);
    expect(title).toBe(`## ✖ exo-doctor: problems found (exit code 1) · ✖ ${fail} fail · ⚠ ${warn} warn · ○ ${skip} skip · ✔ ${pass} pass`);
    expect(primary).toBe(`**Primary finding:** ✖ fail \`module-versions\`: ${doc.outcome.primaryFinding?.summary}`);
    const healthy = await reportOf('healthy');
    expect(renderMarkdown(healthy).split('\n')[0]).toBe(`## ✔ exo-doctor: no problems found (exit code 0) · ○ ${healthy.outcome.counts.skip} skip · ✔ ${healthy.outcome.counts.pass} pass`);
    expect(renderMarkdown(sampleDocument()).split('\n')[0]).toBe('## ✖ exo-doctor: problems found (exit code 1) · ✖ 1 fail · ! 1 error · ⚠ 1 warn · ○ 1 skip · ✔ 1 pass');
  });

  it('draws the layers as a chain, each check with its symbol and word, and what blocked it', async () => {
    const doc = await reportOf('app-only-no-role');
    const markdown = renderMarkdown(doc);
    const section = markdown.slice(markdown.indexOf('### Layers'), markdown.indexOf('###', markdown.indexOf('### Layers') + 1));
    expect(section).toContain('The machine ✔ pass → The network ✔ pass → The tenant ✔ pass → The sign-in ⚠ warn → Exchange Online ✖ fail');
    expect(section).toContain('○ skip `org-oauth2-client-profile` (blocked by `exo-connection`)');
    for (const check of doc.checks) expect(section).toMatch(new RegExp(`[✔⚠✖!○] ${check.status} \`${check.id}\``));
  });

  it.each(SCENARIOS)('lists every finding worst first with its checks, fixes and commands, in fenced blocks (%s)', async (name) => {
    const doc = await reportOf(name);
    const markdown = renderMarkdown(doc);
    const blocks = fences(markdown).map((block) => block.body);
    let last = -1;
    doc.findings.forEach((finding, i) => {
      const at = markdown.indexOf(`#### ${i + 1}. ${finding.status === 'fail' ? '✖ fail' : '⚠ warn'} \`${finding.checkId}\`: `);
      expect(at).toBeGreaterThan(last);
      last = at;
      for (const other of [...finding.corroboratedBy, ...finding.consequences]) expect(markdown.slice(at)).toContain(`\`${other.id}\`: `);
      for (const step of finding.remediation) {
        expect(markdown.slice(at)).toContain(`(run by ${ACTOR_LABEL[step.runBy]}): `);
        // One block per step, the commands as given: a fence holds them verbatim.
        if (step.commands.length > 0) expect(blocks).toContain(step.commands.join('\n'));
      }
    });
    for (const cause of doc.unchecked) expect(markdown).toContain(`\`${cause.checkId}\`: `);
  });

  it('marks a block of PowerShell as powershell and a block of shell commands as sh, and guesses nothing else', async () => {
    const legacy = fences(renderMarkdown(await reportOf('legacy-mfa-module')));
    expect(legacy.find((b) => b.body.startsWith('[Net.ServicePointManager]'))?.info).toBe('powershell');
    expect(legacy.find((b) => b.body.startsWith('$ProxySetting = $null'))?.info).toBe('powershell');
    // rundll32 then a cmdlet; the Control Panel then netsh: no single obvious language.
    expect(legacy.find((b) => b.body.startsWith('rundll32.exe'))?.info).toBe('');
    expect(legacy.find((b) => b.body.startsWith('inetcpl.cpl'))?.info).toBe('');
    const step = (commands: readonly string[]) => ({ summary: 'Fix it.', runBy: 'admin' as const, commands, links: [] });
    const doc = withCheck(await reportOf('legacy-mfa-module'), 'module-versions', {
      remediation: [step(['sudo timedatectl set-ntp true', 'sudo chronyc makestep']), step(['w32tm /resync /force']), step(['sudo chronyc makestep', 'Get-Date'])],
    });
    const blocks = fences(renderMarkdown(doc));
    expect(blocks.find((b) => b.body.startsWith('sudo timedatectl'))?.info).toBe('sh');
    expect(blocks.find((b) => b.body.startsWith('w32tm'))?.info).toBe('');
    expect(blocks.find((b) => b.body.startsWith('sudo chronyc makestep\nGet-Date'))?.info).toBe('');
  });

  it('keeps a command with backticks in one block, behind a longer fence', async () => {
    const doc = withCheck(await reportOf('legacy-mfa-module'), 'module-versions', { commands: [COMMAND_WITH_FENCES] });
    const block = fences(renderMarkdown(doc)).find((b) => b.body.includes(COMMAND_WITH_FENCES));
    expect(block?.fence).toBe('`````');
    expect(block?.body.split('\n').at(-1)).toBe(COMMAND_WITH_FENCES);
    expect(block?.info).toBe('powershell');
  });

  it('keeps a summary with pipes in its own cell of the table of every check', async () => {
    const doc = withCheck(await reportOf('legacy-mfa-module'), 'runtime', { summary: 'a | b || c \\| d' });
    const rows = checkRows(renderMarkdown(doc));
    expect(rows).toHaveLength(doc.checks.length);
    for (const row of rows) expect(cellsOf(row)).toHaveLength(4);
    expect(cellsOf(rows[0] as string)).toEqual(['✔ pass', '`runtime`', 'a \\| b \\|\\| c \\\\\\| d', formatDuration(checkOf(doc, 'runtime').durationMs)]);
  });

  it('folds evidence into details blocks, balanced, each with a blank line before its Markdown', async () => {
    for (const name of SCENARIOS) {
      const markdown = renderMarkdown(await reportOf(name));
      const lines = markdown.split('\n');
      let depth = 0;
      lines.forEach((line, i) => {
        if (line.startsWith('<details>')) {
          expect(line).toMatch(/^<details><summary>[^<]*<\/summary>$/);
          expect(lines[i + 1]).toBe('');
          depth += 1;
        }
        if (line === '</details>') {
          expect(lines[i - 1]).toBe('');
          depth -= 1;
        }
        expect(depth === 0 || depth === 1).toBe(true);
      });
      expect(depth).toBe(0);
      expect(markdown.match(/<details>/g)?.length).toBe(markdown.match(/<\/details>/g)?.length);
    }
  });

  it('has no HTML but details and summary: text that looks like markup is escaped', async () => {
    const doc = withCheck(await reportOf('legacy-mfa-module'), 'module-versions', { summary: MARKUP });
    const text = outsideFences(renderMarkdown(doc))
      .replace(/(`+)[^`]+?\1/g, '')
      .replace(/<https?:\/\/[^\s<>]+>/g, '');
    const tags = [...text.matchAll(/(?<!\\)<\/?([A-Za-z][\w-]*)/g)].map((m) => m[1]);
    expect(new Set(tags)).toEqual(new Set(['details', 'summary']));
  });

  it('names the unchecked causes, what they kept from running and what would check them', async () => {
    const doc = await reportOf('app-only-no-role');
    const markdown = renderMarkdown(doc);
    const section = markdown.slice(markdown.indexOf('### Not checked: causes not ruled out'), markdown.indexOf('### Every check'));
    expect(doc.unchecked.length).toBeGreaterThan(0);
    for (const cause of doc.unchecked) {
      expect(section).toContain(`#### ○ skip \`${cause.checkId}\`: `);
      for (const step of cause.remediation) expect(section).toContain(`(run by ${ACTOR_LABEL[step.runBy]}): `);
    }
    const sample = renderMarkdown(sampleDocument());
    expect(sample).toContain('#### ! error `proxy-health`: Proxy answers');
    expect(sample).not.toContain('hunter2secret');
  });

  it('shows the analysis of a pasted error', async () => {
    const doc: ReportDocument = {
      ...(await reportOf('legacy-mfa-module')),
      errorAnalysis: {
        recognised: true,
        signals: ['New-ExoPSSession', 'module 16.0.2440.0'],
        causes: [
          { category: 'module_or_dll_problem', title: 'The retired MFA module', confidence: 'high', checks: ['module-versions'], verdict: 'confirmed', by: ['module-versions'] },
          { category: 'proxy', title: 'A proxy in the way', confidence: 'medium', checks: ['proxy-health'], verdict: 'not-checked', by: [] },
        ],
      },
    };
    const markdown = renderMarkdown(doc);
    expect(markdown).toContain('### Your error\n\nSignals: New-ExoPSSession · module 16.0.2440.0');
    expect(markdown).toContain('1. **✖ confirmed:** The retired MFA module (`module_or_dll_problem`, high): confirmed by `module-versions`');
    expect(markdown).toContain('2. **○ not checked:** A proxy in the way (`proxy`, medium): the checks that would tell (`proxy-health`) did not run');
  });

  it('ends with the environment, as given (masked)', async () => {
    const doc = await reportOf('legacy-mfa-module');
    const markdown = renderMarkdown(doc);
    const environment = markdown.slice(markdown.indexOf('### Environment'));
    expect(environment).toContain(`| Exchange environment | ${doc.environment.exchangeEnvironment} |`);
    expect(environment).toContain(`| Node.js | ${doc.environment.node} |`);
    expect(environment).toContain(`| Account | ${doc.environment.upn} |`);
    expect(doc.environment.upn).toContain('•••');
    expect(markdown).toContain('_Account, tenant and machine names are masked');
  });
});

// Under CI nothing skips: without cmark-gfm these tests fail, saying why.
describe.skipIf(noCmark !== undefined && !inCI)('renderMarkdown as GitHub parses it (cmark-gfm)', () => {
  it.each(SCENARIOS)('makes one table row of four cells per check, the commands code blocks as given (%s)', async (name) => {
    const doc = await reportOf(name);
    const tree = syntaxTree(renderMarkdown(doc));
    const table = nodes(tree, 'table').find((t) => t.inner.includes('>Status<'));
    const rows = nodes(table?.inner ?? '', 'table_row');
    expect(rows).toHaveLength(doc.checks.length);
    rows.forEach((row, i) => {
      const cells = nodes(row.inner, 'table_cell').map((c) => shownText(c.inner));
      const check = doc.checks[i] as ReportCheck;
      expect(cells.slice(0, 3)).toEqual([`${check.status === 'pass' ? '✔' : check.status === 'warn' ? '⚠' : check.status === 'fail' ? '✖' : check.status === 'skip' ? '○' : '!'} ${check.status}`, check.id, `${check.summary}${check.blockedBy ? ` (blocked by ${check.blockedBy})` : ''}`]);
    });
    const blocks = nodes(tree, 'code_block').map((b) => decode(b.inner));
    for (const finding of doc.findings) for (const step of finding.remediation) if (step.commands.length > 0) expect(blocks).toContain(`${step.commands.join('\n')}\n`);
  });

  it('keeps HTML to the details blocks: no inline HTML, and every HTML block a details or summary tag', async () => {
    const doc = withCheck(await reportOf('legacy-mfa-module'), 'module-versions', { summary: MARKUP });
    const tree = syntaxTree(renderMarkdown(doc));
    expect(nodes(tree, 'html_inline')).toEqual([]);
    for (const block of nodes(tree, 'html_block')) expect(decode(block.inner)).toMatch(/^(<details><summary>[^<]*<\/summary>|<\/details>)\n$/);
  });

  it('shows a summary full of Markdown syntax as the text it is', async () => {
    const doc = withCheck(await reportOf('legacy-mfa-module'), 'module-versions', { summary: `${MARKUP}\n- a second line, not a list\n1. nor a numbered one` });
    const tree = syntaxTree(renderMarkdown(doc));
    const paragraphs = nodes(tree, 'paragraph').filter((p) => shownText(p.inner).startsWith('Use *not bold*'));
    expect(paragraphs.length).toBeGreaterThan(0);
    const finding = paragraphs[0]?.inner ?? '';
    expect(shownText(finding)).toBe(`${MARKUP}\n- a second line, not a list\n1. nor a numbered one`);
    for (const kind of ['emph', 'strong', 'strikethrough', 'code', 'html_inline', 'image']) expect(nodes(finding, kind)).toEqual([]);
    // The links are the web addresses, whole, without the bracket or full stop after them, as GitHub links
    // any address in text; the brackets around the first make no link of their own.
    expect(nodes(finding, 'link').map((l) => l.attrs)).toEqual([' destination="http://example.com" title=""', ' destination="https://example.com/a_b_c" title=""']);
    // In a table cell too, on one line.
    const row = nodes(tree, 'table_row').find((r) => shownText(r.inner).includes('Use *not bold*'));
    expect(nodes(row?.inner ?? '', 'table_cell').map((c) => shownText(c.inner))[2]).toBe(`${MARKUP} - a second line, not a list 1. nor a numbered one`);
  });

  it('keeps a summary with pipes in its table cell, pipes and backslash shown as they are', async () => {
    const doc = withCheck(await reportOf('legacy-mfa-module'), 'runtime', { summary: 'a | b || c \\| d' });
    const rows = nodes(syntaxTree(renderMarkdown(doc)), 'table_row');
    const cells = nodes(rows[0]?.inner ?? '', 'table_cell').map((c) => shownText(c.inner));
    expect(cells).toEqual(['✔ pass', 'runtime', 'a | b || c \\| d', formatDuration(checkOf(doc, 'runtime').durationMs)]);
  });

  it('links a web address that a placeholder follows, without the placeholder', async () => {
    const tree = syntaxTree(renderMarkdown(await reportOf('legacy-mfa-module')));
    const destinations = nodes(tree, 'link').map((l) => /destination="([^"]*)"/.exec(l.attrs)?.[1]);
    expect(destinations).toContain('https://login.microsoftonline.com/');
    expect(destinations.every((d) => d !== undefined && !d.includes('\\'))).toBe(true);
    expect(tree).toContain('&lt;tenant&gt;');
  });

  it('keeps a command with backticks whole in one code block', async () => {
    const doc = withCheck(await reportOf('legacy-mfa-module'), 'module-versions', { commands: [COMMAND_WITH_FENCES] });
    const blocks = nodes(syntaxTree(renderMarkdown(doc)), 'code_block').map((b) => decode(b.inner));
    expect(blocks.filter((b) => b.includes(COMMAND_WITH_FENCES))).toHaveLength(1);
    expect(blocks.find((b) => b.includes(COMMAND_WITH_FENCES))?.endsWith(`\n${COMMAND_WITH_FENCES}\n`)).toBe(true);
  });
});
