// exo-connection, exo-user-access, exo-roles and org-oauth2-client-profile in the simulated world, with
// real tokens from its Entra ID (real MSAL) and real HTTPS to its Exchange admin API and Graph.
import type { Dispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { exoConnection } from '../../checks/exo-connection.js';
import { exoRoles } from '../../checks/exo-roles.js';
import { exoUserAccess } from '../../checks/exo-user-access.js';
import { orgOauth2ClientProfile } from '../../checks/org-oauth2-client-profile.js';
import { proxyConfig } from '../../checks/proxy-config.js';
import type { Context } from '../../src/context.js';
import type { ExoSession } from '../../src/auth/identity.js';
import type { ProxyPlan } from '../../src/net/routes.js';
import type { CheckResult } from '../../src/result.js';
import type { World } from '../../src/sim/world.js';
import { fakeConfig } from '../support/fake-context.js';
import { exoSession, graphSession } from '../support/identity.js';
import { runCheck } from '../support/run-check.js';
import { world, writesIn } from '../support/world.js';

const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const APP = '5b1c7e3a-9d2f-4e6b-8a4c-1f0d3e5b7a92';
const ALEX = '9a1b3c5d-7e2f-4a6b-8c0d-2e4f6a8b0c13';
const MEGAN = '2e6a8c1f-4b7d-4f0e-9a3c-6d5b8e1f2a40';
const EXCHANGE_ADMIN = '29232cdf-9323-42fd-ade2-1d097af3e4de';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Sent {
  readonly url: string;
  readonly headers: Record<string, string>;
}

let current: World | undefined;
afterEach(async () => {
  if (current) {
    // The doctor only read: GETs, token requests and Get- cmdlets.
    expect(writesIn(current.audit)).toEqual([]);
    await current.stop();
  }
  current = undefined;
});

/** A world, a doctor context in it that records every request it sends, and the proxy plan of its clean machine. */
async function setup(name: string, changes: Record<string, unknown> = {}, timeoutMs = 5000) {
  const w = await world(name, changes);
  current = w;
  const sent: Sent[] = [];
  const base = w.context(fakeConfig({ timeoutMs }));
  const ctx: Context = Object.create(base, {
    dispatcher: {
      value: async (options: Parameters<Context['dispatcher']>[0]) =>
        (await base.dispatcher(options)).compose((dispatch: Dispatcher['dispatch']) => (opts, handler) => {
          sent.push({ url: `${String(opts.origin)}${opts.path}`, headers: lowerCase(opts.headers) });
          return dispatch(opts, handler);
        }),
    },
  });
  const planned = await runCheck(proxyConfig, ctx);
  if (planned.status !== 'pass' && planned.status !== 'warn') throw new Error(planned.summary);
  const plan: ProxyPlan = planned.output;
  const invokes = () => sent.filter((s) => s.url.includes('/InvokeCommand'));
  return { w, ctx, plan, sent, invokes };
}

function lowerCase(headers: unknown): Record<string, string> {
  if (!headers || typeof headers !== 'object') return {};
  if (Array.isArray(headers)) {
    const out: Record<string, string> = {};
    for (let i = 0; i + 1 < headers.length; i += 2) out[String(headers[i]).toLowerCase()] = String(headers[i + 1]);
    return out;
  }
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

function value(result: CheckResult<unknown>, label: string): string | undefined {
  return result.evidence.find((e) => e.label === label)?.value;
}

const commands = (result: CheckResult<unknown>) => ('remediation' in result && result.remediation ? result.remediation.flatMap((r) => r.commands) : []);

describe('healthy tenant', () => {
  it('connects as the admin, with the module headers, and every later check passes', async () => {
    const { w, ctx, plan, invokes } = await setup('healthy');
    const session = await exoSession(w);
    const connection = await runCheck(exoConnection, ctx, { 'exo-token': session, 'proxy-config': plan });
    expect(connection).toMatchObject({ status: 'pass', summary: expect.stringContaining('Contoso') });
    if (connection.status !== 'pass') return;
    expect(connection.output.organization['OAuth2ClientProfileEnabled']).toBe(true);

    const [sent] = invokes();
    expect(sent?.url).toBe(`https://outlook.office365.com/adminapi/beta/${TENANT}/InvokeCommand`);
    expect(sent?.headers).toMatchObject({ 'x-anchormailbox': 'UPN:meganb@contoso.com', accept: 'application/json', 'content-type': 'application/json' });
    expect(sent?.headers['client-request-id']).toMatch(GUID);
    expect(value(connection, 'client-request-id')).toBe(sent?.headers['client-request-id']);
    expect(w.audit.filter((r) => r.cmdlet)).toEqual([expect.objectContaining({ cmdlet: 'Get-OrganizationConfig', status: 200, clientId: session.clientId })]);

    const deps = { 'exo-token': session, 'exo-connection': connection.output, 'proxy-config': plan };
    expect(await runCheck(exoUserAccess, ctx, deps)).toMatchObject({ status: 'pass', output: { upn: 'meganb@contoso.com', exoModuleEnabled: true } });
    expect(await runCheck(exoRoles, ctx, { ...deps, 'graph-token': undefined })).toMatchObject({ status: 'pass', output: { roles: ['Global Administrator'] } });
    expect(await runCheck(orgOauth2ClientProfile, ctx, deps)).toMatchObject({ status: 'pass', summary: expect.stringContaining('does not affect PowerShell') });
    // Two cmdlets, each with its own request id.
    expect(new Set(invokes().map((s) => s.headers['client-request-id'])).size).toBe(2);
  });

  it('connects app-only with the system mailbox anchor, and skips the account flag without --target', async () => {
    const { w, ctx, plan, invokes } = await setup('healthy');
    const session = await exoSession(w, { appOnly: { appId: APP, credential: 'certificate' } });
    const connection = await runCheck(exoConnection, ctx, { 'exo-token': session, 'proxy-config': plan });
    expect(connection).toMatchObject({ status: 'pass', summary: expect.stringContaining(`app ${APP}`) });
    expect(invokes()[0]?.headers['x-anchormailbox']).toBe(`APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@${TENANT}`);
    if (connection.status !== 'pass') return;
    const deps = { 'exo-token': session, 'exo-connection': connection.output, 'proxy-config': plan };
    const access = await runCheck(exoUserAccess, ctx, deps);
    expect(access).toMatchObject({ status: 'skip', summary: expect.stringContaining('--target') });
    expect(await runCheck(exoRoles, ctx, { ...deps, 'graph-token': undefined })).toMatchObject({ status: 'pass', output: { roles: ['Exchange Administrator'] } });
  });
});

describe('powershell-disabled', () => {
  it('fails the connection of the locked-out admin with the Set-User fix for another admin', async () => {
    const { w, ctx, plan } = await setup('powershell-disabled');
    const session = await exoSession(w);
    const connection = await runCheck(exoConnection, ctx, { 'exo-token': session, 'proxy-config': plan });
    expect(connection).toMatchObject({ status: 'fail', summary: expect.stringContaining('EXOModuleEnabled / RemotePowerShellEnabled') });
    if (connection.status !== 'fail') return;
    expect(connection.remediation[0]).toMatchObject({ runBy: 'another-admin' });
    expect(commands(connection)).toEqual(
      expect.arrayContaining([
        'Set-User -Identity meganb@contoso.com -EXOModuleEnabled $true',
        'Set-User -Identity meganb@contoso.com -RemotePowerShellEnabled $true',
        'exo-doctor --upn <other admin UPN> --target meganb@contoso.com',
      ]),
    );
    expect(connection.remediation[0]?.summary).toContain('15–20 minutes');
    expect(value(connection, 'HTTP status')).toBe('401');
    expect(value(connection, 'Error code')).toBe('Unauthorized');
    expect(value(connection, 'x-ms-diagnostics')).toBeDefined();
    expect(value(connection, 'client-request-id')).toMatch(GUID);
    expect(value(connection, 'Exchange roles in the token')).toBe('Global Administrator');

    // The role is there; it is not what stops the connection.
    const roles = await runCheck(exoRoles, ctx, { 'exo-token': session, 'proxy-config': plan, 'exo-connection': undefined, 'graph-token': undefined });
    expect(roles).toMatchObject({ status: 'pass', summary: expect.stringContaining('not what stops the connection') });
  });

  it('names the locked-out account when another admin looks at it with --target', async () => {
    const { w, ctx, plan } = await setup('powershell-disabled');
    const session = await exoSession(w, { upn: 'adelev@contoso.com', target: 'meganb@contoso.com' });
    const connection = await runCheck(exoConnection, ctx, { 'exo-token': session, 'proxy-config': plan });
    expect(connection.status).toBe('pass');
    if (connection.status !== 'pass') return;
    const deps = { 'exo-token': session, 'exo-connection': connection.output, 'proxy-config': plan };
    const access = await runCheck(exoUserAccess, ctx, deps);
    expect(access).toMatchObject({ status: 'fail', summary: expect.stringContaining('meganb@contoso.com') });
    expect(value(access, 'EXOModuleEnabled')).toBe('False');
    expect(commands(access)).toContain('Set-User -Identity meganb@contoso.com -EXOModuleEnabled $true');
    if (access.status === 'fail') expect(access.remediation[0]?.runBy).toBe('admin');
    expect(w.audit.filter((r) => r.cmdlet === 'Get-User')).toEqual([expect.objectContaining({ status: 200 })]);

    // The token's roles are Adele's; Graph says what Megan holds.
    const graph = await graphSession(w, { upn: 'adelev@contoso.com', subject: 'meganb@contoso.com' });
    const roles = await runCheck(exoRoles, ctx, { ...deps, 'graph-token': graph });
    expect(roles).toMatchObject({ status: 'pass', output: { roles: ['Global Administrator'] }, summary: expect.stringContaining('meganb@contoso.com') });
    const blind = await runCheck(exoRoles, ctx, { ...deps, 'graph-token': undefined });
    expect(blind).toMatchObject({ status: 'skip', summary: expect.stringContaining('Cannot tell which roles meganb@contoso.com holds') });
  });
});

describe('no-exchange-role', () => {
  it('fails with the role group and Entra role fixes for another admin', async () => {
    const { w, ctx, plan } = await setup('no-exchange-role');
    const session = await exoSession(w);
    const connection = await runCheck(exoConnection, ctx, { 'exo-token': session, 'proxy-config': plan });
    expect(connection).toMatchObject({ status: 'fail', summary: expect.stringContaining('holds no Exchange role') });
    if (connection.status !== 'fail') return;
    expect(connection.remediation.map((r) => r.runBy)).toEqual(['another-admin', 'another-admin']);
    expect(commands(connection)).toEqual(
      expect.arrayContaining([
        'Add-RoleGroupMember -Identity "Organization Management" -Member alexw@contoso.com',
        `New-MgRoleManagementDirectoryRoleAssignment -PrincipalId ${ALEX} -RoleDefinitionId ${EXCHANGE_ADMIN} -DirectoryScopeId "/"`,
      ]),
    );
    const roles = await runCheck(exoRoles, ctx, { 'exo-token': session, 'proxy-config': plan, 'exo-connection': undefined, 'graph-token': undefined });
    expect(roles).toMatchObject({ status: 'fail', summary: expect.stringContaining('holds none of the Entra roles') });
  });

  it('finds an Exchange Administrator role that is eligible in PIM but not activated', async () => {
    const users = [
      { upn: 'alexw@contoso.com', displayName: 'Alex Wilber', id: ALEX, perUserMfa: 'disabled', methods: ['microsoftAuthenticator'], roles: [], eligibleRoles: ['Exchange Administrator'], exoModuleEnabled: true },
      { upn: 'meganb@contoso.com', displayName: 'Megan Bowen', id: MEGAN, perUserMfa: 'disabled', methods: ['microsoftAuthenticator'], roles: ['Global Administrator'], exoModuleEnabled: true },
    ];
    const { w, ctx, plan } = await setup('no-exchange-role', { users });
    const session = await exoSession(w);
    const graph = await graphSession(w);
    const roles = await runCheck(exoRoles, ctx, { 'exo-token': session, 'proxy-config': plan, 'exo-connection': undefined, 'graph-token': graph });
    expect(roles).toMatchObject({ status: 'fail', summary: expect.stringContaining('only eligible for Exchange Administrator') });
    expect(value(roles, 'Eligible Entra roles (PIM)')).toBe('Exchange Administrator');
    if (roles.status === 'fail') expect(roles.remediation[0]).toMatchObject({ runBy: 'admin', commands: expect.arrayContaining([expect.stringContaining(`roleDefinitionId = '${EXCHANGE_ADMIN}'`)]) });
    expect(w.audit.filter((r) => r.path.includes('/roleManagement/')).map((r) => [r.method, r.status])).toEqual([
      ['GET', 200],
      ['GET', 200],
    ]);
  });
});

describe('app-only sign-in', () => {
  it('fails an app without a supported Entra role, listing the eight roles (app-only-no-role)', async () => {
    const { w, ctx, plan } = await setup('app-only-no-role');
    const session = await exoSession(w, { appOnly: { appId: APP, credential: 'certificate' } });
    const connection = await runCheck(exoConnection, ctx, { 'exo-token': session, 'proxy-config': plan });
    expect(connection).toMatchObject({ status: 'fail', summary: expect.stringContaining('Exchange Administrator, Exchange Recipient Administrator, Global Administrator, Global Reader') });
    expect(value(connection, 'HTTP status')).toBe('403');
    expect(commands(connection)).toEqual(
      expect.arrayContaining([`$sp = Get-MgServicePrincipal -Filter "appId eq '${APP}'"`, expect.stringContaining(`-RoleDefinitionId ${EXCHANGE_ADMIN}`)]),
    );
    const roles = await runCheck(exoRoles, ctx, { 'exo-token': session, 'proxy-config': plan, 'exo-connection': undefined, 'graph-token': undefined });
    expect(roles).toMatchObject({ status: 'fail', summary: expect.stringContaining('none of the Entra roles Exchange Online accepts') });
  });

  it('fails an app without Exchange.ManageAsApp with the grant and admin consent', async () => {
    const apps = [{ appId: APP, displayName: 'Contoso EXO automation', exchangeManageAsApp: false, roles: ['Exchange Administrator'], credentials: ['certificate'] }];
    const { w, ctx, plan } = await setup('healthy', { apps });
    const session = await exoSession(w, { appOnly: { appId: APP, credential: 'certificate' } });
    const connection = await runCheck(exoConnection, ctx, { 'exo-token': session, 'proxy-config': plan });
    expect(connection).toMatchObject({ status: 'fail', summary: expect.stringContaining('Exchange.ManageAsApp') });
    if (connection.status !== 'fail') return;
    expect(connection.remediation[0]?.links).toContain(`https://login.microsoftonline.com/${TENANT}/adminconsent?client_id=${APP}`);
    const roles = await runCheck(exoRoles, ctx, { 'exo-token': session, 'proxy-config': plan, 'exo-connection': undefined, 'graph-token': undefined });
    expect(roles).toMatchObject({ status: 'fail', summary: expect.stringContaining('lacks the application permission Exchange.ManageAsApp') });
  });
});

describe('throttling', () => {
  it('fails at once when Retry-After is longer than the time limit (throttled)', async () => {
    const { w, ctx, plan } = await setup('throttled', {}, 2000);
    const session = await exoSession(w);
    const connection = await runCheck(exoConnection, ctx, { 'exo-token': session, 'proxy-config': plan });
    expect(connection).toMatchObject({ status: 'fail', summary: expect.stringContaining('throttling') });
    expect(value(connection, 'Retry-After')).toBe('30 s');
    expect(value(connection, 'rate-limit-remaining')).toBe('0');
    expect(w.audit.filter((r) => r.cmdlet).map((r) => r.status)).toEqual([429]);
  });

  it('waits out a short Retry-After once and then connects', async () => {
    const { w, ctx, plan, invokes } = await setup('healthy', { faults: { 'outlook.office365.com': { throttle: { retryAfterSeconds: 1, first: 1 } } } });
    const session = await exoSession(w);
    const connection = await runCheck(exoConnection, ctx, { 'exo-token': session, 'proxy-config': plan });
    expect(connection.status).toBe('pass');
    expect(w.audit.filter((r) => r.cmdlet).map((r) => r.status)).toEqual([429, 200]);
    const ids = invokes().map((s) => s.headers['client-request-id']);
    expect(ids[0]).not.toBe(ids[1]);
  });
});

describe('oauth2-client-profile-off', () => {
  it('warns about Outlook and says it is not the cause of a PowerShell failure', async () => {
    const { w, ctx, plan } = await setup('oauth2-client-profile-off');
    const session: ExoSession = await exoSession(w);
    const connection = await runCheck(exoConnection, ctx, { 'exo-token': session, 'proxy-config': plan });
    expect(connection.status).toBe('pass');
    if (connection.status !== 'pass') return;
    const result = await runCheck(orgOauth2ClientProfile, ctx, { 'exo-connection': connection.output });
    expect(result).toMatchObject({ status: 'warn', summary: expect.stringContaining('NOT the cause of a PowerShell failure') });
    expect(commands(result)).toContain('Set-OrganizationConfig -OAuth2ClientProfileEnabled $true');
    expect(value(result, 'OAuth2ClientProfileEnabled')).toBe('False');
  });
});
