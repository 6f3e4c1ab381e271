// The Exchange admin API client against recorded InvokeCommand bodies (fixtures/microsoft/exchange),
// through a fake context whose dispatcher is undici's MockAgent.
import { readFileSync } from 'node:fs';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { CLOUDS } from '../../../src/clouds.js';
import type { Context } from '../../../src/context.js';
import { ExchangeClient, ExchangeError, ExchangeThrottledError, parseDetail } from '../../../src/exo/client.js';
import type { ExoSession } from '../../../src/auth/identity.js';
import { HttpFailure } from '../../../src/net/http.js';
import { MAX_ATTEMPTS } from '../../../src/throttle.js';
import { fakeConfig, fakeContext, LINUX_RUNTIME } from '../../support/fake-context.js';

const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const HOST = 'https://outlook.office365.com';
const INVOKE = `/adminapi/beta/${TENANT}/InvokeCommand`;
const NOW = new Date('2026-11-25T12:00:00Z');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const fixture = (name: string) => (JSON.parse(readFileSync(new URL(`../../../fixtures/microsoft/exchange/${name}`, import.meta.url), 'utf8')) as { example: unknown }).example;

const DELEGATED: ExoSession = {
  cloud: CLOUDS.O365Default,
  tenantId: TENANT,
  mode: 'device-code',
  appOnly: false,
  clientId: 'fb78d390-0c51-40cd-8e17-fdbfab77341b',
  upn: 'meganb@contoso.com',
  subject: 'meganb@contoso.com',
  accessToken: 'eyJ0eXAiOiJKV1QifQ.e30.c2lnbmF0dXJl',
  claims: {},
};
const { upn: _upn, subject: _subject, ...anonymous } = DELEGATED;
const APP_ONLY: ExoSession = { ...anonymous, mode: 'certificate', appOnly: true, clientId: '5b1c7e3a-9d2f-4e6b-8a4c-1f0d3e5b7a92' };

interface Seen {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

type Reply = { statusCode: number; data?: string; responseOptions?: { headers?: Record<string, string> } };

/** A MockAgent that answers InvokeCommand with the given replies in turn, recording what it was sent. */
function exchange(replies: Reply[]): { agent: MockAgent; seen: Seen[] } {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const seen: Seen[] = [];
  agent
    .get(HOST)
    .intercept({ path: (p) => p.startsWith(INVOKE), method: 'POST' })
    .reply((opts) => {
      seen.push({ path: opts.path, headers: Object.fromEntries(Object.entries(opts.headers as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v])), body: String(opts.body) });
      const reply = replies[Math.min(seen.length - 1, replies.length - 1)] as Reply;
      return { data: '', responseOptions: {}, ...reply };
    })
    .persist();
  return { agent, seen };
}

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
  statusCode,
  data: JSON.stringify(body),
  responseOptions: { headers: { 'content-type': 'application/json', ...headers } },
});

function client(agent: MockAgent | undefined, session: ExoSession = DELEGATED, options: { deadline?: Date } = {}): ExchangeClient {
  const ctx: Context = fakeContext({
    config: fakeConfig(),
    now: () => NOW,
    runtime: LINUX_RUNTIME,
    ...(agent ? { dispatcher: async () => agent } : {}),
  });
  return new ExchangeClient(ctx, session, { timeoutMs: 5000, ...options });
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('ExchangeClient requests', () => {
  it('posts the CmdletInput body with the module headers for a delegated token', async () => {
    const { agent, seen } = exchange([json(200, fixture('invokecommand-response-complete.json'))]);
    const rows = await client(agent).invoke('Get-User', { Identity: 'meganb@contoso.com' }, { select: ['UserPrincipalName', 'EXOModuleEnabled'] });
    expect(rows.map((r) => r['Identity'])).toEqual(['one', 'two', 'three']);
    const [request] = seen;
    expect(JSON.parse(request?.body ?? '')).toEqual({ CmdletInput: { CmdletName: 'Get-User', Parameters: { Identity: 'meganb@contoso.com' } } });
    expect(new URL(request?.path ?? '', HOST).searchParams.get('$select')).toBe('UserPrincipalName,EXOModuleEnabled');
    expect(request?.headers).toMatchObject({
      authorization: `Bearer ${DELEGATED.accessToken}`,
      'x-anchormailbox': 'UPN:meganb@contoso.com',
      accept: 'application/json',
      'content-type': 'application/json',
    });
    expect(request?.headers['client-request-id']).toMatch(GUID);
  });

  it("anchors app-only calls on the tenant's system mailbox", async () => {
    const { agent, seen } = exchange([json(200, fixture('invokecommand-response-complete.json'))]);
    await client(agent, APP_ONLY).invoke('Get-OrganizationConfig');
    expect(seen[0]?.headers['x-anchormailbox']).toBe(`APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@${TENANT}`);
  });

  it('sends a fresh client-request-id with every call and keeps it for evidence', async () => {
    const { agent, seen } = exchange([json(200, fixture('invokecommand-response-complete.json'), { 'request-id': 'server-1' })]);
    const exo = client(agent);
    await exo.invoke('Get-AcceptedDomain');
    const first = exo.lastCall;
    await exo.invoke('Get-AcceptedDomain');
    expect(first).toMatchObject({ cmdlet: 'Get-AcceptedDomain', clientRequestId: seen[0]?.headers['client-request-id'], requestId: 'server-1', status: 200, pages: 1 });
    expect(exo.lastCall?.clientRequestId).toBe(seen[1]?.headers['client-request-id']);
    expect(seen[0]?.headers['client-request-id']).not.toBe(seen[1]?.headers['client-request-id']);
  });

  it.each(['Set-User', 'New-ManagementRoleAssignment', 'Remove-Mailbox', 'Get-User; Set-User', 'get'])('refuses to run %s without sending anything', async (cmdlet) => {
    const { agent, seen } = exchange([json(200, { value: [] })]);
    const err = await caught(client(agent).invoke(cmdlet));
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain('only reads');
    expect(seen).toEqual([]);
  });
});

describe('ExchangeClient paging', () => {
  it('re-posts the same body to @odata.nextLink and joins the pages', async () => {
    const first = fixture('invokecommand-response.json');
    const { agent, seen } = exchange([json(200, first), json(200, fixture('invokecommand-response-complete.json'))]);
    const exo = client(agent);
    const rows = await exo.invoke('Get-Mailbox');
    expect(rows).toHaveLength(4);
    expect(seen.map((s) => s.body)).toEqual([seen[0]?.body, seen[0]?.body]);
    expect(seen[1]?.path).toContain('skiptoken=');
    expect(exo.lastCall).toMatchObject({ pages: 2, truncated: false, warnings: [expect.stringContaining('more results available')] });
  });

  it('stops after a few pages and says the result was cut short', async () => {
    const { agent, seen } = exchange([json(200, fixture('invokecommand-response.json'))]);
    const exo = client(agent);
    const rows = await exo.invoke('Get-Mailbox');
    expect(seen).toHaveLength(5);
    expect(rows).toHaveLength(5);
    expect(exo.lastCall).toMatchObject({ pages: 5, truncated: true });
  });

  it('does not send the token to a nextLink on another host', async () => {
    const page = { ...(fixture('invokecommand-response.json') as object), '@odata.nextLink': `https://evil.example.com${INVOKE}?$skiptoken=1` };
    const { agent, seen } = exchange([json(200, page)]);
    const rows = await client(agent).invoke('Get-Mailbox');
    expect(rows).toHaveLength(1);
    expect(seen).toHaveLength(1);
  });
});

describe('ExchangeClient errors', () => {
  it('reads a 401 refusal with its headers', async () => {
    const { agent } = exchange([json(401, fixture('invokecommand-error-401.json'), { 'x-ms-diagnostics': '2000001;reason="x"', 'request-id': 'r-1' })]);
    const err = await caught(client(agent).invoke('Get-RecipientPermission'));
    expect(err).toBeInstanceOf(ExchangeError);
    expect(err).toMatchObject({
      status: 401,
      code: 'Unauthorized',
      exchangeMessage: 'User is not allowed to call Get-RecipientPermission',
      reason: 'User is not allowed to call Get-RecipientPermission',
      diagnostics: '2000001;reason="x"',
      requestId: 'r-1',
      clientRequestId: expect.stringMatching(GUID),
      body: 'json',
    });
  });

  it('parses details[].message as code|type|text, with an empty code', async () => {
    const { agent } = exchange([json(400, fixture('invokecommand-error-details.json'))]);
    const err = (await caught(client(agent).invoke('Get-QuarantineMessage'))) as ExchangeError;
    expect(err.details).toEqual([
      {
        code: '',
        type: 'Microsoft.Exchange.AdminApi.CommandInvocation.AmbiguousParameterSetException',
        text: 'Parameter set cannot be resolved using the specified named parameters. Invalid cmdlet parameters specified. BogusParameter',
      },
    ]);
    expect(err.reason).toContain('Parameter set cannot be resolved');
  });

  it('falls back on innererror.internalexception.message when there are no details', async () => {
    const { agent } = exchange([json(400, fixture('invokecommand-error-internalexception.json'))]);
    const err = (await caught(client(agent).invoke('Get-QuarantineMessage'))) as ExchangeError;
    expect(err.details).toEqual([]);
    expect(err.reason).toMatch(/^Cannot process argument transformation on parameter 'QuarantineTypes'/);
  });

  it('reports a body of NUL bytes (app-only 403, observed) as not JSON', async () => {
    const { agent } = exchange([{ statusCode: 403, data: '\u0000'.repeat(4096) }]);
    const err = (await caught(client(agent, APP_ONLY).invoke('Get-OrganizationConfig'))) as ExchangeError;
    expect(err).toMatchObject({ status: 403, code: 'HTTP 403', body: 'not-json', exchangeMessage: 'a body of 4096 NUL bytes instead of JSON' });
  });

  it('refuses a success that is not an InvokeCommand result', async () => {
    const { agent } = exchange([{ statusCode: 200, data: '<html>Sign in to your proxy</html>' }]);
    const err = (await caught(client(agent).invoke('Get-OrganizationConfig'))) as ExchangeError;
    expect(err).toMatchObject({ status: 200, code: 'InvalidResponse', body: 'not-json' });
  });

  it('lets a transport failure through as HttpFailure', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent.get(HOST).intercept({ path: (p) => p.startsWith(INVOKE), method: 'POST' }).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const err = await caught(client(agent).invoke('Get-OrganizationConfig'));
    expect(err).toBeInstanceOf(HttpFailure);
    expect(err).toMatchObject({ code: 'ECONNRESET' });
  });
});

describe('ExchangeClient throttling', () => {
  const throttled = (retryAfter: string) =>
    json(429, { error: { code: 'TooManyRequests', message: 'Too many requests.' } }, { 'retry-after': retryAfter, 'rate-limit-remaining': '0', 'rate-limit-reset': '2026-11-25T12:00:30Z', 'rate-limit-limit': '30000' });

  it('throws a throttled error at once when Retry-After does not fit in the time left', async () => {
    const { agent, seen } = exchange([throttled('30'), json(200, { value: [] })]);
    const err = await caught(client(agent, DELEGATED, { deadline: new Date(NOW.getTime() + 10_000) }).invoke('Get-OrganizationConfig'));
    expect(err).toBeInstanceOf(ExchangeThrottledError);
    expect(err).toMatchObject({ status: 429, retryAfterSeconds: 30, rateLimit: { 'rate-limit-remaining': '0', 'rate-limit-reset': '2026-11-25T12:00:30Z', 'rate-limit-limit': '30000' } });
    expect(seen).toHaveLength(1);
  });

  it('waits out a Retry-After that fits, once, with a new request id', async () => {
    // An HTTP date equal to the (fixed) clock: no real wait.
    const { agent, seen } = exchange([throttled('Wed, 25 Nov 2026 12:00:00 GMT'), json(200, fixture('invokecommand-response-complete.json'))]);
    const rows = await client(agent, DELEGATED, { deadline: new Date(NOW.getTime() + 10_000) }).invoke('Get-Mailbox');
    expect(rows).toHaveLength(3);
    expect(seen).toHaveLength(2);
    expect(seen[0]?.headers['client-request-id']).not.toBe(seen[1]?.headers['client-request-id']);
  });

  it('retries a few times at most, then reports the throttling', async () => {
    const { agent, seen } = exchange([throttled('Wed, 25 Nov 2026 12:00:00 GMT')]);
    const err = await caught(client(agent, DELEGATED, { deadline: new Date(NOW.getTime() + 10_000) }).invoke('Get-Mailbox'));
    expect(err).toMatchObject({ name: 'ExchangeThrottledError', retryAfterSeconds: 0 });
    expect(seen).toHaveLength(MAX_ATTEMPTS);
  });
});

describe('parseDetail', () => {
  it('keeps bars that belong to the text', () => {
    expect(parseDetail('Ex6F9304|Some.Type|a | b')).toEqual({ code: 'Ex6F9304', type: 'Some.Type', text: 'a | b' });
  });

  it('takes a message without bars as text', () => {
    expect(parseDetail('plain')).toEqual({ code: '', type: '', text: 'plain' });
  });
});
