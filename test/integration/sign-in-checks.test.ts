// exo-token, token-claims and graph-token against the simulated world, with the real MSAL library.
import { afterEach, describe, expect, it } from 'vitest';
import { exoToken } from '../../checks/exo-token.js';
import { graphToken } from '../../checks/graph-token.js';
import { proxyConfig } from '../../checks/proxy-config.js';
import { tokenClaims } from '../../checks/token-claims.js';
import { CLOUDS } from '../../src/clouds.js';
import type { Config, Context } from '../../src/context.js';
import type { ExoSession, TenantInfo } from '../../src/auth/identity.js';
import type { ProxyPlan } from '../../src/net/routes.js';
import { simulatedBrowser } from '../../src/sim/browser.js';
import type { World } from '../../src/sim/world.js';
import { fakeConfig } from '../support/fake-context.js';
import { runCheck } from '../support/run-check.js';
import { claimsOf, world, writesIn } from '../support/world.js';

const APP = '5b1c7e3a-9d2f-4e6b-8a4c-1f0d3e5b7a92';
let current: World | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

async function start(name: string, changes: Record<string, unknown> = {}): Promise<World> {
  current = await world(name, changes);
  return current;
}

function tenantOf(w: World): TenantInfo {
  const t = w.scenario.tenant;
  return { query: t.domains[0] as string, tenantId: t.id, cloud: CLOUDS[t.environment], environment: t.environment, namespace: t.namespace ?? 'Managed' };
}

async function planIn(ctx: Context): Promise<ProxyPlan> {
  const result = await runCheck(proxyConfig, ctx);
  if (result.status !== 'pass' && result.status !== 'warn') throw new Error(`proxy-config: ${result.summary}`);
  return result.output;
}

/** exo-token in the world, with what it told the user. */
async function signInWith(w: World, config: Partial<Config>, machine: { files?: Record<string, string> } = {}) {
  const ctx = w.context(fakeConfig({ upn: w.scenario.signIn.upn, timeoutMs: 5000, ...config }), () => undefined, machine);
  const notices: string[] = [];
  const deps = { inputs: { upn: config.upn ?? w.scenario.signIn.upn, tenant: w.scenario.tenant.domains[0] as string }, 'proxy-config': await planIn(ctx), 'tenant-discovery': tenantOf(w) };
  const result = await runCheck(exoToken, ctx, deps, { notify: (m) => notices.push(m) });
  return { ctx, result, notices, deps };
}

describe('exo-token', () => {
  it('waits out the poll interval Entra asks for before the pending device code is approved', async () => {
    // The built-in tenants poll with no interval; this one keeps Entra's pacing (a real tenant asks for 5 s).
    const w = await start('healthy', { deviceCode: { intervalSeconds: 1 } });
    const { result } = await signInWith(w, { signIn: 'device-code' });
    expect(result.status).toBe('pass');
    const polls = w.audit.filter((r) => r.grantType === 'device_code');
    expect(polls.map((r) => r.status)).toEqual([400, 200]);
  });

  it('signs in with a device code as the module does, shows the code message, and hands on the session', async () => {
    const w = await start('healthy');
    const { result, notices, ctx } = await signInWith(w, { signIn: 'device-code' });
    expect(result).toMatchObject({ status: 'pass', summary: 'Got an Exchange Online token for meganb@contoso.com.' });
    if (result.status !== 'pass') return;
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^Exchange Online sign-in \(as Connect-ExchangeOnline -Device does\): To sign in, use a web browser to open the page https:\/\/microsoft\.com\/devicelogin and enter the code [A-Z0-9]+/);
    expect(result.output).toMatchObject({ mode: 'device-code', appOnly: false, clientId: 'fb78d390-0c51-40cd-8e17-fdbfab77341b', upn: 'meganb@contoso.com', subject: 'meganb@contoso.com' });
    expect(claimsOf(result.output.accessToken)).toMatchObject({ aud: 'https://outlook.office365.com', appid: 'fb78d390-0c51-40cd-8e17-fdbfab77341b' });
    // The token is a secret from now on: the redactor masks it anywhere it would appear.
    expect(ctx.redactor.apply(`Bearer ${result.output.accessToken}`)).not.toContain(result.output.accessToken);
    expect(JSON.stringify(result.evidence)).not.toContain(result.output.accessToken.slice(0, 40));
    const tokenRequests = w.audit.filter((r) => r.path.endsWith('/oauth2/v2.0/token'));
    expect(tokenRequests.length).toBeGreaterThan(0);
    expect(writesIn(w.audit)).toEqual([]);
  });

  it('decodes AADSTS50079 from the device-code poll, where MSAL itself keeps only "post_request_failed"', async () => {
    const w = await start('mfa-required-not-registered');
    const { result } = await signInWith(w, { signIn: 'device-code' });
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringMatching(/^Sign-in to Exchange Online was refused with AADSTS50079 \(/) });
    if (result.status !== 'fail') return;
    const facts = Object.fromEntries(result.evidence.map((e) => [e.label, e.value]));
    expect(facts['Error code']).toBe('AADSTS50079');
    expect(facts['Correlation ID']).toMatch(/^[0-9a-f-]{36}$/);
    expect(facts['Trace ID']).toMatch(/^[0-9a-f-]{36}$/);
    expect(facts['Timestamp']).toMatch(/^\d{4}-\d{2}-\d{2}/);
    expect(result.remediation[0].links[0]).toMatch(/^https:\/\//);
  });

  it.each([
    ['assignment-required', 50105],
    ['exo-app-disabled', 7000112],
    ['device-code-blocked-by-ca', 53003],
  ])('names the AADSTS code of scenario %s', async (name, code) => {
    const w = await start(name);
    const { result } = await signInWith(w, { signIn: 'device-code' });
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringContaining(`AADSTS${code}`) });
  });

  it('signs in app-only with a certificate from a PEM file', async () => {
    const w = await start('app-only-no-role');
    const cert = w.credentials(APP)?.certificate;
    const pem = `${cert?.keyPem}${cert?.certPem}`;
    const { result } = await signInWith(w, { upn: undefined, tenant: 'contoso.onmicrosoft.com', appId: APP, certificateFile: '/secure/app.pem' }, { files: { '/secure/app.pem': pem } });
    expect(result).toMatchObject({ status: 'pass', summary: `Got an Exchange Online token for application ${APP}.` });
    if (result.status !== 'pass') return;
    expect(result.output).toMatchObject({ mode: 'certificate', appOnly: true, clientId: APP });
    expect(result.output.subject).toBeUndefined();
    expect(result.evidence.find((e) => e.label === 'Certificate')?.value).toMatch(/SHA-1 thumbprint [0-9A-F]{40}/);
  });

  it('fails app-only sign-in with AADSTS700024 when the clock runs 12 minutes fast', async () => {
    const w = await start('clock-skew');
    const cert = w.credentials(APP)?.certificate;
    const { result } = await signInWith(w, { appId: APP, certificateFile: '/app.pem' }, { files: { '/app.pem': `${cert?.certPem}${cert?.keyPem}` } });
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringContaining('AADSTS700024') });
  });

  it('refuses a certificate file without its private key, saying how to export one', async () => {
    const w = await start('healthy');
    const cert = w.credentials(APP)?.certificate;
    const { result } = await signInWith(w, { appId: APP, certificateFile: '/app.cer' }, { files: { '/app.cer': cert?.certPem as string } });
    expect(result).toMatchObject({ status: 'fail', summary: 'The certificate cannot be used: /app.cer holds the certificate but not its private key.' });
  });

  it('signs in app-only with a client secret, and says the module itself takes no secret', async () => {
    const w = await start('healthy');
    const { result } = await signInWith(w, { appId: APP, clientSecret: w.credentials(APP)?.secret as string });
    expect(result).toMatchObject({ status: 'pass', summary: expect.stringContaining('Connect-ExchangeOnline has no client-secret parameter') });
  });

  it('names a wrong client secret (AADSTS7000215)', async () => {
    const w = await start('healthy');
    const { result } = await signInWith(w, { appId: APP, clientSecret: 'not-the-secret' });
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringContaining('AADSTS7000215') });
    expect(JSON.stringify(result)).not.toContain('not-the-secret');
  });

  it('signs in through the browser flow: the loopback redirect MSAL listens on receives the code', async () => {
    const w = await start('healthy');
    const opened: string[] = [];
    const browser = simulatedBrowser(() => ctx);
    const ctx: Context = w.context(fakeConfig({ upn: 'meganb@contoso.com', signIn: 'browser' }), () => undefined, {
      exec: (command, args, options) => {
        if (command === 'xdg-open') opened.push(args[0] as string);
        return browser(command, args, options);
      },
    });
    const deps = { inputs: { upn: 'meganb@contoso.com', tenant: 'contoso.com' }, 'proxy-config': await planIn(ctx), 'tenant-discovery': tenantOf(w) };
    const notices: string[] = [];
    const result = await runCheck(exoToken, ctx, deps, { notify: (m) => notices.push(m) });
    expect(result).toMatchObject({ status: 'pass', summary: 'Got an Exchange Online token for meganb@contoso.com.' });
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatch(/^https:\/\/login\.microsoftonline\.com\/9188040d-6c67-4c5b-b112-36a304b66dad\/oauth2\/v2\.0\/authorize\?/);
    expect(notices[0]).toBe('Sign in in the browser window that opens; exo-doctor continues when you are done.');
  });

  it('stops at once, pointing to device code, when no browser can be opened', async () => {
    const w = await start('healthy');
    const { result } = await signInWith(w, { signIn: 'browser' });
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringContaining('no browser could be opened on this machine (xdg-open: not-found); run again with --sign-in device-code') });
  });

  it('keeps tokens in a private cache file, so a second run does not prompt', async () => {
    const w = await start('healthy');
    const { mkdtemp, stat, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/exo-doctor-cache-`);
    try {
      const cache = `${dir}/tokens.json`;
      const first = await signInWith(w, { signIn: 'device-code', tokenCache: cache });
      expect(first.result.status).toBe('pass');
      expect(first.notices).toHaveLength(1);
      expect((await stat(cache)).mode & 0o777).toBe(0o600);
      const second = await signInWith(w, { signIn: 'device-code', tokenCache: cache });
      expect(second.result).toMatchObject({ status: 'pass', summary: 'Got an Exchange Online token for meganb@contoso.com from the token cache.' });
      expect(second.notices).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('skips, with the ways to sign in, when no one is at a terminal and no sign-in was asked for', async () => {
    const w = await start('healthy');
    const { result } = await signInWith(w, {});
    expect(result).toMatchObject({ status: 'skip', summary: expect.stringContaining('No one is at a terminal') });
    expect(w.audit).toEqual([]);
  });

  it('fails in plain words when the login host cannot be reached', async () => {
    const w = await start('healthy', { faults: { 'login.microsoftonline.com': { reset: true } } });
    const { result } = await signInWith(w, { signIn: 'device-code', timeoutMs: 2000 });
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringMatching(/^Sign-in to Exchange Online could not reach login\.microsoftonline\.com: [a-z ]+ \([A-Z_]+\)\./) });
  });
});

describe('token-claims', () => {
  async function claimsFor(w: World, session: ExoSession) {
    const ctx = w.context(fakeConfig());
    return runCheck(tokenClaims, ctx, { 'exo-token': session, 'tenant-discovery': tenantOf(w) });
  }

  it('explains a healthy token without printing it', async () => {
    const w = await start('healthy');
    const { result } = await signInWith(w, { signIn: 'device-code' });
    if (result.status !== 'pass') throw new Error(result.summary);
    const claims = await claimsFor(w, result.output);
    expect(claims).toMatchObject({ status: 'pass', summary: expect.stringMatching(/^The token is for Exchange Online in the right tenant, valid (\d+ h )?\d+ min left, with Global Administrator\.$/) });
    const facts = Object.fromEntries(claims.evidence.map((e) => [e.label, e.value]));
    expect(facts['Sign-in methods (amr)']).toBe('password, multi-factor authentication');
    expect(facts['Entra roles (wids)']).toBe('Global Administrator');
    expect(JSON.stringify(claims)).not.toContain(result.output.accessToken.split('.')[1]);
  });

  it('warns when the account holds no Exchange-capable role', async () => {
    const w = await start('no-exchange-role');
    const { result } = await signInWith(w, { signIn: 'device-code' });
    if (result.status !== 'pass') throw new Error(result.summary);
    expect(await claimsFor(w, result.output)).toMatchObject({ status: 'warn', summary: expect.stringContaining('holds no Entra role that Exchange maps to admin permissions') });
  });

  it('fails a token for another audience, another tenant, or one already expired', async () => {
    const w = await start('healthy');
    const { result } = await signInWith(w, { signIn: 'device-code' });
    if (result.status !== 'pass') throw new Error(result.summary);
    const s = result.output;
    expect(await claimsFor(w, { ...s, claims: { ...s.claims, aud: 'https://graph.microsoft.com' } })).toMatchObject({ status: 'fail', summary: expect.stringContaining('not for Exchange Online') });
    expect(await claimsFor(w, { ...s, claims: { ...s.claims, tid: '00000000-0000-0000-0000-000000000001' } })).toMatchObject({ status: 'fail', summary: expect.stringContaining('another tenant') });
    const past = Math.floor(Date.now() / 1000) - 600;
    expect(await claimsFor(w, { ...s, claims: { ...s.claims, exp: past } })).toMatchObject({ status: 'fail', summary: expect.stringMatching(/^The token expired 10 min ago/) });
  });
});

describe('graph-token', () => {
  it('signs in a second time with the Graph PowerShell client and explicit read scopes, and finds the account', async () => {
    const w = await start('healthy');
    const ctx = w.context(fakeConfig({ upn: 'meganb@contoso.com', signIn: 'device-code' }));
    const notices: string[] = [];
    const deps = { inputs: { upn: 'meganb@contoso.com', tenant: 'contoso.com' }, 'proxy-config': await planIn(ctx), 'tenant-discovery': tenantOf(w), 'exo-token': undefined };
    const result = await runCheck(graphToken, ctx, deps, { notify: (m) => notices.push(m) });
    expect(result).toMatchObject({ status: 'pass', summary: 'Got a Microsoft Graph token; looking at meganb@contoso.com.' });
    if (result.status !== 'pass') return;
    expect(result.output).toMatchObject({ graphHost: 'graph.microsoft.com', appOnly: false, subject: { upn: 'meganb@contoso.com', id: '2e6a8c1f-4b7d-4f0e-9a3c-6d5b8e1f2a40' } });
    expect(result.output.permissions).toEqual(expect.arrayContaining(['Policy.Read.All', 'AuditLog.Read.All']));
    expect(notices[0]).toMatch(/^Microsoft Graph sign-in, for the MFA, role and sign-in log checks/);
    expect(writesIn(w.audit)).toEqual([]);
  });

  it('skips, naming the consent to give, when the Graph client has no consent for the scopes', async () => {
    const w = await start('healthy', { graphConsentedScopes: ['User.Read'] });
    const ctx = w.context(fakeConfig({ upn: 'alexw@contoso.com', signIn: 'device-code' }));
    w.signInAs('adelev@contoso.com');
    const deps = { inputs: { upn: 'adelev@contoso.com', tenant: 'contoso.com' }, 'proxy-config': await planIn(ctx), 'tenant-discovery': tenantOf(w), 'exo-token': undefined };
    const result = await runCheck(graphToken, ctx, deps);
    expect(result.status).toBe('skip');
    expect(result.summary).toContain('AADSTS65001');
    expect(result.status === 'skip' && result.remediation?.[0].commands[0]).toMatch(/^Connect-MgGraph -Scopes User\.Read\.All,/);
  });

  it('looks at the --target account when signed in as another admin', async () => {
    const w = await start('powershell-disabled');
    w.signInAs('adelev@contoso.com');
    const ctx = w.context(fakeConfig({ upn: 'adelev@contoso.com', target: 'meganb@contoso.com', signIn: 'device-code' }));
    const deps = { inputs: { upn: 'adelev@contoso.com', tenant: 'contoso.com' }, 'proxy-config': await planIn(ctx), 'tenant-discovery': tenantOf(w), 'exo-token': undefined };
    const result = await runCheck(graphToken, ctx, deps);
    expect(result).toMatchObject({ status: 'pass', output: { subject: { upn: 'meganb@contoso.com' } } });
  });
});
