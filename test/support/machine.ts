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
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from '../../src/context.js';
import { machineMembers, type RecordedCommand } from '../../src/sim/machine.js';

export { REG_NOT_FOUND } from '../../src/sim/machine.js';

export interface FixtureMachine {
  readonly platform: NodeJS.Platform;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly files?: Readonly<Record<string, string>>;
  readonly commands?: Readonly<Record<string, RecordedCommand>>;
  /** Receives every command line the check ran, for assertions such as "never ran powershell". */
  readonly execLog?: string[];
}

export function machineStubs(machine: FixtureMachine): Partial<Context> {
  return machineMembers(machine, machine.execLog);
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
