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
import { chmod, type FileHandle, mkdir, open, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve as resolvePath } from 'node:path';
import { createRequire } from 'node:module';
import { connect as netConnect, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import os from 'node:os';
import tls from 'node:tls';
import type { buildConnector, Dispatcher } from 'undici';
import type { EnvironmentName } from './clouds.js';
import { proxyCredentials, Redactor } from './redact.js';
import { VERSION } from './version.js';
import { invocationFrom } from './invocation.js';
import { colorEnabled } from './report/style.js';
import { loadUndici } from './net/undici.js';
import type { Service } from './services.js';

/** What the user asked for, already parsed. */
export interface Config {
  readonly upn?: string;
  readonly tenant?: string;
  readonly environment: EnvironmentName;
  /** What to diagnose (`--service`): Exchange Online PowerShell when absent. */
  readonly services?: readonly Service[];
  /** Default time limit of one check, in milliseconds. */
  readonly timeoutMs: number;
  /** Overrides the doctor's own proxy route (`--proxy`). */
  readonly proxy?: string;
  /** A PEM file of extra CA certificates to trust (`--ca`), e.g. a TLS-inspecting proxy's. */
  readonly caFile?: string;
  /** How the user signs in (`--sign-in`); undefined: device code on a terminal, none otherwise. */
  readonly signIn?: 'device-code' | 'browser' | 'none';
  /** App-only sign-in: the application (client) id (`--app-id`). */
  readonly appId?: string;
  /** App-only sign-in: a PEM file with the certificate and its private key (`--certificate`). */
  readonly certificateFile?: string;
  /** App-only sign-in with a client secret (`--client-secret`, or EXO_DOCTOR_CLIENT_SECRET). */
  readonly clientSecret?: string;
  /** A token the admin already has, for the Exchange resource (`--access-token`, or EXO_DOCTOR_ACCESS_TOKEN). */
  readonly accessToken?: string;
  /** Keep tokens between runs in this file, readable by the user only (`--token-cache`). */
  readonly tokenCache?: string;
  /** Diagnose this account, signed in as another (`--target`). */
  readonly target?: string;
  readonly verbose: boolean;
  readonly showSensitive: boolean;
  /**
   * Who completes device-code and browser sign-ins: a person (the default, who must be at a terminal),
   * or the simulated user of `exo-doctor demo`.
   */
  readonly signInCompletedBy?: 'person' | 'simulation';
  /** How the doctor was started (`npx exo-doctor`), for the commands it suggests; `exo-doctor` by default. */
  readonly invocation?: string;
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

export interface SocketOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** A certificate as a TLS peer presented it. */
export interface CertificateSummary {
  /** `CN=…, O=…`. */
  readonly subject: string;
  readonly issuer: string;
  readonly subjectCN?: string;
  readonly subjectOrganization?: string;
  readonly issuerCN?: string;
  readonly issuerOrganization?: string;
  /** SHA-256 fingerprint, colon-separated hex. */
  readonly fingerprint256: string;
  readonly validFrom: string;
  readonly validTo: string;
}

/** What a TLS handshake showed. The doctor reports verification, it does not enforce it, so it can name an interceptor. */
export interface TlsHandshake {
  readonly authorized: boolean;
  /** OpenSSL's or Node's code, e.g. `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `ERR_TLS_CERT_ALTNAME_INVALID`. */
  readonly authorizationError?: string;
  /** `TLSv1.3`. */
  readonly protocol?: string;
  /** The chain from the leaf up, as sent (plus what Node could complete from the trusted set). */
  readonly chain: readonly CertificateSummary[];
  /** The open connection; the caller ends it. */
  readonly socket: Duplex;
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
  /** Height of the terminal on stderr. */
  readonly stderrRows?: number;
  /** Running under a CI system (the `CI` variable): no live progress, no prompts. */
  readonly ci: boolean;
  /** Whether to colour stdout and stderr: the terminal, NO_COLOR and FORCE_COLOR decide. */
  readonly colorStdout: boolean;
  readonly colorStderr: boolean;
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
  /**
   * A file of this computer the user handed the doctor (a support bundle), as bytes, never more than
   * `maxBytes`; `undefined` when it does not exist. Never a simulated machine's file.
   */
  readOwnBytes(path: string, maxBytes: number): Promise<Uint8Array | undefined>;
  /** A file the user handed the doctor (a list of accounts), read a piece at a time; `undefined` when it does not exist. */
  readOwnChunks(path: string): Promise<AsyncIterable<Uint8Array> | undefined>;
  /**
   * A file the doctor writes a piece at a time for the user (a pre-flight's results): created readable by
   * its owner only, or appended to after its last whole line (a write cut short by a killed run leaves no
   * half line behind). Each write resolves once the piece is handed to the system.
   */
  openOwnOutput(path: string, options: { readonly append: boolean }): Promise<OwnOutput>;
  /** Writes a file only the current user can read (mode 0600), creating its folder (0700). */
  writePrivateFile(path: string, content: string | Uint8Array): Promise<void>;
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
  /** A TCP connection to a host, through {@link resolve}. Rejects with the socket error's code. */
  connect(host: string, port: number, options: SocketOptions): Promise<Duplex>;
  /**
   * One run's shared results: the first caller of a key computes it, later callers (other checks, at
   * the same time or after) get the same promise. For I/O several independent checks need, such as a
   * probe of the same endpoint on the same route.
   */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T>;
  /** A TLS handshake on an open connection (a proxy tunnel) or a new one, against {@link trustedCAs}. */
  tlsHandshake(options: SocketOptions & { readonly servername: string; readonly socket?: Duplex; readonly port?: number }): Promise<TlsHandshake>;
}

/** A file being written a piece at a time (see {@link Context.openOwnOutput}). */
export interface OwnOutput {
  write(text: string): Promise<void>;
  close(): Promise<void>;
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
  'readOwnBytes',
  'readOwnChunks',
  'openOwnOutput',
  'writePrivateFile',
  'readDir',
  'now',
  'resolve',
  'trustedCAs',
  'dispatcher',
  'connect',
  'memo',
  'tlsHandshake',
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
  /** The machine's environment variables (its proxy variables, say). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The machine's operating system, for settings read per platform. */
  readonly platform?: NodeJS.Platform;
  /** The machine's programs (reg, netsh, scutil, gsettings answers). */
  readonly exec?: Context['exec'];
  /** Files the machine has besides its real ones (a certificate handed to the doctor, say). */
  readonly files?: Readonly<Record<string, string>>;
  /** The machine's own files and folders, instead of this computer's (a simulated machine's). */
  readonly readFile?: Context['readFile'];
  readonly readDir?: Context['readDir'];
  /**
   * Files the doctor was handed on this computer (an error transcript, say), read from its disk even when
   * the machine is simulated; the certificate, CA file and token cache of the configuration always are.
   */
  readonly ownFiles?: readonly string[];
}

export interface CreateContextOptions {
  readonly config: Config;
  /** Where diagnostics go; stderr by default. */
  readonly writeLog?: (line: string) => void;
  readonly world?: WorldOverrides;
}

/** How this process was started, for the commands the doctor suggests (src/invocation.ts). */
export function detectInvocation(): string {
  let singleExecutable = false;
  try {
    singleExecutable = (createRequire(import.meta.url)('node:sea') as { isSea(): boolean }).isSea();
  } catch {
    // Node before 20.12 has no node:sea: not a single executable.
  }
  return invocationFrom({
    env: process.env,
    ...(process.argv[1] ? { script: process.argv[1] } : {}),
    singleExecutable,
    executableName: basename(process.execPath),
    platform: process.platform,
    cwd: process.cwd(),
  });
}

/** This process's environment variables, for the command line's own use before a context exists. */
export function processEnvironment(): Readonly<Record<string, string | undefined>> {
  return process.env;
}

/** The real context: this machine, its network and its clock, unless a world is given. */
export function createContext(options: CreateContextOptions): Context {
  const env = { ...(options.world?.env ?? process.env) };
  // Secrets may come from the environment, which keeps them out of shell history and process lists.
  const clientSecret = options.config.clientSecret ?? (env['EXO_DOCTOR_CLIENT_SECRET'] || undefined);
  const accessToken = options.config.accessToken ?? (env['EXO_DOCTOR_ACCESS_TOKEN'] || undefined);
  const config: Config = { ...options.config, ...(clientSecret ? { clientSecret } : {}), ...(accessToken ? { accessToken } : {}) };
  const redactor = new Redactor(config.showSensitive);
  redactor.addIdentifier(config.upn, 'admin');
  redactor.addIdentifier(config.target, 'target');
  for (const secret of [config.accessToken, config.clientSecret, env['EXO_DOCTOR_ACCESS_TOKEN'], env['EXO_DOCTOR_CLIENT_SECRET']]) redactor.addSecret(secret);
  // Proxy credentials (in --proxy or the environment) are secrets wherever they might surface.
  for (const url of [config.proxy, env['HTTPS_PROXY'], env['https_proxy'], env['HTTP_PROXY'], env['http_proxy'], env['ALL_PROXY'], env['all_proxy']]) {
    for (const secret of proxyCredentials(url)) redactor.addSecret(secret);
  }
  redactor.addIdentifier(config.tenant, 'tenant');
  redactor.addIdentifier(os.hostname(), 'machine-host');
  redactor.addIdentifier(currentUserName(), 'machine-user');
  const log = createLogger(config.verbose, options.writeLog ?? ((line) => process.stderr.write(line)), redactor);

  // A simulated machine's files replace this computer's, except the files the doctor itself was handed.
  const own = new Set(
    [config.certificateFile, config.caFile, config.tokenCache, ...(options.world?.ownFiles ?? [])].filter((p): p is string => p !== undefined).map((p) => resolvePath(p)),
  );
  const machine = (path: string) => (own.has(resolvePath(path)) ? undefined : options.world);
  const readFileOrUndefined = async (path: string): Promise<string | undefined> => {
    const given = options.world?.files?.[path];
    if (given !== undefined) return given;
    const simulated = machine(path)?.readFile;
    if (simulated) return simulated(path);
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
    options.world?.trustedCAs ?? (() => (cas ??= loadTrustedCAs([env['NODE_EXTRA_CA_CERTS'], config.caFile], readFileOrUndefined, log)));
  const connect = (host: string, port: number, socketOptions: SocketOptions) => openConnection(resolve, host, port, socketOptions);
  const memos = new Map<string, Promise<unknown>>();
  // Building a TLS context from Node's ~140 roots costs milliseconds: once per run, not per handshake.
  // One TLS context (the trusted CAs, parsed once) for every connection of the run: building one per
  // connection cost a few milliseconds each, on the critical path of every round trip.
  let secureContext: Promise<tls.SecureContext> | undefined;
  const sharedSecureContext = () => (secureContext ??= trustedCAs().then((ca) => tls.createSecureContext({ ca: [...ca] })));

  return {
    config,
    env,
    platform: options.world?.platform ?? process.platform,
    runtime: {
      node: process.version,
      arch: process.arch,
      osType: os.type(),
      osRelease: os.release(),
      doctorVersion: VERSION,
    },
    // The terminal the doctor draws on is this process's, whatever machine it diagnoses: a simulated
    // machine's environment says nothing about NO_COLOR, FORCE_COLOR or CI here.
    terminal: {
      stdinIsTTY: process.stdin.isTTY === true,
      stdoutIsTTY: process.stdout.isTTY === true,
      stderrIsTTY: process.stderr.isTTY === true,
      ...(process.stdout.columns ? { columns: process.stdout.columns } : {}),
      ...(process.stderr.columns ? { stderrColumns: process.stderr.columns } : {}),
      ...(process.stderr.rows ? { stderrRows: process.stderr.rows } : {}),
      ci: isSet(process.env['CI']),
      colorStdout: colorEnabled(process.env, process.stdout.isTTY === true),
      colorStderr: colorEnabled(process.env, process.stderr.isTTY === true),
    },
    log,
    redactor,
    exec: options.world?.exec ?? ((command, args, execOptions) => runProgram(command, args, execOptions, log)),
    readFile: readFileOrUndefined,
    readOwnBytes: async (path, maxBytes) => {
      let handle: Awaited<ReturnType<typeof open>> | undefined;
      try {
        handle = await open(path, 'r');
        const size = (await handle.stat()).size;
        // One byte more than allowed tells "too large" apart from "exactly at the limit".
        const buffer = Buffer.alloc(Math.min(size, maxBytes + 1));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
        return buffer.subarray(0, bytesRead);
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      } finally {
        await handle?.close();
      }
    },
    readOwnChunks: async (path) => {
      try {
        const handle = await open(path, 'r');
        if (!(await handle.stat()).isFile()) {
          await handle.close();
          return undefined;
        }
        return handle.createReadStream({ highWaterMark: 64 * 1024 });
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },
    openOwnOutput: async (path, { append }) => {
      await makeFolders(dirname(path));
      const handle = await open(path, append ? 'a+' : 'w', 0o600);
      if (!append) await handle.chmod(0o600);
      else await dropPartialLine(handle);
      return {
        write: async (text) => {
          await handle.write(text);
        },
        close: () => handle.close(),
      };
    },
    writePrivateFile: async (path, content) => {
      await makeFolders(dirname(path));
      await writeFile(path, content, { mode: 0o600 });
      // An existing file keeps its old mode through writeFile: set it again.
      await chmod(path, 0o600);
    },
    readDir: async (path) => {
      const simulated = machine(path)?.readDir;
      if (simulated) return simulated(path);
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
    dispatcher: async (dispatcherOptions) => createDispatcher(dispatcherOptions, resolve, await sharedSecureContext()),
    connect,
    memo: <T>(key: string, compute: () => Promise<T>): Promise<T> => {
      let shared = memos.get(key) as Promise<T> | undefined;
      if (!shared) {
        shared = compute();
        memos.set(key, shared);
      }
      return shared;
    },
    tlsHandshake: async (handshake) => {
      const socket = handshake.socket ?? (await connect(handshake.servername, handshake.port ?? 443, handshake));
      return startTls(socket, handshake, await sharedSecureContext());
    },
  };
}

/** Rejects with an error that has a Node-style `code`. */
function codedError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** Runs `start` until it settles, the time limit passes or the signal fires; `cleanup` runs on the losing paths. */
function bounded<T>(options: SocketOptions, what: string, start: (settle: (err: Error | null, value?: T) => void) => () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let cleanup: () => void = () => undefined;
    const finish = (err: Error | null, value?: T) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (err) {
        cleanup();
        reject(err);
      } else resolve(value as T);
    };
    const timer = setTimeout(() => finish(codedError('ETIMEDOUT', `${what}: no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    const onAbort = () => finish(codedError('ABORTED', `${what}: stopped`));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    cleanup = start(finish);
  });
}

async function openConnection(resolve: Context['resolve'], host: string, port: number, options: SocketOptions): Promise<Duplex> {
  const [target] = await resolve(host, port);
  if (!target) throw codedError('ENOTFOUND', `${host} has no address`);
  return bounded<Duplex>(options, `TCP connection to ${host}:${port}`, (settle) => {
    const socket = netConnect({ host: target.address, port: target.port });
    socket.once('connect', () => settle(null, socket));
    socket.once('error', (err) => settle(err));
    return () => socket.destroy();
  });
}

function startTls(socket: Duplex, options: SocketOptions & { servername: string }, secureContext: tls.SecureContext): Promise<TlsHandshake> {
  return bounded<TlsHandshake>(options, `TLS handshake with ${options.servername}`, (settle) => {
    const secure = tls.connect({
      socket,
      ...(isIP(options.servername) ? {} : { servername: options.servername }),
      host: options.servername,
      secureContext,
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    secure.once('secureConnect', () => {
      const error = secure.authorizationError as unknown as string | Error | null;
      settle(null, {
        authorized: secure.authorized,
        ...(error ? { authorizationError: typeof error === 'string' ? error : ((error as NodeJS.ErrnoException).code ?? error.message) } : {}),
        ...(secure.getProtocol() ? { protocol: secure.getProtocol() as string } : {}),
        chain: certificateChain(secure.getPeerCertificate(true)),
        socket: secure,
      });
    });
    secure.once('error', (err) => settle(err));
    return () => secure.destroy();
  });
}

function certificateChain(leaf: tls.DetailedPeerCertificate): CertificateSummary[] {
  const chain: CertificateSummary[] = [];
  const seen = new Set<string>();
  for (let cert: tls.DetailedPeerCertificate | undefined = leaf; cert && cert.fingerprint256 && !seen.has(cert.fingerprint256); cert = cert.issuerCertificate) {
    seen.add(cert.fingerprint256);
    const name = (n: tls.Certificate | undefined) => [n?.CN && `CN=${n.CN}`, n?.O && `O=${n.O}`].filter(Boolean).join(', ');
    chain.push({
      subject: name(cert.subject),
      issuer: name(cert.issuer),
      ...(cert.subject?.CN ? { subjectCN: String(cert.subject.CN) } : {}),
      ...(cert.subject?.O ? { subjectOrganization: String(cert.subject.O) } : {}),
      ...(cert.issuer?.CN ? { issuerCN: String(cert.issuer.CN) } : {}),
      ...(cert.issuer?.O ? { issuerOrganization: String(cert.issuer.O) } : {}),
      fingerprint256: cert.fingerprint256,
      validFrom: cert.valid_from,
      validTo: cert.valid_to,
    });
  }
  return chain;
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

/**
 * `mkdir -p`, one level at a time. Node's own recursive mkdir never returns for some paths (under
 * /proc it loops), and every wait of the doctor has to end.
 */
/** Cuts a file open for appending back to the end of its last whole line. */
async function dropPartialLine(handle: FileHandle): Promise<void> {
  const { size } = await handle.stat();
  let end = size;
  const chunk = Buffer.alloc(64 * 1024);
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const { bytesRead } = await handle.read(chunk, 0, end - start, start);
    const newline = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (newline >= 0) {
      end = start + newline + 1;
      break;
    }
    end = start;
  }
  if (end < size) await handle.truncate(end);
}

async function makeFolders(dir: string): Promise<void> {
  try {
    await mkdir(dir, { mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw err;
    await makeFolders(dirname(dir));
    await mkdir(dir, { mode: 0o700 }).catch((again: NodeJS.ErrnoException) => {
      if (again.code !== 'EEXIST') throw again;
    });
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  // A folder where a file was expected is no file either: the caller says what it needed.
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
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
  extraFiles: readonly (string | undefined)[],
  read: (path: string) => Promise<string | undefined>,
  log: Logger,
): Promise<readonly string[]> {
  // Passing `ca` to a TLS connection replaces Node's roots, so the set starts from them.
  const certificates = [...tls.rootCertificates];
  for (const file of extraFiles) {
    if (!file) continue;
    const extra = await read(file).catch(() => undefined);
    const pems = extra === undefined ? [] : splitPem(extra);
    if (pems.length === 0) log.warn(`${file} could not be read as PEM certificates; it adds nothing to the trusted set.`);
    certificates.push(...pems);
  }
  return certificates;
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
  secureContext: tls.SecureContext,
): Promise<Dispatcher> {
  const { Agent, Pool, ProxyAgent, buildConnector } = await loadUndici();
  const tlsOptions = { secureContext, timeout: options.timeoutMs };
  const direct = buildConnector(tlsOptions);
  // Connects where the resolver says, while TLS still checks the name that was asked for.
  const resolved =
    (connector: buildConnector.connector): buildConnector.connector =>
    (opts, callback) => {
      const port = Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80);
      resolve(opts.hostname, port).then(
        (endpoints) => {
          const target = endpoints[0];
          if (!target) return callback(Object.assign(new Error(`${opts.hostname} has no address`), { code: 'ENOTFOUND' }), null);
          const servername = opts.servername ?? (isIP(opts.hostname) ? undefined : opts.hostname);
          connector({ ...opts, hostname: target.address, port: String(target.port), ...(servername ? { servername } : {}) }, callback);
        },
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), null),
      );
    };
  const connect = resolved(direct);
  const timeouts = { headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs };
  if (!options.proxy) return new Agent({ connect, ...timeouts });
  return new ProxyAgent({
    uri: options.proxy,
    // The CONNECT to the proxy gets the same limits: undici's default would wait 300 s for its answer.
    // The proxy's own name is found by the same resolver as every other name.
    clientFactory: (origin, clientOptions) => {
      const toProxy = (clientOptions as { connect?: unknown } | undefined)?.connect;
      return new Pool(origin, { ...clientOptions, ...(typeof toProxy === 'function' ? { connect: resolved(toProxy as buildConnector.connector) } : {}), ...timeouts });
    },
    proxyTls: { timeout: options.timeoutMs },
    // Trust and time limit apply to the TLS session inside the tunnel too.
    requestTls: tlsOptions,
    ...timeouts,
  });
}
