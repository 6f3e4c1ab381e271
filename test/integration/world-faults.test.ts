// Faults the world injects per host, as a client sees them through the doctor's own network client.
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { TransportError } from '../../src/auth/network-client.js';
import { fakeConfig } from '../support/fake-context.js';
import { call, networkClient, world } from '../support/world.js';

const CONFIG = 'https://login.microsoftonline.com/contoso.com/v2.0/.well-known/openid-configuration';

async function failure(faults: Record<string, unknown>, timeoutMs = 2000): Promise<TransportError> {
  const w = await world('healthy', { faults: { 'login.microsoftonline.com': faults } });
  try {
    const error = await networkClient(w, timeoutMs).sendGetRequestAsync(CONFIG).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    return error as TransportError;
  } finally {
    await w.stop();
  }
}

describe('world faults', () => {
  it('adds latency to every answer', async () => {
    const w = await world('healthy', { faults: { 'login.microsoftonline.com': { latencyMs: 150 } } });
    try {
      const started = performance.now();
      expect((await call(w, 'GET', CONFIG)).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    } finally {
      await w.stop();
    }
  });

  it('answers with a server error for the first requests only', async () => {
    const w = await world('healthy', { faults: { 'login.microsoftonline.com': { serverError: { status: 503, first: 1 } } } });
    try {
      expect((await call(w, 'GET', CONFIG)).status).toBe(503);
      expect((await call(w, 'GET', CONFIG)).status).toBe(200);
    } finally {
      await w.stop();
    }
  });

  it('resets the connection', async () => {
    expect((await failure({ reset: true })).code).toMatch(/^(ECONNRESET|UND_ERR_SOCKET)$/);
  });

  it('sends a body that is not JSON', async () => {
    const error = await failure({ nonJson: true });
    expect(error.code).toBe('EBADRESPONSE');
    expect(error.message).toContain('HTTP 200 with a body that is not JSON (text/plain');
  });

  it('sends an HTML error page, as a gateway would', async () => {
    const error = await failure({ htmlError: 502 });
    expect(error.message).toContain('HTTP 502 with a body that is not JSON (text/html');
  });

  it('stops the body halfway', async () => {
    expect((await failure({ truncated: true })).code).toMatch(/^(UND_ERR_SOCKET|ECONNRESET|UND_ERR_RES_CONTENT_LENGTH_MISMATCH)$/);
  });

  it('drips the body slowly enough to trip the body time limit', async () => {
    const error = await failure({ slowDrip: { bytes: 8, intervalMs: 200 } }, 600);
    expect(error.code).toMatch(/^(UND_ERR_BODY_TIMEOUT|ETIMEDOUT)$/);
  });

  it('black-holes a host: the client gives up after its own time limit, not undici’s', async () => {
    const started = performance.now();
    const error = await failure({ blackHole: true }, 800);
    expect(error.code).toMatch(/^(ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|UND_ERR_HEADERS_TIMEOUT)$/);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('makes a host unresolvable', async () => {
    expect((await failure({ unresolvable: true })).code).toBe('ENOTFOUND');
  });

  it('does not know hosts outside Microsoft 365', async () => {
    const w = await world('healthy');
    try {
      await expect(w.resolve('example.org', 443)).rejects.toMatchObject({ code: 'ENOTFOUND' });
      await expect(w.resolve('graph.microsoft.us', 443)).resolves.toEqual([{ address: '127.0.0.1', family: 4, port: w.port }]);
    } finally {
      await w.stop();
    }
  });
});

describe('world audit', () => {
  it('records host, method, path, client id and cmdlet of every request', async () => {
    const w = await world('healthy');
    try {
      await call(w, 'POST', 'https://login.microsoftonline.com/contoso.com/oauth2/v2.0/devicecode', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'client_id=fb78d390-0c51-40cd-8e17-fdbfab77341b&scope=https%3A%2F%2Foutlook.office365.com%2F.default',
      });
      await call(w, 'POST', `https://outlook.office365.com/adminapi/beta/contoso.com/InvokeCommand`, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ CmdletInput: { CmdletName: 'Get-User', Parameters: {} } }),
      });
      expect(w.audit).toEqual([
        expect.objectContaining({ host: 'login.microsoftonline.com', method: 'POST', path: '/contoso.com/oauth2/v2.0/devicecode', status: 200, clientId: 'fb78d390-0c51-40cd-8e17-fdbfab77341b' }),
        expect.objectContaining({ host: 'outlook.office365.com', method: 'POST', cmdlet: 'Get-User', status: 401 }),
      ]);
    } finally {
      await w.stop();
    }
  });
});

describe('loopback guard', () => {
  it('refuses any attempt to leave the machine', async () => {
    const net = await import('node:net');
    expect(() => net.connect(443, '93.184.215.14')).toThrow(/loopback guard/);
    const dns = await import('node:dns/promises');
    await expect(dns.lookup('login.microsoftonline.com')).rejects.toThrow(/loopback guard/);
  });
});

describe('the world\'s network: its proxies and its firewall', () => {
  it('runs the scenario\'s proxies, which tunnel to the world under their own names, and only CONNECT', async () => {
    const w = await world('healthy', { proxies: ['proxy.contoso.com:8080'] });
    try {
      const ctx = w.context(fakeConfig());
      const dispatcher = await ctx.dispatcher({ timeoutMs: 3000, proxy: 'http://proxy.contoso.com:8080' });
      const answer = await request(CONFIG, { dispatcher });
      expect(answer.statusCode).toBe(200);
      await answer.body.text();
      await dispatcher.close();
      // A proxy on another port is not there; a plain request to the proxy is refused as a proxy would.
      await expect(ctx.resolve('proxy.contoso.com', 3128)).rejects.toMatchObject({ code: 'ENOTFOUND' });
      const [endpoint] = await ctx.resolve('proxy.contoso.com', 8080);
      const plain = await request(`http://127.0.0.1:${endpoint?.port}/`);
      expect(plain.statusCode).toBe(405);
      await plain.body.text();
    } finally {
      await w.stop();
    }
  });

  it('refuses direct connections when egress is proxy-only, and still lets the proxy through', async () => {
    const w = await world('healthy', { proxies: ['proxy.contoso.com:8080'], egress: 'proxy-only' });
    try {
      const ctx = w.context(fakeConfig());
      await expect(ctx.connect('login.microsoftonline.com', 443, { timeoutMs: 2000 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      const dispatcher = await ctx.dispatcher({ timeoutMs: 3000, proxy: 'http://proxy.contoso.com:8080' });
      const answer = await request(CONFIG, { dispatcher });
      expect(answer.statusCode).toBe(200);
      await answer.body.text();
      await dispatcher.close();
    } finally {
      await w.stop();
    }
  });
});
