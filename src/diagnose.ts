/**
 * `exo-doctor diagnose`: runs the registry against a context and prints the report. Loaded only when
 * a diagnosis runs, so that `--help` and `--version` do not pay for it.
 */
import type { AnyCheck } from './check.js';
import type { Context } from './context.js';
import { type DiagnoseOptions, REPORT_FILE_OPTIONS } from './options.js';
import { EXIT } from './exit.js';
import { buildDocument, metaOf, type ReportDocument, type ReportLayer } from './report/document.js';
import { chooseProgressMode, createProgress } from './report/progress.js';
import { createStyle } from './report/style.js';
import { renderText } from './report/text.js';
import { planChecks, runChecks, SelectionError, validateRegistry } from './runner.js';

/** Where the command writes. stdout carries the report only; everything else goes to stderr. */
export interface Output {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
}

export interface DiagnoseRun {
  readonly registry: readonly AnyCheck[];
  readonly ctx: Context;
  readonly options: DiagnoseOptions;
  readonly output: Output;
  /** Ctrl-C. */
  readonly signal: AbortSignal;
  /** The simulated tenant the run is against (`exo-doctor demo`), named in the report. */
  readonly simulation?: { readonly name: string; readonly description: string };
  /** The pipeline's layers (checks/index.ts LAYERS), by check id: the report draws the chain. */
  readonly layers?: readonly ReportLayer[];
}

/** Runs the diagnosis and returns the exit code. */
export async function diagnose({ registry, ctx, options, output, signal, simulation, layers }: DiagnoseRun): Promise<number> {
  validateRegistry(registry);
  const plan = (() => {
    try {
      return planChecks(registry, options.only, options.skip);
    } catch (err) {
      if (err instanceof SelectionError) return err;
      throw err;
    }
  })();
  if (plan instanceof SelectionError) {
    output.stderr.write(ctx.redactor.apply(`exo-doctor: ${plan.message}\n`));
    return EXIT.usage;
  }
  const unusable =
    (await unusableFileOption({ certificate: ctx.config.certificateFile, ca: ctx.config.caFile, tokenCache: ctx.config.tokenCache }, ctx)) ?? (await unusableReportFile(options, ctx));
  if (unusable) {
    output.stderr.write(ctx.redactor.apply(`exo-doctor: ${unusable}\n`));
    return EXIT.usage;
  }

  // --error / --error-file: what the pasted error points to, held against the checks after the run.
  let explanation: import('./explain/explain.js').Explanation | undefined;
  if (options.error !== undefined || options.errorFile !== undefined) {
    const errorText = options.error ?? (await ctx.readFile(options.errorFile as string));
    if (errorText === undefined || errorText.trim() === '') {
      output.stderr.write(
        options.error === undefined
          ? `exo-doctor: cannot read ${options.errorFile}. Check the path, or give the error with --error "…".\n`
          : 'exo-doctor: --error is empty. Give the error text you got, in quotes.\n',
      );
      return EXIT.usage;
    }
    const { explain } = await import('./explain/explain.js');
    explanation = explain(errorText);
  }

  const stdoutStyle = createStyle(!options.json && ctx.terminal.colorStdout);
  const stderrStyle = createStyle(ctx.terminal.colorStderr);
  const progress = createProgress({
    mode: chooseProgressMode({ json: options.json, ...ctx.terminal }),
    checks: plan,
    stream: output.stderr,
    style: stderrStyle,
    redact: (text) => ctx.redactor.apply(text),
    ...(ctx.terminal.stderrColumns ? { columns: ctx.terminal.stderrColumns } : {}),
    ...(ctx.terminal.stderrRows ? { rows: ctx.terminal.stderrRows } : {}),
    ...(simulation ? { noticeNote: '(In this demo the simulated user enters it for you.)' } : {}),
  });

  const run = await runChecks(registry, ctx, {
    only: options.only,
    skip: options.skip,
    timeoutMs: options.timeout,
    signal,
    onEvent: (event) => progress.onEvent(event),
  });
  await progress.done();

  const meta = metaOf(ctx, {
    failOn: options.failOn,
    verbose: options.verbose,
    simulation,
    ...(layers ? { layers } : {}),
    ...(explanation ? { errorAnalysis: (await import('./explain/verdict.js')).judgeCauses(explanation, run.checks) } : {}),
  });
  const doc = buildDocument(run, meta, ctx.redactor);
  const text = options.json
    ? `${JSON.stringify(doc, null, 2)}\n`
    : renderText(doc, { style: stdoutStyle, width: ctx.terminal.columns ?? 100, verbose: options.verbose });
  await write(output.stdout, text);
  const written = await writeReportFiles(options, doc, ctx, output, async () => {
    const { buildBundle } = await import('./report/bundle.js');
    const facts = { ...(ctx.config.invocation ? { invocation: ctx.config.invocation } : {}), runtime: ctx.runtime, platform: ctx.platform };
    return (await buildBundle({ run, meta, redactor: ctx.redactor, redact: options.redact, facts, now: ctx.now() })).bytes;
  });
  return written ? doc.outcome.exitCode : EXIT.usage;
}

/** The report files a run was asked for (`--html`, `--markdown`, `--junit`); false when one could not be written. */
export async function writeReportFiles(
  options: Pick<DiagnoseOptions, 'html' | 'markdown' | 'junit' | 'bundle'>,
  doc: ReportDocument,
  io: Pick<Context, 'writePrivateFile'>,
  output: Output,
  bundle?: () => Promise<Uint8Array>,
): Promise<boolean> {
  const renderers: [string | undefined, () => Promise<string | Uint8Array>][] = [
    [options.html, async () => (await import('./report/html.js')).renderHtml(doc)],
    [options.markdown, async () => (await import('./report/markdown.js')).renderMarkdown(doc)],
    [options.junit, async () => (await import('./report/junit.js')).renderJunit(doc)],
    [options.bundle, async () => (bundle ? bundle() : Promise.reject(new Error('no bundle here')))],
  ];
  let ok = true;
  for (const [file, render] of renderers) {
    if (file === undefined) continue;
    try {
      await io.writePrivateFile(file, await render());
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      await write(output.stderr, `exo-doctor: cannot write ${file} (${reason}). Give a path in a folder you can write to; the report above is complete.\n`);
      ok = false;
    }
  }
  return ok;
}

/** A report file that cannot be written because a folder is in the way, said before any work. */
async function unusableReportFile(options: DiagnoseOptions, io: Pick<Context, 'readDir'>): Promise<string | undefined> {
  for (const option of REPORT_FILE_OPTIONS) {
    const file = options[option];
    if (file !== undefined && (await io.readDir(file)) !== undefined) {
      const example = { html: 'report.html', markdown: 'report.md', junit: 'exo-doctor.junit.xml', bundle: 'exo-doctor-bundle.tar.gz' }[option];
      return `--${option} ${file} is a folder. Give the path of a file, such as ${file.replace(/[\\/]$/, '')}/${example}.`;
    }
  }
  return undefined;
}

/**
 * A file option that cannot be used, said before any work: a path that is not a readable file, or a
 * token cache that is a folder. Undefined when every file given can be read.
 */
export async function unusableFileOption(
  given: { readonly certificate?: string | undefined; readonly ca?: string | undefined; readonly tokenCache?: string | undefined },
  io: Pick<Context, 'readFile' | 'readDir'>,
): Promise<string | undefined> {
  const files: [string, string | undefined][] = [
    ['--certificate', given.certificate],
    ['--ca', given.ca],
  ];
  for (const [option, path] of files) {
    if (path !== undefined && (await io.readFile(path)) === undefined) {
      return `${option} ${path} is not a file this user can read. Give the path of the file itself.`;
    }
  }
  const cache = given.tokenCache;
  if (cache !== undefined && (await io.readDir(cache)) !== undefined) {
    return `--token-cache ${cache} is a folder. Give the path of a file, such as ${cache.replace(/[\\/]$/, '')}/exo-doctor-tokens.json.`;
  }
  return undefined;
}

/** `--list-checks`: the pipeline, in order, with what each check needs. */
export async function listChecks(registry: readonly AnyCheck[], json: boolean, output: Output): Promise<number> {
  validateRegistry(registry);
  const rows = registry.map((check) => ({ id: check.id, title: check.title, dependsOn: check.dependsOn.map((d: AnyCheck) => d.id) }));
  if (json) {
    await write(output.stdout, `${JSON.stringify(rows, null, 2)}\n`);
    return EXIT.ok;
  }
  const idWidth = Math.max(...rows.map((r) => r.id.length));
  const lines = rows.map((r) => `${r.id.padEnd(idWidth)}  ${r.title}${r.dependsOn.length ? ` (needs ${r.dependsOn.join(', ')})` : ''}`);
  await write(output.stdout, `${lines.join('\n')}\n`);
  return EXIT.ok;
}

/** Writes and waits until the text is handed to the OS, so that exiting right after loses nothing. */
export function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(text, (err) => (err ? reject(err) : resolve())));
}
