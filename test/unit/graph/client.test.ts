import { readFileSync } from 'node:fs';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { GraphClient, GraphError, graphErrorOf, graphPath, needsEventualConsistency, quoted } from '../../../src/graph/client.js';
import { explainDenial, GRAPH_PERMISSIONS } from '../../../src/graph/permissions.js';
import type { GraphSession } from '../../../src/auth/identity.js';
import { fakeConfig, fakeContext, LINUX_RUNTIME } from '../../support/fake-context.js';

const fixture = (path: string) => JSON.parse(readFileSync(new URL(`../../../fixtures/microsoft/${path}`, import.meta.url), 'utf8')) as { status: number; example: unknown };

const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJzY3AiOiJVc2VyLlJlYWQifQ.c2lnbmF0dXJl';
const SESSION: GraphSession = { graphHost: 'graph.microsoft.com', accessToken: TOKEN, appOnly: false, permissions: ['User.Read'], callerId: 'c0ffee00-0000-4000-a000-000000000001' };

function graph(session: GraphSession = SESSION) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const ctx = fakeContext({ config: fakeConfig(), runtime: LINUX_RUNTIME, dispatcher: async () => agent });
  const client = new GraphClient(ctx, session, {}, { timeoutMs: 2000 });
  return { client, pool: agent.get('https://graph.microsoft.com') };
}

describe('GraphClient.get', () => {
  it('sends the bearer token, a client-request-id and the doctor as user agent', async () => {
    const { client, pool } = graph();
    let seen: Record<string, string> = {};
    pool.intercept({ path: '/v1.0/me', method: 'GET' }).reply((opts) => {
      seen = opts.headers as Record<string, string>;
      return { statusCode: 200, data: fixture('graph/me.json').example as object };
    });
    expect(await client.get('/v1.0/me')).toMatchObject({ displayName: 'Adele Vance' });
    expect(seen['authorization']).toBe(`Bearer ${TOKEN}`);
    expect(seen['client-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen['user-agent']).toBe('exo-doctor/0.1.0');
    expect(seen['consistencylevel']).toBeUndefined();
    await client.close();
  });

  it('turns Graph\'s 403 body into a GraphError with code, request-id and date, and no token', async () => {
    const { client, pool } = graph();
    const denied = fixture('graph/error-403-authorization-request-denied.json');
    pool.intercept({ path: '/v1.0/policies/identitySecurityDefaultsEnforcementPolicy', method: 'GET' }).reply(403, denied.example as object);
    const err = (await client.get('/v1.0/policies/identitySecurityDefaultsEnforcementPolicy').catch((e: unknown) => e)) as GraphError;
    expect(err).toBeInstanceOf(GraphError);
    expect(err).toMatchObject({ status: 403, code: 'Authorization_RequestDenied', requestId: '96c34f44-946c-45d4-a2b1-fbc7b1a1eab6', date: '2022-05-20T17:00:59', denied: true, unlicensed: false });
    expect(err.describe()).toBe('403 Authorization_RequestDenied: Insufficient privileges to complete the operation. (request-id 96c34f44-946c-45d4-a2b1-fbc7b1a1eab6)');
    expect(JSON.stringify(err) + err.message).not.toContain(TOKEN);
    await client.close();
  });

  it('names an HTML gateway error by its status, and refuses a 200 that is not JSON', async () => {
    const { client, pool } = graph();
    pool.intercept({ path: '/v1.0/me', method: 'GET' }).reply(502, '<html><body>Bad gateway</body></html>', { headers: { 'content-type': 'text/html' } });
    await expect(client.get('/v1.0/me')).rejects.toMatchObject({ status: 502, code: 'HTTP 502' });
    pool.intercept({ path: '/v1.0/me', method: 'GET' }).reply(200, 'Service is up.', { headers: { 'content-type': 'text/plain' } });
    await expect(client.get('/v1.0/me')).rejects.toMatchObject({ code: 'UnexpectedResponse', message: expect.stringContaining('not JSON (text/plain)') });
    await client.close();
  });

  it('waits out a short Retry-After once, and reports a long one', async () => {
    const { client, pool } = graph();
    pool.intercept({ path: '/v1.0/me', method: 'GET' }).reply(429, { error: { code: 'TooManyRequests', message: 'Too many requests.' } }, { headers: { 'retry-after': '0' } });
    pool.intercept({ path: '/v1.0/me', method: 'GET' }).reply(200, { id: 'x' });
    expect(await client.get('/v1.0/me')).toEqual({ id: 'x' });
    pool.intercept({ path: '/v1.0/me', method: 'GET' }).reply(429, { error: { code: 'TooManyRequests', message: 'Too many requests.' } }, { headers: { 'retry-after': '30' } });
    await expect(client.get('/v1.0/me')).rejects.toMatchObject({ status: 429, code: 'TooManyRequests', retryAfterSeconds: 30 });
    await client.close();
  });

  it('refuses a path that is not a Graph version path', async () => {
    const { client } = graph();
    await expect(client.get('/me')).rejects.toThrow('Graph path must start with /v1.0/ or /beta/');
    await client.close();
  });

  it('asks for eventual consistency when the query needs it', async () => {
    const { client, pool } = graph();
    const path = graphPath('/v1.0/users', { $filter: "endsWith(mail,'@contoso.com')", $count: 'true' });
    let seen: Record<string, string> = {};
    pool.intercept({ path, method: 'GET' }).reply((opts) => {
      seen = opts.headers as Record<string, string>;
      return { statusCode: 200, data: { value: [] } };
    });
    expect(await client.list(path)).toEqual([]);
    expect(seen['consistencylevel']).toBe('eventual');
    await client.close();
  });
});

describe('GraphClient.list', () => {
  it('follows @odata.nextLink and stops at max', async () => {
    const { client, pool } = graph();
    pool.intercept({ path: '/v1.0/auditLogs/signIns?$top=2', method: 'GET' }).reply(200, { value: [{ n: 1 }, { n: 2 }], '@odata.nextLink': 'https://graph.microsoft.com/v1.0/auditLogs/signIns?$top=2&$skiptoken=abc' });
    pool.intercept({ path: '/v1.0/auditLogs/signIns?$top=2&$skiptoken=abc', method: 'GET' }).reply(200, { value: [{ n: 3 }, { n: 4 }], '@odata.nextLink': 'https://graph.microsoft.com/v1.0/auditLogs/signIns?$top=2&$skiptoken=def' });
    expect(await client.list('/v1.0/auditLogs/signIns?$top=2', { max: 3 })).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    await client.close();
  });

  it('never follows a next link to another host (the token would go with it)', async () => {
    const { client, pool } = graph();
    pool.intercept({ path: '/v1.0/servicePrincipals', method: 'GET' }).reply(200, { value: [{ n: 1 }], '@odata.nextLink': 'https://graph.evil.example/v1.0/servicePrincipals?$skiptoken=x' });
    await expect(client.list('/v1.0/servicePrincipals')).rejects.toMatchObject({ code: 'UnexpectedResponse', message: expect.stringContaining('leads to graph.evil.example') });
    await client.close();
  });

  it('reports a collection without a value list', async () => {
    const { client, pool } = graph();
    pool.intercept({ path: '/v1.0/servicePrincipals', method: 'GET' }).reply(200, { id: 'not a list' });
    await expect(client.list('/v1.0/servicePrincipals')).rejects.toMatchObject({ code: 'UnexpectedResponse' });
    await client.close();
  });
});

describe('GraphClient.read', () => {
  it('turns a 403 for want of a licence into a denial naming Entra ID P1', async () => {
    const { client, pool } = graph({ ...SESSION, permissions: ['AuditLog.Read.All'] });
    pool.intercept({ path: '/v1.0/auditLogs/signIns', method: 'GET' }).reply(403, fixture('graph/error-403-non-premium.json').example as object);
    const read = await client.readList('/v1.0/auditLogs/signIns', GRAPH_PERMISSIONS.signIns);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.denial.reason).toBe('the sign-in log needs a Microsoft Entra ID P1 (or P2) licence, and this tenant has none (Authentication_RequestFromNonPremiumTenantOrB2CTenant)');
    expect(read.denial.error.unlicensed).toBe(true);
    await client.close();
  });

  it('throws what is not a refusal', async () => {
    const { client, pool } = graph();
    pool.intercept({ path: '/v1.0/me', method: 'GET' }).reply(401, { error: { code: 'InvalidAuthenticationToken', message: 'Lifetime validation failed, the token is expired.' } });
    await expect(client.read('/v1.0/me', GRAPH_PERMISSIONS.roleAssignments)).rejects.toMatchObject({ status: 401, code: 'InvalidAuthenticationToken' });
    await client.close();
  });
});

describe('explainDenial', () => {
  const denied = graphErrorOf(403, { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } }, {}, '/v1.0/identity/conditionalAccess/policies');

  it('names the scope to consent, and how, when the delegated token lacks it', () => {
    const denial = explainDenial(denied, GRAPH_PERMISSIONS.conditionalAccess, SESSION);
    expect(denial.reason).toBe('reading the Conditional Access policies needs the Graph permission Policy.Read.All, which was not consented for this sign-in');
    expect(denial.remediation).toMatchObject({ runBy: 'admin', commands: ['Connect-MgGraph -Scopes Policy.Read.All'] });
    expect(denial.remediation.summary).toContain('Microsoft Graph Command Line Tools');
  });

  it('names the roles when the scope is there but the account may not read it', () => {
    const denial = explainDenial(denied, GRAPH_PERMISSIONS.conditionalAccess, { ...SESSION, permissions: ['Policy.Read.All'] });
    expect(denial.reason).toBe('the signed-in account holds no Entra role that may read the Conditional Access policies (Global Reader, Security Reader, Security Administrator, Conditional Access Administrator)');
    expect(denial.remediation.runBy).toBe('another-admin');
  });

  it('asks for the .All scope when reading about someone else', () => {
    const denial = explainDenial(denied, GRAPH_PERMISSIONS.methods, { ...SESSION, permissions: ['UserAuthenticationMethod.Read'] }, true);
    expect(denial.reason).toContain('needs the Graph permission UserAuthenticationMethod.Read.All');
  });

  it('names the application permission and admin consent for app-only', () => {
    const denial = explainDenial(denied, GRAPH_PERMISSIONS.signIns, { ...SESSION, appOnly: true, permissions: ['User.Read.All'] });
    expect(denial.reason).toBe('reading the sign-in log needs the Microsoft Graph application permission AuditLog.Read.All, which the application does not have');
    expect(denial.remediation.summary).toContain('grant admin consent');
  });
});

describe('query helpers', () => {
  it('quotes OData literals and encodes the query', () => {
    expect(quoted("o'brien@contoso.com")).toBe("'o''brien@contoso.com'");
    expect(graphPath('/v1.0/servicePrincipals', { $filter: `appId eq ${quoted('fb78d390-0c51-40cd-8e17-fdbfab77341b')}`, $top: 5 })).toBe(
      "/v1.0/servicePrincipals?$filter=appId%20eq%20'fb78d390-0c51-40cd-8e17-fdbfab77341b'&$top=5",
    );
  });

  it.each([
    ["/v1.0/users?$filter=endsWith(mail,'@contoso.com')", true],
    ['/v1.0/users?$count=true', true],
    ['/v1.0/users?$search="displayName:admin"', true],
    ["/v1.0/users?$filter=accountEnabled ne true", true],
    ["/v1.0/servicePrincipals?$filter=appId eq 'x'", false],
    ['/v1.0/me', false],
  ])('needsEventualConsistency(%s) is %s', (path, expected) => {
    expect(needsEventualConsistency(path)).toBe(expected);
  });
});
