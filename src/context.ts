/**
 * The one place that touches the outside world: environment variables, the platform, child processes,
 * files, sockets, name resolution, trusted certificates and the clock.
 *
 * Checks receive a {@link Context} and do all their I/O through it. The simulated tenant is reached by
 * handing the doctor another world (a resolver that maps Microsoft's names to loopback, a trusted CA set
 * with the world's CA, a skewed clock), never by branching on "test" in production code. Tests use
 * `test/support/fake-context.ts`, which throws on any member a test did not stub.
 */
import { execFile } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { readdir, readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import os from 'node:os';
import tls from 'node:tls';
import type { buildConnector, Dispatcher } from 'undici';
import type { EnvironmentName } from './clouds.js';
import { Redactor } from './redact.js';
import { VERSION } from './version.js';

/** What the user asked for, already parsed. */
export interface Config {
  readonly upn?: string;
  readonly tenant?: string;
  readonly environment: EnvironmentName;
  /** Default time limit of one check, in milliseconds. */
  readonly timeoutMs: number;
  /** Overrides the doctor's own proxy route (`--proxy`). */
  readonly proxy?: string;
  readonly verbose: boolean;
  readonly showSensitive: boolean;
}

export interface ExecOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** How a child process ended. Never a thrown error: a missing command is a fact to report. */
export type ExecResult =
  | { readonly kind: 'exited'; readonly exitCode: number; readonly stdout: string; readonly stderr: string }
  | { readonly kind: 'not-found'; readonly command: string }
  | { readonly kind: 'timed-out'; readonly stdout: string; readonly stderr: string }
  | { readonly kind: 'failed'; readonly message: string };

/** Where a name leads: an address and the port to use there. */
export interface ResolvedEndpoint {
  readonly address: string;
  readonly family: 4 | 6;
  readonly port: number;
}

export interface DispatcherOptions {
  /** Proxy URL to tunnel through (credentials in the URL are used, never printed). */
  readonly proxy?: string;
  /** Connect, header and body time limit for each request. */
  readonly timeoutMs: number;
}

/** Diagnostics for `--verbose`. Writes to stderr only, never to stdout, and never prints a secret. */
export interface Logger {
  debug(message: string): void;
  warn(message: string): void;
}

export interface RuntimeInfo {
  /** `process.version`, e.g. `v20.20.2`. */
  readonly node: string;
  readonly arch: string;
  /** `os.type()`, e.g. `Linux`, `Windows_NT`, `Darwin`. */
  readonly osType: string;
  readonly osRelease: string;
  readonly doctorVersion: string;
}

export interface Terminal {
  readonly stdinIsTTY: boolean;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  /** Width of the terminal on stdout, when it is one. */
  readonly columns?: number;
  /** Width of the terminal on stderr, where progress goes. */
  readonly stderrColumns?: number;
  /** Running under a CI system (the `CI` variable): no live progress, no prompts. */
  readonly ci: boolean;
}

export interface Context {
  readonly config: Config;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  readonly runtime: RuntimeInfo;
  readonly terminal: Terminal;
  readonly log: Logger;
  /** Every string the doctor prints passes through it. */
  readonly redactor: Redactor;
  /** Runs a program (no shell). Resolves with how it ended; rejects only on a bug. */
  exec(command: string, args: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** A text file's content, or `undefined` when it does not exist. */
  readFile(path: string): Promise<string | undefined>;
  /** A directory's entries, or `undefined` when it does not exist. */
  readDir(path: string): Promise<readonly string[] | undefined>;
  /** The wall clock the doctor believes. */
  now(): Date;
  /** Where a host name leads. */
  resolve(host: string, port: number): Promise<readonly ResolvedEndpoint[]>;
  /** The CA certificates (PEM) the doctor trusts: Node's roots plus `NODE_EXTRA_CA_CERTS`. */
  trustedCAs(): Promise<readonly string[]>;
  /** An undici dispatcher that connects through {@link resolve} and trusts {@link trustedCAs}. */
  dispatcher(options: DispatcherOptions): Promise<Dispatcher>;
}

/** Every member of {@link Context}, so that fakes can tell a missing stub from an unknown property. */
export const CONTEXT_MEMBERS = [
  'config',
  'env',
  'platform',
  'runtime',
  'terminal',
  'log',
  'redactor',
  'exec',
  'readFile',
  'readDir',
  'now',
  'resolve',
  'trustedCAs',
  'dispatcher',
] as const satisfies readonly (keyof Context)[];

// Fails to compile when a member of Context is missing from CONTEXT_MEMBERS.
type MissingMember = Exclude<keyof Context, (typeof CONTEXT_MEMBERS)[number]>;
const membersComplete: [MissingMember] extends [never] ? true : MissingMember = true;
void membersComplete;

/** The parts of a context that can be swapped: the world the doctor sees. */
export interface WorldOverrides {
  readonly resolve?: Context['resolve'];
  readonly trustedCAs?: Context['trustedCAs'];
  readonly now?: Context['now'];
}

export interface CreateContextOptions {
  readonly config: Config;
  /** Where diagnostics go; stderr by default. */
  readonly writeLog?: (line: string) => void;
  readonly world?: WorldOverrides;
}

/** The real context: this machine, its network and its clock, unless a world is given. */
export function createContext(options: CreateContextOptions): Context {
  const { config } = options;
  const env = { ...process.env };
  const redactor = new Redactor(config.showSensitive);
  redactor.addIdentifier(config.upn);
  redactor.addIdentifier(config.tenant);
  redactor.addIdentifier(os.hostname());
  redactor.addIdentifier(currentUserName());
  const log = createLogger(config.verbose, options.writeLog ?? ((line) => process.stderr.write(line)), redactor);

  const readFileOrUndefined = async (path: string): Promise<string | undefined> => {
    try {
      return await readFile(path, 'utf8');
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  };

  const resolve = options.world?.resolve ?? resolveWithDns;
  let cas: Promise<readonly string[]> | undefined;
  const trustedCAs =
    options.world?.trustedCAs ?? (() => (cas ??= loadTrustedCAs(env['NODE_EXTRA_CA_CERTS'], readFileOrUndefined, log)));

  return {
    config,
    env,
    platform: process.platform,
    runtime: {
      node: process.version,
      arch: process.arch,
      osType: os.type(),
      osRelease: os.release(),
      doctorVersion: VERSION,
    },
    terminal: {
      stdinIsTTY: process.stdin.isTTY === true,
      stdoutIsTTY: process.stdout.isTTY === true,
      stderrIsTTY: process.stderr.isTTY === true,
      ...(process.stdout.columns ? { columns: process.stdout.columns } : {}),
      ...(process.stderr.columns ? { stderrColumns: process.stderr.columns } : {}),
      ci: isSet(env['CI']),
    },
    log,
    redactor,
    exec: (command, args, execOptions) => runProgram(command, args, execOptions, log),
    readFile: readFileOrUndefined,
    readDir: async (path) => {
      try {
        return await readdir(path);
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },
    now: options.world?.now ?? (() => new Date()),
    resolve,
    trustedCAs,
    dispatcher: async (dispatcherOptions) => createDispatcher(dispatcherOptions, resolve, await trustedCAs()),
  };
}

/** The login name, or undefined where the account has no entry (some containers run as a bare uid). */
function currentUserName(): string | undefined {
  try {
    return os.userInfo().username;
  } catch {
    return undefined;
  }
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function createLogger(verbose: boolean, write: (line: string) => void, redactor: Redactor): Logger {
  const emit = (level: string, message: string) => write(`[${level}] ${redactor.apply(message)}\n`);
  return {
    debug: (message) => {
      if (verbose) emit('debug', message);
    },
    warn: (message) => emit('warn', message),
  };
}

async function resolveWithDns(host: string, port: number): Promise<readonly ResolvedEndpoint[]> {
  const family = isIP(host);
  if (family === 4 || family === 6) return [{ address: host, family, port }];
  const addresses = await lookup(host, { all: true, verbatim: true });
  return addresses.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4, port }));
}

async function loadTrustedCAs(
  extraFile: string | undefined,
  read: (path: string) => Promise<string | undefined>,
  log: Logger,
): Promise<readonly string[]> {
  // Passing `ca` to a TLS connection replaces Node's roots, so the set starts from them.
  const roots = [...tls.rootCertificates];
  if (!extraFile) return roots;
  const extra = await read(extraFile).catch(() => undefined);
  if (extra === undefined) {
    log.warn(`NODE_EXTRA_CA_CERTS names ${extraFile}, which could not be read; only Node's own roots are trusted.`);
    return roots;
  }
  return [...roots, ...splitPem(extra)];
}

/** Splits a PEM bundle into single certificates. */
export function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

async function runProgram(
  command: string,
  args: readonly string[],
  options: ExecOptions = {},
  log: Logger,
): Promise<ExecResult> {
  log.debug(`exec ${command} ${args.join(' ')}`);
  return new Promise((settle) => {
    execFile(
      command,
      args,
      {
        encoding: 'utf8',
        timeout: options.timeoutMs ?? 0,
        killSignal: 'SIGKILL',
        maxBuffer: 16 * 1024 * 1024,
        windowsHide: true,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (err, stdout, stderr) => {
        if (!err) return settle({ kind: 'exited', exitCode: 0, stdout, stderr });
        const failure = err as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
        if (failure.code === 'ENOENT') return settle({ kind: 'not-found', command });
        if (failure.killed && !options.signal?.aborted) return settle({ kind: 'timed-out', stdout, stderr });
        if (typeof failure.code === 'number') return settle({ kind: 'exited', exitCode: failure.code, stdout, stderr });
        settle({ kind: 'failed', message: failure.message });
      },
    );
  });
}

async function createDispatcher(
  options: DispatcherOptions,
  resolve: Context['resolve'],
  ca: readonly string[],
): Promise<Dispatcher> {
  const { Agent, Pool, ProxyAgent, buildConnector } = await import('undici');
  const tlsOptions = { ca: [...ca], timeout: options.timeoutMs };
  const direct = buildConnector(tlsOptions);
  // Connects where the resolver says, while TLS still checks the name that was asked for.
  const connect: buildConnector.connector = (opts, callback) => {
    const port = Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80);
    resolve(opts.hostname, port).then(
      (endpoints) => {
        const target = endpoints[0];
        if (!target) return callback(Object.assign(new Error(`${opts.hostname} has no address`), { code: 'ENOTFOUND' }), null);
        const servername = opts.servername ?? (isIP(opts.hostname) ? undefined : opts.hostname);
        direct({ ...opts, hostname: target.address, port: String(target.port), ...(servername ? { servername } : {}) }, callback);
      },
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), null),
    );
  };
  const timeouts = { headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs };
  if (!options.proxy) return new Agent({ connect, ...timeouts });
  return new ProxyAgent({
    uri: options.proxy,
    // The CONNECT to the proxy gets the same limits: undici's default would wait 300 s for its answer.
    clientFactory: (origin, clientOptions) => new Pool(origin, { ...clientOptions, ...timeouts }),
    proxyTls: { timeout: options.timeoutMs },
    // Trust and time limit apply to the TLS session inside the tunnel too.
    requestTls: tlsOptions,
    ...timeouts,
  });
}
