/** Runs the built bin the way a user does: through a pipe, or on a pseudo-terminal. */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
/** Every CLI a test starts runs with the loopback guard too: it may not leave the machine either. */
const GUARD = new URL('./loopback-guard.mjs', import.meta.url).href;

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** An environment without the variables that change output (colour, CI), plus `env`. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of ['CI', 'NO_COLOR', 'FORCE_COLOR', 'NODE_EXTRA_CA_CERTS', 'HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy']) delete base[name];
  return { ...base, NODE_OPTIONS: `--import=${GUARD}`, ...env };
}

/** stdin, stdout and stderr are pipes; `input` is written to stdin (empty by default). */
export function runCli(args: readonly string[], env: Record<string, string> = {}, input: string | Buffer = ''): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], { env: cleanEnv(env), encoding: 'utf8', timeout: 30_000, input, maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The same as {@link runCli}, without blocking: tests that run the CLI many times run them at once
 * (it.concurrent), so a file of CLI tests takes as long as its slowest run, not the sum of them.
 */
export function runCliAsync(args: readonly string[], env: Record<string, string> = {}, input: string | Buffer = '', killAfterMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.end(input);
  });
}

/** The CLI as a child process the test controls (to stop it halfway, say); stdout and stderr are pipes. */
export function startCli(args: readonly string[], env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [BIN, ...args], { env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
}

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * stdout (unless `stdoutToFile`) and stderr (unless `stderrToNull`) are a 100-column pseudo-terminal,
 * made by util-linux `script`. Everything the terminal showed comes back in `stdout`.
 */
export function runCliOnTerminal(args: readonly string[], env: Record<string, string> = {}, stderrToNull = false, stdoutToFile?: string): CliResult {
  const redirect = `${stdoutToFile ? ` > ${quote(stdoutToFile)}` : ''}${stderrToNull ? ' 2>/dev/null' : ''}`;
  const command = `stty cols 100 rows 40; ${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(' ')}${redirect}`;
  const result = spawnSync('script', ['-qec', command, '/dev/null'], { env: cleanEnv(env), encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout.replace(/\r\n/g, '\n'), stderr: result.stderr };
}
