/**
 * A fixture machine for unit tests: its files, environment and recorded command outputs, turned into
 * the context members a check reads (`platform`, `env`, `readFile`, `readDir`, `exec`). Use with
 * `fakeContext(baseStubs(machineStubs({...})))`; every other member still throws when touched.
 *
 * - `files` maps a path to its content. Folders are derived from the paths; a key ending in a separator
 *   (`C:\Users\alex\Documents\PowerShell\Modules\`) declares an empty folder. On `win32` paths are
 *   case-insensitive and `/` is read as `\`, as Windows does.
 * - `commands` maps the start of a command line (`reg query HKLM\SOFTWARE\Microsoft\PowerShell\3\PowerShellEngine`,
 *   program and arguments joined by single spaces, no quoting) to what the program printed. The longest
 *   matching key wins, matched on whole words. A program that no key names is not installed
 *   (`not-found`); a command line of a known program without a recording exits 1 (for `reg`, with
 *   reg.exe's "unable to find the specified registry key or value", which is what a missing key prints).
 * - `env` on `win32` is read case-insensitively, as Node's `process.env` is on Windows.
 *
 * {@link loadFixtureMachine} reads such a machine from a `machine.json` (see fixtures/powershell/README.md).
 */
import { readFileSync } from 'node:fs';
import { dirname, posix, resolve, win32 } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, ExecResult } from '../../src/context.js';

/** What a program printed: stdout alone (exit code 0), the parts, or an exact result (`timed-out`, `failed`). */
type RecordedCommand = string | { readonly exitCode?: number; readonly stdout?: string; readonly stderr?: string } | ExecResult;

export interface FixtureMachine {
  readonly platform: NodeJS.Platform;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly files?: Readonly<Record<string, string>>;
  readonly commands?: Readonly<Record<string, RecordedCommand>>;
  /** Receives every command line the check ran, for assertions such as "never ran powershell". */
  readonly execLog?: string[];
}

/** reg.exe's answer to a key or value that does not exist (on stderr, exit code 1). */
export const REG_NOT_FOUND = 'ERROR: The system was unable to find the specified registry key or value.\r\n';

export function machineStubs(machine: FixtureMachine): Partial<Context> {
  const windows = machine.platform === 'win32';
  const path = windows ? win32 : posix;
  const fold = (text: string) => (windows ? text.toLowerCase() : text);
  /** A comparable form of a path: normalized, no trailing separator (except a root), folded on Windows. */
  const key = (p: string) => {
    const normal = path.normalize(windows ? p.replace(/\//g, '\\') : p);
    const root = path.parse(normal).root;
    const trimmed = normal.length > root.length ? normal.replace(/[\\/]+$/, '') : normal;
    return fold(trimmed);
  };

  const files = new Map<string, string>();
  const folders = new Map<string, Map<string, string>>(); // folder key → child key → child name as given
  const addToParents = (given: string) => {
    let current = path.normalize(windows ? given.replace(/\//g, '\\') : given).replace(/[\\/]+$/, '');
    if (!folders.has(key(current))) folders.set(key(current), new Map());
    for (;;) {
      const parent = path.dirname(current);
      if (key(parent) === key(current)) return;
      const children = folders.get(key(parent)) ?? new Map<string, string>();
      folders.set(key(parent), children);
      const name = path.basename(current);
      if (!children.has(fold(name))) children.set(fold(name), name);
      current = parent;
    }
  };
  for (const [given, content] of Object.entries(machine.files ?? {})) {
    if (/[\\/]$/.test(given)) {
      addToParents(given);
      continue;
    }
    files.set(key(given), content);
    const parent = path.dirname(path.normalize(windows ? given.replace(/\//g, '\\') : given));
    addToParents(parent);
    const children = folders.get(key(parent))!;
    const name = path.basename(given);
    if (!children.has(fold(name))) children.set(fold(name), name);
  }

  return {
    platform: machine.platform,
    env: windows ? caseInsensitive(machine.env ?? {}) : { ...machine.env },
    readFile: async (p) => files.get(key(p)),
    readDir: async (p) => {
      const children = folders.get(key(p));
      return children ? [...children.values()] : undefined;
    },
    exec: async (command, args) => {
      const line = [command, ...args].join(' ');
      machine.execLog?.push(line);
      return answer(machine.commands ?? {}, line, command, fold);
    },
  };
}

function answer(commands: Readonly<Record<string, RecordedCommand>>, line: string, command: string, fold: (s: string) => string): ExecResult {
  const wanted = fold(line);
  const matches = Object.keys(commands)
    .filter((k) => wanted === fold(k) || wanted.startsWith(`${fold(k)} `))
    .sort((a, b) => b.length - a.length);
  const best = matches[0];
  if (best !== undefined) {
    const recorded = commands[best]!;
    if (typeof recorded === 'string') return { kind: 'exited', exitCode: 0, stdout: recorded, stderr: '' };
    if ('kind' in recorded) return recorded;
    return { kind: 'exited', exitCode: recorded.exitCode ?? 0, stdout: recorded.stdout ?? '', stderr: recorded.stderr ?? '' };
  }
  const program = fold(command);
  const known = Object.keys(commands).some((k) => fold(k.split(' ')[0]!) === program);
  if (!known) return { kind: 'not-found', command };
  const stderr = /^reg(\.exe)?$/i.test(command) ? REG_NOT_FOUND : `machine fixture: no recorded output for "${line}"\n`;
  return { kind: 'exited', exitCode: 1, stdout: '', stderr };
}

/** An environment that finds `Path` as `PATH`, as Windows does. */
function caseInsensitive(env: Readonly<Record<string, string | undefined>>): Readonly<Record<string, string | undefined>> {
  const copy = { ...env };
  const find = (name: string) => Object.keys(copy).find((k) => k.toLowerCase() === name.toLowerCase());
  return new Proxy(copy, {
    get: (target, property) => (typeof property === 'string' ? target[find(property) ?? property] : undefined),
    has: (target, property) => (typeof property === 'string' ? find(property) !== undefined : property in target),
    getOwnPropertyDescriptor: (target, property) =>
      typeof property === 'string' ? Reflect.getOwnPropertyDescriptor(target, find(property) ?? property) : undefined,
  });
}

/** A `machine.json` value: literal content, or `{ "from": "<path relative to the JSON file>" }`. */
type JsonContent = string | { readonly from: string };

/**
 * A fixture machine from its `machine.json`: `{ description, platform, env, files, commands }`, where a
 * file's content or a command's stdout is a string or `{ "from": "<fixture file>" }` (read as UTF-8, as
 * `ctx.readFile` reads, so a UTF-16 manifest arrives with the same damage it would on a real machine), and
 * a command may also be `{ exitCode, stdout, stderr }` or an exact result with `kind`.
 */
export function loadFixtureMachine(file: URL | string): FixtureMachine & { readonly description: string } {
  const path = typeof file === 'string' ? file : fileURLToPath(file);
  const json = JSON.parse(readFileSync(path, 'utf8')) as {
    description: string;
    platform: NodeJS.Platform;
    env?: Record<string, string>;
    files?: Record<string, JsonContent>;
    commands?: Record<string, JsonContent | Exclude<RecordedCommand, string>>;
  };
  const content = (value: JsonContent): string => (typeof value === 'string' ? value : readFileSync(resolve(dirname(path), value.from), 'utf8'));
  const files = Object.fromEntries(Object.entries(json.files ?? {}).map(([k, v]) => [k, content(v)]));
  const commands = Object.fromEntries(
    Object.entries(json.commands ?? {}).map(([k, v]): [string, RecordedCommand] => [k, typeof v === 'object' && 'from' in v ? content(v) : (v as RecordedCommand)]),
  );
  return { description: json.description, platform: json.platform, env: json.env ?? {}, files, commands };
}
