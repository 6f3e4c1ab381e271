/**
 * `exo-doctor preflight --users FILE`: before a rollout, which accounts will be able to connect.
 *
 * The tenant is checked once (network, proxy, tenant discovery, the sign-in of the one helper admin or
 * application, the organisation, the module's enterprise app); then each account of the file is checked
 * on its own (it exists and may sign in, EXOModuleEnabled, an Exchange-capable role, MFA readiness,
 * assignment to the module's app, its last sign-in), by the production checks with `--target` set to
 * it and the tenant's results given, so each account costs its own reads only and the sign-in happens
 * once for the whole run. Accounts run a few at a time (`--concurrency`, default 8); a throttled
 * service holds every request to it until it says to go on (src/throttle.ts). Rows are read and
 * written one at a time, in input order, so memory stays flat for any number of rows; `--resume`
 * continues an output file without repeating its accounts.
 */
import { setMaxListeners } from 'node:events';
import type { AnyCheck } from '../check.js';
import type { Context } from '../context.js';
import { type Output, write } from '../diagnose.js';
import { EXIT } from '../exit.js';
import { buildDocument, type DocumentMeta, metaOf, type ReportLayer } from '../report/document.js';
import { runChecks, type CheckReport } from '../runner.js';
import { throttleStats } from '../throttle.js';
import { ACCOUNT_KEY, InputError, type InputRow, readRows, TENANT_KEY } from './rows.js';
import type { PreflightOptions } from './options.js';
import { PreflightOutputs, type RowResult } from './output.js';
import { rowOutcome, type RowVerdict } from './verdict.js';

/** Checked once for the whole run (with --service compliance or all, the helper's Security & Compliance connection too). */
const TENANT_CHECKS = [
  'runtime', 'proxy-config', 'proxy-health', 'endpoints', 'tls-inspection', 'clock-skew', 'tenant-discovery', 'federation',
  'exo-token', 'token-claims', 'graph-token', 'exo-connection', 'org-oauth2-client-profile', 'compliance-client', 'compliance-token', 'compliance-connection',
];
/** Checked for every account; the token checks run again to take the account as their subject (the sign-in itself is the run's one). */
const ACCOUNT_CHECKS = ['account-state', 'exo-user-access', 'exo-roles', 'mfa-state', 'exo-app-principal', 'sign-in-log'];
const PER_ACCOUNT_AGAIN = new Set(['inputs', 'exo-token', 'graph-token']);

export type { PreflightOptions } from './options.js';

export interface PreflightRun {
  readonly registry: readonly AnyCheck[];
  readonly layers?: readonly ReportLayer[];
  readonly ctx: Context;
  readonly options: PreflightOptions;
  readonly output: Output;
  readonly signal: AbortSignal;
  readonly simulation?: { readonly name: string; readonly description: string };
}

export async function preflight(run: PreflightRun): Promise<number> {
  const { ctx, options, output } = run;
  const problem = await usageProblem(options, ctx);
  if (problem) {
    await write(output.stderr, `exo-doctor: ${problem}\n`);
    return EXIT.usage;
  }
  const key = options.tenants !== undefined ? TENANT_KEY : ACCOUNT_KEY;
  const file = (options.tenants ?? options.users) as string;
  const input = await ctx.readOwnChunks(file);
  if (!input) {
    await write(output.stderr, `exo-doctor: ${options.tenants !== undefined ? '--tenants' : '--users'} ${file} is not a file this user can read. Give the path of a CSV file with a ${key.column} column.\n`);
    return EXIT.usage;
  }
  let source: Awaited<ReturnType<typeof readRows>>;
  let earlier: Awaited<ReturnType<typeof PreflightOutputs.earlierRows>> = { rows: 0, digest: '', counts: new Map<RowVerdict, number>() };
  try {
    if (options.resume && options.output) {
      // A run killed in the middle of a row leaves half a line: opening to append drops it.
      await (await ctx.openOwnOutput(options.output, { append: true })).close();
      earlier = await PreflightOutputs.earlierRows(ctx, options.output, key.column);
    }
    source = await readRows(input, file, key, earlier);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    await write(output.stderr, `exo-doctor: ${err.message}\n`);
    return EXIT.usage;
  }

  // Every account in flight listens on the run's Ctrl-C signal through each of its checks.
  setMaxListeners(0, run.signal);
  const meta = runMeta(run);
  if (options.tenants !== undefined) return tenantsPreflight(run, source, earlier.counts, meta);
  await write(output.stderr, 'Checking the tenant once: network, tenant, sign-in, organisation.\n');
  const tenantRun = await runChecks(run.registry, ctx, { only: TENANT_CHECKS, timeoutMs: options.timeout, signal: run.signal });
  const tenant = buildDocument(tenantRun, meta, ctx.redactor);
  const given = new Map<string, CheckReport>(tenantRun.checks.filter((c) => !PER_ACCOUNT_AGAIN.has(c.id)).map((c) => [c.id, c]));
  const signedIn = ['exo-token', 'graph-token'].every((id) => ['pass', 'warn'].includes(tenantRun.checks.find((c) => c.id === id)?.status ?? 'skip'));
  const blocker = signedIn ? undefined : (tenant.findings[0] ?? tenant.unchecked[0]);

  const outputs = await PreflightOutputs.open(ctx, options, source.columns, tenant, output);
  const progress = startProgress(ctx, output, await remaining(ctx, file, earlier.rows));
  const checkAccount = async (row: Extract<InputRow, { kind: 'account' }>): Promise<RowResult> => {
    if (blocker) return { ...row, verdict: 'unknown', check: blocker.checkId, finding: `Not checked: the tenant-level check ${blocker.checkId} did not pass (${blocker.summary})` };
    const rowCtx = accountContext(ctx, row.upn);
    const report = await runChecks(run.registry, rowCtx, { only: ACCOUNT_CHECKS, given, timeoutMs: options.timeout, signal: run.signal });
    const doc = buildDocument(report, { ...meta, layers: [] }, rowCtx.redactor);
    return { ...row, ...rowOutcome(doc), report: doc };
  };

  const checkRow = (row: InputRow): Promise<RowResult> => (row.kind === 'invalid' ? Promise.resolve({ ...row, verdict: 'invalid', finding: row.reason }) : checkAccount(row));
  await inOrder(source, options.concurrency, checkRow, outputs, progress, run.signal);
  progress.stop();
  return outputs.finish({ earlier: earlier.counts, interrupted: run.signal.aborted, tenant, throttled: await throttleStats(ctx) });
}

/**
 * `--tenants`: for a partner, one row per customer tenant with its own application identity (AppId and
 * CertificatePath): the tenant-level checks (and the app's own Exchange role) for each, a few at a time.
 */
async function tenantsPreflight(run: PreflightRun, source: Awaited<ReturnType<typeof readRows>>, earlier: ReadonlyMap<RowVerdict, number>, meta: DocumentMeta): Promise<number> {
  const { ctx, options, output } = run;
  const appColumn = source.columns.find((c) => c.toLowerCase() === 'appid');
  const certColumn = source.columns.find((c) => ['certificatepath', 'certificatefile', 'certificate'].includes(c.toLowerCase()));
  if (!appColumn || !certColumn) {
    await write(output.stderr, `exo-doctor: ${options.tenants} needs the columns AppId and CertificatePath beside Tenant (its columns: ${source.columns.join(', ')}): each tenant is checked with its own application, as app-only Connect-ExchangeOnline does.\n`);
    return EXIT.usage;
  }
  const empty = buildDocument({ startedAt: ctx.now(), durationMs: 0, checks: [], interrupted: false }, meta, ctx.redactor);
  const outputs = await PreflightOutputs.open(ctx, options, source.columns, empty, output);
  const progress = startProgress(ctx, output, await remaining(ctx, options.tenants as string, [...earlier.values()].reduce((a, b) => a + b, 0)), 'tenants');
  const checkTenant = async (row: InputRow): Promise<RowResult> => {
    if (row.kind === 'invalid') return { ...row, verdict: 'invalid', finding: row.reason };
    const appId = (row.columns[appColumn] ?? '').trim();
    const certificateFile = (row.columns[certColumn] ?? '').trim();
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(appId) || certificateFile === '') {
      return { ...row, verdict: 'invalid', finding: `${row.upn}: the row needs an AppId (the application's GUID) and a CertificatePath (a PEM file with its certificate and key)` };
    }
    const tenantCtx = Object.create(ctx, {
      config: { value: { ...ctx.config, tenant: row.upn, appId, certificateFile, upn: undefined, target: undefined }, enumerable: true },
      redactor: { value: ctx.redactor.derive({ showIdentifiers: true }), enumerable: true },
    }) as Context;
    const report = await runChecks(run.registry, tenantCtx, { only: [...TENANT_CHECKS, 'exo-roles', 'exo-app-principal'], timeoutMs: options.timeout, signal: run.signal });
    const doc = buildDocument(report, { ...meta, tenant: row.upn, layers: [] }, tenantCtx.redactor);
    return { ...row, ...rowOutcome(doc), report: doc };
  };
  await inOrder(source, options.concurrency, checkTenant, outputs, progress, run.signal);
  progress.stop();
  return outputs.finish({ earlier, interrupted: run.signal.aborted, tenant: empty, throttled: await throttleStats(ctx) });
}

/** Rows a few at a time, written in input order; no worker runs far ahead of the slowest row. */
async function inOrder(
  source: Awaited<ReturnType<typeof readRows>>,
  concurrency: number,
  check: (row: InputRow) => Promise<RowResult>,
  outputs: PreflightOutputs,
  progress: { row(verdict: RowVerdict): void },
  signal: AbortSignal,
): Promise<void> {
  const iterator = source.rows[Symbol.asyncIterator]();
  const pending = new Map<number, RowResult>();
  let nextToWrite = 0;
  let reading: Promise<IteratorResult<InputRow>> = Promise.resolve({ done: false, value: undefined as unknown as InputRow });
  const take = (): Promise<IteratorResult<InputRow>> => (reading = reading.then(() => iterator.next()));
  let flushing = Promise.resolve();
  const flush = () =>
    (flushing = flushing.then(async () => {
      while (pending.has(nextToWrite)) {
        const result = pending.get(nextToWrite) as RowResult;
        pending.delete(nextToWrite);
        nextToWrite += 1;
        await outputs.add(result);
        progress.row(result.verdict);
      }
    }));
  const worker = async () => {
    for (;;) {
      if (signal.aborted) return;
      // Back-pressure: wait for the writer when this worker would run too far ahead of it.
      while (pending.size > concurrency * 4) await flushing;
      const next = await take();
      if (next.done) return;
      const row = next.value;
      pending.set(row.index, await check(row));
      void flush();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await flush();
}

/**
 * A context for one account: the run's, with the account as `--target` and a redactor of its own, so the
 * run's list of names stays short however many rows there are. A row's results name its account (and
 * the tenant's names) as the input list does, so that each fix is ready to paste; secrets still go.
 */
function accountContext(ctx: Context, upn: string): Context {
  const redactor = ctx.redactor.derive({ showIdentifiers: true });
  return Object.create(ctx, {
    config: { value: { ...ctx.config, target: upn }, enumerable: true },
    redactor: { value: redactor, enumerable: true },
  }) as Context;
}

function runMeta(run: PreflightRun): DocumentMeta {
  return metaOf(run.ctx, { failOn: 'fail', verbose: run.options.verbose, simulation: run.simulation, ...(run.layers ? { layers: run.layers } : {}) });
}

/** What makes the run impossible as asked, in a sentence with the way out. */
async function usageProblem(options: PreflightOptions, io: Pick<Context, 'readDir' | 'readOwnBytes'>): Promise<string | undefined> {
  if (options.resume && !options.output) return '--resume continues an output file: give it with -o FILE (the file of the run to continue).';
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1 || options.concurrency > 64) return `--concurrency ${options.concurrency} is out of range: give a whole number from 1 to 64 (default 8).`;
  for (const [option, file] of [['-o', options.output], ['--html', options.html], ['--markdown', options.markdown], ['--junit', options.junit]] as const) {
    if (file !== undefined && (await io.readDir(file)) !== undefined) return `${option} ${file} is a folder. Give the path of a file.`;
  }
  if (options.output && !options.resume && (await io.readOwnBytes(options.output, 1)) !== undefined) {
    return `-o ${options.output} already exists. Give --resume to continue that run without repeating its accounts, or another file.`;
  }
  if (options.output && options.resume && (await io.readOwnBytes(options.output, 1)) === undefined) {
    return `--resume: ${options.output} does not exist yet, so there is nothing to continue. Leave --resume out to start it.`;
  }
  return undefined;
}

/** The rows still to check, about: the file's rows but those of the run continued. */
async function remaining(ctx: Context, file: string, done: number): Promise<number | undefined> {
  const rows = await countRows(ctx, file);
  return rows === undefined ? undefined : Math.max(0, rows - done);
}

/**
 * How many rows a CSV file holds, about (its lines but the header; a quoted value with a line break
 * counts twice): for the time left. Read in chunks, nothing kept.
 */
async function countRows(ctx: Context, file: string): Promise<number | undefined> {
  const input = await ctx.readOwnChunks(file);
  if (!input) return undefined;
  let lines = 0;
  let last = 0x0a;
  for await (const chunk of input) {
    for (const byte of chunk) if (byte === 0x0a) lines += 1;
    if (chunk.length > 0) last = chunk[chunk.length - 1] as number;
  }
  return Math.max(0, lines + (last === 0x0a ? 0 : 1) - 1);
}

/** Rows done, rate and time left: redrawn on a terminal, a plain line every so often otherwise. */
function startProgress(ctx: Context, output: Output, total: number | undefined, what = 'accounts'): { row(verdict: RowVerdict): void; stop(): void } {
  const started = Date.now();
  const counts = new Map<RowVerdict, number>();
  let done = 0;
  let lastLine = started;
  const line = () => {
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const ready = (counts.get('ready') ?? 0) + (counts.get('ready-with-warnings') ?? 0);
    const left = total !== undefined && rate > 0 && done < total ? ` · about ${duration((total - done) / rate)} left` : '';
    const of = total !== undefined ? ` of ${total}` : '';
    return `${done}${of} ${done === 1 && !of ? what.replace(/s$/, '') : what} checked · ${ready} ready · ${counts.get('not-ready') ?? 0} not ready · ${rate.toFixed(1)} a second${left}`;
  };
  const tty = ctx.terminal.stderrIsTTY && !ctx.terminal.ci;
  const timer = tty ? setInterval(() => output.stderr.write(`\r\u001b[2K${line()}`), 250) : undefined;
  timer?.unref();
  return {
    row(verdict) {
      done += 1;
      counts.set(verdict, (counts.get(verdict) ?? 0) + 1);
      if (!tty && Date.now() - lastLine >= 10_000) {
        lastLine = Date.now();
        output.stderr.write(`${line()}\n`);
      }
    },
    stop() {
      if (timer) clearInterval(timer);
      output.stderr.write(tty ? `\r\u001b[2K${line()}\n` : `${line()}\n`);
    },
  };
}

/** Seconds as "40 s", "3 min", "2 h 5 min". */
function duration(seconds: number): string {
  if (seconds < 90) return `${Math.ceil(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
