/**
 * Progress while the checks run, on stderr so that stdout carries only the report:
 * - `live`: listr2, one line per check with a spinner, its current step and its duration (a terminal);
 * - `lines`: one plain line per finished check (pipes, files and CI logs: no escape codes);
 * - `none`.
 */
import type { AnyCheck } from '../check.js';
import type { RunEvent } from '../runner.js';
import { formatDuration } from '../runner.js';
import type { Style } from './style.js';
import { statusLabel } from './style.js';

export type ProgressMode = 'live' | 'lines' | 'none';

export interface Progress {
  onEvent(event: RunEvent): void;
  /** Resolves when the view has drawn its last frame. */
  done(): Promise<void>;
}

export interface ProgressOptions {
  readonly mode: ProgressMode;
  readonly checks: readonly AnyCheck[];
  readonly stream: NodeJS.WriteStream;
  readonly style: Style;
  /** Removes secrets from what is shown (a step can name a URL). */
  readonly redact: (text: string) => string;
}

export function chooseProgressMode(options: {
  json: boolean;
  stderrIsTTY: boolean;
  stderrColumns?: number;
  ci: boolean;
}): ProgressMode {
  // A terminal that reports no width (some CI runners and wrappers) cannot redraw lines in place.
  const live = options.stderrIsTTY && !options.ci && (options.stderrColumns ?? 0) >= 20;
  if (options.json) return live ? 'live' : 'none';
  return live ? 'live' : 'lines';
}

export async function createProgress(options: ProgressOptions): Promise<Progress> {
  switch (options.mode) {
    case 'none':
      return { onEvent: () => undefined, done: async () => undefined };
    case 'lines':
      return linesProgress(options);
    case 'live':
      return liveProgress(options);
  }
}

function linesProgress({ stream, style, redact }: ProgressOptions): Progress {
  return {
    onEvent(event) {
      if (event.type === 'notice') stream.write(`${style.bold(`${event.check.id}:`)} ${redact(event.message)}\n`);
      if (event.type !== 'finish') return;
      const { report } = event;
      stream.write(`${statusLabel(report.status, style)} ${report.id} (${formatDuration(report.durationMs)}): ${redact(report.summary)}\n`);
    },
    done: async () => undefined,
  };
}

interface Pending {
  settle(event: Extract<RunEvent, { type: 'finish' }>): void;
  step(activity: string): void;
}

async function liveProgress({ checks, stream, redact }: ProgressOptions): Promise<Progress> {
  // Loaded only for a live terminal: listr2 costs start-up time that pipes and --version should not pay.
  const { Listr, ListrLogger, ProcessOutput } = await import('listr2');
  const pending = new Map<string, Pending>();
  const early = new Map<string, RunEvent[]>();
  const list = new Listr(
    checks.map((check) => ({
      title: check.title,
      task: (_ctx: unknown, task: { title: string; output: string; skip(message?: string): void }) =>
        new Promise<void>((resolve, reject) => {
          pending.set(check.id, {
            step: (activity) => {
              task.output = redact(activity);
            },
            settle: ({ report }) => {
              const summary = redact(report.summary);
              // The check's own duration: listr2's timer would count the time its task waited to start.
              const took = `[${formatDuration(report.durationMs)}]`;
              switch (report.status) {
                case 'pass':
                  task.title = `${check.title} ${took}`;
                  return resolve();
                case 'warn':
                  task.title = `${check.title}: warning ${took}`;
                  return resolve();
                case 'skip':
                  task.skip(`${check.title}: ${summary}`);
                  return resolve();
                default:
                  return reject(new Error(`${summary} ${took}`));
              }
            },
          });
          for (const event of early.get(check.id) ?? []) deliver(event);
        }),
    })),
    {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      collectErrors: false,
      renderer: 'default',
      fallbackRendererCondition: false,
      rendererOptions: {
        logger: new ListrLogger({ processOutput: new ProcessOutput(stream, stream) }),
        collapseSkips: false,
      },
    },
  );
  const deliver = (event: RunEvent) => {
    const target = pending.get(event.check.id);
    if (!target) {
      early.set(event.check.id, [...(early.get(event.check.id) ?? []), event]);
      return;
    }
    if (event.type === 'step') target.step(event.activity);
    // A notice (the device code) shows under the check's line for as long as the check waits on it.
    if (event.type === 'notice') target.step(redact(event.message));
    if (event.type === 'finish') target.settle(event);
  };
  const running = list.run().catch(() => undefined);
  return {
    onEvent: deliver,
    done: async () => {
      await running;
    },
  };
}
