// The Graph checks (mfa-state, exo-app-principal, sign-in-log) against the simulated world, with real
// MSAL tokens: per scenario, the verdict, the fix, and that the doctor only read.
import { afterEach, describe, expect, it } from 'vitest';
import { exoAppPrincipal } from '../../checks/exo-app-principal.js';
import { mfaState } from '../../checks/mfa-state.js';
import { proxyConfig } from '../../checks/proxy-config.js';
import { signInLog } from '../../checks/sign-in-log.js';
import type { Config, Context } from '../../src/context.js';
import type { ExoSession, GraphSession } from '../../src/auth/identity.js';
import type { ProxyPlan } from '../../src/net/routes.js';
import type { World } from '../../src/sim/world.js';
import { fakeConfig } from '../support/fake-context.js';
import { exoSession, graphSession } from '../support/identity.js';
import { runCheck } from '../support/run-check.js';
import { world, writesIn } from '../support/world.js';

const APP = '5b1c7e3a-9d2f-4e6b-8a4c-1f0d3e5b7a92';
const MEGAN = 'meganb@contoso.com';
const ADELE = 'adelev@contoso.com';

let current: World | undefined;
afterEach(async () => {
  if (current) expect(writesIn(current.audit)).toEqual([]);
  await current?.stop();
  current = undefined;
});

async function start(name: string, changes: Record<string, unknown> = {}): Promise<World> {
  current = await world(name, changes);
  return current;
}

/** A doctor context in the world and the proxy plan of its (clean) machine. */
async function doctor(w: World, config: Partial<Config> = {}): Promise<{ ctx: Context; plan: ProxyPlan }> {
  const ctx = w.context(fakeConfig({ timeoutMs: 5000, ...config }));
  const plan = await runCheck(proxyConfig, ctx);
  if (plan.status !== 'pass' && plan.status !== 'warn') throw new Error(`proxy-config: ${plan.summary}`);
  return { ctx, plan: plan.output };
}

/** The Exchange sign-in the module would make, or undefined when Entra refuses it (it is logged either way). */
async function tryExo(w: World, upn = MEGAN): Promise<ExoSession | undefined> {
  try {
    return await exoSession(w, { upn });
  } catch {
    return undefined;
  }
}

const mfa = (ctx: Context, plan: ProxyPlan, graph: GraphSession, exo?: ExoSession) =>
  runCheck(mfaState, ctx, { 'graph-token': graph, 'proxy-config': plan, 'exo-token': exo });
const principal = (ctx: Context, plan: ProxyPlan, graph: GraphSession) => runCheck(exoAppPrincipal, ctx, { 'graph-token': graph, 'proxy-config': plan });
const log = (ctx: Context, plan: ProxyPlan, graph: GraphSession) => runCheck(signInLog, ctx, { 'graph-token': graph, 'proxy-config': plan });

function noToken(result: unknown, ...sessions: ({ accessToken: string } | undefined)[]): void {
  const text = JSON.stringify(result);
  for (const s of sessions) if (s) expect(text).not.toContain(s.accessToken);
  expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
}

describe('healthy', () => {
  it('passes all three: MFA required by policy and registered, app open, last sign-in succeeded', async () => {
    const w = await start('healthy');
    const exo = await tryExo(w);
    const graph = await graphSession(w);
    const { ctx, plan } = await doctor(w);

    const state = await mfa(ctx, plan, graph, exo);
    expect(state).toMatchObject({
      status: 'pass',
      summary: 'MFA is required by policy “Require MFA for administrators” and the account has Microsoft Authenticator and a phone number (SMS or voice) registered.',
    });
    expect(state.evidence).toContainEqual({ label: 'Account', value: MEGAN, sensitive: true });
    expect(state.evidence).toContainEqual({ label: 'This sign-in (amr)', value: 'MFA was done (amr pwd, mfa)' });
    expect(state.evidence).toContainEqual({ label: 'Admin roles', value: 'Global Administrator (from role assignments)' });
    noToken(state, graph, exo);

    expect(await principal(ctx, plan, graph)).toMatchObject({ status: 'pass', summary: 'Microsoft Exchange REST API Based Powershell is enabled and open to every user of the tenant.' });

    const signIns = await log(ctx, plan, graph);
    expect(signIns).toMatchObject({ status: 'pass', summary: expect.stringMatching(/^The latest sign-in to Exchange Online PowerShell \(.+\) succeeded\.$/) });
    expect(signIns.evidence).toContainEqual({ label: 'Sign-in 1', value: expect.stringContaining('succeeded; Conditional Access: success (“Require MFA for administrators”: success)') });
  });

  it('skips mfa-state without Entra roles that may read others, naming them', async () => {
    const w = await start('healthy');
    const graph = await graphSession(w, { upn: ADELE, subject: MEGAN });
    const { ctx, plan } = await doctor(w);
    const state = await mfa(ctx, plan, graph);
    expect(state.status).toBe('skip');
    expect(state.summary).toContain('the signed-in account holds no Entra role that may read the per-user MFA state (Global Reader, Authentication Administrator, Privileged Authentication Administrator)');
    if (state.status !== 'skip') return;
    expect(state.remediation?.[0]).toMatchObject({ runBy: 'another-admin' });
  });

  it('skips mfa-state naming the scope to consent when the Graph token lacks it', async () => {
    const w = await start('healthy');
    const graph = await graphSession(w, { scopes: ['User.Read'] });
    const { ctx, plan } = await doctor(w);
    const state = await mfa(ctx, plan, graph);
    expect(state.status).toBe('skip');
    expect(state.summary).toContain('reading the per-user MFA state needs the Graph permission Policy.Read.All, which was not consented for this sign-in');
    if (state.status !== 'skip') return;
    expect(state.remediation?.map((r) => r.commands[0])).toContain('Connect-MgGraph -Scopes Policy.Read.All');
  });

  it('skips the account checks for app-only without --target', async () => {
    const w = await start('healthy');
    const graph = await graphSession(w, { appOnly: { appId: APP } });
    const { ctx, plan } = await doctor(w, { appId: APP, certificateFile: 'cert.pem' });
    expect(await mfa(ctx, plan, graph)).toMatchObject({ status: 'skip', summary: expect.stringContaining('no --target') });
    expect(await log(ctx, plan, graph)).toMatchObject({ status: 'skip', summary: expect.stringContaining('no --target') });
    expect((await principal(ctx, plan, graph)).status).toBe('pass');
  });

  it('skips sign-in-log naming Entra ID P1 when the tenant has none, while mfa-state still passes', async () => {
    const w = await start('healthy', { tenant: { entraP1: false } });
    const graph = await graphSession(w);
    const { ctx, plan } = await doctor(w);
    const signIns = await log(ctx, plan, graph);
    expect(signIns).toMatchObject({ status: 'skip', summary: expect.stringContaining('needs a Microsoft Entra ID P1 (or P2) licence') });
    expect((await mfa(ctx, plan, graph)).status).toBe('pass');
  });
});

describe('mfa-required-not-registered', () => {
  it('fails mfa-state with AADSTS50079, aka.ms/mfasetup and a Temporary Access Pass; the log shows the failure', async () => {
    const w = await start('mfa-required-not-registered');
    expect(await tryExo(w)).toBeUndefined();
    // Megan cannot sign in to Graph either: a helper application looks at her.
    const graph = await graphSession(w, { appOnly: { appId: APP }, subject: MEGAN });
    const { ctx, plan } = await doctor(w, { appId: APP, certificateFile: 'cert.pem', target: MEGAN });

    const state = await mfa(ctx, plan, graph);
    expect(state).toMatchObject({
      status: 'fail',
      summary: 'MFA is required by policy “Require MFA for administrators”, but no method is registered: sign-in stops at AADSTS50079 until the user registers at https://aka.ms/mfasetup.',
    });
    if (state.status !== 'fail') return;
    expect(state.remediation[1]).toMatchObject({ runBy: 'another-admin', commands: expect.arrayContaining([expect.stringMatching(/^New-MgUserAuthenticationTemporaryAccessPassMethod -UserId meganb@contoso\.com /)]) });
    expect(state.evidence).toContainEqual({ label: 'Registered methods', value: 'none besides the password' });

    const signIns = await log(ctx, plan, graph);
    expect(signIns).toMatchObject({ status: 'warn', summary: expect.stringContaining('failed with AADSTS50079') });
  });
});

describe('per-user MFA', () => {
  it('warns that the account is not enabled for MFA (the seed article)', async () => {
    const w = await start('per-user-mfa-off');
    const exo = await tryExo(w);
    const graph = await graphSession(w);
    const { ctx, plan } = await doctor(w);
    const state = await mfa(ctx, plan, graph, exo);
    expect(state).toMatchObject({ status: 'warn', summary: expect.stringMatching(/^This account is not enabled for MFA: no per-user MFA, no security defaults, no Conditional Access policy requires it/) });
    expect(state.summary).toContain("Microsoft's mandatory MFA covers the admin portals, not Exchange Online PowerShell.");
    expect(state.evidence).toContainEqual({ label: 'This sign-in (amr)', value: 'no MFA (amr pwd)' });
    if (state.status !== 'warn') return;
    expect(state.remediation.map((r) => r.runBy)).toEqual(['admin', 'admin']);
    expect(state.output).toMatchObject({ required: false, performed: false });
  });

  it('passes when per-user MFA is enforced and Authenticator is registered', async () => {
    const w = await start('per-user-mfa-off', {
      users: [
        { upn: MEGAN, displayName: 'Megan Bowen', id: '2e6a8c1f-4b7d-4f0e-9a3c-6d5b8e1f2a40', perUserMfa: 'enforced', methods: ['microsoftAuthenticator'], roles: ['Global Administrator'], exoModuleEnabled: true },
      ],
    });
    const exo = await tryExo(w);
    const graph = await graphSession(w);
    const { ctx, plan } = await doctor(w);
    const state = await mfa(ctx, plan, graph, exo);
    expect(state).toMatchObject({ status: 'pass', summary: 'MFA is required by per-user MFA (enforced) and the account has Microsoft Authenticator registered.' });
    expect(state.evidence).toContainEqual({ label: 'Per-user MFA', value: 'enforced' });
  });
});

describe('device-code-blocked-by-ca', () => {
  it('fails when the sign-in is by device code, naming the policy and AADSTS53003', async () => {
    const w = await start('device-code-blocked-by-ca');
    expect(await tryExo(w)).toBeUndefined();
    const graph = await graphSession(w, { appOnly: { appId: APP }, subject: MEGAN });
    const { ctx, plan } = await doctor(w, { signIn: 'device-code', target: MEGAN });
    const state = await mfa(ctx, plan, graph);
    expect(state).toMatchObject({
      status: 'fail',
      summary: 'Conditional Access policy “Block device code flow” blocks the device-code flow: Connect-ExchangeOnline -Device fails with AADSTS53003, and device code is how this sign-in is made.',
    });
    expect(state.evidence).toContainEqual({ label: 'Also', value: expect.stringMatching(/^MFA is required by policy “Require MFA for administrators” and the account has Microsoft Authenticator/) });
    if (state.status !== 'fail') return;
    expect(state.remediation[0]?.commands).toContain('Connect-ExchangeOnline -UserPrincipalName meganb@contoso.com');

    const signIns = await log(ctx, plan, graph);
    expect(signIns).toMatchObject({ status: 'warn', summary: expect.stringContaining('AADSTS53003') });
    expect(signIns.summary).toContain('Conditional Access policies that failed it: “Require MFA for administrators”, “Block device code flow”.');
  });

  it('only warns when the admin signs in in a browser', async () => {
    const w = await start('device-code-blocked-by-ca');
    const graph = await graphSession(w, { appOnly: { appId: APP }, subject: MEGAN });
    const { ctx, plan } = await doctor(w, { signIn: 'browser', target: MEGAN });
    const state = await mfa(ctx, plan, graph);
    expect(state).toMatchObject({ status: 'warn', summary: expect.stringContaining('signing in in a browser (Connect-ExchangeOnline without -Device) is not affected') });
  });
});

describe('exo-app-principal', () => {
  it('fails when the app is disabled (AADSTS7000112), with Update-MgServicePrincipal for another admin', async () => {
    const w = await start('exo-app-disabled');
    expect(await tryExo(w)).toBeUndefined();
    const graph = await graphSession(w);
    const { ctx, plan } = await doctor(w);
    const result = await principal(ctx, plan, graph);
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringContaining('is disabled in this tenant: every Connect-ExchangeOnline stops at AADSTS7000112') });
    if (result.status !== 'fail') return;
    expect(result.remediation[0]).toMatchObject({ runBy: 'another-admin', commands: expect.arrayContaining(['Update-MgServicePrincipal -ServicePrincipalId $sp.Id -AccountEnabled:$true']) });
    expect(await log(ctx, plan, graph)).toMatchObject({ status: 'warn', summary: expect.stringContaining('AADSTS7000112') });
  });

  it('fails an account that is not assigned (AADSTS50105), and passes one that is', async () => {
    const w = await start('assignment-required');
    expect(await tryExo(w)).toBeUndefined();
    const graph = await graphSession(w);
    const { ctx, plan } = await doctor(w);
    const result = await principal(ctx, plan, graph);
    expect(result).toMatchObject({ status: 'fail', summary: 'Microsoft Exchange REST API Based Powershell requires assignment and the account is not assigned: Connect-ExchangeOnline stops at AADSTS50105.' });
    if (result.status !== 'fail') return;
    expect(result.remediation[0]?.commands).toContain('$user = Get-MgUser -UserId meganb@contoso.com');

    const adele = await graphSession(w, { upn: ADELE });
    expect(await principal(ctx, plan, adele)).toMatchObject({ status: 'pass', summary: expect.stringContaining('the account is assigned') });
  });

  it('skips the assignment for app-only sign-in without --target', async () => {
    const w = await start('assignment-required');
    const graph = await graphSession(w, { appOnly: { appId: APP } });
    const { ctx, plan } = await doctor(w, { appId: APP, certificateFile: 'cert.pem' });
    expect(await principal(ctx, plan, graph)).toMatchObject({ status: 'pass', summary: expect.stringContaining('app-only sign-in does not use this app') });
  });
});
