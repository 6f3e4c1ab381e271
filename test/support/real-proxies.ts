/**
 * The real proxies from Debian (squid, tinyproxy, mitmproxy), started on loopback ports for a test.
 * They resolve Microsoft's names themselves, so each runs in its own mount namespace whose /etc/hosts
 * sends those names to the simulated world on 127.0.0.X:443. That needs root (as in CI) and the
 * packages (.ci/run installs them).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort } from './fake-proxies.js';

export interface RealProxy {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

/** Why the real proxies cannot run here, or undefined when they can. */
export function realProxiesUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'the real-proxy tests need root (a mount namespace per proxy, port 443 on loopback)';
  for (const program of ['squid', 'tinyproxy', 'mitmdump', 'htpasswd', 'unshare']) {
    try {
      execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    } catch {
      return `${program} is not installed (apt-get install squid tinyproxy mitmproxy apache2-utils)`;
    }
  }
  return undefined;
}

/** A hosts file that sends every name to `address`. */
function hostsFile(dir: string, names: readonly string[], address: string): string {
  const file = join(dir, 'hosts');
  writeFileSync(file, `127.0.0.1 localhost\n${names.map((n) => `${address} ${n}`).join('\n')}\n`);
  chmodSync(file, 0o644);
  return file;
}

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  // squid and tinyproxy drop root for their own users; they must be able to write here.
  chmodSync(dir, 0o777);
  return dir;
}

async function waitForPort(port: number, child: ChildProcess, log: () => string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`the proxy exited (${child.exitCode}): ${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the proxy did not listen on ${port} within ${ms} ms: ${log()}`);
}

async function launch(dir: string, hosts: string, command: string, port: number): Promise<RealProxy> {
  let output = '';
  const child = spawn('unshare', ['--mount', 'sh', '-c', `mount --bind ${hosts} /etc/hosts && exec ${command}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await waitForPort(port, child, () => output.slice(-2000));
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** squid 5, optionally with Basic authentication (apache2-utils htpasswd, Debian's basic_ncsa_auth). */
export async function startSquid(names: readonly string[], address: string, basic?: { user: string; password: string }): Promise<RealProxy> {
  const dir = tempDir('exo-doctor-squid-');
  const port = await closedPort();
  const auth = basic
    ? [
        `auth_param basic program /usr/lib/squid/basic_ncsa_auth ${join(dir, 'htpasswd')}`,
        'auth_param basic realm exo-doctor test proxy',
        'acl authed proxy_auth REQUIRED',
        'http_access allow authed',
      ]
    : ['http_access allow localhost'];
  if (basic) {
    execFileSync('htpasswd', ['-bc', join(dir, 'htpasswd'), basic.user, basic.password], { stdio: 'ignore' });
    chmodSync(join(dir, 'htpasswd'), 0o644);
  }
  writeFileSync(
    join(dir, 'squid.conf'),
    [
      `http_port 127.0.0.1:${port}`,
      'visible_hostname exo-doctor-test-proxy',
      `pid_filename ${join(dir, 'squid.pid')}`,
      `cache_log ${join(dir, 'cache.log')}`,
      'access_log none',
      'cache deny all',
      'pinger_enable off',
      'shutdown_lifetime 0 seconds',
      `coredump_dir ${dir}`,
      ...auth,
      'http_access deny all',
      '',
    ].join('\n'),
  );
  return launch(dir, hostsFile(dir, names, address), `squid -N -f ${join(dir, 'squid.conf')}`, port);
}

export async function startTinyproxy(names: readonly string[], address: string): Promise<RealProxy> {
  const dir = tempDir('exo-doctor-tinyproxy-');
  const port = await closedPort();
  writeFileSync(
    join(dir, 'tinyproxy.conf'),
    [`User nobody`, `Group nogroup`, `Port ${port}`, 'Listen 127.0.0.1', 'Timeout 30', 'Allow 127.0.0.1', 'ConnectPort 443', 'LogLevel Error', 'MaxClients 20', ''].join('\n'),
  );
  return launch(dir, hostsFile(dir, names, address), `tinyproxy -d -c ${join(dir, 'tinyproxy.conf')}`, port);
}

/** mitmproxy in regular mode: it intercepts TLS with its own CA. */
export async function startMitmproxy(names: readonly string[], address: string): Promise<RealProxy & { readonly caCertificate: () => string }> {
  const dir = tempDir('exo-doctor-mitmproxy-');
  const port = await closedPort();
  const proxy = await launch(
    dir,
    hostsFile(dir, names, address),
    `mitmdump --listen-host 127.0.0.1 -p ${port} --set confdir=${dir} --set ssl_insecure=true -q`,
    port,
  );
  return { ...proxy, caCertificate: () => readFileSync(join(dir, 'mitmproxy-ca-cert.pem'), 'utf8') };
}
