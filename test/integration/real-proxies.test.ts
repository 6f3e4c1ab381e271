// The network checks through the real proxies from Debian: squid (with Basic authentication), tinyproxy
// and mitmproxy (a TLS-inspecting proxy), each resolving Microsoft's names to the simulated world.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../src/sim/world.js';
import { runNetworkChecks } from '../support/network.js';
import { type RealProxy, realProxiesUnavailable, startMitmproxy, startSquid, startTinyproxy } from '../support/real-proxies.js';
import { scenario } from '../support/world.js';

const unavailable = realProxiesUnavailable();

// In CI the proxies must be there (.ci/run installs them): a silent skip would prove nothing.
it.runIf(process.env['CI'] !== undefined && unavailable !== undefined)('has the real proxies in CI', () => {
  throw new Error(`The real-proxy tests cannot run: ${unavailable}`);
});

describe.skipIf(unavailable)('through real proxies', () => {
  // Each test file that binds port 443 uses its own loopback address.
  const address = '127.0.0.44';
  let w: World;
  beforeAll(async () => {
    w = await startWorld(await scenario('healthy'), { listen: { host: address, port: 443 } });
  });
  afterAll(() => w.stop());

  describe('squid with Basic authentication', () => {
    let squid: RealProxy;
    beforeAll(async () => void (squid = await startSquid(w.hosts, address, { user: 'alice', password: 's3cret-Pw' })));
    afterAll(() => squid.stop());

    it('answers 407 naming Basic, and proxy-health says so', async () => {
      const reports = await runNetworkChecks(w, { machine: { env: { HTTPS_PROXY: squid.url } } });
      expect(reports['proxy-health']).toMatchObject({ status: 'fail', summary: expect.stringContaining('407: authentication required, offers Basic (squid/5') });
      expect(reports['endpoints']).toMatchObject({ status: 'fail', summary: expect.stringContaining('stopped at PROXY') });
    });

    it('lets everything through with the credentials', async () => {
      const reports = await runNetworkChecks(w, { machine: { env: { HTTPS_PROXY: `http://alice:s3cret-Pw@127.0.0.1:${squid.port}` } } });
      expect(reports['proxy-health']?.status).toBe('pass');
      expect(reports['endpoints']).toMatchObject({ status: 'pass', summary: `All 5 endpoints answer over HTTPS (${squid.url}).` });
      expect(reports['tls-inspection']?.status).toBe('pass');
      expect(reports['clock-skew']?.status).toBe('pass');
    });

    it('tells wrong credentials from missing ones', async () => {
      const reports = await runNetworkChecks(w, { config: { proxy: `http://alice:wrong-one@127.0.0.1:${squid.port}` } });
      expect(reports['proxy-health']?.summary).toContain('credentials refused');
    });
  });

  describe('tinyproxy', () => {
    let tinyproxy: RealProxy;
    beforeAll(async () => void (tinyproxy = await startTinyproxy(w.hosts, address)));
    afterAll(() => tinyproxy.stop());

    it('carries every check through it', async () => {
      const reports = await runNetworkChecks(w, { machine: { env: { https_proxy: tinyproxy.url } } });
      expect(reports['proxy-health']).toMatchObject({ status: 'pass', summary: `Every proxy in use tunnels to login.microsoftonline.com (${tinyproxy.url}).` });
      expect(reports['endpoints']?.summary).toBe(`All 5 endpoints answer over HTTPS (${tinyproxy.url}).`);
      expect(reports['tls-inspection']?.status).toBe('pass');
    });
  });

  describe('mitmproxy', () => {
    let mitm: RealProxy;
    beforeAll(async () => void (mitm = await startMitmproxy(w.hosts, address)));
    afterAll(() => mitm.stop());

    it('is named as the interceptor, with its fingerprint', async () => {
      const reports = await runNetworkChecks(w, { machine: { env: { HTTPS_PROXY: mitm.url } } });
      expect(reports['tls-inspection']).toMatchObject({
        status: 'fail',
        summary: `TLS inspection through ${mitm.url}: login.microsoftonline.com presented a certificate issued by CN=mitmproxy, O=mitmproxy, not by Microsoft. Clients that do not trust that CA fail with certificate errors.`,
      });
      expect(reports['tls-inspection']?.evidence).toContainEqual(expect.objectContaining({ label: 'Intercepting CA', value: expect.stringMatching(/^CN=mitmproxy, O=mitmproxy \(SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}\)$/) }));
      expect(reports['tls-inspection']?.remediation.map((r) => r.runBy)).toEqual(['network-team', 'admin']);
      expect(reports['endpoints']).toMatchObject({ status: 'fail', summary: expect.stringContaining('stopped at TLS') });
    });
  });
});
