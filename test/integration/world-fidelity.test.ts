// The world answers in Microsoft's shapes: every response is compared, key by key and type by type,
// with the documented example kept in fixtures/microsoft/ (see its README for the sources). A field the
// world leaves out on purpose is listed here with the reason; anything else missing fails the test.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { World } from '../../src/sim/world.js';
import { shapeDifferences } from '../support/shape.js';
import { call, claimsOf, confidentialClient, deviceCodeToken, EXO_SCOPE, GRAPH_CLIENT, world } from '../support/world.js';

const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const MEGAN = '2e6a8c1f-4b7d-4f0e-9a3c-6d5b8e1f2a40';
const APP = '5b1c7e3a-9d2f-4e6b-8a4c-1f0d3e5b7a92';

function fixture(name: string): { example: unknown; status: number | null } {
  return JSON.parse(readFileSync(new URL(`../../fixtures/microsoft/${name}`, import.meta.url), 'utf8')) as { example: unknown; status: number | null };
}

/** Differences from the fixture, minus the ones the world makes on purpose. */
function compare(name: string, actual: unknown, omitted: Record<string, string> = {}): string[] {
  const within = (difference: string, path: string) => difference.startsWith(path) && /^[:.[]/.test(difference.slice(path.length));
  return shapeDifferences(fixture(name).example, actual).filter((d) => !Object.keys(omitted).some((path) => within(d, path)));
}

const form = (fields: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

describe('Entra ID answers like Entra ID', () => {
  let w: World;
  beforeAll(async () => void (w = await world('healthy', { deviceCode: { approveAfterPolls: 1, intervalSeconds: 0 } })));
  afterAll(() => w.stop());
  const login = (path: string) => `https://login.microsoftonline.com${path}`;

  it('OpenID configuration v2 and v1', async () => {
    expect(compare('entra/openid-configuration-v2.json', (await call(w, 'GET', login(`/${TENANT}/v2.0/.well-known/openid-configuration`))).json)).toEqual([]);
    expect(compare('entra/openid-configuration-v1.json', (await call(w, 'GET', login(`/${TENANT}/.well-known/openid-configuration`))).json)).toEqual([]);
  });

  it('instance discovery and user realm', async () => {
    const discovery = await call(w, 'GET', login('/common/discovery/instance?api-version=1.1&authorization_endpoint=https://login.microsoftonline.com/common/oauth2/v2.0/authorize'));
    expect(compare('entra/instance-discovery.json', discovery.json)).toEqual([]);
    expect(compare('entra/getuserrealm-managed.json', (await call(w, 'GET', login('/getuserrealm.srf?login=meganb@contoso.com&json=1'))).json)).toEqual([]);
    expect(compare('entra/getuserrealm-unknown.json', (await call(w, 'GET', login('/getuserrealm.srf?login=x@fabrikam.example&json=1'))).json)).toEqual([]);
    const federated = await world('federated-idp-unreachable');
    try {
      const realm = await call(federated, 'GET', login('/getuserrealm.srf?login=meganb@contoso.com&json=1'));
      expect(compare('entra/getuserrealm-federated.json', realm.json, { '$.AuthNForwardType': 'seen only for some federated domains; the doctor reads NameSpaceType and AuthURL' })).toEqual([]);
    } finally {
      await federated.stop();
    }
  });

  it('device code, pending poll, and the user token response', async () => {
    const code = await call(w, 'POST', login('/contoso.com/oauth2/v2.0/devicecode'), form({ client_id: 'fb78d390-0c51-40cd-8e17-fdbfab77341b', scope: `${EXO_SCOPE} openid profile offline_access` }));
    expect(code.status).toBe(fixture('entra/devicecode-response.json').status);
    expect(compare('entra/devicecode-response.json', code.json)).toEqual([]);
    const deviceCode = (code.json as { device_code: string }).device_code;
    const poll = () => call(w, 'POST', login('/contoso.com/oauth2/v2.0/token'), form({ grant_type: 'device_code', client_id: 'fb78d390-0c51-40cd-8e17-fdbfab77341b', device_code: deviceCode }));
    const pending = await poll();
    expect(pending.status).toBe(fixture('entra/error-authorization-pending.json').status);
    expect(compare('entra/error-authorization-pending.json', pending.json)).toEqual([]);
    const token = await poll();
    expect(compare('entra/token-response-user.json', token.json)).toEqual([]);
  });

  it('client credentials token response', async () => {
    const secret = w.credentials(APP)?.secret as string;
    const res = await call(w, 'POST', login(`/${TENANT}/oauth2/v2.0/token`), form({ grant_type: 'client_credentials', client_id: APP, client_secret: secret, scope: EXO_SCOPE }));
    expect(compare('entra/token-response-app.json', res.json)).toEqual([]);
  });

  it('errors: tenant not found, invalid client, assertion out of time, MFA required', async () => {
    const notFound = await call(w, 'GET', login('/fabrikam.example/v2.0/.well-known/openid-configuration'));
    expect(notFound.status).toBe(fixture('entra/error-tenant-not-found-90002.json').status);
    expect(compare('entra/error-tenant-not-found-90002.json', notFound.json)).toEqual([]);

    const badSecret = await call(w, 'POST', login(`/${TENANT}/oauth2/v2.0/token`), form({ grant_type: 'client_credentials', client_id: APP, client_secret: 'wrong-value', scope: EXO_SCOPE }));
    expect(badSecret.status).toBe(fixture('entra/error-invalid-client-7000215.json').status);
    expect(compare('entra/error-invalid-client-7000215.json', badSecret.json)).toEqual([]);

    const skewed = await world('clock-skew');
    try {
      const { app, net } = confidentialClient(skewed, APP, 'certificate');
      await app.acquireTokenByClientCredential({ scopes: [EXO_SCOPE] }).catch(() => undefined);
      expect(compare('entra/error-assertion-time-700024.json', net.lastResponse?.body)).toEqual([]);
    } finally {
      await skewed.stop();
    }

    const mfa = await world('healthy', {
      users: [{ upn: 'meganb@contoso.com', displayName: 'Megan Bowen', id: MEGAN, password: 'example-password-1', perUserMfa: 'enforced', methods: ['phone'] }],
    });
    try {
      const res = await call(mfa, 'POST', login(`/${TENANT}/oauth2/v2.0/token`), form({
        grant_type: 'password', client_id: 'fb78d390-0c51-40cd-8e17-fdbfab77341b', username: 'meganb@contoso.com', password: 'example-password-1', scope: EXO_SCOPE,
      }));
      expect(res.status).toBe(fixture('entra/error-mfa-required-50076.json').status);
      expect(compare('entra/error-mfa-required-50076.json', res.json)).toEqual([]);
    } finally {
      await mfa.stop();
    }
  });

  it('access and id token claims', async () => {
    const { result } = await deviceCodeToken(w);
    expect(
      compare('entra/access-token-claims-v1.json', claimsOf(result?.accessToken as string), {
        '$.aio': 'an opaque internal claim',
        '$.email': 'present only when the user has an email claim configured',
        '$.idp': 'present only for guests and app-only tokens',
      }),
    ).toEqual([]);
    expect(
      compare('entra/id-token-claims-v2.json', claimsOf(result?.idToken as string), {
        '$.nonce': 'present only when the client sent one',
        '$.aio': 'an opaque internal claim',
      }),
    ).toEqual([]);
    const { app } = confidentialClient(w, APP, 'certificate');
    const appToken = await app.acquireTokenByClientCredential({ scopes: [EXO_SCOPE] });
    expect(compare('exchange/exo-access-token-claims-app.json', claimsOf(appToken?.accessToken as string), { '$.aio': 'an opaque internal claim' })).toEqual([]);
  });
});

describe('Microsoft Graph answers like Microsoft Graph', () => {
  let w: World;
  let token: string;
  beforeAll(async () => {
    w = await world('healthy');
    const scopes = ['User.Read', 'User.Read.All', 'Policy.Read.All', 'UserAuthenticationMethod.Read.All', 'AuditLog.Read.All', 'Application.Read.All', 'RoleManagement.Read.Directory'];
    token = (await deviceCodeToken(w, scopes.map((s) => `https://graph.microsoft.com/${s}`), GRAPH_CLIENT)).result?.accessToken as string;
  });
  afterAll(() => w.stop());
  const get = async (path: string) => (await call(w, 'GET', `https://graph.microsoft.com${path}`, { headers: { authorization: `Bearer ${token}` } })).json;

  it.each([
    ['graph/me.json', '/v1.0/me', {}],
    ['graph/user.json', `/v1.0/users/${MEGAN}`, {}],
    ['graph/authentication-requirements.json', `/beta/users/${MEGAN}/authentication/requirements`, {}],
    ['graph/security-defaults-policy.json', '/v1.0/policies/identitySecurityDefaultsEnforcementPolicy', {}],
    ['graph/conditional-access-policies.json', '/v1.0/identity/conditionalAccess/policies', {}],
    ['graph/service-principals-by-appid.json', "/v1.0/servicePrincipals?$filter=appId eq 'fb78d390-0c51-40cd-8e17-fdbfab77341b'", {}],
    ['graph/role-assignments.json', `/v1.0/roleManagement/directory/roleAssignments?$filter=principalId eq '${MEGAN}'`, {}],
  ] as const)('%s', async (name, path, omitted) => {
    expect(compare(name, await get(path), omitted)).toEqual([]);
  });

  it('graph/authentication-methods.json (compared method by method type)', async () => {
    const keys = await world('healthy', {
      users: [{ upn: 'meganb@contoso.com', displayName: 'Megan Bowen', id: MEGAN, perUserMfa: 'enforced', methods: ['fido2', 'windowsHelloForBusiness'], roles: ['Global Administrator'] }],
    });
    try {
      const t = (await deviceCodeToken(keys, ['https://graph.microsoft.com/UserAuthenticationMethod.Read'], GRAPH_CLIENT)).result?.accessToken as string;
      const methods = (await call(keys, 'GET', 'https://graph.microsoft.com/v1.0/me/authentication/methods', { headers: { authorization: `Bearer ${t}` } })).json as {
        value: Record<string, unknown>[];
      };
      const examples = (fixture('graph/authentication-methods.json').example as { value: Record<string, unknown>[] }).value;
      expect(examples.map((e) => e['@odata.type'])).toEqual(['#microsoft.graph.fido2AuthenticationMethod', '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod']);
      for (const example of examples) {
        expect(shapeDifferences(example, methods.value.find((m) => m['@odata.type'] === example['@odata.type']))).toEqual([]);
      }
    } finally {
      await keys.stop();
    }
  });

  it('graph/user-registration-details.json (the example is a list; the world answers one user)', async () => {
    const one = await get(`/v1.0/reports/authenticationMethods/userRegistrationDetails/${MEGAN}`);
    const listed = (fixture('graph/user-registration-details.json').example as { value: unknown[] }).value[0];
    expect(shapeDifferences(listed, one)).toEqual([]);
  });

  it('graph/sign-ins.json', async () => {
    await deviceCodeToken(w);
    const omitted = {
      '$.@odata.nextLink': 'one page is all the doctor reads',
      '$.value[0].correlationId': 'not tracked by the world',
      '$.value[0].riskDetail': 'Identity Protection is not simulated',
      '$.value[0].riskLevelAggregated': 'Identity Protection is not simulated',
      '$.value[0].riskLevelDuringSignIn': 'Identity Protection is not simulated',
      '$.value[0].riskState': 'Identity Protection is not simulated',
      '$.value[0].riskEventTypes': 'Identity Protection is not simulated',
      '$.value[0].resourceId': 'not tracked by the world',
      '$.value[0].deviceDetail': 'devices are not simulated',
      '$.value[0].location': 'locations are not simulated',
    };
    expect(compare('graph/sign-ins.json', await get('/v1.0/auditLogs/signIns'), omitted)).toEqual([]);
  });

  it('Graph errors: 403 for a missing permission and for a missing licence', async () => {
    const narrow = (await deviceCodeToken(w, ['https://graph.microsoft.com/User.Read'], GRAPH_CLIENT)).result?.accessToken as string;
    const denied = await call(w, 'GET', 'https://graph.microsoft.com/v1.0/identity/conditionalAccess/policies', { headers: { authorization: `Bearer ${narrow}` } });
    expect(denied.status).toBe(403);
    expect(compare('graph/error-403-authorization-request-denied.json', denied.json)).toEqual([]);
    const free = await world('healthy', { tenant: { entraP1: false } });
    try {
      const t = (await deviceCodeToken(free, ['https://graph.microsoft.com/AuditLog.Read.All'], GRAPH_CLIENT)).result?.accessToken as string;
      const res = await call(free, 'GET', 'https://graph.microsoft.com/v1.0/auditLogs/signIns', { headers: { authorization: `Bearer ${t}` } });
      expect(res.status).toBe(403);
      expect(compare('graph/error-403-non-premium.json', res.json)).toEqual([]);
    } finally {
      await free.stop();
    }
  });
});

describe('the Exchange admin API answers like the observed one', () => {
  it('a cmdlet result page, and a role refusal', async () => {
    const w = await world('no-exchange-role');
    try {
      const token = (await deviceCodeToken(w)).result?.accessToken as string;
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-anchormailbox': 'UPN:alexw@contoso.com' };
      const body = (cmdlet: string, parameters = {}) => JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: parameters } });
      const url = `https://outlook.office365.com/adminapi/beta/${TENANT}/InvokeCommand`;
      const ok = await call(w, 'POST', url, { headers, body: body('Get-User', { Identity: 'alexw@contoso.com' }) });
      expect(compare('exchange/invokecommand-response-complete.json', ok.json, { '$.value[0]': 'each cmdlet has its own properties' })).toEqual([]);
      const refused = await call(w, 'POST', url, { headers, body: body('Get-OrganizationConfig') });
      expect(refused.status).toBe(fixture('exchange/invokecommand-error-401.json').status);
      expect(compare('exchange/invokecommand-error-401.json', refused.json)).toEqual([]);
      const row = (ok.json as { value: Record<string, unknown>[] }).value[0] as Record<string, unknown>;
      const types = (fixture('exchange/get-user-fields.json').example as { types: Record<string, string> }).types;
      for (const field of ['RemotePowerShellEnabled', 'EXOModuleEnabled', 'UserPrincipalName', 'ExternalDirectoryObjectId']) {
        expect(typeof row[field], field).toBe((types[field] as string).split(' ')[0]);
      }
    } finally {
      await w.stop();
    }
  });
});
