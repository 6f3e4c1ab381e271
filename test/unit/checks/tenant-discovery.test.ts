// tenant-discovery with Entra ID's recorded answers (fixtures/microsoft/entra) through a fake context,
// and the readers of src/tenant/discovery.ts on the shapes Microsoft has sent or might send.
import { readFileSync } from 'node:fs';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import type { Inputs } from '../../../checks/inputs.js';
import { tenantDiscovery } from '../../../checks/tenant-discovery.js';
import type { Config } from '../../../src/context.js';
import type { ProxyPlan } from '../../../src/net/routes.js';
import { readEnvironmentProxies } from '../../../src/platform/environment.js';
import { cloudOf, readEntraError, readOpenIdConfiguration, readUserRealm } from '../../../src/tenant/discovery.js';
import { fakeConfig, fakeContext } from '../../support/fake-context.js';
import { runCheck } from '../../support/run-check.js';

const entra = (name: string) => (JSON.parse(readFileSync(new URL(`../../../fixtures/microsoft/entra/${name}.json`, import.meta.url), 'utf8')) as { example: Record<string, unknown> }).example;
const OPENID = entra('openid-configuration-v2');
const TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad';
const DIRECT: ProxyPlan = { machine: { platform: 'linux', environment: readEnvironmentProxies({}), pacAnswers: new Map() }, routes: {} };

/** Entra ID as recorded: each source answers what the test says, or not at all. */
interface Answers {
  openId?: { status: number; body: unknown; headers?: Record<string, string> } | 'no answer';
  getUserRealm?: { status: number; body: unknown; headers?: Record<string, string> } | 'no answer';
  userRealm?: { status: number; body: unknown; headers?: Record<string, string> };
}

function loginHost(answers: Answers, origin = 'https://login.microsoftonline.com'): MockAgent {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(origin);
  const answer = (path: (p: string) => boolean, a: Answers['openId']) => {
    if (a === undefined) return;
    const interceptor = pool.intercept({ path, method: 'GET' });
    if (a === 'no answer') interceptor.replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    else interceptor.reply(a.status, typeof a.body === 'string' ? a.body : JSON.stringify(a.body), { headers: { 'content-type': typeof a.body === 'string' ? 'text/html' : 'application/json', ...(a.headers ?? {}) } });
  };
  answer((p) => p.includes('/v2.0/.well-known/openid-configuration'), answers.openId);
  answer((p) => p.startsWith('/getuserrealm.srf?'), answers.getUserRealm);
  answer((p) => p.startsWith('/common/userrealm/'), answers.userRealm);
  return agent;
}

async function discover(agent: MockAgent, config: Partial<Config> = {}, given?: Inputs) {
  const upn = 'upn' in config ? config.upn : 'meganb@contoso.com';
  const inputs: Inputs = given ?? { ...(upn ? { upn } : {}), tenant: upn?.slice(upn.indexOf('@') + 1) ?? 'contoso.com', tenantFrom: 'UPN domain' };
  const ctx = fakeContext({ config: fakeConfig({ ...(upn ? { upn } : {}), ...config }), dispatcher: async () => agent });
  return runCheck(tenantDiscovery, ctx, { inputs, 'proxy-config': DIRECT });
}

const ok = (body: unknown) => ({ status: 200, body });
const openIdWith = (changes: Record<string, unknown>) => ok({ ...OPENID, ...changes });
const labels = (result: { evidence: readonly { label: string }[] }) => result.evidence.map((e) => e.label);
const commands = (result: { status: string; remediation?: readonly { commands: readonly string[] }[] }) => (result.remediation ?? []).flatMap((r) => r.commands);

describe('tenant-discovery', () => {
  it('passes for a managed commercial tenant, with the id from the issuer', async () => {
    const result = await discover(loginHost({ openId: ok(OPENID), getUserRealm: ok(entra('getuserrealm-managed')) }));
    expect(result).toMatchObject({ status: 'pass', summary: 'contoso.com is a tenant in Microsoft 365 worldwide (commercial and GCC) (O365Default); contoso.com signs in at Entra ID (managed).' });
    if (result.status !== 'pass') return;
    expect(result.output).toMatchObject({ query: 'contoso.com', tenantId: TENANT_ID, environment: 'O365Default', region: 'WW', namespace: 'Managed' });
    expect(result.output.federation).toBeUndefined();
    expect(result.evidence).toContainEqual({ label: 'Tenant id', value: TENANT_ID, sensitive: true });
    expect(result.evidence).toContainEqual({ label: 'Route', value: 'direct to login.microsoftonline.com' });
  });

  it('passes for a federated domain and hands on the federation server', async () => {
    const result = await discover(loginHost({ openId: ok(OPENID), getUserRealm: ok(entra('getuserrealm-federated')) }));
    expect(result).toMatchObject({ status: 'pass', summary: expect.stringContaining('contoso.com is federated: its users sign in at sts.contoso.com') });
    if (result.status !== 'pass') return;
    expect(result.output.namespace).toBe('Federated');
    expect(result.output.federation).toEqual({
      host: 'sts.contoso.com',
      authUrl: 'https://sts.contoso.com/adfs/ls/?username=username%40contoso.com&wa=wsignin1.0&wtrealm=urn%3afederation%3aMicrosoftOnline&wctx=',
      brand: 'Contoso',
    });
    expect(result.evidence).toContainEqual({ label: 'Federation server', value: 'sts.contoso.com', sensitive: true });
  });

  it('keeps a GCC tenant in the worldwide cloud', async () => {
    const result = await discover(loginHost({ openId: openIdWith({ tenant_region_scope: 'NA', tenant_region_sub_scope: 'GCC' }), getUserRealm: ok(entra('getuserrealm-managed')) }));
    expect(result).toMatchObject({ status: 'pass', output: { environment: 'O365Default', region: 'NA', subScope: 'GCC' } });
  });

  it('fails an unknown domain in plain words, with Entra\'s trace and correlation ids', async () => {
    const result = await discover(loginHost({ openId: { status: 400, body: entra('error-tenant-not-found-90002') }, getUserRealm: ok(entra('getuserrealm-unknown')) }));
    expect(result.status).toBe('fail');
    expect(result.summary).toMatch(/^Entra ID does not know this tenant: contoso\.com is not a verified domain of any tenant in Microsoft 365 worldwide/);
    expect(result.summary).toContain('mistyped, the domain has not been added and verified in the tenant, or the tenant is in another cloud');
    expect(result.evidence).toContainEqual({ label: 'Trace ID', value: '2e35e78b-e885-4bdd-90e2-d7beb467df00' });
    expect(result.evidence).toContainEqual({ label: 'Correlation ID', value: '0774b819-134d-4815-9573-a31a98397420' });
    expect(commands(result)).toEqual(
      expect.arrayContaining([
        'Get-MgDomain | Format-Table Id, IsVerified, AuthenticationType',
        'exo-doctor --environment O365USGovGCCHigh --upn meganb@contoso.com',
        'exo-doctor --environment O365China --upn meganb@contoso.com',
      ]),
    );
  });

  it('fails with the other cloud when Entra does not know the tenant here but the realm names the US Government cloud', async () => {
    const realm = { ...entra('getuserrealm-managed'), CloudInstanceName: 'microsoftonline.us' };
    const result = await discover(loginHost({ openId: { status: 400, body: entra('error-tenant-not-found-90002') }, getUserRealm: ok(realm) }));
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringContaining('is in Microsoft 365 US Government GCC High (O365USGovGCCHigh) or Microsoft 365 US Government DoD (O365USGovDoD)') });
    expect(commands(result)).toEqual([
      'Connect-ExchangeOnline -ExchangeEnvironmentName O365USGovGCCHigh -UserPrincipalName meganb@contoso.com',
      'exo-doctor --environment O365USGovGCCHigh --upn meganb@contoso.com',
      'Connect-ExchangeOnline -ExchangeEnvironmentName O365USGovDoD -UserPrincipalName meganb@contoso.com',
      'exo-doctor --environment O365USGovDoD --upn meganb@contoso.com',
    ]);
  });

  it('fails with every cloud outside this one when Entra answers AADSTS90038 and the realm names no cloud', async () => {
    const error = { ...entra('error-tenant-not-found-90002'), error_description: "AADSTS90038: Tenant 'contoso.com' belongs to another national cloud. Trace ID: 2e35e78b-e885-4bdd-90e2-d7beb467df00 Correlation ID: 0774b819-134d-4815-9573-a31a98397420 Timestamp: 2025-08-18 15:26:14Z", error_codes: [90038] };
    const { CloudInstanceName: _c, ...realm } = entra('getuserrealm-managed');
    const result = await discover(loginHost({ openId: { status: 400, body: error }, getUserRealm: ok(realm) }));
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringContaining('not in Microsoft 365 worldwide (commercial and GCC) (O365Default)') });
    expect(result.evidence).toContainEqual({ label: 'Trace ID', value: '2e35e78b-e885-4bdd-90e2-d7beb467df00' });
    expect(commands(result).filter((c) => c.startsWith('exo-doctor'))).toEqual([
      'exo-doctor --environment O365USGovGCCHigh --upn meganb@contoso.com',
      'exo-doctor --environment O365USGovDoD --upn meganb@contoso.com',
      'exo-doctor --environment O365China --upn meganb@contoso.com',
    ]);
  });

  it('fails a DoD tenant diagnosed as GCC High, naming both clouds and keeping --tenant', async () => {
    const dod = openIdWith({ cloud_instance_name: 'microsoftonline.us', tenant_region_scope: 'USGov', tenant_region_sub_scope: 'DOD', msgraph_host: 'dod-graph.microsoft.us' });
    const given: Inputs = { upn: 'meganb@contoso.com', tenant: TENANT_ID, tenantFrom: 'tenant option' };
    const result = await discover(loginHost({ openId: dod, getUserRealm: ok(entra('getuserrealm-managed')) }, 'https://login.microsoftonline.us'), { environment: 'O365USGovGCCHigh' }, given);
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringMatching(/is in Microsoft 365 US Government DoD \(O365USGovDoD\), not in Microsoft 365 US Government GCC High \(O365USGovGCCHigh\)/) });
    expect(result.summary).not.toContain('when -ExchangeEnvironmentName is not given');
    expect(commands(result)).toEqual([
      'Connect-ExchangeOnline -ExchangeEnvironmentName O365USGovDoD -UserPrincipalName meganb@contoso.com',
      `exo-doctor --environment O365USGovDoD --upn meganb@contoso.com --tenant ${TENANT_ID}`,
    ]);
  });

  it('fails a US Government tenant diagnosed as worldwide even when GCC High and DoD cannot be told apart', async () => {
    const gov = openIdWith({ cloud_instance_name: 'microsoftonline.us', tenant_region_scope: 'USGov', msgraph_host: undefined });
    const result = await discover(loginHost({ openId: gov, getUserRealm: ok(entra('getuserrealm-managed')) }));
    expect(result.status).toBe('fail');
    if (result.status !== 'fail') return;
    expect(result.remediation.map((r) => r.commands[0])).toEqual([
      'Connect-ExchangeOnline -ExchangeEnvironmentName O365USGovGCCHigh -UserPrincipalName meganb@contoso.com',
      'Connect-ExchangeOnline -ExchangeEnvironmentName O365USGovDoD -UserPrincipalName meganb@contoso.com',
    ]);
  });

  it('warns, and goes on with the cloud asked, when GCC High and DoD cannot be told apart', async () => {
    const gov = openIdWith({ cloud_instance_name: 'microsoftonline.us', tenant_region_scope: 'USGov', msgraph_host: undefined });
    const result = await discover(loginHost({ openId: gov, getUserRealm: ok(entra('getuserrealm-managed')) }, 'https://login.microsoftonline.us'), { environment: 'O365USGovGCCHigh' });
    expect(result).toMatchObject({ status: 'warn', summary: expect.stringContaining("Could not determine the tenant's cloud (O365USGovGCCHigh or O365USGovDoD): the OpenID configuration does not tell") });
    if (result.status !== 'warn') return;
    expect(result.output).toMatchObject({ tenantId: TENANT_ID, environment: 'O365USGovGCCHigh' });
    expect(commands(result)).toEqual(['exo-doctor --environment O365USGovDoD --upn meganb@contoso.com']);
  });

  it('falls back on getuserrealm when the OpenID configuration is an HTML error page, and uses the domain as the tenant', async () => {
    const result = await discover(loginHost({ openId: { status: 503, body: '<html><body>Service Unavailable</body></html>' }, getUserRealm: ok(entra('getuserrealm-managed')) }));
    expect(result).toMatchObject({ status: 'warn', summary: expect.stringContaining('Could not determine the tenant id: its OpenID configuration could not be read (HTTP 503 with text/html that is not JSON)') });
    if (result.status !== 'warn') return;
    expect(result.output).toMatchObject({ tenantId: 'contoso.com', environment: 'O365Default', namespace: 'Managed' });
    expect(result.evidence).toContainEqual({ label: 'OpenID configuration', value: 'HTTP 503 with text/html that is not JSON' });
    expect(commands(result)).toContain('exo-doctor --tenant <tenant id> --upn meganb@contoso.com');
  });

  it('reads the tenant id from the token endpoint when the issuer changes shape', async () => {
    const result = await discover(loginHost({ openId: openIdWith({ issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0' }), getUserRealm: ok(entra('getuserrealm-managed')) }));
    expect(result).toMatchObject({ status: 'pass', output: { tenantId: TENANT_ID } });
  });

  it('warns "could not determine the tenant id" rather than guess when no field names it', async () => {
    const { token_endpoint: _t, ...rest } = OPENID;
    const result = await discover(loginHost({ openId: ok({ ...rest, issuer: 'https://login.microsoftonline.com/contoso/v2.0' }), getUserRealm: ok(entra('getuserrealm-managed')) }));
    expect(result).toMatchObject({ status: 'warn', summary: expect.stringContaining('Could not determine the tenant id: the OpenID configuration names none (issuer: https://login.microsoftonline.com/contoso/v2.0)') });
    if (result.status !== 'warn') return;
    expect(result.output.tenantId).toBe('contoso.com');
    expect(result.evidence.find((e) => e.label === 'Tenant id')).toBeUndefined();
  });

  it('falls back on userrealm v2.0 when getuserrealm.srf answers a shape it does not know', async () => {
    const result = await discover(
      loginHost({
        openId: ok(OPENID),
        getUserRealm: ok({ Realm: { Type: 'Federated' } }),
        userRealm: ok({ NameSpaceType: 'Federated', Login: 'meganb@contoso.com', DomainName: 'contoso.com', federation_protocol: 'WSTrust', AuthURL: 'https://adfs.contoso.com/adfs/ls/', cloud_instance_name: 'microsoftonline.com' }),
      }),
    );
    expect(result).toMatchObject({ status: 'pass', output: { namespace: 'Federated', federation: { host: 'adfs.contoso.com', authUrl: 'https://adfs.contoso.com/adfs/ls/' } } });
    expect(result.evidence).toContainEqual({ label: 'getuserrealm.srf', value: 'HTTP 200 with JSON that is not a user realm' });
    expect(result.evidence).toContainEqual({ label: 'userrealm v2.0', value: 'HTTP 200, read' });
  });

  it('warns that the sign-in type is unknown when neither realm endpoint can be read', async () => {
    const result = await discover(loginHost({ openId: ok(OPENID), getUserRealm: { status: 500, body: { error: 'server' } }, userRealm: { status: 404, body: '' } }));
    expect(result).toMatchObject({ status: 'warn', summary: expect.stringContaining('Could not determine whether contoso.com is managed or federated') });
    if (result.status !== 'warn') return;
    expect(result.output).toMatchObject({ tenantId: TENANT_ID, namespace: 'Unknown' });
    expect(commands(result)).toEqual(['Invoke-RestMethod "https://login.microsoftonline.com/getuserrealm.srf?login=meganb%40contoso.com&json=1"']);
  });

  it('warns when the tenant exists but Entra does not know the domain of the UPN', async () => {
    const given: Inputs = { upn: 'meganb@contoso-typo.com', tenant: 'contoso.com', tenantFrom: 'tenant option' };
    const result = await discover(loginHost({ openId: ok(OPENID), getUserRealm: ok(entra('getuserrealm-unknown')) }), { upn: 'meganb@contoso-typo.com' }, given);
    expect(result).toMatchObject({ status: 'warn', summary: expect.stringContaining('Entra ID does not know the domain contoso-typo.com of meganb@contoso-typo.com') });
    expect(commands(result)).toContain('Get-MgDomain | Format-Table Id, IsVerified, AuthenticationType');
  });

  it('fails an unknown domain on getuserrealm alone when the OpenID configuration cannot be read', async () => {
    const result = await discover(loginHost({ openId: { status: 502, body: '' }, getUserRealm: ok(entra('getuserrealm-unknown')) }));
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringContaining('contoso.com is not a verified domain of any tenant') });
    expect(result.summary).toContain('getuserrealm answered that it does not know the domain');
  });

  it('does not ask getuserrealm without a UPN, and passes with the sign-in type unknown', async () => {
    const given: Inputs = { tenant: TENANT_ID, tenantFrom: 'tenant option' };
    const result = await discover(loginHost({ openId: ok(OPENID) }), { upn: undefined, tenant: TENANT_ID }, given);
    expect(result).toMatchObject({ status: 'pass', summary: expect.stringContaining('no account was given'), output: { namespace: 'Unknown', tenantId: TENANT_ID } });
    expect(labels(result)).not.toContain('getuserrealm.srf');
  });

  it('could not check when the login host gives no answer at all, explained by the network checks if they failed', async () => {
    const result = await discover(loginHost({ openId: 'no answer', getUserRealm: 'no answer' }));
    expect(result).toMatchObject({
      status: 'skip',
      kind: 'not-checked',
      errorUnlessExplained: true,
      explainedBy: expect.arrayContaining(['endpoints', 'proxy-health']),
      summary: expect.stringMatching(/^Could not reach login\.microsoftonline\.com \(.*\)\.$/),
    });
  });

  it("says Entra is failing on Microsoft's side, or throttling, and suggests no other tenant or cloud", async () => {
    const failing = await discover(loginHost({ openId: { status: 503, body: { error: { code: 'ServiceUnavailable' } } }, getUserRealm: { status: 503, body: {} } }));
    expect(failing).toMatchObject({ status: 'error', summary: expect.stringContaining("failing on Microsoft's side: it answered HTTP 503") });
    expect(commands(failing).join(' ')).not.toMatch(/--environment|--tenant/);
    const throttled = await discover(loginHost({ openId: { status: 429, body: {}, headers: { 'retry-after': '30' } }, getUserRealm: { status: 429, body: {} } }));
    expect(throttled).toMatchObject({ status: 'error', summary: expect.stringContaining('HTTP 429 (Too Many Requests) with Retry-After 30 s') });
  });
});

describe('reading Entra ID discovery answers', () => {
  it('tells the cloud from cloud_instance_name and the sub-scope, and decides nothing from facts that disagree', () => {
    expect(cloudOf({ cloudInstanceName: 'microsoftonline.com' }).environment).toBe('O365Default');
    expect(cloudOf({ cloudInstanceName: 'microsoftonline.com', subScope: 'GCC' }).environment).toBe('O365Default');
    expect(cloudOf({ cloudInstanceName: 'microsoftonline.us', subScope: 'DODCON' }).environment).toBe('O365USGovGCCHigh');
    expect(cloudOf({ cloudInstanceName: 'microsoftonline.us', subScope: 'DOD' }).environment).toBe('O365USGovDoD');
    expect(cloudOf({ cloudInstanceName: 'partner.microsoftonline.cn' }).environment).toBe('O365China');
    expect(cloudOf({ cloudInstanceName: 'microsoftonline.us' })).toMatchObject({ candidates: ['O365USGovGCCHigh', 'O365USGovDoD'] });
    expect(cloudOf({ cloudInstanceName: 'microsoftonline.us', msgraphHost: 'dod-graph.microsoft.us' }).environment).toBe('O365USGovDoD');
    // Contradictions and unknown clouds decide nothing.
    expect(cloudOf({ cloudInstanceName: 'microsoftonline.com', subScope: 'DODCON' })).toEqual({ candidates: [], signals: expect.any(Array) });
    expect(cloudOf({ cloudInstanceName: 'microsoftonline.de' }).candidates).toEqual([]);
    expect(cloudOf({}).candidates).toEqual([]);
    // A sub-scope the doctor does not know does not override the cloud instance.
    expect(cloudOf({ cloudInstanceName: 'microsoftonline.com', subScope: 'NEWSCOPE' }).environment).toBe('O365Default');
  });

  it('reads the tenant id from a v1 issuer, none from the /common placeholder, and refuses bodies that are not OpenID configurations', () => {
    const common = entra('openid-configuration-v1');
    expect(readOpenIdConfiguration(common)).toMatchObject({ issuer: 'https://sts.windows.net/{tenantid}/' });
    expect(readOpenIdConfiguration(common)?.tenantId).toBeUndefined();
    expect(readOpenIdConfiguration({ ...common, issuer: `https://sts.windows.net/${TENANT_ID}/` })).toMatchObject({ tenantId: TENANT_ID, tenantIdFrom: 'issuer' });
    expect(readOpenIdConfiguration({ error: 'invalid_tenant' })).toBeUndefined();
    expect(readOpenIdConfiguration('<html>')).toBeUndefined();
  });

  it('reads the trace lines of a 2022-style description when the separate fields are missing', () => {
    const error = readEntraError({
      error: 'invalid_tenant',
      error_description: "AADSTS90002: Tenant 'contoso.com' not found.\r\nTrace ID: 11111111-2222-3333-4444-555555555555\r\nCorrelation ID: 66666666-7777-8888-9999-000000000000\r\nTimestamp: 2022-03-01 10:00:00Z",
    });
    expect(error).toEqual({
      error: 'invalid_tenant',
      codes: [90002],
      message: "Tenant 'contoso.com' not found.",
      traceId: '11111111-2222-3333-4444-555555555555',
      correlationId: '66666666-7777-8888-9999-000000000000',
    });
  });

  it('names no federation server for an AuthURL that is not https, and refuses an unknown NameSpaceType', () => {
    expect(readUserRealm({ NameSpaceType: 'Federated', AuthURL: 'http://adfs.contoso.com/adfs/ls/' })).toEqual({ namespace: 'Federated', authUrl: 'http://adfs.contoso.com/adfs/ls/' });
    expect(readUserRealm({ NameSpaceType: 'Cloud' })).toBeUndefined();
    expect(readUserRealm({ State: 4 })).toBeUndefined();
  });
});
