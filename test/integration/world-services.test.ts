// Microsoft Graph and the Exchange admin API of the simulated world, called with real tokens from its Entra ID.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { World } from '../../src/sim/world.js';
import { call, confidentialClient, deviceCodeToken, EXO_SCOPE, GRAPH_CLIENT, world, writesIn } from '../support/world.js';

const APP = '5b1c7e3a-9d2f-4e6b-8a4c-1f0d3e5b7a92';
const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const MEGAN = '2e6a8c1f-4b7d-4f0e-9a3c-6d5b8e1f2a40';
const INVOKE = `https://outlook.office365.com/adminapi/beta/${TENANT}/InvokeCommand`;

const graphScopes = (...scopes: string[]) => scopes.map((s) => `https://graph.microsoft.com/${s}`);

async function graphToken(w: World, ...scopes: string[]): Promise<string> {
  const { result } = await deviceCodeToken(w, graphScopes(...scopes), GRAPH_CLIENT);
  return result?.accessToken as string;
}

async function exchangeToken(w: World): Promise<string> {
  const { result } = await deviceCodeToken(w);
  return result?.accessToken as string;
}

function invoke(w: World, token: string, cmdlet: string, parameters: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return call(w, 'POST', INVOKE, {
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'x-anchormailbox': 'UPN:meganb@contoso.com',
      'client-request-id': '0f0e0d0c-0b0a-0908-0706-050403020100',
      ...headers,
    },
    body: JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: parameters } }),
  });
}

describe('Microsoft Graph', () => {
  let w: World;
  let token: string;
  beforeAll(async () => {
    w = await world('healthy');
    token = await graphToken(w, 'User.Read', 'Policy.Read.All', 'UserAuthenticationMethod.Read.All', 'AuditLog.Read.All', 'Application.Read.All', 'RoleManagement.Read.Directory');
  });
  afterAll(() => w.stop());
  const get = (path: string, bearer = token) => call(w, 'GET', `https://graph.microsoft.com${path}`, { headers: { authorization: `Bearer ${bearer}` } });

  it('answers /me for the signed-in user', async () => {
    const res = await get('/v1.0/me');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: MEGAN, userPrincipalName: 'meganb@contoso.com', '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity' });
  });

  it('reads per-user MFA state, methods and registration details', async () => {
    expect((await get(`/beta/users/${MEGAN}/authentication/requirements`)).json).toMatchObject({ perUserMfaState: 'disabled' });
    const methods = (await get('/v1.0/users/meganb@contoso.com/authentication/methods')).json as { value: { '@odata.type': string }[] };
    expect(methods.value.map((m) => m['@odata.type'])).toEqual([
      '#microsoft.graph.passwordAuthenticationMethod',
      '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod',
      '#microsoft.graph.phoneAuthenticationMethod',
    ]);
    expect((await get(`/v1.0/reports/authenticationMethods/userRegistrationDetails/${MEGAN}`)).json).toMatchObject({
      isAdmin: true,
      isMfaRegistered: true,
      methodsRegistered: ['microsoftAuthenticatorPush', 'mobilePhone'],
    });
  });

  it('reads security defaults and the Conditional Access policies in Graph’s shape', async () => {
    expect((await get('/v1.0/policies/identitySecurityDefaultsEnforcementPolicy')).json).toMatchObject({ isEnabled: false });
    const policies = (await get('/v1.0/identity/conditionalAccess/policies')).json as { value: Record<string, unknown>[] };
    expect(policies.value[0]).toMatchObject({
      displayName: 'Require MFA for administrators',
      state: 'enabled',
      conditions: { users: { includeRoles: ['62e90394-69f5-4237-9190-012177145e10', '29232cdf-9323-42fd-ade2-1d097af3e4de'] }, applications: { includeApplications: ['All'] } },
      grantControls: { operator: 'OR', builtInControls: ['mfa'] },
    });
  });

  it('finds the Exchange PowerShell service principal by appId', async () => {
    const res = await get("/v1.0/servicePrincipals?$filter=appId eq 'fb78d390-0c51-40cd-8e17-fdbfab77341b'");
    expect((res.json as { value: unknown[] }).value).toEqual([
      expect.objectContaining({ appId: 'fb78d390-0c51-40cd-8e17-fdbfab77341b', displayName: 'Microsoft Exchange REST API Based Powershell', accountEnabled: true, appRoleAssignmentRequired: false }),
    ]);
  });

  it('lists role assignments with their definitions', async () => {
    const res = await get(`/v1.0/roleManagement/directory/roleAssignments?$filter=principalId eq '${MEGAN}'&$expand=roleDefinition`);
    expect((res.json as { value: unknown[] }).value).toEqual([
      expect.objectContaining({ principalId: MEGAN, roleDefinitionId: '62e90394-69f5-4237-9190-012177145e10', roleDefinition: expect.objectContaining({ displayName: 'Global Administrator' }) }),
    ]);
  });

  it('shows the sign-ins the world has seen, newest first, filtered by user and app', async () => {
    await exchangeToken(w);
    const res = await get(`/v1.0/auditLogs/signIns?$filter=userPrincipalName eq 'meganb@contoso.com' and appId eq 'fb78d390-0c51-40cd-8e17-fdbfab77341b'&$top=5`);
    const value = (res.json as { value: Record<string, unknown>[] }).value;
    expect(value[0]).toMatchObject({
      appId: 'fb78d390-0c51-40cd-8e17-fdbfab77341b',
      status: { errorCode: 0 },
      conditionalAccessStatus: 'success',
      appliedConditionalAccessPolicies: [expect.objectContaining({ displayName: 'Require MFA for administrators', result: 'success' })],
    });
  });

  it('refuses a token without the permission with Graph’s 403 shape', async () => {
    const narrow = await graphToken(w, 'User.Read');
    const res = await get('/v1.0/identity/conditionalAccess/policies', narrow);
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.', innerError: { 'request-id': expect.any(String) } } });
  });

  it('refuses an Exchange token (wrong audience) with 401', async () => {
    const res = await get('/v1.0/me', await exchangeToken(w));
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
  });

  it('asks for consent (AADSTS65001) when a non-admin requests scopes nobody consented to', async () => {
    const locked = await world('no-exchange-role', { graphConsentedScopes: ['User.Read'] });
    try {
      const error = await graphToken(locked, 'Policy.Read.All').catch((e: unknown) => e);
      expect(error).toMatchObject({ errorCode: 'post_request_failed', errorMessage: 'invalid_grant' });
    } finally {
      await locked.stop();
    }
  });

  it('refuses reports and sign-in logs without Entra ID P1, with the licence error', async () => {
    const free = await world('healthy', { tenant: { entraP1: false } });
    try {
      const t = await graphToken(free, 'AuditLog.Read.All');
      const res = await call(free, 'GET', 'https://graph.microsoft.com/v1.0/auditLogs/signIns', { headers: { authorization: `Bearer ${t}` } });
      expect(res.status).toBe(403);
      expect(res.json).toMatchObject({ error: { code: 'Authentication_RequestFromNonPremiumTenantOrB2CTenant' } });
    } finally {
      await free.stop();
    }
  });

  it('needs an admin role to read another user’s methods', async () => {
    const other = await world('no-exchange-role');
    try {
      const t = await graphToken(other, 'UserAuthenticationMethod.Read.All');
      const self = await call(other, 'GET', 'https://graph.microsoft.com/v1.0/me/authentication/methods', { headers: { authorization: `Bearer ${t}` } });
      expect(self.status).toBe(200);
      const res = await call(other, 'GET', `https://graph.microsoft.com/v1.0/users/${MEGAN}/authentication/methods`, { headers: { authorization: `Bearer ${t}` } });
      expect(res.status).toBe(403);
    } finally {
      await other.stop();
    }
  });
});

describe('Exchange admin API (InvokeCommand)', () => {
  let w: World;
  let token: string;
  beforeAll(async () => {
    w = await world('healthy');
    token = await exchangeToken(w);
  });
  afterAll(() => w.stop());

  it('runs Get-OrganizationConfig and returns OAuth2ClientProfileEnabled', async () => {
    const res = await invoke(w, token, 'Get-OrganizationConfig');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      '@odata.context': `https://outlook.office365.com/adminapi/beta/${TENANT}/$metadata#Collection(Exchange.GenericHashTable)`,
      '@adminapi.warnings': [],
      value: [expect.objectContaining({ OAuth2ClientProfileEnabled: true, Name: 'contoso.onmicrosoft.com' })],
    });
  });

  it('runs Get-User with both names of the PowerShell flag', async () => {
    const res = await invoke(w, token, 'Get-User', { Identity: 'adelev@contoso.com' });
    expect((res.json as { value: unknown[] }).value).toEqual([
      expect.objectContaining({ UserPrincipalName: 'adelev@contoso.com', EXOModuleEnabled: true, RemotePowerShellEnabled: true }),
    ]);
  });

  it('pages with @odata.nextLink and honours $select', async () => {
    const first = await call(w, 'POST', `${INVOKE}?$select=DomainName,Default`, {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-anchormailbox': 'UPN:meganb@contoso.com', prefer: 'odata.maxpagesize=1' },
      body: JSON.stringify({ CmdletInput: { CmdletName: 'Get-AcceptedDomain', Parameters: {} } }),
    });
    const page = first.json as { value: Record<string, unknown>[]; '@odata.nextLink': string };
    expect(page.value).toEqual([{ DomainName: 'contoso.com', Default: true }]);
    const second = await call(w, 'POST', page['@odata.nextLink'], {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-anchormailbox': 'UPN:meganb@contoso.com', prefer: 'odata.maxpagesize=1' },
      body: JSON.stringify({ CmdletInput: { CmdletName: 'Get-AcceptedDomain', Parameters: {} } }),
    });
    expect(second.json).toMatchObject({ value: [{ DomainName: 'contoso.onmicrosoft.com', Default: false }] });
    expect(second.json).not.toHaveProperty('@odata.nextLink');
  });

  it('requires X-AnchorMailbox for a delegated caller', async () => {
    const res = await call(w, 'POST', INVOKE, {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ CmdletInput: { CmdletName: 'Get-OrganizationConfig', Parameters: {} } }),
    });
    expect(res.status).toBe(400);
  });

  it('refuses a missing or foreign token with 401', async () => {
    expect((await invoke(w, '', 'Get-OrganizationConfig')).status).toBe(401);
    const graph = await graphToken(w, 'User.Read');
    expect((await invoke(w, graph, 'Get-OrganizationConfig')).status).toBe(401);
  });

  it('refuses every write, and records the attempt', async () => {
    const res = await invoke(w, token, 'Set-User', { Identity: 'meganb@contoso.com', EXOModuleEnabled: true });
    expect(res.status).toBe(400);
    expect(writesIn(w.audit)).toEqual([expect.objectContaining({ cmdlet: 'Set-User', path: `/adminapi/beta/${TENANT}/InvokeCommand` })]);
  });

  it('serves app-only callers with a supported role', async () => {
    const { app } = confidentialClient(w, APP, 'certificate');
    const result = await app.acquireTokenByClientCredential({ scopes: [EXO_SCOPE] });
    const res = await invoke(w, result?.accessToken as string, 'Get-OrganizationConfig', {}, { 'x-anchormailbox': `APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@${TENANT}` });
    expect(res.status).toBe(200);
  });
});

describe('Exchange admin API refusals per scenario', () => {
  it('refuses every cmdlet of a user whose PowerShell access is off, with UnAuthorized', async () => {
    const w = await world('powershell-disabled');
    try {
      const res = await invoke(w, await exchangeToken(w), 'Get-User', { Identity: 'meganb@contoso.com' });
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({ error: { code: 'Unauthorized', message: 'UnAuthorized' } });
    } finally {
      await w.stop();
    }
  });

  it('lets a user without roles read themselves but not the organisation', async () => {
    const w = await world('no-exchange-role');
    try {
      const token = await exchangeToken(w);
      const self = await invoke(w, token, 'Get-User', { Identity: 'alexw@contoso.com' }, { 'x-anchormailbox': 'UPN:alexw@contoso.com' });
      expect(self.status).toBe(200);
      const org = await invoke(w, token, 'Get-OrganizationConfig', {}, { 'x-anchormailbox': 'UPN:alexw@contoso.com' });
      expect(org.status).toBe(401);
      expect(org.json).toMatchObject({
        error: { code: 'Unauthorized', message: 'User is not allowed to call Get-OrganizationConfig', details: [{ message: expect.stringMatching(/^Ex[0-9A-F]+\|Microsoft\.Exchange\.[\w.]+\|/) }] },
      });
    } finally {
      await w.stop();
    }
  });

  it('refuses an app without a supported Entra role with the module’s message', async () => {
    const w = await world('app-only-no-role');
    try {
      const { app } = confidentialClient(w, APP, 'certificate');
      const result = await app.acquireTokenByClientCredential({ scopes: [EXO_SCOPE] });
      const res = await invoke(w, result?.accessToken as string, 'Get-OrganizationConfig');
      expect(res.status).toBe(403);
      expect(JSON.stringify(res.json)).toContain(`The role assigned to application ${APP} isn't supported in this scenario`);
    } finally {
      await w.stop();
    }
  });

  it('throttles with 429, Retry-After and the rate-limit headers', async () => {
    const w = await world('throttled');
    try {
      const res = await invoke(w, await exchangeToken(w), 'Get-OrganizationConfig');
      expect(res.status).toBe(429);
      expect(res.headers).toMatchObject({ 'retry-after': '30', 'rate-limit-remaining': '0', 'rate-limit-reset': expect.any(String) });
    } finally {
      await w.stop();
    }
  });

  it('reports OAuth2ClientProfileEnabled False where the scenario turned it off', async () => {
    const w = await world('oauth2-client-profile-off');
    try {
      const res = await invoke(w, await exchangeToken(w), 'Get-OrganizationConfig');
      expect((res.json as { value: Record<string, unknown>[] }).value[0]?.['OAuth2ClientProfileEnabled']).toBe(false);
    } finally {
      await w.stop();
    }
  });
});
