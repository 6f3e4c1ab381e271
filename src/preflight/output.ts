/**
 * What a pre-flight writes: the results CSV (`-o`, csv-stringify: every input column, then the verdict,
 * the check that decided it, the finding and its first fix), JSON Lines on stdout (`--json`), JUnit (one
 * test case per account), Markdown and HTML summaries, and the summary table at the end. Rows go out one
 * at a time; the summaries keep counts and the first not-ready accounts only, so memory stays flat.
 */
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import Table from 'cli-table3';
import type { Context, OwnOutput } from '../context.js';
import type { Redactor } from '../redact.js';
import { type Output, write } from '../diagnose.js';
import { EXIT } from '../exit.js';
import type { ReportDocument } from '../report/document.js';
import { escapeAttribute, escapeText } from '../report/junit.js';
import { cell, inline } from '../report/markdown.js';
import { wrap } from '../report/text.js';
import type { ThrottleStats } from '../throttle.js';
import { VERDICT_LABEL, VERDICT_ORDER, type RowOutcome, type RowVerdict } from './verdict.js';
import type { PreflightOptions } from './options.js';
import { type Done, InputError, KeyDigest } from './rows.js';

/** An account (or a row that is not one) with what came of it. */
export interface RowResult extends RowOutcome {
  readonly index: number;
  readonly line: number;
  readonly upn: string;
  readonly columns: Readonly<Record<string, string>>;
  readonly report?: ReportDocument;
}

/** The columns the pre-flight adds to the input's, named so that they cannot clash with an export's own. */
const ADDED = ['PreflightVerdict', 'PreflightCheck', 'PreflightFinding', 'PreflightFix', 'PreflightFixRunBy'] as const;
/** Not-ready accounts the Markdown and HTML summaries list by name (the CSV has all of them). */
const LISTED = 200;
const SYMBOLS: Readonly<Record<RowVerdict, string>> = { ready: '✔', 'ready-with-warnings': '⚠', 'not-ready': '✖', unknown: '?', invalid: '✖' };

interface Reason {
  readonly check: string;
  count: number;
  readonly example: string;
  readonly fix?: string;
  readonly runBy?: string;
}

export class PreflightOutputs {
  private readonly counts = new Map<RowVerdict, number>();
  private readonly reasons = new Map<string, Reason>();
  private readonly listed: RowResult[] = [];
  private readonly started = Date.now();

  private constructor(
    private readonly options: PreflightOptions,
    private readonly columns: readonly string[],
    private readonly output: Output,
    private readonly csv: OwnOutput | undefined,
    private readonly junitCases: OwnOutput | undefined,
    private readonly ctx: Pick<Context, 'readOwnChunks' | 'writePrivateFile' | 'openOwnOutput'>,
    private readonly tenant: ReportDocument,
    private readonly redactor: Redactor,
    private readonly width: number,
  ) {}

  /** What a row is: an account, or a tenant (`--tenants`). */
  private get noun(): string {
    return this.options.tenants !== undefined ? 'tenant' : 'account';
  }

  private get Noun(): string {
    return this.noun === 'tenant' ? 'Tenant' : 'Account';
  }

  private get Nouns(): string {
    return `${this.Noun}s`;
  }

  private label(verdict: RowVerdict): string {
    return verdict === 'invalid' && this.noun === 'tenant' ? 'not a tenant row' : VERDICT_LABEL[verdict];
  }

  /** Opens the outputs; the CSV gets its header unless it continues an earlier run. */
  static async open(ctx: Context, options: PreflightOptions, columns: readonly string[], tenant: ReportDocument, output: Output): Promise<PreflightOutputs> {
    const csv = options.output ? await ctx.openOwnOutput(options.output, { append: options.resume }) : undefined;
    if (csv && !options.resume) await csv.write(stringify([[...columns, ...ADDED]]));
    const junitCases = options.junit ? await ctx.openOwnOutput(`${options.junit}.partial`, { append: false }) : undefined;
    return new PreflightOutputs(options, columns, output, csv, junitCases, ctx, tenant, ctx.redactor, Math.min(ctx.terminal.columns ?? 100, 120));
  }

  /**
   * What an earlier run wrote to the results file `--resume` continues: its rows (the input's first rows,
   * in order), a digest of their keys, and its verdicts. A file that is not a pre-flight's results is refused.
   */
  static async earlierRows(ctx: Pick<Context, 'readOwnChunks'>, path: string, keyColumn: string): Promise<Done & { counts: Map<RowVerdict, number> }> {
    const counts = new Map<RowVerdict, number>();
    const digest = new KeyDigest();
    let rows = 0;
    const input = await ctx.readOwnChunks(path);
    if (!input) return { rows, digest: digest.digest(), counts };
    const parser = parse({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: true });
    const feeding = (async () => {
      try {
        for await (const chunk of input) parser.write(chunk);
        parser.end();
      } catch (err) {
        parser.destroy(err as Error);
      }
    })();
    const notOurs = (why: string) => new InputError(`--resume: ${path} is not the results file of a pre-flight (${why}). Give the -o file of the run to continue, or leave --resume out.`);
    try {
      for await (const record of parser as AsyncIterable<Record<string, string>>) {
        const key = Object.entries(record).find(([name]) => name.toLowerCase() === keyColumn.toLowerCase());
        const verdict = record['PreflightVerdict'] as RowVerdict | undefined;
        if (key === undefined) throw notOurs(`it has no ${keyColumn} column`);
        if (verdict === undefined || !VERDICT_ORDER.includes(verdict)) throw notOurs(`row ${rows + 1} has no PreflightVerdict`);
        digest.add(key[1]);
        rows += 1;
        counts.set(verdict, (counts.get(verdict) ?? 0) + 1);
      }
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw notOurs((err as Error).message);
    } finally {
      await feeding;
    }
    return { rows, digest: digest.digest(), counts };
  }

  async add(result: RowResult): Promise<void> {
    this.counts.set(result.verdict, (this.counts.get(result.verdict) ?? 0) + 1);
    if (result.verdict === 'not-ready' || result.verdict === 'invalid' || result.verdict === 'unknown') {
      const key = result.verdict === 'invalid' ? 'input' : (result.check ?? 'unknown');
      // The terminal and the summaries mask names as every report does; the first row of a reason stands for it.
      if (!this.reasons.has(key)) this.redactor.addIdentifier(result.upn, 'target');
      const reason = this.reasons.get(key) ?? {
        check: key,
        count: 0,
        example: this.redactor.apply(result.finding ?? ''),
        ...(result.fixSummary ? { fix: this.redactor.apply(result.fixSummary) } : {}),
        ...(result.runBy ? { runBy: result.runBy } : {}),
      };
      reason.count += 1;
      this.reasons.set(key, reason);
      if (this.listed.length < LISTED && result.verdict !== 'unknown') this.listed.push({ ...result, report: undefined } as RowResult);
    }
    const added = [result.verdict, result.check ?? '', result.finding ?? '', result.fix ?? '', result.runBy ?? ''];
    if (this.csv) await this.csv.write(stringify([[...this.columns.map((name) => result.columns[name] ?? ''), ...added]]));
    if (this.options.json) {
      const row = { line: result.line, upn: result.upn, verdict: result.verdict, ...(result.check ? { check: result.check } : {}), ...(result.finding ? { finding: result.finding } : {}), ...(result.fix ? { fix: result.fix, runBy: result.runBy } : {}), columns: result.columns };
      await write(this.output.stdout, `${JSON.stringify(row)}\n`);
    }
    if (this.junitCases) await this.junitCases.write(junitCase(result));
  }

  /** Closes every output, prints the summary, and returns the exit code. */
  async finish(run: { readonly earlier: ReadonlyMap<RowVerdict, number>; readonly interrupted: boolean; readonly tenant: ReportDocument; readonly throttled: readonly ThrottleStats[] }): Promise<number> {
    await this.csv?.close();
    const total = new Map<RowVerdict, number>(VERDICT_ORDER.map((v) => [v, (this.counts.get(v) ?? 0) + (run.earlier.get(v) ?? 0)]));
    const count = (v: RowVerdict) => total.get(v) ?? 0;
    const tenantFailed = run.tenant.findings.some((f) => f.status === 'fail');
    const exitCode = run.interrupted
      ? EXIT.interrupted
      : count('not-ready') + count('invalid') > 0 || tenantFailed
        ? EXIT.problems
        : count('unknown') > 0 || run.tenant.unchecked.length > 0
          ? EXIT.incomplete
          : EXIT.ok;
    const seconds = (Date.now() - this.started) / 1000;
    if (this.junitCases) await this.finishJunit(total, seconds);
    if (this.options.markdown) await this.ctx.writePrivateFile(this.options.markdown, this.markdown(total));
    if (this.options.html) await this.ctx.writePrivateFile(this.options.html, this.html(total));
    const summary = { verdicts: Object.fromEntries(total), reasons: [...this.reasons.values()], tenant: { verdict: run.tenant.outcome.verdict, findings: run.tenant.findings.map((f) => ({ checkId: f.checkId, status: f.status, summary: f.summary })) }, throttled: run.throttled.map((t) => ({ host: t.host, ...(t.limit !== undefined ? { limit: t.limit } : {}), refusals: t.refusals, heldSeconds: Math.round(t.closedMs / 100) / 10 })), exitCode, seconds: Math.round(seconds * 10) / 10 };
    await write(this.output.stdout, this.options.json ? `${JSON.stringify({ summary })}\n` : this.text(total, run.earlier, seconds, run.interrupted, run.throttled));
    return exitCode;
  }

  private text(total: ReadonlyMap<RowVerdict, number>, earlier: ReadonlyMap<RowVerdict, number>, seconds: number, interrupted: boolean, throttled: readonly ThrottleStats[]): string {
    const lines: string[] = [];
    const all = [...total.values()].reduce((a, b) => a + b, 0);
    const before = [...earlier.values()].reduce((a, b) => a + b, 0);
    lines.push(`Pre-flight of ${all} ${all === 1 ? this.noun : `${this.noun}s`}${before > 0 ? ` (${before} from the run it continues)` : ''} in ${seconds.toFixed(1)} s${interrupted ? ', interrupted: run it again with --resume to finish' : ''}.`);
    for (const t of throttled) {
      const pace = t.limit !== undefined ? `${t.host} allows ${t.limit} requests a second, and the run kept to that pace` : `${t.host} limited the run`;
      const refused = t.refusals > 0 ? `; it asked the run to wait ${t.refusals === 1 ? 'once' : `${t.refusals} times`} (${(t.closedMs / 1000).toFixed(1)} s in all), and the run went on` : '';
      lines.push(...wrap(`${pace}${refused}.`, this.width, ''));
    }
    if (this.tenant.findings.length > 0) {
      lines.push('', 'The tenant (checked once):');
      for (const finding of this.tenant.findings) lines.push(`  ${finding.status === 'fail' ? '✖' : '⚠'} ${finding.checkId}: ${finding.summary}`);
    }
    const verdicts = new Table({ head: ['Verdict', this.Nouns], style: { head: [], border: [] }, colAligns: ['left', 'right'] });
    for (const verdict of VERDICT_ORDER) if ((total.get(verdict) ?? 0) > 0 || verdict === 'ready') verdicts.push([`${SYMBOLS[verdict]} ${this.label(verdict)}`, String(total.get(verdict) ?? 0)]);
    lines.push('', verdicts.toString());
    const reasons = [...this.reasons.values()].sort((a, b) => b.count - a.count);
    if (reasons.length > 0) {
      lines.push('', `Why, most common first (one example each; the results file has every ${this.noun}):`);
      for (const reason of reasons) {
        lines.push(...wrap(`  ${reason.check === 'input' ? this.label('invalid') : reason.check} (${reason.count}): ${reason.example}`, this.width, '      '));
        if (reason.fix) lines.push(...wrap(`      Fix (${reason.runBy ?? 'you'}): ${reason.fix}`, this.width, '      '));
      }
    }
    const files = [this.options.output && `results ${this.options.output}`, this.options.junit && `JUnit ${this.options.junit}`, this.options.markdown && `Markdown ${this.options.markdown}`, this.options.html && `HTML ${this.options.html}`].filter(Boolean);
    if (files.length > 0) lines.push('', `Written: ${files.join(', ')}.`);
    return `${lines.join('\n')}\n`;
  }

  private async finishJunit(total: ReadonlyMap<RowVerdict, number>, seconds: number): Promise<void> {
    await this.junitCases?.close();
    const partial = `${this.options.junit}.partial`;
    const chunks: Buffer[] = [];
    for await (const chunk of (await this.ctx.readOwnChunks(partial)) ?? []) chunks.push(Buffer.from(chunk));
    const count = (v: RowVerdict) => total.get(v) ?? 0;
    const tests = [...total.values()].reduce((a, b) => a + b, 0);
    const attrs = `tests="${tests}" failures="${count('not-ready')}" errors="${count('invalid')}" skipped="${count('unknown')}" time="${seconds.toFixed(3)}"`;
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="exo-doctor preflight" ${attrs}>\n<testsuite name="exo-doctor.preflight" ${attrs} timestamp="${new Date(this.started).toISOString().slice(0, 19)}">\n${Buffer.concat(chunks).toString('utf8')}</testsuite>\n</testsuites>\n`;
    await this.ctx.writePrivateFile(this.options.junit as string, xml);
    const emptied = await this.ctx.openOwnOutput(partial, { append: false });
    await emptied.close();
  }

  private markdown(total: ReadonlyMap<RowVerdict, number>): string {
    const out = ['# exo-doctor pre-flight', '', `| Verdict | ${this.Nouns} |`, '|---|---:|'];
    for (const verdict of VERDICT_ORDER) out.push(`| ${SYMBOLS[verdict]} ${this.label(verdict)} | ${total.get(verdict) ?? 0} |`);
    if (this.tenant.findings.length > 0) {
      out.push('', '## The tenant', '');
      for (const finding of this.tenant.findings) out.push(`- ${finding.status === 'fail' ? '✖' : '⚠'} \`${finding.checkId}\`: ${inline(finding.summary)}`);
    }
    const reasons = [...this.reasons.values()].sort((a, b) => b.count - a.count);
    if (reasons.length > 0) {
      out.push('', `## Why ${this.noun}s are not ready`, '', `| Check | ${this.Nouns} | One example | Fix | Who |`, '|---|---:|---|---|---|');
      for (const r of reasons) out.push(`| \`${r.check}\` | ${r.count} | ${cell(r.example)} | ${cell(r.fix ?? '')} | ${cell(r.runBy ?? '')} |`);
    }
    if (this.listed.length > 0) {
      out.push('', `## ${this.Nouns} that are not ready${this.listed.length >= LISTED ? ` (the first ${LISTED}; the CSV lists all)` : ''}`, '', `| Line | ${this.Noun} | Check | Finding |`, '|---:|---|---|---|');
      for (const r of this.listed) out.push(`| ${r.line} | ${cell(r.upn)} | ${r.check ? `\`${r.check}\`` : 'input'} | ${cell(r.finding ?? '')} |`);
    }
    return `${out.join('\n')}\n`;
  }

  private html(total: ReadonlyMap<RowVerdict, number>): string {
    const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    const css = 'body{font:15px/1.5 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1f2328;background:#fff}table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left;vertical-align:top}@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}th,td{border-color:#30363d}}';
    const hash = createHash('sha256').update(css).digest('base64');
    const rows = (items: readonly (readonly string[])[]) => items.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
    const reasons = [...this.reasons.values()].sort((a, b) => b.count - a.count);
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-${hash}'">
<title>exo-doctor pre-flight</title><style>${css}</style></head>
<body><main>
<h1>exo-doctor pre-flight</h1>
<table><thead><tr><th scope="col">Verdict</th><th scope="col">${this.Nouns}</th></tr></thead><tbody>
${rows(VERDICT_ORDER.map((v) => [`${SYMBOLS[v]} ${this.label(v)}`, String(total.get(v) ?? 0)]))}
</tbody></table>
${this.tenant.findings.length > 0 ? `<h2>The tenant</h2><ul>${this.tenant.findings.map((f) => `<li>${f.status === 'fail' ? '✖ fail' : '⚠ warn'} <code>${esc(f.checkId)}</code>: ${esc(f.summary)}</li>`).join('')}</ul>` : ''}
${reasons.length > 0 ? `<h2>Why ${this.noun}s are not ready</h2><table><thead><tr><th scope="col">Check</th><th scope="col">${this.Nouns}</th><th scope="col">One example</th><th scope="col">Fix</th><th scope="col">Who</th></tr></thead><tbody>\n${rows(reasons.map((r) => [r.check, String(r.count), r.example, r.fix ?? '', r.runBy ?? '']))}\n</tbody></table>` : ''}
${this.listed.length > 0 ? `<h2>${this.Nouns} that are not ready</h2><table><thead><tr><th scope="col">Line</th><th scope="col">${this.Noun}</th><th scope="col">Check</th><th scope="col">Finding</th></tr></thead><tbody>\n${rows(this.listed.map((r) => [String(r.line), r.upn, r.check ?? 'input', r.finding ?? '']))}\n</tbody></table>` : ''}
</main></body></html>
`;
  }
}

/** One account as a JUnit test case: not ready fails, a row that is no account errs, could-not-tell is skipped. */
function junitCase(result: RowResult): string {
  const name = escapeAttribute(result.upn || `line ${result.line}`);
  const open = `<testcase name="${name}" classname="exo-doctor.preflight" time="0">`;
  const text = [result.finding, result.fix ? `Fix (${result.runBy ?? ''}): ${result.fix}` : undefined].filter(Boolean).join('\n');
  switch (result.verdict) {
    case 'not-ready':
      return `${open}<failure message="${escapeAttribute(result.finding ?? 'not ready')}" type="${escapeAttribute(result.check ?? 'not-ready')}">${escapeText(text)}</failure></testcase>\n`;
    case 'invalid':
      return `${open}<error message="${escapeAttribute(result.finding ?? 'not an account')}" type="input">${escapeText(text)}</error></testcase>\n`;
    case 'unknown':
      return `${open}<skipped message="${escapeAttribute(result.finding ?? 'could not tell')}"/></testcase>\n`;
    case 'ready-with-warnings':
      return `${open}<system-out>${escapeText(`Warning: ${text}`)}</system-out></testcase>\n`;
    default:
      return `${open}</testcase>\n`;
  }
}
