// tenant-discovery and federation against the simulated world: real HTTPS, the doctor's real clients.
import { describe, expect, it } from 'vitest';
import { endpoints } from '../../checks/endpoints.js';
import { federation } from '../../checks/federation.js';
import { inputs } from '../../checks/inputs.js';
import { proxyConfig } from '../../checks/proxy-config.js';
import { tenantDiscovery } from '../../checks/tenant-discovery.js';
import type { Config } from '../../src/context.js';
import { type CheckReport, runChecks } from '../../src/runner.js';
import type { World } from '../../src/sim/world.js';
import { fakeConfig } from '../support/fake-context.js';
import { world, writesIn } from '../support/world.js';

const CHECKS = [inputs, proxyConfig, endpoints, tenantDiscovery, federation];

async function diagnose(w: World, config: Partial<Config>): Promise<Record<string, CheckReport>> {
  const ctx = w.context(fakeConfig({ timeoutMs: 3000, ...config }), () => undefined);
  const run = await runChecks(CHECKS, ctx, { timeoutMs: ctx.config.timeoutMs });
  return Object.fromEntries(run.checks.map((c) => [c.id, c]));
}

async function inWorld(starting: Promise<World>, body: (w: World) => Promise<void>): Promise<void> {
  const w = await starting;
  try {
    await body(w);
    // Discovery and probes only read: GETs, no token request, no cmdlet.
    expect(writesIn(w.audit)).toEqual([]);
    expect(w.audit.every((r) => r.method === 'GET')).toBe(true);
  } finally {
    await w.stop();
  }
}

describe('tenant-discovery and federation in the simulated world', () => {
  it('pass for a healthy managed tenant, with its id, cloud and region', () =>
    inWorld(world('healthy'), async (w) => {
      const reports = await diagnose(w, { upn: 'meganb@contoso.com' });
      expect(reports['tenant-discovery']).toMatchObject({ status: 'pass', summary: expect.stringContaining('contoso.com signs in at Entra ID (managed)') });
      expect(reports['tenant-discovery']?.output).toEqual({
        query: 'contoso.com',
        tenantId: w.tenant.id,
        cloud: expect.objectContaining({ environment: 'O365Default' }),
        environment: 'O365Default',
        region: 'NA',
        namespace: 'Managed',
      });
      expect(reports['tenant-discovery']?.evidence).toContainEqual({ label: 'Tenant id', value: w.tenant.id, sensitive: true });
      expect(reports['federation']).toMatchObject({ status: 'pass', summary: expect.stringContaining('no federation server is involved') });
    }));

  it('fail for a GCC High tenant diagnosed as O365Default, with the exact environment to connect with', () =>
    inWorld(world('gcc-high-wrong-environment'), async (w) => {
      const reports = await diagnose(w, { upn: 'meganb@fabrikam-gov.com', environment: 'O365Default' });
      const report = reports['tenant-discovery'];
      expect(report?.status).toBe('fail');
      expect(report?.summary).toContain('Microsoft 365 US Government GCC High (O365USGovGCCHigh)');
      expect(report?.summary).toContain('Microsoft 365 worldwide (commercial and GCC) (O365Default)');
      expect(report?.remediation).toHaveLength(1);
      expect(report?.remediation[0]?.commands).toEqual([
        'Connect-ExchangeOnline -ExchangeEnvironmentName O365USGovGCCHigh -UserPrincipalName meganb@fabrikam-gov.com',
        'exo-doctor --environment O365USGovGCCHigh --upn meganb@fabrikam-gov.com',
      ]);
      expect(reports['federation']).toMatchObject({ status: 'skip', blockedBy: 'tenant-discovery' });
    }));

  it('pass for the same tenant once the doctor is given O365USGovGCCHigh', () =>
    inWorld(world('gcc-high-wrong-environment'), async (w) => {
      const reports = await diagnose(w, { upn: 'meganb@fabrikam-gov.com', environment: 'O365USGovGCCHigh' });
      expect(reports['tenant-discovery']).toMatchObject({ status: 'pass', output: { tenantId: w.tenant.id, environment: 'O365USGovGCCHigh', region: 'USGov', subScope: 'DODCON' } });
      expect(w.audit.some((r) => r.host === 'login.microsoftonline.us')).toBe(true);
    }));

  it('fail for a domain no tenant has, with the ids Entra ID gave', () =>
    inWorld(world('healthy'), async (w) => {
      const reports = await diagnose(w, { upn: 'meganb@contoso-typo.com' });
      const report = reports['tenant-discovery'];
      expect(report).toMatchObject({ status: 'fail', summary: expect.stringContaining('contoso-typo.com is not a verified domain of any tenant') });
      expect(report?.evidence.map((e) => e.label)).toEqual(expect.arrayContaining(['Entra ID answered', 'Trace ID', 'Correlation ID']));
      expect(report?.remediation.flatMap((r) => r.commands)).toContain('Get-MgDomain | Format-Table Id, IsVerified, AuthenticationType');
    }));

  it('blocks tenant-discovery by the endpoints check when the login host is black-holed', () =>
    inWorld(world('healthy', { faults: { 'login.microsoftonline.com': { blackHole: true } } }), async (w) => {
      const reports = await diagnose(w, { upn: 'meganb@contoso.com', timeoutMs: 800 });
      expect(reports['endpoints']).toMatchObject({ status: 'fail' });
      expect(reports['tenant-discovery']).toMatchObject({ status: 'skip', skipKind: 'blocked', blockedBy: 'endpoints', summary: expect.stringMatching(/^Could not reach login\.microsoftonline\.com \(.*\)\.$/) });
      // Blocked checks name the root of the chain.
      expect(reports['federation']).toMatchObject({ status: 'skip', blockedBy: 'endpoints' });
    }));

  it('fail federation when the AD FS server is black-holed, naming the stage, within one time limit', () =>
    inWorld(world('federated-idp-unreachable'), async (w) => {
      const reports = await diagnose(w, { upn: 'meganb@contoso.com', timeoutMs: 800 });
      expect(reports['tenant-discovery']).toMatchObject({ status: 'pass', output: { namespace: 'Federated', federation: { host: 'adfs.contoso.com' } } });
      expect(reports['tenant-discovery']?.evidence).toContainEqual({ label: 'Federation server', value: 'adfs.contoso.com', sensitive: true });
      const report = reports['federation'];
      // fail, not error: the probe gave up under its own limit, before the runner's.
      expect(report?.status).toBe('fail');
      expect(report?.summary).toMatch(/^The federation server adfs\.contoso\.com does not answer from this machine: it accepts the connection on port 443 but never completes the TLS handshake \(.*\), stopped at TLS\./);
      expect(report?.summary).toContain("cause of every sign-in failure of contoso.com's users");
      expect(report?.remediation.map((r) => r.runBy)).toEqual(['network-team', 'another-admin', 'admin']);
      expect(report?.remediation[0]?.commands).toEqual(['Resolve-DnsName adfs.contoso.com', 'Test-NetConnection adfs.contoso.com -Port 443']);
    }));

  it('pass federation when the AD FS server answers', () =>
    inWorld(world('federated-idp-unreachable', { faults: { 'adfs.contoso.com': { blackHole: false } } }), async (w) => {
      const reports = await diagnose(w, { upn: 'meganb@contoso.com' });
      expect(reports['federation']).toMatchObject({ status: 'pass', summary: expect.stringMatching(/^The federation server adfs\.contoso\.com answers over HTTPS \(HTTP 200, direct\)/) });
      expect(w.audit.some((r) => r.host === 'adfs.contoso.com' && r.path === '/adfs/ls/')).toBe(true);
    }));

  it('pass federation without probing when app-only sign-in is configured', () =>
    inWorld(world('federated-idp-unreachable'), async (w) => {
      const reports = await diagnose(w, { upn: 'meganb@contoso.com', appId: '5b1c7e3a-9d2f-4e6b-8a4c-1f0d3e5b7a92' });
      expect(reports['federation']).toMatchObject({ status: 'pass', summary: expect.stringContaining('never to a federation server') });
      expect(w.audit.some((r) => r.host === 'adfs.contoso.com')).toBe(false);
    }));
});
