// The network probes against the simulated world, directly and through small in-process proxies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectThroughProxy, probeEndpoint } from '../../src/net/probes.js';
import type { World } from '../../src/sim/world.js';
import { fakeConfig } from '../support/fake-context.js';
import { closedPort, startBlackHole, startClosingProxy, startProxy, type TestServer } from '../support/fake-proxies.js';
import { world } from '../support/world.js';

const LOGIN = { host: 'login.microsoftonline.com', path: '/common/v2.0/.well-known/openid-configuration' };

describe('probeEndpoint', () => {
  let w: World;
  let open: TestServer;
  let basic: TestServer;
  beforeAll(async () => {
    w = await world('healthy');
    const route = async (host: string, port: number) => (await w.resolve(host, port))[0] as { address: string; port: number };
    open = await startProxy({ route });
    basic = await startProxy({ route, basic: { user: 'alice', password: 's3cret' } });
  });
  afterAll(async () => {
    await Promise.all([open.stop(), basic.stop()]);
    await w.stop();
  });
  const ctx = () => w.context(fakeConfig());

  it('goes through DNS, TCP, TLS and HTTP directly, and reads the Date header', async () => {
    const probe = await probeEndpoint(ctx(), LOGIN, {}, { timeoutMs: 3000 });
    expect(probe.failure).toBeUndefined();
    expect(probe).toMatchObject({ route: 'direct', dns: { addresses: ['127.0.0.1'] }, tls: { authorized: true, protocol: 'TLSv1.3' }, http: { status: 200 } });
    expect(probe.tls?.chain[0]).toMatchObject({ subjectCN: 'login.microsoftonline.com' });
    expect(new Date(probe.http?.date as string).getTime()).toBeGreaterThan(0);
  });

  it('goes through an open proxy, which sees the host name, not an address', async () => {
    const probe = await probeEndpoint(ctx(), LOGIN, { proxy: open.url }, { timeoutMs: 3000 });
    expect(probe).toMatchObject({ route: open.url, proxy: { outcome: { kind: 'tunnel', via: '1.1 test-proxy' } }, tls: { authorized: true }, http: { status: 200 } });
    expect(open.targets.at(-1)).toBe('login.microsoftonline.com:443');
  });

  it('sends the credentials of the proxy URL, and never shows them in the route', async () => {
    const refused = await probeEndpoint(ctx(), LOGIN, { proxy: basic.url }, { timeoutMs: 3000 });
    expect(refused.failure).toMatchObject({ stage: 'proxy', code: 'HTTP_407', message: 'the proxy asks for Basic (407)' });
    const withCredentials = `http://alice:s3cret@127.0.0.1:${basic.port}`;
    const ok = await probeEndpoint(ctx(), LOGIN, { proxy: withCredentials }, { timeoutMs: 3000 });
    expect(ok.http?.status).toBe(200);
    expect(ok.route).toBe(basic.url);
    const wrong = await probeEndpoint(ctx(), LOGIN, { proxy: `http://alice:nope@127.0.0.1:${basic.port}` }, { timeoutMs: 3000 });
    expect(wrong.failure?.message).toBe('the proxy refused the credentials (407)');
  });

  it('names the DNS stage for a name that does not resolve', async () => {
    const probe = await probeEndpoint(ctx(), { host: 'nowhere.example' }, {}, { timeoutMs: 1000 });
    expect(probe.failure).toMatchObject({ stage: 'dns', code: 'ENOTFOUND' });
  });
});

describe('connectThroughProxy classifies every kind of broken proxy', () => {
  let w: World;
  beforeAll(async () => void (w = await world('healthy')));
  afterAll(() => w.stop());
  const target = { host: 'login.microsoftonline.com', port: 443 };
  const probe = (url: string, timeoutMs = 800) => connectThroughProxy(w.context(fakeConfig()), url, target, { timeoutMs });

  it('refused: nothing listens', async () => {
    expect((await probe(`http://127.0.0.1:${await closedPort()}`)).outcome).toMatchObject({ kind: 'refused', code: 'ECONNREFUSED' });
  });

  it('black hole: accepts, never answers, and costs one time limit', async () => {
    const hole = await startBlackHole();
    try {
      const started = performance.now();
      const result = await probe(hole.url, 500);
      expect(result.outcome).toMatchObject({ kind: 'black-hole', code: 'ETIMEDOUT' });
      expect(performance.now() - started).toBeLessThan(1500);
    } finally {
      await hole.stop();
    }
  });

  it('closed: hangs up during the CONNECT', async () => {
    const closing = await startClosingProxy();
    try {
      expect((await probe(closing.url)).outcome).toMatchObject({ kind: 'closed' });
    } finally {
      await closing.stop();
    }
  });

  it('NTLM and Negotiate only: the schemes are named', async () => {
    const ntlm = await startProxy({ route: async () => ({ address: '127.0.0.1', port: 1 }), onlySchemes: ['NTLM', 'Negotiate'] });
    try {
      expect((await probe(ntlm.url)).outcome).toMatchObject({ kind: 'auth-required', status: 407, schemes: ['NTLM', 'Negotiate'], server: 'test-proxy/1.0' });
    } finally {
      await ntlm.stop();
    }
  });

  it('unresolvable: the proxy name does not exist', async () => {
    expect((await probe('http://proxy.invalid:8080')).outcome).toMatchObject({ kind: 'unresolvable', code: 'ENOTFOUND' });
  });
});
