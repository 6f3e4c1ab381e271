import { readFileSync } from 'node:fs';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { signInLog } from '../../../checks/sign-in-log.js';
import type { GraphSession } from '../../../src/auth/identity.js';
import type { ProxyPlan } from '../../../src/net/routes.js';
import { readEnvironmentProxies } from '../../../src/platform/environment.js';
import { fakeConfig, fakeContext, LINUX_RUNTIME } from '../../support/fake-context.js';
import { runCheck } from '../../support/run-check.js';

const fixture = (path: string) => (JSON.parse(readFileSync(new URL(`../../../fixtures/microsoft/graph/${path}`, import.meta.url), 'utf8')) as { example: Record<string, unknown> }).example;

const DIRECT: ProxyPlan = { machine: { platform: 'linux', environment: readEnvironmentProxies({}), pacAnswers: new Map() }, routes: {} };
const ID = '26be570a-ae82-4189-b4e2-a37c6808512d';
const SESSION: GraphSession = {
  graphHost: 'graph.microsoft.com',
  accessToken: 'graph-token-value',
  appOnly: false,
  permissions: ['AuditLog.Read.All'],
  subject: { id: ID, upn: 'testaccount1@contoso.com' },
  callerId: ID,
};
const FIRST = `/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(`userId eq '${ID}' and appId eq 'fb78d390-0c51-40cd-8e17-fdbfab77341b'`)}&$top=5`;

async function run(pages: Record<string, readonly [number, unknown]>, session: GraphSession = SESSION) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get('https://graph.microsoft.com');
  for (const [path, [status, body]] of Object.entries(pages)) pool.intercept({ path, method: 'GET' }).reply(status, body as object);
  const ctx = fakeContext({ config: fakeConfig(), runtime: LINUX_RUNTIME, dispatcher: async () => agent });
  return runCheck(signInLog, ctx, { 'graph-token': session, 'proxy-config': DIRECT });
}

describe('sign-in-log', () => {
  it('asks for the account and the module only, and passes on a successful latest sign-in (documented record)', async () => {
    const doc = fixture('sign-ins.json');
    const result = await run({ [FIRST]: [200, doc], '/v1.0/auditLogs/signIns?$top=1&$skiptoken=9177f2e3532fcd4c4d225f68f7b9bdf7_1': [200, { value: [] }] });
    expect(result).toMatchObject({ status: 'pass', summary: 'The latest sign-in to Exchange Online PowerShell (2020-03-13T19:15:41Z) succeeded.' });
    // Policies that were not enabled are noise: left out.
    expect(result.evidence).toContainEqual({ label: 'Sign-in 1', value: '2020-03-13T19:15:41Z: succeeded; Conditional Access: notApplied' });
    expect(result.evidence[0]).toEqual({ label: 'Account', value: 'testaccount1@contoso.com', sensitive: true });
  });

  it('warns with the decoded code when the latest sign-in failed (documented failure)', async () => {
    const result = await run({ [FIRST]: [200, fixture('sign-ins-beta-failure.json')] });
    expect(result).toMatchObject({
      status: 'warn',
      summary: 'The latest sign-in to Exchange Online PowerShell (2021-06-30T16:34:32Z) failed with AADSTS50126 (InvalidUserNameOrPassword): The credentials could not be validated because the username or password is wrong.',
    });
    expect(result.evidence).toContainEqual({ label: 'Sign-in 1', value: '2021-06-30T16:34:32Z: failed, AADSTS50126 (InvalidUserNameOrPassword): Error validating credentials due to invalid username or password; Conditional Access: notApplied' });
    if (result.status !== 'warn') return;
    expect(result.remediation[0]?.links).toEqual([expect.stringContaining('learn.microsoft.com')]);
  });

  it('names the failing Conditional Access policies', async () => {
    const record = {
      createdDateTime: '2026-11-25T11:58:00.1234567Z',
      status: { errorCode: 53003, failureReason: 'Access has been blocked by Conditional Access policies.' },
      conditionalAccessStatus: 'failure',
      appliedConditionalAccessPolicies: [
        { displayName: 'Block device code flow', result: 'failure', enforcedGrantControls: ['Block'] },
        { displayName: 'Old policy', result: 'notEnabled' },
      ],
    };
    const result = await run({ [FIRST]: [200, { value: [record] }] });
    expect(result.summary).toContain('failed with AADSTS53003');
    expect(result.summary).toContain('Conditional Access policies that failed it: “Block device code flow”.');
  });

  it('passes when the log has no sign-ins to the module, giving the window', async () => {
    const result = await run({ [FIRST]: [200, { value: [] }] });
    expect(result).toMatchObject({ status: 'pass', summary: expect.stringContaining('30 days with Entra ID P1 or P2 (7 days without') });
  });

  it('skips naming Entra ID P1 when the tenant has none', async () => {
    const result = await run({ [FIRST]: [403, fixture('error-403-non-premium.json')] });
    expect(result).toMatchObject({ status: 'skip', summary: expect.stringContaining('The sign-in log in Graph needs Microsoft Entra ID P1.') });
  });

  it('skips naming AuditLog.Read.All for an app without it', async () => {
    const result = await run({ [FIRST]: [403, fixture('error-403-authorization-request-denied.json')] }, { ...SESSION, appOnly: true, permissions: ['User.Read.All'] });
    expect(result).toMatchObject({ status: 'skip', summary: expect.stringContaining('application permission AuditLog.Read.All') });
  });
});
