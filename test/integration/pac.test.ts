// PAC files: fetched from a file or over HTTP, evaluated with pac-resolver on QuickJS, failures told apart.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPac, parsePacAnswer } from '../../src/net/pac.js';
import type { World } from '../../src/sim/world.js';
import { fakeConfig } from '../support/fake-context.js';
import { closedPort } from '../support/fake-proxies.js';
import { world } from '../support/world.js';

const PAC = `function FindProxyForURL(url, host) {
  if (shExpMatch(host, "*.microsoftonline.com") || dnsDomainIs(host, "outlook.office365.com")) return "PROXY 127.0.0.1:1; PROXY 127.0.0.1:3128";
  if (isPlainHostName(host)) return "DIRECT";
  return "PROXY 127.0.0.1:3128";
}`;

describe('loadPac', () => {
  let w: World;
  let http: Server;
  let port: number;
  const dir = mkdtempSync(join(tmpdir(), 'exo-doctor-pac-'));
  beforeAll(async () => {
    w = await world('healthy');
    http = createServer((req, res) => {
      if (req.url === '/proxy.pac') res.end(PAC);
      else res.writeHead(404).end('not here');
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    port = (http.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => http.close(resolve));
    await w.stop();
  });
  const ctx = () => w.context(fakeConfig());

  it('evaluates a PAC file from disk, per host', async () => {
    const file = join(dir, 'proxy.pac');
    writeFileSync(file, PAC);
    const pac = await loadPac(ctx(), pathToFileURL(file).href, { timeoutMs: 3000 });
    if (!pac.ok) throw new Error(pac.detail);
    expect(parsePacAnswer(await pac.find('https://login.microsoftonline.com/'))).toEqual([
      { kind: 'proxy', scheme: 'http', host: '127.0.0.1', port: 1 },
      { kind: 'proxy', scheme: 'http', host: '127.0.0.1', port: 3128 },
    ]);
    expect(await pac.find('https://intranet/')).toBe('DIRECT');
  });

  it('fetches a PAC URL over HTTP without a proxy', async () => {
    const pac = await loadPac(ctx(), `http://127.0.0.1:${port}/proxy.pac`, { timeoutMs: 3000 });
    expect(pac.ok).toBe(true);
  });

  it('tells a missing file, an unreachable URL, an HTTP error and a syntax error apart', async () => {
    expect(await loadPac(ctx(), pathToFileURL(join(dir, 'absent.pac')).href, { timeoutMs: 1000 })).toMatchObject({ ok: false, problem: 'missing-file' });
    expect(await loadPac(ctx(), `http://127.0.0.1:${await closedPort()}/proxy.pac`, { timeoutMs: 1000 })).toMatchObject({ ok: false, problem: 'unreachable' });
    expect(await loadPac(ctx(), `http://127.0.0.1:${port}/gone.pac`, { timeoutMs: 1000 })).toMatchObject({ ok: false, problem: 'http-error', detail: expect.stringContaining('HTTP 404') });
    const broken = join(dir, 'broken.pac');
    writeFileSync(broken, 'function FindProxyForURL(url, host) { return "PROXY a:1"');
    expect(await loadPac(ctx(), pathToFileURL(broken).href, { timeoutMs: 1000 })).toMatchObject({ ok: false, problem: 'syntax-error' });
  });

  it('resolves names in the PAC through the context, not the machine’s DNS', async () => {
    const file = join(dir, 'dns.pac');
    writeFileSync(file, 'function FindProxyForURL(url, host) { return isResolvable(host) ? "PROXY " + dnsResolve(host) + ":3128" : "DIRECT"; }');
    const pac = await loadPac(ctx(), pathToFileURL(file).href, { timeoutMs: 3000 });
    if (!pac.ok) throw new Error(pac.detail);
    expect(await pac.find('https://graph.microsoft.com/')).toBe('PROXY 127.0.0.1:3128');
    expect(await pac.find('https://nowhere.invalid/')).toBe('DIRECT');
  });
});

describe('parsePacAnswer', () => {
  it('reads PROXY, HTTPS, SOCKS and DIRECT in order, IPv6 included', () => {
    expect(parsePacAnswer('PROXY [2001:db8::1]:8080; SOCKS5 socks:1080; DIRECT')).toEqual([
      { kind: 'proxy', scheme: 'http', host: '2001:db8::1', port: 8080 },
      { kind: 'proxy', scheme: 'socks', host: 'socks', port: 1080 },
      { kind: 'direct' },
    ]);
  });
});
