// The simulated Entra ID, driven by the real @azure/msal-node over real HTTPS on 127.0.0.1.
import { AuthError, InteractionRequiredAuthError, ServerError } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransportError } from '../../src/auth/network-client.js';
import type { World } from '../../src/sim/world.js';
import { call, claimsOf, confidentialClient, deviceCodeToken, EXO_SCOPE, publicClient, world } from '../support/world.js';

const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const APP = '5b1c7e3a-9d2f-4e6b-8a4c-1f0d3e5b7a92';

describe('Entra discovery', () => {
  let w: World;
  beforeAll(async () => void (w = await world('healthy')));
  afterAll(() => w.stop());

  it('serves the v2 OpenID configuration of a domain, with the tenant id in the issuer', async () => {
    const res = await call(w, 'GET', 'https://login.microsoftonline.com/contoso.com/v2.0/.well-known/openid-configuration');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      token_endpoint: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`,
      device_authorization_endpoint: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/devicecode`,
      tenant_region_scope: 'NA',
      cloud_instance_name: 'microsoftonline.com',
      msgraph_host: 'graph.microsoft.com',
    });
    expect(res.json).not.toHaveProperty('tenant_region_sub_scope');
  });

  it('serves the v1 configuration with the sts.windows.net issuer', async () => {
    const res = await call(w, 'GET', `https://login.microsoftonline.com/${TENANT}/.well-known/openid-configuration`);
    expect(res.json).toMatchObject({ issuer: `https://sts.windows.net/${TENANT}/`, token_endpoint: `https://login.microsoftonline.com/${TENANT}/oauth2/token` });
  });

  it('answers an unknown domain with AADSTS90002 in Entra’s error shape, echoing the correlation id', async () => {
    const res = await call(w, 'GET', 'https://login.microsoftonline.com/fabrikam.example/v2.0/.well-known/openid-configuration', {
      headers: { 'client-request-id': '11111111-2222-3333-4444-555555555555' },
    });
    expect(res.status).toBe(400);
    const body = res.json as Record<string, unknown>;
    expect(body).toMatchObject({ error: 'invalid_tenant', error_codes: [90002], correlation_id: '11111111-2222-3333-4444-555555555555' });
    expect(body['error_description']).toMatch(
      /^AADSTS90002: Tenant 'fabrikam\.example' not found\..*\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: 11111111-2222-3333-4444-555555555555\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/s,
    );
    expect(body['timestamp']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    expect(body['trace_id']).toBe(/Trace ID: (\S+)/.exec(String(body['error_description']))?.[1]);
  });

  it('tells Managed, Federated and Unknown apart in getuserrealm.srf', async () => {
    const managed = await call(w, 'GET', 'https://login.microsoftonline.com/getuserrealm.srf?login=meganb@contoso.com&json=1');
    expect(managed.json).toMatchObject({ NameSpaceType: 'Managed', DomainName: 'contoso.com', CloudInstanceName: 'microsoftonline.com' });
    const unknown = await call(w, 'GET', 'https://login.microsoftonline.com/getuserrealm.srf?login=someone@fabrikam.example&json=1');
    expect(unknown.json).toEqual({ State: 4, UserState: 1, Login: 'someone@fabrikam.example', NameSpaceType: 'Unknown' });
    const federated = await world('federated-idp-unreachable');
    try {
      const res = await call(federated, 'GET', 'https://login.microsoftonline.com/getuserrealm.srf?login=meganb@contoso.com&json=1');
      expect(res.json).toMatchObject({ NameSpaceType: 'Federated', IsFederatedNS: true });
      expect(String((res.json as Record<string, unknown>)['AuthURL'])).toMatch(/^https:\/\/adfs\.contoso\.com\/adfs\/ls\/\?username=meganb%40contoso\.com&wa=wsignin1\.0/);
    } finally {
      await federated.stop();
    }
  });

  it('serves instance discovery and signing keys', async () => {
    const discovery = await call(w, 'GET', 'https://login.microsoftonline.com/common/discovery/instance?api-version=1.1&authorization_endpoint=https://login.microsoftonline.com/common/oauth2/v2.0/authorize');
    expect(discovery.json).toMatchObject({ 'api-version': '1.1', metadata: [{ preferred_network: 'login.microsoftonline.com' }] });
    const keys = await call(w, 'GET', `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`);
    expect((keys.json as { keys: { kty: string }[] }).keys[0]?.kty).toBe('RSA');
  });

  it('reports a GCC High tenant’s cloud and sub-scope from the public login host', async () => {
    const gov = await world('gcc-high-wrong-environment');
    try {
      const res = await call(gov, 'GET', 'https://login.microsoftonline.com/fabrikam-gov.com/v2.0/.well-known/openid-configuration');
      expect(res.json).toMatchObject({
        tenant_region_scope: 'USGov',
        tenant_region_sub_scope: 'DODCON',
        cloud_instance_name: 'microsoftonline.us',
        token_endpoint: 'https://login.microsoftonline.us/4b7e2d9a-6c1f-4a3e-8b5d-0f2a4c6e8b17/oauth2/v2.0/token',
      });
    } finally {
      await gov.stop();
    }
  });
});

describe('Entra sign-in with MSAL', () => {
  let w: World;
  beforeAll(async () => void (w = await world('healthy')));
  afterAll(() => w.stop());

  it('issues an Exchange token by device code, after a pending poll, in the v1 shape', async () => {
    const { result, messages, net } = await deviceCodeToken(w);
    expect(messages[0]).toMatch(/^To sign in, use a web browser to open the page https:\/\/microsoft\.com\/devicelogin and enter the code [A-Z0-9]{9} to authenticate\.$/);
    expect(net.calls.map((c) => c.status)).toEqual([200, 400, 200]);
    expect(result?.account?.username).toBe('meganb@contoso.com');
    const claims = claimsOf(result?.accessToken as string);
    expect(claims).toMatchObject({
      aud: 'https://outlook.office365.com',
      iss: `https://sts.windows.net/${TENANT}/`,
      tid: TENANT,
      upn: 'meganb@contoso.com',
      appid: 'fb78d390-0c51-40cd-8e17-fdbfab77341b',
      amr: ['pwd', 'mfa'],
      ver: '1.0',
      scp: 'AdminApi.AccessAsUser.All FfoPowerShell.AccessAsUser.All RemotePowerShell.AccessAsUser.All',
    });
    expect(claims['wids']).toEqual(['62e90394-69f5-4237-9190-012177145e10', 'b79fbf4d-3ef9-4689-8143-76b194e85509']);
    expect(Number(claims['exp']) - Number(claims['iat'])).toBe(3599);
  });

  it('signs the token with the key it publishes', async () => {
    const { verifyJwt } = await import('../../src/sim/jwt.js');
    const { createPublicKey } = await import('node:crypto');
    const { result } = await deviceCodeToken(w);
    const keys = await call(w, 'GET', `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`);
    const jwk = (keys.json as { keys: Record<string, string>[] }).keys[0] as Record<string, string>;
    const key = createPublicKey({ key: { kty: 'RSA', n: jwk['n'] as string, e: jwk['e'] as string }, format: 'jwk' });
    expect(verifyJwt(result?.accessToken as string, key)).toBeDefined();
  });

  it('redeems the refresh token silently for the same account', async () => {
    const { app } = publicClient(w);
    await app.acquireTokenByDeviceCode({ scopes: [EXO_SCOPE], deviceCodeCallback: () => undefined });
    const [account] = await app.getTokenCache().getAllAccounts();
    const silent = await app.acquireTokenSilent({ account: account as NonNullable<typeof account>, scopes: [EXO_SCOPE], forceRefresh: true });
    expect(claimsOf(silent.accessToken).upn).toBe('meganb@contoso.com');
  });

  it('gets an app-only token with a client secret', async () => {
    const { app } = confidentialClient(w, APP, 'secret');
    const result = await app.acquireTokenByClientCredential({ scopes: [EXO_SCOPE] });
    expect(claimsOf(result?.accessToken as string)).toMatchObject({ roles: ['Exchange.ManageAsApp'], idtyp: 'app', appidacr: '1', wids: ['29232cdf-9323-42fd-ade2-1d097af3e4de', '0997a1d0-0d1d-4acb-b408-d5ca73121e90'] });
  });

  it('gets an app-only token with a certificate assertion (PS256, x5t#S256)', async () => {
    const { app } = confidentialClient(w, APP, 'certificate');
    const result = await app.acquireTokenByClientCredential({ scopes: [EXO_SCOPE] });
    expect(claimsOf(result?.accessToken as string)).toMatchObject({ appid: APP, appidacr: '2', roles: ['Exchange.ManageAsApp'] });
  });

  it('refuses a wrong secret with AADSTS7000215 through MSAL’s ServerError', async () => {
    const { app } = confidentialClient(w, APP, 'secret', { secret: 'not-the-secret-value' });
    const error = await app.acquireTokenByClientCredential({ scopes: [EXO_SCOPE] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ errorCode: 'invalid_client', errorNo: 7000215, status: 401 });
  });

  it('refuses an unknown client id with AADSTS700016', async () => {
    const { app } = confidentialClient(w, '00000000-1111-2222-3333-444444444444', 'secret', { secret: 'whatever-value' });
    const error = await app.acquireTokenByClientCredential({ scopes: [EXO_SCOPE] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ errorCode: 'unauthorized_client', errorNo: 700016 });
  });

  it('refuses the password grant with a wrong password: AADSTS50126', async () => {
    const { app } = publicClient(w);
    const error = await app
      .acquireTokenByUsernamePassword({ scopes: [EXO_SCOPE], username: 'meganb@contoso.com', password: 'anything-goes-here' })
      .catch((e: unknown) => e);
    // A wrong password is caught before MFA: 50126.
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ errorCode: 'invalid_grant', errorNo: 50126 });
  });

  it('keeps the AADSTS code of a declined device code, which MSAL itself drops', async () => {
    const declined = await world('healthy', { deviceCode: { outcome: 'decline', approveAfterPolls: 0, intervalSeconds: 0 } });
    try {
      const { app, net } = publicClient(declined);
      const error = await app.acquireTokenByDeviceCode({ scopes: [EXO_SCOPE], deviceCodeCallback: () => undefined }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect(error).toMatchObject({ errorCode: 'post_request_failed', errorMessage: 'authorization_declined' });
      expect(net.lastResponse?.body).toMatchObject({ error: 'authorization_declined', error_codes: [70000] });
    } finally {
      await declined.stop();
    }
  });

  it('lets a device code expire when the user never comes back', async () => {
    const expiring = await world('healthy', { deviceCode: { outcome: 'expire', intervalSeconds: 0, expiresInSeconds: 1 } });
    try {
      const { app, net } = publicClient(expiring);
      const error = (await app.acquireTokenByDeviceCode({ scopes: [EXO_SCOPE], deviceCodeCallback: () => undefined }).catch((e: unknown) => e)) as { errorCode?: string; errorMessage?: string };
      // The world says expired_token (AADSTS70019) at the next poll; on a loaded machine MSAL's own clock
      // can see the code's lifetime run out first (device_code_expired). Either way the code expired.
      if (error.errorCode === 'device_code_expired') return;
      expect(error).toMatchObject({ errorCode: 'post_request_failed', errorMessage: 'expired_token' });
      expect(net.lastResponse?.body).toMatchObject({ error: 'expired_token', error_codes: [70019] });
    } finally {
      await expiring.stop();
    }
  });
});

/**
 * MSAL drops everything but the `error` string of a failed device-code poll; the AADSTS code survives
 * only in the network client's last raw response.
 */
async function deviceCodeFailure(w: World): Promise<[number | undefined, string | undefined]> {
  const { app, net } = publicClient(w);
  const error = await app.acquireTokenByDeviceCode({ scopes: [EXO_SCOPE], deviceCodeCallback: () => undefined }).catch((e: unknown) => e);
  expect(error).toMatchObject({ errorCode: 'post_request_failed' });
  const body = net.lastResponse?.body as { error_codes?: number[]; error?: string } | undefined;
  return [body?.error_codes?.[0], body?.error];
}

describe('Entra policies decide the sign-in', () => {
  it('needs MFA registration when policy requires MFA and no method exists: AADSTS50079', async () => {
    const w = await world('mfa-required-not-registered');
    try {
      expect(await deviceCodeFailure(w)).toEqual([50079, 'invalid_grant']);
    } finally {
      await w.stop();
    }
  });

  it('answers the password grant of an MFA-bound admin with 50076 and suberror basic_action', async () => {
    const w = await world('healthy', {
      users: [
        {
          upn: 'meganb@contoso.com', displayName: 'Megan Bowen', id: '2e6a8c1f-4b7d-4f0e-9a3c-6d5b8e1f2a40', password: 'example-password-1',
          perUserMfa: 'enforced', methods: ['phone'], roles: ['Global Administrator'],
        },
      ],
    });
    try {
      const { app } = publicClient(w);
      const error = await app
        .acquireTokenByUsernamePassword({ scopes: [EXO_SCOPE], username: 'meganb@contoso.com', password: 'example-password-1' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InteractionRequiredAuthError);
      expect(error).toMatchObject({ errorCode: 'invalid_grant', subError: 'basic_action', errorNo: 50076 });
    } finally {
      await w.stop();
    }
  });

  it.each([
    ['device-code-blocked-by-ca', '53003'],
    ['exo-app-disabled', '7000112'],
    ['assignment-required', '50105'],
  ])('refuses %s with AADSTS%s', async (name, code) => {
    const w = await world(name);
    try {
      expect((await deviceCodeFailure(w))[0]).toBe(Number(code));
    } finally {
      await w.stop();
    }
  });

  it('signs the seed article’s admin in with a password alone when nothing requires MFA', async () => {
    const w = await world('per-user-mfa-off');
    try {
      const { result } = await deviceCodeToken(w);
      expect(claimsOf(result?.accessToken as string)['amr']).toEqual(['pwd']);
    } finally {
      await w.stop();
    }
  });

  it('refuses a GCC High tenant on the public login host with AADSTS90038', async () => {
    const w = await world('gcc-high-wrong-environment');
    try {
      const { app, net } = publicClient(w, { tenant: 'fabrikam-gov.com' });
      const error = await app.acquireTokenByDeviceCode({ scopes: [EXO_SCOPE], deviceCodeCallback: () => undefined }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect(net.lastResponse).toMatchObject({ status: 400, body: { error: 'invalid_request', error_codes: [90038] } });
    } finally {
      await w.stop();
    }
  });

  it('refuses a certificate assertion from a clock 12 minutes fast with AADSTS700024', async () => {
    const w = await world('clock-skew');
    try {
      const { app } = confidentialClient(w, APP, 'certificate');
      const error = await app.acquireTokenByClientCredential({ scopes: [EXO_SCOPE] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServerError);
      expect(error).toMatchObject({ errorCode: 'invalid_client', errorNo: 700024 });
      expect((error as ServerError).errorMessage).toContain('Client assertion is not within its valid time range');
      expect(w.now().getTime()).toBeLessThan(Date.now() - 700_000);
    } finally {
      await w.stop();
    }
  });

  it('records every sign-in, failed or not, in the sign-in log', async () => {
    const w = await world('device-code-blocked-by-ca');
    try {
      await deviceCodeToken(w).catch(() => undefined);
      expect(w.tenant.signInLog).toEqual([
        expect.objectContaining({ userPrincipalName: 'meganb@contoso.com', errorCode: 53003, conditionalAccessStatus: 'failure', appliedPolicies: ['Require MFA for administrators', 'Block device code flow'] }),
      ]);
    } finally {
      await w.stop();
    }
  });
});

describe('network client', () => {
  it('turns a refused connection into a TransportError that MSAL passes through with its code', async () => {
    const w = await world('healthy', { faults: { 'login.microsoftonline.com': { reset: true } } });
    try {
      const { app } = publicClient(w);
      const error = await app.acquireTokenByDeviceCode({ scopes: [EXO_SCOPE], deviceCodeCallback: () => undefined }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransportError);
      expect((error as TransportError).code).toMatch(/^(ECONNRESET|UND_ERR_SOCKET)$/);
    } finally {
      await w.stop();
    }
  });
});
