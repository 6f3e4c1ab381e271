import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, connect, createServer as createTcpServer, isIP, type Server as TcpServer } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Context, createContext } from '../../src/context.js';
import { machineMembers } from '../../src/sim/machine.js';
import { fakeConfig } from '../support/fake-context.js';
import { makeTestPki, type TestPki } from '../support/openssl-pki.js';

const LOGIN = 'login.microsoftonline.com';
const node = process.execPath;

function listen(server: Server | TcpServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** A world in which every name leads to one loopback port. */
function contextTo(port: number, extra: Partial<Parameters<typeof createContext>[0]['world']> = {}, log: string[] = []): Context {
  return createContext({
    config: fakeConfig({ upn: 'megan@contoso.com' }),
    writeLog: (line) => void log.push(line),
    // Every name leads to the test server; an address (a proxy's, say) is where it says.
    world: { resolve: async (host, asked) => (isIP(host) ? [{ address: host, family: 4, port: asked }] : [{ address: '127.0.0.1', family: 4, port }]), ...extra },
  });
}

describe('createContext: exec', () => {
  const ctx = createContext({ config: fakeConfig(), writeLog: () => undefined });

  it('returns the exit code and output of a program that fails', async () => {
    const result = await ctx.exec(node, ['-e', 'process.stdout.write("out"); process.stderr.write("err"); process.exit(3)']);
    expect(result).toEqual({ kind: 'exited', exitCode: 3, stdout: 'out', stderr: 'err' });
  });

  it('reports a missing program as a fact, not an exception', async () => {
    expect(await ctx.exec('exo-doctor-no-such-program', [])).toEqual({ kind: 'not-found', command: 'exo-doctor-no-such-program' });
  });

  it('stops a program that outlives its time limit', async () => {
    const result = await ctx.exec(node, ['-e', 'setTimeout(() => {}, 10000)'], { timeoutMs: 300 });
    expect(result.kind).toBe('timed-out');
  });

  it('stops a program when the check is aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await ctx.exec(node, ['-e', 'setTimeout(() => {}, 10000)'], { signal: controller.signal });
    expect(result.kind).toBe('failed');
  });
});

describe('createContext: files', () => {
  const ctx = createContext({ config: fakeConfig(), writeLog: () => undefined });
  const dir = mkdtempSync(join(tmpdir(), 'exo-doctor-ctx-'));
  writeFileSync(join(dir, 'a.txt'), 'hello');

  it('reads a file, and answers undefined for one that does not exist', async () => {
    expect(await ctx.readFile(join(dir, 'a.txt'))).toBe('hello');
    expect(await ctx.readFile(join(dir, 'missing.txt'))).toBeUndefined();
    expect(await ctx.readFile(join(dir, 'a.txt', 'below-a-file'))).toBeUndefined();
  });

  it('lists a directory, and answers undefined for one that does not exist', async () => {
    expect(await ctx.readDir(dir)).toEqual(['a.txt']);
    expect(await ctx.readDir(join(dir, 'nope'))).toBeUndefined();
  });

  it('reads a simulated machine instead of this computer, except the files the doctor was handed', async () => {
    const machine = machineMembers({ platform: 'win32', files: { 'C:\\Users\\alex\\profile.ps1': 'Set-Location C:\\' } });
    const simulated = createContext({
      config: fakeConfig({ certificateFile: join(dir, 'a.txt') }),
      writeLog: () => undefined,
      world: { ...machine, ownFiles: [join(dir, 'transcript.txt')] },
    });
    writeFileSync(join(dir, 'transcript.txt'), 'New-ExoPSSession : failed');
    expect(await simulated.readFile('C:\\Users\\alex\\profile.ps1')).toBe('Set-Location C:\\');
    expect(await simulated.readDir('C:\\Users\\alex')).toEqual(['profile.ps1']);
    // This computer's files are not the machine's: the demo never sees a real PowerShell or profile.
    expect(await simulated.readDir(dir)).toBeUndefined();
    expect(await simulated.readFile(join(dir, 'missing-on-both.txt'))).toBeUndefined();
    expect(await simulated.readFile(join(dir, 'a.txt'))).toBe('hello');
    expect(await simulated.readFile(join(dir, 'transcript.txt'))).toBe('New-ExoPSSession : failed');
  });
});

describe('createContext: secrets', () => {
  it('takes a client secret or token from the environment when no option gave one, and masks it', () => {
    const ctx = createContext({ config: fakeConfig(), writeLog: () => undefined, world: { env: { EXO_DOCTOR_CLIENT_SECRET: 's3cr3t-value~x', EXO_DOCTOR_ACCESS_TOKEN: 'tok-value-123' } } });
    expect(ctx.config).toMatchObject({ clientSecret: 's3cr3t-value~x', accessToken: 'tok-value-123' });
    expect(ctx.redactor.apply('secret s3cr3t-value~x and tok-value-123')).toBe('secret [redacted] and [redacted]');
    const given = createContext({ config: fakeConfig({ clientSecret: 'from-option' }), writeLog: () => undefined, world: { env: { EXO_DOCTOR_CLIENT_SECRET: 'from-env' } } });
    expect(given.config.clientSecret).toBe('from-option');
  });

  it('writes a private file readable by its owner only, creating its folder', async () => {
    const ctx = createContext({ config: fakeConfig(), writeLog: () => undefined });
    const dir = mkdtempSync(join(tmpdir(), 'exo-doctor-private-'));
    const file = join(dir, 'cache', 'tokens.json');
    await ctx.writePrivateFile(file, '{}');
    const { statSync } = await import('node:fs');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'cache')).mode & 0o777).toBe(0o700);
    expect(await ctx.readFile(file)).toBe('{}');
  });
});

describe('createContext: logger', () => {
  it('writes debug lines only with --verbose, and never an identifier or secret', () => {
    const lines: string[] = [];
    const quiet = createContext({ config: fakeConfig({ upn: 'megan@contoso.com' }), writeLog: (l) => void lines.push(l) });
    quiet.log.debug('hidden');
    const loud = createContext({ config: fakeConfig({ upn: 'megan@contoso.com', verbose: true }), writeLog: (l) => void lines.push(l) });
    loud.log.debug('token for megan@contoso.com: Bearer abcdefghijklmnop0123456789');
    expect(lines).toEqual(['[debug] token for m•••@c•••.com: Bearer [redacted]\n']);
  });
});

describe('createContext: dispatcher', () => {
  let pki: TestPki;
  let httpPort: number;
  let httpsPort: number;
  let proxyPort: number;
  const seen: { host?: string; proxyAuthorization?: string; connectTarget?: string } = {};
  const servers: (Server | TcpServer)[] = [];

  beforeAll(async () => {
    pki = makeTestPki([LOGIN]);
    const handler = (req: IncomingMessage, res: import('node:http').ServerResponse) => {
      seen.host = req.headers.host;
      res.end('hello from the world');
    };
    const http = createHttpServer(handler);
    const https = createHttpsServer({ cert: pki.cert, key: pki.key }, handler);
    // A minimal CONNECT proxy that sends every tunnel to the HTTPS server.
    const proxy = createTcpServer((client) => {
      client.once('data', (head) => {
        const text = head.toString('latin1');
        seen.connectTarget = /^CONNECT (\S+)/.exec(text)?.[1];
        seen.proxyAuthorization = /proxy-authorization: (.+)\r\n/i.exec(text)?.[1];
        const upstream = connect(httpsPort, '127.0.0.1', () => {
          client.write('HTTP/1.1 200 Connection established\r\n\r\n');
          client.pipe(upstream).pipe(client);
        });
      });
    });
    servers.push(http, https, proxy);
    [httpPort, httpsPort, proxyPort] = await Promise.all([listen(http), listen(https), listen(proxy)]);
  });

  afterAll(() => {
    for (const server of servers) server.close();
  });

  it('connects where the resolver says while the request keeps the real host name', async () => {
    const ctx = contextTo(httpPort);
    const res = await request(`http://${LOGIN}/common/discovery/instance`, { dispatcher: await ctx.dispatcher({ timeoutMs: 2000 }) });
    expect(await res.body.text()).toBe('hello from the world');
    expect(seen.host).toBe(LOGIN);
  });

  it('verifies TLS against the trusted CAs and the real host name', async () => {
    const trusting = contextTo(httpsPort, { trustedCAs: async () => [pki.caCert] });
    const res = await request(`https://${LOGIN}/`, { dispatcher: await trusting.dispatcher({ timeoutMs: 2000 }) });
    expect(res.statusCode).toBe(200);
    await res.body.dump();

    const distrusting = contextTo(httpsPort);
    await expect(request(`https://${LOGIN}/`, { dispatcher: await distrusting.dispatcher({ timeoutMs: 2000 }) })).rejects.toMatchObject({
      code: expect.stringMatching(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY/),
    });
  });

  it('tunnels through a proxy with the credentials of its URL, and trusts the CAs inside the tunnel', async () => {
    const ctx = contextTo(httpsPort, { trustedCAs: async () => [pki.caCert] });
    const dispatcher = await ctx.dispatcher({ timeoutMs: 2000, proxy: `http://alice:s3cret@127.0.0.1:${proxyPort}` });
    const res = await request(`https://${LOGIN}/`, { dispatcher });
    expect(await res.body.text()).toBe('hello from the world');
    expect(seen.connectTarget).toBe(`${LOGIN}:443`);
    expect(seen.proxyAuthorization).toBe(`Basic ${Buffer.from('alice:s3cret').toString('base64')}`);
  });

  it('reads NODE_EXTRA_CA_CERTS into the trusted set, after Node’s own roots', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exo-doctor-ca-'));
    const file = join(dir, 'corp.pem');
    writeFileSync(file, pki.caCert);
    const saved = process.env['NODE_EXTRA_CA_CERTS'];
    process.env['NODE_EXTRA_CA_CERTS'] = file;
    try {
      const cas = await createContext({ config: fakeConfig(), writeLog: () => undefined }).trustedCAs();
      expect(cas.at(-1)?.trim()).toBe(pki.caCert.trim());
      expect(cas.length).toBeGreaterThan(100);
    } finally {
      if (saved === undefined) delete process.env['NODE_EXTRA_CA_CERTS'];
      else process.env['NODE_EXTRA_CA_CERTS'] = saved;
    }
  });
});
