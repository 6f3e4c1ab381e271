/**
 * The admin's machine in the simulated world: its operating system, environment, files, registry and
 * the answers of its programs. It is handed to the doctor's context the way a real machine would be
 * read: `readFile`, `readDir`, `exec` and `env`, and nothing of the machine the demo runs on leaks in.
 *
 * - `files` maps a path to its content; folders come from the paths, and a key ending in a separator
 *   declares an empty folder. On Windows, paths are case-insensitive and `/` reads as `\`.
 * - `registry` maps a key (`HKLM\SOFTWARE\…` or `HKEY_LOCAL_MACHINE\SOFTWARE\…`) to its values; `reg query`
 *   answers from it as reg.exe does (`reg query KEY`, `/v NAME`, `/s`), exit code 1 for a key or value
 *   that is not there.
 * - `commands` maps the start of a command line (program and arguments joined by single spaces) to what
 *   the program printed; the longest matching one wins. A program no entry names is not installed; a
 *   command line of a known program without an entry exits 1.
 * - `env` is read case-insensitively on Windows, as Node's `process.env` is there.
 *
 * How to write one in a scenario: docs/simulated-world.md.
 */
import { posix, win32 } from 'node:path';
import type { Context, ExecResult } from '../context.js';

/** A registry value: a string (REG_SZ), or a typed value; REG_BINARY is written as hex. */
export type RegistryValue =
  | string
  | { readonly type: 'REG_SZ' | 'REG_EXPAND_SZ'; readonly value: string }
  | { readonly type: 'REG_DWORD' | 'REG_QWORD'; readonly value: number }
  | { readonly type: 'REG_MULTI_SZ'; readonly value: readonly string[] }
  | { readonly type: 'REG_BINARY'; readonly value: string };

/** What a program printed: stdout alone (exit code 0), or the parts. */
export type RecordedCommand = string | { readonly exitCode?: number; readonly stdout?: string; readonly stderr?: string } | ExecResult;

export interface MachineSpec {
  readonly platform: NodeJS.Platform;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly files?: Readonly<Record<string, string>>;
  readonly registry?: Readonly<Record<string, Readonly<Record<string, RegistryValue>>>>;
  readonly commands?: Readonly<Record<string, RecordedCommand>>;
}

/** The context members a machine provides. */
export type MachineMembers = Pick<Context, 'platform' | 'env' | 'readFile' | 'readDir' | 'exec'>;

/** reg.exe's answer to a key or value that does not exist (on stderr, exit code 1). */
export const REG_NOT_FOUND = 'ERROR: The system was unable to find the specified registry key or value.\r\n';

const HIVES: Readonly<Record<string, string>> = {
  hklm: 'HKEY_LOCAL_MACHINE',
  hkcu: 'HKEY_CURRENT_USER',
  hkcr: 'HKEY_CLASSES_ROOT',
  hku: 'HKEY_USERS',
  hkcc: 'HKEY_CURRENT_CONFIG',
};

/** `HKLM\Software\X` → `HKEY_LOCAL_MACHINE\Software\X`, as reg.exe prints a key. */
function fullKeyName(key: string): string {
  const [hive = '', ...rest] = key.replace(/\//g, '\\').replace(/\\+$/, '').split('\\');
  return [HIVES[hive.toLowerCase()] ?? hive.toUpperCase(), ...rest].join('\\');
}

export function machineMembers(spec: MachineSpec, execLog?: string[]): MachineMembers {
  const windows = spec.platform === 'win32';
  const path = windows ? win32 : posix;
  const fold = (text: string) => (windows ? text.toLowerCase() : text);
  const normal = (p: string) => path.normalize(windows ? p.replace(/\//g, '\\') : p);
  const key = (p: string) => {
    const n = normal(p);
    const root = path.parse(n).root;
    return fold(n.length > root.length ? n.replace(/[\\/]+$/, '') : n);
  };

  const files = new Map<string, string>();
  const folders = new Map<string, Map<string, string>>();
  const addFolder = (given: string) => {
    let current = normal(given).replace(/[\\/]+$/, '') || path.parse(normal(given)).root;
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
  for (const [given, content] of Object.entries(spec.files ?? {})) {
    if (/[\\/]$/.test(given)) {
      addFolder(given);
      continue;
    }
    files.set(key(given), content);
    const parent = path.dirname(normal(given));
    addFolder(parent);
    const name = path.basename(normal(given));
    const children = folders.get(key(parent)) as Map<string, string>;
    if (!children.has(fold(name))) children.set(fold(name), name);
  }

  const registry = new Registry(spec.registry ?? {});
  const commands = spec.commands ?? {};
  // reg.exe is there when the machine has a registry, or recorded answers of reg.
  const hasReg = windows && (spec.registry !== undefined || Object.keys(commands).some((k) => /^reg(\.exe)?( |$)/i.test(k)));
  return {
    platform: spec.platform,
    env: windows ? caseInsensitive(spec.env ?? {}) : { ...spec.env },
    readFile: async (p) => files.get(key(p)),
    readDir: async (p) => {
      const children = folders.get(key(p));
      return children ? [...children.values()] : undefined;
    },
    exec: async (command, args) => {
      const line = [command, ...args].join(' ');
      execLog?.push(line);
      const recorded = recordedAnswer(commands, line, fold);
      if (recorded) return recorded;
      if (hasReg && /^reg(\.exe)?$/i.test(command) && args[0]?.toLowerCase() === 'query') return registry.query(args.slice(1));
      const program = fold(command);
      if (!Object.keys(commands).some((k) => fold(k.split(' ')[0] as string) === program)) return { kind: 'not-found', command };
      return { kind: 'exited', exitCode: 1, stdout: '', stderr: `simulated machine: no recorded output for "${line}"\n` };
    },
  };
}

function recordedAnswer(commands: Readonly<Record<string, RecordedCommand>>, line: string, fold: (s: string) => string): ExecResult | undefined {
  const wanted = fold(line);
  const best = Object.keys(commands)
    .filter((k) => wanted === fold(k) || wanted.startsWith(`${fold(k)} `))
    .sort((a, b) => b.length - a.length)[0];
  if (best === undefined) return undefined;
  const recorded = commands[best] as RecordedCommand;
  if (typeof recorded === 'string') return { kind: 'exited', exitCode: 0, stdout: recorded, stderr: '' };
  if ('kind' in recorded) return recorded;
  return { kind: 'exited', exitCode: recorded.exitCode ?? 0, stdout: recorded.stdout ?? '', stderr: recorded.stderr ?? '' };
}

/** The registry, answering `reg query` as reg.exe prints it (CRLF, four-space columns, values then subkeys). */
class Registry {
  private readonly keys = new Map<string, { name: string; values: Readonly<Record<string, RegistryValue>> }>();

  constructor(spec: Readonly<Record<string, Readonly<Record<string, RegistryValue>>>>) {
    for (const [given, values] of Object.entries(spec)) {
      const name = fullKeyName(given);
      this.keys.set(name.toLowerCase(), { name, values });
      // Every ancestor exists too, with no values of its own.
      const parts = name.split('\\');
      for (let i = parts.length - 1; i >= 1; i--) {
        const ancestor = parts.slice(0, i).join('\\');
        if (!this.keys.has(ancestor.toLowerCase())) this.keys.set(ancestor.toLowerCase(), { name: ancestor, values: {} });
      }
    }
  }

  query(args: readonly string[]): ExecResult {
    const [keyArg, ...options] = args;
    if (keyArg === undefined) return { kind: 'exited', exitCode: 1, stdout: '', stderr: 'ERROR: Invalid syntax.\r\n' };
    const found = this.keys.get(fullKeyName(keyArg).toLowerCase());
    const missing: ExecResult = { kind: 'exited', exitCode: 1, stdout: '', stderr: REG_NOT_FOUND };
    if (!found) return missing;
    const v = options.findIndex((o) => o.toLowerCase() === '/v');
    if (v >= 0) {
      const wanted = options[v + 1]?.toLowerCase();
      const entry = Object.entries(found.values).find(([name]) => name.toLowerCase() === wanted);
      if (!entry) return missing;
      return { kind: 'exited', exitCode: 0, stdout: `\r\n${found.name}\r\n${valueLine(entry[0], entry[1])}\r\n\r\n`, stderr: '' };
    }
    const recursive = options.some((o) => o.toLowerCase() === '/s');
    return { kind: 'exited', exitCode: 0, stdout: recursive ? this.tree(found.name) : this.block(found.name, true), stderr: '' };
  }

  private children(name: string): string[] {
    const prefix = `${name.toLowerCase()}\\`;
    return [...this.keys.values()]
      .filter((k) => k.name.toLowerCase().startsWith(prefix) && !k.name.slice(prefix.length).includes('\\'))
      .map((k) => k.name)
      .sort((a, b) => a.localeCompare(b));
  }

  /** One key: its values, then (without /s) the names of its subkeys. */
  private block(name: string, withSubkeys: boolean): string {
    const key = this.keys.get(name.toLowerCase()) as { name: string; values: Readonly<Record<string, RegistryValue>> };
    const lines = Object.entries(key.values).map(([n, value]) => valueLine(n, value));
    let out = `\r\n${key.name}\r\n${lines.join('\r\n')}${lines.length ? '\r\n' : ''}`;
    if (withSubkeys) for (const child of this.children(name)) out += `\r\n${child}`;
    return `${out}\r\n`;
  }

  /** `/s`: the key and every key below it. */
  private tree(name: string): string {
    return [this.block(name, false), ...this.children(name).map((child) => this.tree(child).replace(/^\r\n/, ''))].join('');
  }
}

function valueLine(name: string, value: RegistryValue): string {
  const typed = typeof value === 'string' ? ({ type: 'REG_SZ', value } as const) : value;
  let data: string;
  switch (typed.type) {
    case 'REG_DWORD':
    case 'REG_QWORD':
      data = `0x${typed.value.toString(16)}`;
      break;
    case 'REG_MULTI_SZ':
      data = typed.value.join('\\0');
      break;
    case 'REG_BINARY':
      data = typed.value.replace(/\s+/g, '').toUpperCase();
      break;
    default:
      data = typed.value;
  }
  return `    ${name || '(Default)'}    ${typed.type}    ${data}`.trimEnd();
}

/** An environment that finds `Path` as `PATH`, as Windows does. */
function caseInsensitive(env: Readonly<Record<string, string | undefined>>): Readonly<Record<string, string | undefined>> {
  const copy = { ...env };
  const find = (name: string) => Object.keys(copy).find((k) => k.toLowerCase() === name.toLowerCase());
  return new Proxy(copy, {
    get: (target, property) => (typeof property === 'string' ? target[find(property) ?? property] : undefined),
    has: (target, property) => (typeof property === 'string' ? find(property) !== undefined : property in target),
    getOwnPropertyDescriptor: (target, property) => (typeof property === 'string' ? Reflect.getOwnPropertyDescriptor(target, find(property) ?? property) : undefined),
  });
}
