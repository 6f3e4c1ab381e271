// exo-connection, exo-user-access, exo-roles and org-oauth2-client-profile on the edges the simulated
// world does not reach: recorded Exchange and Graph bodies (fixtures/microsoft) through a fake context.
import { readFileSync } from 'node:fs';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { exoConnection } from '../../../checks/exo-connection.js';
import { exoRoles } from '../../../checks/exo-roles.js';
import { exoUserAccess } from '../../../checks/exo-user-access.js';
import { orgOauth2ClientProfile } from '../../../checks/org-oauth2-client-profile.js';
import { CLOUDS } from '../../../src/clouds.js';
import type { Context } from '../../../src/context.js';
import type { ExoSession, GraphSession } from '../../../src/auth/identity.js';
import { readEnvironmentProxies } from '../../../src/platform/environment.js';
import type { ProxyPlan } from '../../../src/net/routes.js';
import type { CheckResult } from '../../../src/result.js';
import { fakeConfig, fakeContext, LINUX_RUNTIME } from '../../support/fake-context.js';
import { runCheck } from '../../support/run-check.js';

const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const APP = '5b1c7e3a-9d2f-4e6b-8a4c-1f0d3e5b7a92';
const NOW = new Date('2026-11-25T12:00:00Z');
const INVOKE = `/adminapi/beta/${TENANT}/InvokeCommand`;
const GA = '62e90394-69f5-4237-9190-012177145e10';
const EXCHANGE_ADMIN = '29232cdf-9323-42fd-ade2-1d097af3e4de';
const USER_ROLE = 'b79fbf4d-3ef9-4689-8143-76b194e85509';

const fixture = (path: string) => (JSON.parse(readFileSync(new URL(`../../../fixtures/microsoft/${path}`, import.meta.url), 'utf8')) as { example: unknown }).example;

/** This machine has no proxy: every host is reached directly, without probing. */
const DIRECT: ProxyPlan = { machine: { platform: 'linux', environment: readEnvironmentProxies({}), pacAnswers: new Map() }, routes: {} };

const exp = Math.floor(NOW.getTime() / 1000) + 3600;
const MEGAN: ExoSession = {
  cloud: CLOUDS.O365Default,
  tenantId: TENANT,
  mode: 'device-code',
  appOnly: false,
  clientId: 'fb78d390-0c51-40cd-8e17-fdbfab77341b',
  upn: 'meganb@contoso.com',
  subject: 'meganb@contoso.com',
  accessToken: 'eyJ0eXAiOiJKV1QifQ.e30.c2lnbmF0dXJl',
  claims: { aud: 'https://outlook.office365.com', tid: TENANT, oid: '2e6a8c1f-4b7d-4f0e-9a3c-6d5b8e1f2a40', exp, wids: [GA, USER_ROLE] },
};
const ADELE_FOR_MEGAN: ExoSession = { ...MEGAN, upn: 'adelev@contoso.com', claims: { ...MEGAN.claims, oid: '7c3d9e2a-1f5b-4a8c-b6d0-3e9f1a2b4c57', wids: [EXCHANGE_ADMIN, USER_ROLE] } };
const { upn: _upn, subject: _subject, ...anonymous } = MEGAN;
/** The recorded app-only token's claims (fixtures/microsoft/exchange/exo-access-token-claims-app.json), for a fresh expiry. */
const APP_ONLY: ExoSession = { ...anonymous, mode: 'certificate', appOnly: true, clientId: APP, claims: { ...(fixture('exchange/exo-access-token-claims-app.json') as object), exp } };

type Reply = { statusCode: number; data?: string; responseOptions?: { headers?: Record<string, string> } };
const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): Reply => ({ statusCode, data: JSON.stringify(body), responseOptions: { headers: { 'content-type': 'application/json', ...headers } } });

/** A fake machine whose network answers these paths (by prefix) on these origins. */
function machine(answers: Record<string, Reply | Error>): Context {
  const agent = new MockAgent();
  agent.disableNetConnect();
  for (const [url, reply] of Object.entries(answers)) {
    const { origin, pathname } = new URL(url);
    const scope = agent.get(origin).intercept({ path: (p) => p.startsWith(pathname), method: /InvokeCommand/.test(pathname) ? 'POST' : 'GET' });
    if (reply instanceof Error) scope.replyWithError(reply).persist();
    else scope.reply(reply.statusCode, reply.data ?? '', reply.responseOptions ?? {}).persist();
  }
  return fakeContext({ config: fakeConfig({ timeoutMs: 3000 }), now: () => NOW, runtime: LINUX_RUNTIME, dispatcher: async () => agent });
}

const exchange = (reply: Reply | Error) => machine({ [`https://outlook.office365.com${INVOKE}`]: reply });
const unauthorized = (message = 'UnAuthorized') => json(401, { error: { code: 'Unauthorized', message, details: [] } }, { 'x-ms-diagnostics': '2000001;reason="refused"' });
const runBy = (result: CheckResult<unknown>) => ('remediation' in result && result.remediation ? result.remediation.map((r) => r.runBy) : []);
const commands = (result: CheckResult<unknown>) => ('remediation' in result && result.remediation ? result.remediation.flatMap((r) => r.commands) : []);
const value = (result: CheckResult<unknown>, label: string) => result.evidence.find((e) => e.label === label)?.value;

describe('exo-connection', () => {
  const connect = (ctx: Context, session: ExoSession = MEGAN) => runCheck(exoConnection, ctx, { 'exo-token': session, 'proxy-config': DIRECT });

  it('passes and names the organisation, handing on the whole config', async () => {
    const organization = { Name: 'contoso.onmicrosoft.com', DisplayName: 'Contoso', OAuth2ClientProfileEnabled: true };
    const result = await connect(exchange(json(200, { value: [organization] })));
    expect(result).toMatchObject({ status: 'pass', summary: expect.stringContaining('answered for Contoso'), output: { organization } });
    expect(value(result, 'Route')).toBe('direct to outlook.office365.com');
  });

  it('blames an expired token before PowerShell access', async () => {
    const expired = { ...MEGAN, claims: { ...MEGAN.claims, exp: Math.floor(NOW.getTime() / 1000) - 60 } };
    const result = await connect(exchange(unauthorized()), expired);
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringContaining('the token expired at 2026-11-25T11:59:00.000Z') });
    expect(runBy(result)).toEqual(['admin']);
  });

  it('blames a token for another resource', async () => {
    const graphToken = { ...MEGAN, claims: { ...MEGAN.claims, aud: 'https://graph.microsoft.com' } };
    const result = await connect(exchange(unauthorized()), graphToken);
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringContaining('the token is for https://graph.microsoft.com') });
  });

  it('offers both PowerShell access and a role when a valid token without Exchange roles is refused', async () => {
    const plain = { ...MEGAN, claims: { ...MEGAN.claims, wids: [USER_ROLE] } };
    const result = await connect(exchange(unauthorized()), plain);
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringContaining('either the account') });
    expect(runBy(result)).toEqual(['another-admin', 'another-admin', 'another-admin']);
    expect(commands(result)).toEqual(expect.arrayContaining(['Set-User -Identity meganb@contoso.com -EXOModuleEnabled $true', 'Add-RoleGroupMember -Identity "Organization Management" -Member meganb@contoso.com']));
    expect(value(result, 'x-ms-diagnostics')).toBe('2000001;reason="refused"');
  });

  it('reads the observed app-only 403 of NUL bytes as a missing Entra role', async () => {
    const result = await connect(exchange({ statusCode: 403, data: '\u0000'.repeat(4096) }), APP_ONLY);
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringContaining('none of the Entra roles Exchange accepts for app-only sign-in') });
    expect(commands(result)).toContain(`$sp = Get-MgServicePrincipal -Filter "appId eq '${APP}'"`);
  });

  it('gives an app a role when Exchange says the application is not allowed to call the cmdlet', async () => {
    const result = await connect(exchange(unauthorized('Application is not allowed to call Get-OrganizationConfig')), APP_ONLY);
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringContaining(`App ${APP} has no Exchange role that allows Get-OrganizationConfig`) });
    expect(runBy(result)).toEqual(['another-admin']);
  });

  it('fails for the network team when the Exchange host does not answer', async () => {
    const result = await connect(exchange(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })));
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringContaining('No answer from outlook.office365.com (ECONNRESET)') });
    expect(runBy(result)).toEqual(['network-team']);
  });

  it('fails a server error with the ids support needs', async () => {
    const result = await connect(exchange(json(503, { error: { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable.' } }, { 'request-id': 'srv-1' })));
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringContaining('HTTP 503 ServiceUnavailable') });
    expect(value(result, 'request-id')).toBe('srv-1');
    expect(value(result, 'client-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('exo-user-access', () => {
  const access = (ctx: Context, session: ExoSession = MEGAN) => runCheck(exoUserAccess, ctx, { 'exo-token': session, 'proxy-config': DIRECT });

  it('falls back on RemotePowerShellEnabled, and sends the fix to another admin when the account is the signed-in one', async () => {
    const result = await access(exchange(json(200, { value: [{ UserPrincipalName: 'meganb@contoso.com', RemotePowerShellEnabled: false }] })));
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringContaining('RemotePowerShellEnabled is False') });
    expect(runBy(result)).toEqual(['another-admin']);
  });

  it('fails when Exchange has no such user (a --target typo)', async () => {
    const notFound = json(404, {
      error: {
        code: 'NotFound',
        message: 'Error executing cmdlet',
        details: [{ code: 'Client', target: '', message: "Ex6F9304|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation couldn't be performed because object 'megnb@contoso.com' couldn't be found on 'contoso.onmicrosoft.com'." }],
      },
    });
    const result = await access(exchange(notFound), { ...ADELE_FOR_MEGAN, subject: 'megnb@contoso.com' });
    expect(result).toMatchObject({ status: 'fail', summary: 'Exchange Online has no user megnb@contoso.com: Get-User did not find it.' });
    expect(result.evidence.find((e) => e.label === 'Exchange answered')).toMatchObject({ sensitive: true });
  });

  it('skips, saying why, when the signed-in admin may not read other users', async () => {
    const result = await access(exchange(unauthorized('User is not allowed to call Get-User')), ADELE_FOR_MEGAN);
    expect(result).toMatchObject({ status: 'skip', summary: expect.stringContaining('refused Get-User for adelev@contoso.com') });
  });

  it('fails with Retry-After when throttled', async () => {
    const result = await access(exchange(json(429, { error: { code: 'TooManyRequests', message: 'Too many requests.' } }, { 'retry-after': '120' })));
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringContaining('wait 120 seconds') });
    expect(value(result, 'Retry-After')).toBe('120 s');
  });
});

describe('exo-roles', () => {
  const graphFor = (subject?: GraphSession['subject']): GraphSession => ({
    graphHost: 'graph.microsoft.com',
    accessToken: 'eyJ0eXAiOiJKV1QifQ.e30.Z3JhcGg',
    appOnly: false,
    permissions: ['RoleManagement.Read.Directory'],
    ...(subject ? { subject } : {}),
  });
  const roles = (ctx: Context, session: ExoSession, graph?: GraphSession, connected = false) =>
    runCheck(exoRoles, ctx, { 'exo-token': session, 'proxy-config': DIRECT, 'exo-connection': connected ? { organization: {} } : undefined, 'graph-token': graph });
  const megan = { id: 'f1847572-48aa-47aa-96a3-2ec61904f41f', upn: 'meganb@contoso.com' };
  const graphAnswers = (assignments: Reply, eligible: Reply = json(200, { value: [] })) =>
    machine({
      'https://graph.microsoft.com/v1.0/roleManagement/directory/roleAssignments': assignments,
      'https://graph.microsoft.com/v1.0/roleManagement/directory/roleEligibilitySchedules': eligible,
    });

  it("reads a --target account's active roles from Graph", async () => {
    const result = await roles(graphAnswers(json(200, fixture('graph/role-assignments.json'))), ADELE_FOR_MEGAN, graphFor(megan));
    expect(result).toMatchObject({ status: 'pass', output: { roles: ['Global Administrator', 'Global Reader'] }, summary: expect.stringContaining('meganb@contoso.com holds') });
  });

  it('ignores a role scoped to an administrative unit', async () => {
    const scoped = json(200, { value: [{ principalId: megan.id, roleDefinitionId: EXCHANGE_ADMIN, directoryScopeId: '/administrativeUnits/5d107bba-d8e2-4e7b-a6a8-6e7e1d7e0a11' }] });
    const result = await roles(graphAnswers(scoped), ADELE_FOR_MEGAN, graphFor(megan));
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringContaining('not visible from Graph') });
    expect(runBy(result)).toEqual(['another-admin', 'another-admin']);
  });

  it("cannot tell a --target account's roles when Graph refuses, and says what Graph answered", async () => {
    const result = await roles(graphAnswers(json(403, fixture('graph/error-403-authorization-request-denied.json'))), ADELE_FOR_MEGAN, graphFor(megan));
    expect(result).toMatchObject({ status: 'skip', summary: expect.stringContaining('HTTP 403 Authorization_RequestDenied') });
  });

  it('trusts a working connection for an account without an Entra role (an Exchange role group)', async () => {
    const plain = { ...MEGAN, claims: { ...MEGAN.claims, wids: [USER_ROLE] } };
    const result = await roles(machine({}), plain, undefined, true);
    expect(result).toMatchObject({ status: 'pass', output: { roles: [] }, summary: expect.stringContaining('an Exchange role group') });
  });

  it('passes the recorded app-only token only once Exchange has confirmed it: its wids hold no role Exchange accepts', async () => {
    expect(await roles(machine({}), APP_ONLY)).toMatchObject({ status: 'fail', summary: expect.stringContaining('none of the Entra roles Exchange Online accepts') });
    expect(await roles(machine({}), APP_ONLY, undefined, true)).toMatchObject({ status: 'pass' });
  });

  it('cannot tell for an app-only token without wids and without Graph', async () => {
    const { wids: _wids, ...claims } = APP_ONLY.claims;
    expect(await roles(machine({}), { ...APP_ONLY, claims })).toMatchObject({ status: 'skip', summary: expect.stringContaining('does not list its roles') });
  });
});

describe('org-oauth2-client-profile', () => {
  it('could not run when Get-OrganizationConfig did not return the setting, and says it does not matter for PowerShell', async () => {
    const result = await runCheck(orgOauth2ClientProfile, fakeContext({}), { 'exo-connection': { organization: { Name: 'contoso.onmicrosoft.com' } } });
    expect(result).toMatchObject({ status: 'error', summary: expect.stringContaining('does not affect PowerShell') });
  });
});
