/**
 * `exo-doctor replay BUNDLE`: the report of a support bundle (`--bundle`), re-rendered on another machine
 * with no network and no sign-in: on the terminal, as JSON, or into `--html`, `--markdown` and `--junit`
 * files. A bundle that is not one, is truncated, was changed after it was made or comes from a newer
 * doctor is refused with a sentence and exit 2. Otherwise the exit code is the one the original run had,
 * so a pipeline can act on a replayed bundle as on the run.
 */
import type { Context } from './context.js';
import { type Output, write, writeReportFiles } from './diagnose.js';
import { EXIT } from './exit.js';
import { BundleError, openBundle } from './report/bundle.js';
import { createStyle } from './report/style.js';
import { renderText } from './report/text.js';

export interface ReplayRun {
  readonly bundle: string;
  readonly json: boolean;
  readonly verbose: boolean;
  readonly html?: string;
  readonly markdown?: string;
  readonly junit?: string;
  readonly ctx: Pick<Context, 'readOwnBytes' | 'readDir' | 'writePrivateFile' | 'terminal'>;
  readonly output: Output;
}

/** Far above any bundle the doctor writes (a few hundred kilobytes). */
const MAX_BYTES = 50 * 1024 * 1024;

export async function replay(run: ReplayRun): Promise<number> {
  const bytes = await run.ctx.readOwnBytes(run.bundle, MAX_BYTES);
  if (bytes === undefined) {
    const folder = (await run.ctx.readDir(run.bundle)) !== undefined;
    await write(run.output.stderr, `exo-doctor: ${run.bundle} ${folder ? 'is a folder' : 'does not exist'}. Give the path of the .tar.gz file that exo-doctor --bundle wrote.\n`);
    return EXIT.usage;
  }
  let opened: Awaited<ReturnType<typeof openBundle>>;
  try {
    opened = await openBundle(bytes, run.bundle);
  } catch (err) {
    if (!(err instanceof BundleError)) throw err;
    await write(run.output.stderr, `exo-doctor: ${err.message}\n`);
    return EXIT.usage;
  }
  const { document, manifest } = opened;
  const text = run.json
    ? `${JSON.stringify(document, null, 2)}\n`
    : `${renderText(document, { style: createStyle(run.ctx.terminal.colorStdout), width: run.ctx.terminal.columns ?? 100, verbose: run.verbose })}` +
      `\nReplayed from ${run.bundle}: made ${manifest.createdAt} by exo-doctor ${manifest.tool.version}, identifiers ${manifest.redaction.identifiers === 'keyed' ? 'replaced by keyed placeholders' : 'kept (--no-redact)'}.\n`;
  await write(run.output.stdout, text);
  const written = await writeReportFiles({ ...(run.html ? { html: run.html } : {}), ...(run.markdown ? { markdown: run.markdown } : {}), ...(run.junit ? { junit: run.junit } : {}) }, document, run.ctx, run.output);
  return written ? document.outcome.exitCode : EXIT.usage;
}
