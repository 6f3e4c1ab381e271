/**
 * A context for unit tests: every member must be stubbed by the test that uses it (the run's memo
 * aside, which is bookkeeping). Touching a member the test did not stub throws, so no unit test reaches
 * the real machine, network or clock by accident (flutter's testWithoutContext).
 */
import type { Config, Context, Logger, RuntimeInfo, Terminal } from '../../src/context.js';
import { CONTEXT_MEMBERS } from '../../src/context.js';
import { Redactor } from '../../src/redact.js';

export function fakeContext(stubs: Partial<Context> = {}): Context {
  // The run's memo is bookkeeping, not I/O: every fake has a real one unless the test brings its own.
  const withMemo = 'memo' in stubs ? stubs : { ...stubs, memo: memoOfOneRun() };
  return new Proxy(withMemo as Context, {
    get(target, property, receiver) {
      if (typeof property === 'string' && (CONTEXT_MEMBERS as readonly string[]).includes(property) && !(property in target)) {
        throw new Error(`fake context: this test did not stub ctx.${property}`);
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

export function fakeConfig(overrides: Partial<Config> = {}): Config {
  return { environment: 'O365Default', timeoutMs: 5000, verbose: false, showSensitive: false, ...overrides };
}

export const LINUX_RUNTIME: RuntimeInfo = {
  node: 'v20.20.2',
  arch: 'x64',
  osType: 'Linux',
  osRelease: '6.1.0-28-cloud-amd64',
  doctorVersion: '0.1.0',
};

export const PIPE_TERMINAL: Terminal = { stdinIsTTY: false, stdoutIsTTY: false, stderrIsTTY: false, ci: false, colorStdout: false, colorStderr: false };

/** A logger that keeps what it was given, for assertions. */
function memoryLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  return { lines, debug: (m) => void lines.push(`debug ${m}`), warn: (m) => void lines.push(`warn ${m}`) };
}

/** A run's memo, as the real context keeps it: the first caller of a key computes, later ones share. */
function memoOfOneRun(): Context['memo'] {
  const memos = new Map<string, Promise<unknown>>();
  return <T>(key: string, compute: () => Promise<T>): Promise<T> => {
    let shared = memos.get(key) as Promise<T> | undefined;
    if (!shared) {
      shared = compute();
      memos.set(key, shared);
    }
    return shared;
  };
}

/** The members the runner and renderers need, with a fixed clock. */
export function baseStubs(overrides: Partial<Context> = {}): Partial<Context> {
  return {
    config: fakeConfig(),
    now: () => new Date('2026-11-25T12:00:00Z'),
    redactor: new Redactor(false),
    log: memoryLogger(),
    ...overrides,
  };
}
