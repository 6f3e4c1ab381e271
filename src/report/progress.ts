/**
 * Progress while the checks run, always on stderr, so that stdout carries only the report (`--json >
 * r.json` stays one JSON document, even from a terminal):
 * - `live`: one line per check, redrawn in place when something changes (never on a timer), with the
 *   report's own symbols for a finished check, `·` for one waiting and `›` for one running, and what it
 *   is doing now; when the report prints, the list collapses into one line;
 * - `lines`: one plain line per finished check (pipes, files and CI logs: no escape codes);
 * - `none`: notices only.
 * A notice (the device-code prompt) is printed above the list and stays there, set apart so the eye
 * finds it.
 */
import type { AnyCheck } from '../check.js';
import type { RunEvent } from '../runner.js';
import { formatDuration } from '../runner.js';
import type { Status } from '../result.js';
import type { Style } from './style.js';
import { statusLabel, SYMBOL } from './style.js';

export type ProgressMode = 'live' | 'lines' | 'none';

export interface Progress {
  onEvent(event: RunEvent): void;
  /** Draws the last frame (the live list collapses into one line). */
  done(): Promise<void>;
}

export interface ProgressOptions {
  readonly mode: ProgressMode;
  readonly checks: readonly AnyCheck[];
  readonly stream: NodeJS.WritableStream;
  readonly style: Style;
  /** Removes secrets from what is shown (a step can name a URL). */
  readonly redact: (text: string) => string;
  /** The terminal's width and height, for the live list. */
  readonly columns?: number;
  readonly rows?: number;
  /** Added to every notice: in the demo, the simulated user completes the sign-in by themselves. */
  readonly noticeNote?: string;
}

export function chooseProgressMode(options: { json: boolean; stderrIsTTY: boolean; stderrColumns?: number; ci: boolean }): ProgressMode {
  // A terminal that reports no width (some CI runners and wrappers) cannot redraw lines in place.
  const live = options.stderrIsTTY && !options.ci && (options.stderrColumns ?? 0) >= 20;
  if (options.json) return live ? 'live' : 'none';
  return live ? 'live' : 'lines';
}

export function createProgress(options: ProgressOptions): Progress {
  switch (options.mode) {
    case 'none':
      // No progress, but a notice is for a person: the device code still reaches stderr.
      return {
        onEvent: (event) => {
          if (event.type === 'notice') options.stream.write(noticeText(options.style, event.check.id, options.redact(event.message), options.noticeNote));
        },
        done: async () => undefined,
      };
    case 'lines':
      return linesProgress(options);
    case 'live':
      return liveProgress(options);
  }
}

/** A notice set apart from the progress: a bold bar in front, the demo's note after. */
function noticeText(style: Style, id: string, message: string, note: string | undefined): string {
  return `${style.cyan('▌')} ${style.bold(`${id}:`)} ${message}${note ? ` ${style.dim(note)}` : ''}\n`;
}

function linesProgress({ stream, style, redact, noticeNote }: ProgressOptions): Progress {
  return {
    onEvent(event) {
      if (event.type === 'notice') stream.write(noticeText(style, event.check.id, redact(event.message), noticeNote));
      if (event.type !== 'finish') return;
      const { report } = event;
      stream.write(`${statusLabel(report.status, style)} ${report.id} (${formatDuration(report.durationMs)}): ${redact(report.summary)}\n`);
    },
    done: async () => undefined,
  };
}

type State = { readonly kind: 'waiting' } | { readonly kind: 'running'; readonly activity?: string } | { readonly kind: 'done'; readonly status: Status; readonly durationMs: number };

const ERASE_LINE = '\u001b[2K';
const up = (n: number) => (n > 0 ? `\u001b[${n}A` : '');

function liveProgress({ checks, stream, style, redact, columns = 80, rows = 24, noticeNote }: ProgressOptions): Progress {
  const states = new Map<string, State>(checks.map((check) => [check.id, { kind: 'waiting' }]));
  const started = Date.now();
  let drawn = 0;
  let scheduled: NodeJS.Timeout | undefined;
  let finished = false;

  const clip = (text: string, width: number) => (text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text);
  const line = (check: AnyCheck): string => {
    const state = states.get(check.id) as State;
    const width = columns - 3;
    switch (state.kind) {
      case 'waiting':
        return style.dim(`· ${clip(check.title, width)}`);
      case 'running': {
        const text = clip(`${check.title}${state.activity ? ` — ${redact(state.activity)}` : ''}`, width);
        return `${style.cyan('›')} ${text}`;
      }
      case 'done': {
        const mark = statusLabel(state.status, style).split(' ')[0] as string;
        return `${mark} ${clip(`${check.title} (${formatDuration(state.durationMs)})`, width)}`;
      }
    }
  };

  /** The list, or, on a short terminal, the count of finished checks and the running ones. */
  const frame = (): string[] => {
    const all = checks.map(line);
    if (all.length <= rows - 2) return all;
    const done = checks.filter((c) => states.get(c.id)?.kind === 'done').length;
    const running = checks.filter((c) => states.get(c.id)?.kind === 'running').map(line);
    return [style.dim(`${done} of ${checks.length} checks done`), ...running.slice(0, Math.max(1, rows - 3))];
  };

  const erase = () => {
    if (drawn === 0) return '';
    let out = `${up(drawn)}\r`;
    for (let i = 0; i < drawn; i++) out += `${ERASE_LINE}\n`;
    out += up(drawn);
    drawn = 0;
    return out;
  };

  const draw = () => {
    scheduled = undefined;
    if (finished) return;
    const lines = frame();
    stream.write(`${erase()}${lines.map((l) => `${ERASE_LINE}${l}`).join('\n')}\n`);
    drawn = lines.length;
  };
  // Changes that come together (many checks finishing at once) are drawn once.
  const redraw = () => {
    scheduled ??= setTimeout(draw, 40);
  };

  return {
    onEvent(event) {
      if (finished) return;
      switch (event.type) {
        case 'start':
          states.set(event.check.id, { kind: 'running' });
          break;
        case 'step':
          states.set(event.check.id, { kind: 'running', activity: event.activity });
          break;
        case 'notice':
          // Above the list, for good: the list is redrawn under it.
          stream.write(`${erase()}${noticeText(style, event.check.id, redact(event.message), noticeNote)}`);
          break;
        case 'finish':
          states.set(event.check.id, { kind: 'done', status: event.report.status, durationMs: event.report.durationMs });
          break;
      }
      redraw();
    },
    async done() {
      if (scheduled) clearTimeout(scheduled);
      finished = true;
      const counts = new Map<Status, number>();
      for (const state of states.values()) if (state.kind === 'done') counts.set(state.status, (counts.get(state.status) ?? 0) + 1);
      const parts = (['pass', 'fail', 'warn', 'error', 'skip'] as const).filter((s) => counts.get(s)).map((s) => `${counts.get(s)} ${SYMBOL[s]}`);
      await new Promise<void>((resolve) =>
        stream.write(`${erase()}${style.dim(`${checks.length} checks in ${formatDuration(Date.now() - started)}: ${parts.join(' · ')}`)}\n`, () => resolve()),
      );
    },
  };
}
