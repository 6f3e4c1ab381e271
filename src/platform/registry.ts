/**
 * Reads one Windows registry key with `reg query`, through the context, and says which of three things
 * happened: the key (or value) is there, it is not, or reg.exe could not be asked. The checks of the
 * admin's PowerShell client need that difference: a missing policy value means "not configured", which
 * has a documented default, while a reg.exe that did not answer means "unknown".
 *
 * Output shape (`    Name    REG_DWORD    0x1`, CRLF, subkeys listed after the values) is parsed by
 * {@link parseRegQuery}. reg.exe exits 1 when the key or value does not exist, printing "ERROR: The
 * system was unable to find the specified registry key or value." on stderr, in the display language of
 * Windows; the exit code is what is read here, not the text.
 */
import type { CheckContext } from '../check.js';
import { parseRegQuery, parseRegQueryTree, type RegValue } from './windows.js';

/** What `reg query` told about a key. */
export type RegistryRead =
  | { readonly kind: 'values'; readonly values: ReadonlyMap<string, RegValue> }
  /** reg.exe exited 1: the key or the value does not exist (or, rarely, reading it was denied). */
  | { readonly kind: 'missing' }
  /** reg.exe is missing, timed out, or failed in another way. */
  | { readonly kind: 'unreadable'; readonly reason: string };

/** The members of the context a registry read needs. */
export type RegistryContext = Pick<CheckContext, 'exec' | 'config' | 'signal'>;

/**
 * `reg query <key>` or, with `value`, `reg query <key> /v <value>`. `key` is written as reg.exe takes it
 * (`HKLM\SOFTWARE\Policies\Microsoft\Windows\WinRM\Client`). Value names in the result are lower-cased.
 */
export async function readRegistry(ctx: RegistryContext, key: string, value?: string): Promise<RegistryRead> {
  const args = value === undefined ? ['query', key] : ['query', key, '/v', value];
  const result = await ctx.exec('reg', args, { timeoutMs: Math.min(ctx.config.timeoutMs, 10_000), signal: ctx.signal });
  switch (result.kind) {
    case 'exited':
      if (result.exitCode === 0) return { kind: 'values', values: parseRegQuery(result.stdout) };
      if (result.exitCode === 1) return { kind: 'missing' };
      return { kind: 'unreadable', reason: `reg.exe exited with code ${result.exitCode}${firstLine(result.stderr)}` };
    case 'not-found':
      return { kind: 'unreadable', reason: 'reg.exe was not found' };
    case 'timed-out':
      return { kind: 'unreadable', reason: 'reg.exe did not answer in time' };
    case 'failed':
      return { kind: 'unreadable', reason: result.message };
  }
}

/** `reg query <key> /s`: the key and every key below it, with their values; empty when it cannot be read. */
export async function readRegistryTree(ctx: RegistryContext, key: string): Promise<ReadonlyMap<string, ReadonlyMap<string, RegValue>>> {
  const result = await ctx.exec('reg', ['query', key, '/s'], { timeoutMs: Math.min(ctx.config.timeoutMs, 10_000), signal: ctx.signal });
  return result.kind === 'exited' && result.exitCode === 0 ? parseRegQueryTree(result.stdout) : new Map();
}

/** A REG_DWORD (or REG_QWORD) value of a read key, when it is there. */
export function dwordOf(read: RegistryRead, name: string): number | undefined {
  const value = read.kind === 'values' ? read.values.get(name.toLowerCase()) : undefined;
  return value && typeof value.value === 'number' ? value.value : undefined;
}

/** A REG_SZ / REG_EXPAND_SZ value of a read key, trimmed, when it is there. */
export function stringOf(read: RegistryRead, name: string): string | undefined {
  const value = read.kind === 'values' ? read.values.get(name.toLowerCase()) : undefined;
  return value && typeof value.value === 'string' ? value.value.trim() : undefined;
}

/**
 * An environment variable by name, ignoring case as Windows does (the context's copy of the environment
 * is a plain object that keeps the spelling Windows gave, `ProgramFiles`, `APPDATA`).
 */
export function windowsEnv(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const found = Object.keys(env).find((k) => k.toLowerCase() === wanted);
  const value = found === undefined ? undefined : env[found];
  return value === '' ? undefined : value;
}

/** `%USERPROFILE%\Documents` → `C:\Users\alex\Documents`, as Windows expands REG_EXPAND_SZ; unknown names stay. */
export function expandEnvironment(text: string, env: Readonly<Record<string, string | undefined>>): string {
  return text.replace(/%([^%\s]+)%/g, (whole, name: string) => windowsEnv(env, name) ?? whole);
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '')?.trim();
  return line ? `: ${line}` : '';
}
