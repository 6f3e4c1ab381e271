/**
 * Colour for the terminal report. Colour follows the terminal: on for a TTY, off for pipes and files,
 * off with `NO_COLOR` (https://no-color.org), on with `FORCE_COLOR` (unless it is `0` or `false`).
 */
import type { Status } from '../result.js';

export interface Style {
  readonly enabled: boolean;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

/** Whether to colour a stream, from the environment and whether the stream is a terminal. */
export function colorEnabled(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return isTTY && env['TERM'] !== 'dumb';
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

export function createStyle(enabled: boolean): Style {
  const pick = (open: number, close: number) => (enabled ? wrap(open, close) : (text: string) => text);
  return {
    enabled,
    red: pick(31, 39),
    green: pick(32, 39),
    yellow: pick(33, 39),
    cyan: pick(36, 39),
    dim: pick(2, 22),
    bold: pick(1, 22),
  };
}

export const SYMBOL: Readonly<Record<Status, string>> = {
  pass: '✔',
  warn: '⚠',
  fail: '✖',
  error: '!',
  skip: '○',
};

/** `✔ pass`, coloured by status. */
export function statusLabel(status: Status, style: Style): string {
  const text = `${SYMBOL[status]} ${status}`;
  switch (status) {
    case 'pass':
      return style.green(text);
    case 'warn':
      return style.yellow(text);
    case 'fail':
    case 'error':
      return style.red(text);
    case 'skip':
      return style.dim(text);
  }
}
