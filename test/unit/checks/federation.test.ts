// federation through a fake context: the tenant as tenant-discovery hands it on, and a federation
// server that answers, hangs up, refuses or presents a bad certificate, stage by stage.
import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { federation } from '../../../checks/federation.js';
import { CLOUDS } from '../../../src/clouds.js';
import type { Config, Context, TlsHandshake } from '../../../src/context.js';
import type { TenantInfo } from '../../../src/auth/identity.js';
import type { ProxyPlan } from '../../../src/net/routes.js';
import { readEnvironmentProxies } from '../../../src/platform/environment.js';
import { fakeConfig, fakeContext, LINUX_RUNTIME } from '../../support/fake-context.js';
import { runCheck } from '../../support/run-check.js';

const DIRECT: ProxyPlan = { machine: { platform: 'linux', environment: readEnvironmentProxies({}), pacAnswers: new Map() }, routes: {} };
const AUTH_URL = 'https://adfs.contoso.com/adfs/ls/?username=meganb%40contoso.com&wa=wsignin1.0&wtrealm=urn%3afederation%3aMicrosoftOnline&wctx=';

function tenant(changes: Partial<TenantInfo> = {}): TenantInfo {
  return {
    query: 'contoso.com',
    tenantId: '9188040d-6c67-4c5b-b112-36a304b66dad',
    cloud: CLOUDS.O365Default,
    environment: 'O365Default',
    namespace: 'Federated',
    federation: { host: 'adfs.contoso.com', authUrl: AUTH_URL, brand: 'Contoso' },
    ...changes,
  };
}

/** A TLS connection whose server answers every request with `statusLine`, keeping the requests. */
function server(statusLine: string, requests: string[] = []): Duplex {
  return new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      requests.push(chunk.toString('latin1'));
      this.push(`HTTP/1.1 ${statusLine}\r\nContent-Length: 0\r\n\r\n`);
      done();
    },
  });
}

/** A machine whose network reaches the federation server up to the stage the test says. */
function network(stubs: Partial<Context> & { config?: Partial<Config> } = {}): Context {
  const { config, ...rest } = stubs;
  return fakeContext({
    config: fakeConfig({ upn: 'meganb@contoso.com', timeoutMs: 2000, ...config }),
    runtime: LINUX_RUNTIME,
    now: () => new Date('2026-11-25T12:00:00Z'),
    memo: (_key, compute) => compute(),
    resolve: async (_host, port) => [{ address: '203.0.113.10', family: 4, port }],
    connect: async () => new Duplex({ read() {}, write: (_c, _e, done) => done() }),
    ...rest,
  });
}

const handshake = (result: Partial<TlsHandshake> & { socket: Duplex }): Context['tlsHandshake'] => async () => ({ authorized: true, protocol: 'TLSv1.3', chain: [], ...result });
const run = (ctx: Context, info: TenantInfo = tenant()) => runCheck(federation, ctx, { 'tenant-discovery': info, 'proxy-config': DIRECT });

describe('federation', () => {
  it('passes a managed domain without touching the network', async () => {
    const result = await run(fakeContext({ config: fakeConfig() }), tenant({ namespace: 'Managed', federation: undefined }));
    expect(result).toMatchObject({ status: 'pass', summary: 'The domain is managed: sign-in happens at Entra ID; no federation server is involved.' });
  });

  it('skips, with nothing to fix, when no account was given or the sign-in type is unknown', async () => {
    const result = await run(fakeContext({ config: fakeConfig() }), tenant({ namespace: 'Unknown', federation: undefined }));
    expect(result.status).toBe('skip');
    expect('remediation' in result).toBe(false);
  });

  it('passes app-only sign-in without probing: a certificate never goes to the federation server', async () => {
    const result = await run(fakeContext({ config: fakeConfig({ appId: '5b1c7e3a-9d2f-4e6b-8a4c-1f0d3e5b7a92' }) }));
    expect(result).toMatchObject({ status: 'pass', summary: expect.stringContaining('never to a federation server (adfs.contoso.com is not involved)') });
  });

  it('passes when the federation server answers over HTTPS, probing the AuthURL path without the user name', async () => {
    const requests: string[] = [];
    const result = await run(network({ tlsHandshake: handshake({ socket: server('200 OK', requests) }) }));
    expect(result).toMatchObject({ status: 'pass', summary: 'The federation server adfs.contoso.com answers over HTTPS (HTTP 200, direct): federated sign-in can reach it.' });
    expect(requests[0]).toMatch(/^GET \/adfs\/ls\/ HTTP\/1\.1\r\nHost: adfs\.contoso\.com\r\n/);
  });

  it('fails at DNS, naming the stage, with the network team\'s commands and the workaround', async () => {
    const result = await run(
      network({ resolve: async () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND adfs.contoso.com'), { code: 'ENOTFOUND' })) }),
    );
    expect(result.status).toBe('fail');
    if (result.status !== 'fail') return;
    expect(result.summary).toMatch(/^The federation server adfs\.contoso\.com does not answer from this machine: its name does not resolve \(ENOTFOUND: .*\), stopped at DNS\./);
    expect(result.summary).toContain("This is the cause of every sign-in failure of contoso.com's users");
    expect(result.remediation.map((r) => r.runBy)).toEqual(['network-team', 'another-admin', 'admin']);
    expect(result.remediation[0]?.commands).toEqual(['Resolve-DnsName adfs.contoso.com', 'Test-NetConnection adfs.contoso.com -Port 443']);
    expect(result.remediation[2]?.commands[0]).toBe('Connect-ExchangeOnline -UserPrincipalName admin@<tenant>.onmicrosoft.com');
  });

  it('fails at TCP when nothing accepts the connection', async () => {
    const result = await run(network({ connect: async () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 203.0.113.10:443'), { code: 'ECONNREFUSED' })) }));
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringContaining('nothing accepts a connection on port 443 (ECONNREFUSED: connect ECONNREFUSED 203.0.113.10:443), stopped at TCP') });
  });

  it('fails with its own words when the certificate is not trusted', async () => {
    const chain = [{ subject: 'CN=adfs.contoso.com', issuer: 'CN=Contoso Internal CA', subjectCN: 'adfs.contoso.com', issuerCN: 'Contoso Internal CA', fingerprint256: 'AA:BB', validFrom: '', validTo: '' }];
    const result = await run(network({ tlsHandshake: handshake({ authorized: false, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', chain, socket: server('200 OK') }) }));
    expect(result.status).toBe('fail');
    if (result.status !== 'fail') return;
    expect(result.summary).toMatch(/^The federation server adfs\.contoso\.com presents a certificate this machine does not trust \(UNABLE_TO_VERIFY_LEAF_SIGNATURE, issued by Contoso Internal CA\)\./);
    expect(result.remediation[0]).toMatchObject({ runBy: 'another-admin', commands: ['Get-AdfsSslCertificate', 'Get-WebApplicationProxySslCertificate'] });
  });

  it('fails when the server answers 503: the AD FS service behind the proxy is down', async () => {
    const result = await run(network({ tlsHandshake: handshake({ socket: server('503 Service Unavailable') }) }));
    expect(result.status).toBe('fail');
    if (result.status !== 'fail') return;
    expect(result.summary).toMatch(/^The federation server adfs\.contoso\.com answers HTTP 503: the federation service behind it is not working\./);
    expect(result.remediation[0]).toMatchObject({ runBy: 'another-admin', commands: expect.arrayContaining(['Get-Service adfssrv']) });
  });
});
