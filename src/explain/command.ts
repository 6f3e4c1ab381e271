/**
 * `exo-doctor explain [TEXT]`: reads the error text (arguments, `--file`, or standard input), prints the
 * signals found and up to three ranked causes, or one JSON document with `--json`. Loaded only when the
 * command runs.
 */
import { EXIT } from '../exit.js';
import type { Style } from '../report/style.js';
import { ACTOR_LABEL } from '../result.js';
import { type Explanation, explain } from './explain.js';
import { describeSignals } from './signals.js';

export interface ExplainInput {
  /** Words given on the command line. */
  readonly words: readonly string[];
  readonly file?: string;
  readonly json: boolean;
  readFile(path: string): Promise<string | undefined>;
  /** Standard input, when it is not a terminal. */
  readStdin(): Promise<string | undefined>;
  readonly style: Style;
  write(stream: 'stdout' | 'stderr', text: string): Promise<void>;
}

/** Input that is not text: NULs or undecodable bytes in more than 1 % of its first 64 KiB. */
export function looksBinary(text: string): boolean {
  const head = text.slice(0, 65_536);
  let odd = 0;
  for (let i = 0; i < head.length; i++) {
    const code = head.charCodeAt(i);
    if (code === 0 || code === 0xfffd) odd++;
  }
  return head.length > 0 && odd / head.length > 0.01;
}

export async function runExplain(input: ExplainInput): Promise<number> {
  let text: string | undefined;
  let from: string;
  if (input.words.length > 0) {
    text = input.words.join(' ');
    from = 'the command line';
  } else if (input.file !== undefined) {
    text = await input.readFile(input.file);
    from = input.file;
    if (text === undefined) {
      await input.write('stderr', `exo-doctor: cannot read ${input.file}. Check the path, or paste the error as an argument or on standard input.\n`);
      return EXIT.usage;
    }
  } else {
    text = await input.readStdin();
    from = 'standard input';
  }
  if (text === undefined || text.trim() === '') {
    await input.write(
      'stderr',
      'exo-doctor: no error text to explain. Paste it as an argument in quotes, give a file with --file, or pipe it in: Get-Clipboard | exo-doctor explain\n',
    );
    return EXIT.usage;
  }
  if (looksBinary(text)) {
    await input.write('stderr', `exo-doctor: ${from} does not look like text (it holds binary data). Give the error as it appears in the console or a log file.\n`);
    return EXIT.usage;
  }
  const result = explain(text);
  if (input.json) {
    await input.write('stdout', `${JSON.stringify(toJson(result), null, 2)}\n`);
  } else {
    await input.write('stdout', renderExplanation(result, input.style));
  }
  return EXIT.ok;
}

/** The JSON shape: `{signals, causes: [{category, title, confidence, matched, fix, checks, …}]}`. */
export function toJson(result: Explanation) {
  const notice = result.notice;
  return {
    recognised: result.recognised,
    signals: result.signals,
    ...(notice
      ? {
          notice: {
            id: notice.id,
            title: notice.title,
            matched: notice.matched,
            why: notice.why,
            fix: { summary: notice.fix.summary, runBy: notice.fix.runBy, commands: notice.fix.commands },
            checks: notice.checks,
            confirm: confirmCommand(notice.checks, result.identifiers.upn, result.service),
          },
        }
      : {}),
    causes: result.causes.map((c) => ({
      category: c.category,
      title: c.title,
      confidence: c.confidence,
      matched: c.matched,
      why: c.why,
      fix: { summary: c.fix.summary, runBy: c.fix.runBy, commands: c.fix.commands },
      checks: c.checks,
      confirm: confirmCommand(c.checks, result.identifiers.upn, result.service),
      ...(c.link ? { link: c.link } : {}),
      legacy: c.legacy,
    })),
  };
}

/** The doctor run that confirms or rules out a cause. */
function confirmCommand(checks: readonly string[], upn: string | undefined, service: Explanation['service'] = 'exchange'): string | undefined {
  return checks.length > 0 ? `exo-doctor --upn ${upn ?? '<admin UPN>'}${service === 'compliance' ? ' --service compliance' : ''} --only ${checks.join(',')}` : undefined;
}

function renderExplanation(result: Explanation, style: Style): string {
  const out: string[] = [];
  const found = describeSignals(result.signals);
  out.push(`${style.bold('Signals')}  ${found.length > 0 ? found.join(' · ') : 'none the doctor knows'}`, '');
  const notice = result.notice;
  if (notice) {
    out.push(`${style.bold('First:')} ${style.bold(notice.title)}`);
    out.push(`   Matched: “${notice.matched}”`, `   Why: ${notice.why}`, `   Fix (run by ${ACTOR_LABEL[notice.fix.runBy]}): ${notice.fix.summary}`);
    for (const command of notice.fix.commands) out.push(`     ${style.cyan(command)}`);
    const confirm = confirmCommand(notice.checks, result.identifiers.upn, result.service);
    if (confirm) out.push(`   Confirm: ${style.cyan(confirm)}`);
    out.push('');
  }
  out.push(style.bold(result.recognised ? (result.causes.length === 1 ? 'Likely cause' : 'Likely causes, most likely first') : 'Not recognised'));
  // Each piece of the text is quoted once: a later cause that matched the same words says so.
  const quoted = new Map<string, number>();
  result.causes.forEach((cause, i) => {
    out.push('');
    if (!result.recognised && i === 1) out.push(style.bold('Less likely readings, worth ruling out'), '');
    const tag = result.recognised || i > 0 ? style.dim(`[${cause.category}, ${cause.confidence} confidence${cause.legacy ? ', legacy path' : ''}]`) : '';
    out.push(`${result.recognised ? `${i + 1}. ` : ''}${style.bold(cause.title)} ${tag}`.trimEnd());
    const fresh = cause.matched.filter((m) => !quoted.has(m));
    const again = [...new Set(cause.matched.filter((m) => quoted.has(m)).map((m) => quoted.get(m) as number))];
    for (const m of fresh) quoted.set(m, i + 1);
    const pieces = [...fresh.map((m) => `“${m}”`), ...again.map((n) => (result.recognised ? `the text quoted for cause ${n}` : 'the text quoted above'))];
    if (pieces.length > 0) out.push(`   Matched: ${pieces.join('; ')}`);
    out.push(`   Why: ${cause.why}`);
    out.push(`   Fix (run by ${ACTOR_LABEL[cause.fix.runBy]}): ${cause.fix.summary}`);
    for (const command of cause.fix.commands) out.push(`     ${style.cyan(command)}`);
    const confirm = confirmCommand(cause.checks, result.identifiers.upn, result.service);
    if (confirm) out.push(`   Confirm: ${style.cyan(confirm)}`);
    if (cause.link) out.push(`   More: ${cause.link}`);
  });
  return `${out.join('\n')}\n`;
}
