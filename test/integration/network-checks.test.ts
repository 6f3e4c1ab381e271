// The network checks against the simulated world, through small in-process proxies.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { World } from '../../src/sim/world.js';
import { closedPort, startBlackHole, startClosingProxy, startProxy, type TestServer } from '../support/fake-proxies.js';
import { internetSettings, recordedPrograms, runNetworkChecks } from '../support/network.js';
import { world } from '../support/world.js';

describe('network checks, no proxy', () => {
  it('pass on a healthy network, and skip proxy-health', async () => {
    const w = await world('healthy');
    try {
      const reports = await runNetworkChecks(w);
      expect(reports['proxy-config']).toMatchObject({ status: 'pass', summary: 'No proxy anywhere: every client goes direct to Microsoft 365.' });
      expect(reports['proxy-health']?.status).toBe('skip');
      expect(reports['endpoints']).toMatchObject({ status: 'pass', summary: 'All 5 endpoints answer over HTTPS (direct).' });
      expect(reports['tls-inspection']?.status).toBe('pass');
      expect(reports['clock-skew']?.status).toBe('pass');
    } finally {
      await w.stop();
    }
  });

  it('fail clock-skew when the machine runs 12 minutes fast', async () => {
    const w = await world('clock-skew');
    try {
      const reports = await runNetworkChecks(w);
      expect(reports['clock-skew']).toMatchObject({ status: 'fail', summary: expect.stringMatching(/^The clock is 12 min \d+ s ahead of Microsoft\./) });
      expect(reports['clock-skew']?.remediation[0]?.commands).toContain('sudo timedatectl set-ntp true');
    } finally {
      await w.stop();
    }
  });

  it('fail endpoints for a required host that does not resolve, naming the stage', async () => {
    const w = await world('healthy', { faults: { 'outlook.office365.com': { unresolvable: true } } });
    try {
      const reports = await runNetworkChecks(w);
      expect(reports['endpoints']).toMatchObject({ status: 'fail', summary: expect.stringContaining('outlook.office365.com (Exchange Online, which every cmdlet calls) is not reachable: stopped at DNS') });
      expect(reports['endpoints']?.remediation[0]).toMatchObject({ runBy: 'network-team', commands: ['nslookup outlook.office365.com', 'Resolve-DnsName outlook.office365.com'] });
    } finally {
      await w.stop();
    }
  });

  it('warn, not fail, when only an optional endpoint is unreachable', async () => {
    const w = await world('healthy', { faults: { 'www.powershellgallery.com': { blackHole: true } } });
    try {
      const reports = await runNetworkChecks(w, { config: { timeoutMs: 800 } });
      expect(reports['endpoints']).toMatchObject({ status: 'warn', summary: expect.stringContaining('www.powershellgallery.com') });
    } finally {
      await w.stop();
    }
  });
});

describe('network checks through proxies', () => {
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

  it('go through the proxy of HTTPS_PROXY, for the doctor and PowerShell 7 alike', async () => {
    const reports = await runNetworkChecks(w, { machine: { env: { HTTPS_PROXY: open.url } } });
    expect(reports['proxy-config']?.summary).toBe(`Every client takes the same way to Microsoft 365: ${open.url}.`);
    expect(reports['proxy-health']).toMatchObject({ status: 'pass' });
    expect(reports['endpoints']?.summary).toBe(`All 5 endpoints answer over HTTPS (${open.url}).`);
    expect(reports['tls-inspection']?.status).toBe('pass');
  });

  it('name Basic for a 407, and work once the credentials are given (never shown)', async () => {
    const refused = await runNetworkChecks(w, { machine: { env: { HTTPS_PROXY: basic.url } } });
    expect(refused['proxy-health']).toMatchObject({ status: 'fail', summary: expect.stringContaining('407: authentication required, offers Basic') });
    expect(refused['proxy-health']?.remediation.map((r) => r.runBy)).toEqual(['admin', 'admin', 'network-team']);
    const withCredentials = await runNetworkChecks(w, { machine: { env: { HTTPS_PROXY: basic.url } }, config: { proxy: `http://alice:s3cret@127.0.0.1:${basic.port}` } });
    expect(withCredentials['endpoints']?.status).toBe('pass');
    // What a report shows (never the output handed to other checks, which must carry them).
    const shown = Object.values(withCredentials).filter((r) => typeof r === 'object').map(({ output: _output, ...shownPart }) => shownPart);
    expect(JSON.stringify(shown)).not.toContain('s3cret');
  });

  it('find a black-holed proxy within one time limit', async () => {
    const hole = await startBlackHole();
    try {
      const reports = await runNetworkChecks(w, { machine: { env: { HTTPS_PROXY: hole.url } }, config: { timeoutMs: 1000 } });
      expect(reports['proxy-health']).toMatchObject({ status: 'fail', summary: expect.stringContaining('never answered the CONNECT (black hole)') });
      expect(reports['endpoints']).toMatchObject({ status: 'fail' });
      expect(reports.durationMs).toBeLessThan(3000);
    } finally {
      await hole.stop();
    }
  });

  it('find a proxy that hangs up during the CONNECT', async () => {
    const closing = await startClosingProxy();
    try {
      const reports = await runNetworkChecks(w, { machine: { env: { HTTPS_PROXY: closing.url } } });
      expect(reports['proxy-health']).toMatchObject({ status: 'fail', summary: expect.stringContaining('closed the connection during the CONNECT') });
    } finally {
      await closing.stop();
    }
  });

  it('find a proxy that refuses connections, and say where it is configured', async () => {
    const port = await closedPort();
    const reports = await runNetworkChecks(w, { machine: { env: { HTTPS_PROXY: `http://127.0.0.1:${port}` } } });
    expect(reports['proxy-health']).toMatchObject({ status: 'fail', summary: expect.stringContaining('refused the connection (ECONNREFUSED)') });
    expect(reports['proxy-health']?.remediation[1]?.commands[0]).toContain('Remove-Item Env:HTTPS_PROXY');
  });

  it('warn honestly about an NTLM/Negotiate-only proxy', async () => {
    const ntlm = await startProxy({ route: async () => ({ address: '127.0.0.1', port: 1 }), onlySchemes: ['NTLM', 'Negotiate'] });
    try {
      const reports = await runNetworkChecks(w, { machine: { env: { HTTPS_PROXY: ntlm.url } } });
      expect(reports['proxy-health']).toMatchObject({ status: 'warn', summary: expect.stringContaining('accepts only Windows sign-in (NTLM, Negotiate)') });
      expect(reports['proxy-health']?.remediation[0]?.commands[0]).toContain('DefaultNetworkCredentials');
    } finally {
      await ntlm.stop();
    }
  });

  it('follow a PAC file that lists a dead proxy first and a live one second (Windows PowerShell and the doctor)', async () => {
    const dead = await closedPort();
    const dir = mkdtempSync(join(tmpdir(), 'exo-doctor-pac-'));
    const pac = join(dir, 'proxy.pac');
    writeFileSync(pac, `function FindProxyForURL(url, host) { return "PROXY 127.0.0.1:${dead}; PROXY 127.0.0.1:${open.port}"; }`);
    const machine = {
      platform: 'win32' as const,
      exec: recordedPrograms({
        'reg query HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings':
          internetSettings({ ProxyEnable: ['REG_DWORD', '0x0'], AutoConfigURL: ['REG_SZ', pathToFileURL(pac).href] }),
        'netsh winhttp show proxy': '\r\nCurrent WinHTTP proxy settings:\r\n\r\n    Direct access (no proxy server).\r\n\r\n',
      }),
    };
    const reports = await runNetworkChecks(w, { machine });
    const routes = reports['proxy-config']?.evidence.filter((e) => e.label.endsWith('→ outlook.office365.com')).map((e) => `${e.label}: ${e.value}`);
    expect(routes).toContain(`Windows PowerShell 5.1 (Connect-ExchangeOnline, WinINET) → outlook.office365.com: http://127.0.0.1:${dead} → ${open.url} (Internet Options (WinINET): PAC ${pathToFileURL(pac).href})`);
    expect(reports['proxy-config']).toMatchObject({ status: 'warn', summary: expect.stringContaining('Remote PowerShell (WinRM) goes direct through WinHTTP') });
    expect(reports['endpoints']?.summary).toBe(`All 5 endpoints answer over HTTPS (${open.url}).`);
    expect(reports['proxy-health']).toMatchObject({ status: 'warn', summary: expect.stringContaining(`http://127.0.0.1:${dead} refused the connection`) });
  });

  it('report a missing PAC file as such, not as DNS, and still go on', async () => {
    const machine = {
      platform: 'win32' as const,
      exec: recordedPrograms({
        'reg query HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings': internetSettings({ AutoConfigURL: ['REG_SZ', 'file:///nowhere/proxy.pac'] }),
      }),
    };
    const reports = await runNetworkChecks(w, { machine });
    expect(reports['proxy-config']).toMatchObject({ status: 'warn', summary: expect.stringContaining('The PAC file does not exist (/nowhere/proxy.pac does not exist)') });
    expect(reports['endpoints']?.status).toBe('pass');
  });
});
