import { readFileSync } from 'node:fs';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { exoAppPrincipal } from '../../../checks/exo-app-principal.js';
import type { GraphSession } from '../../../src/auth/identity.js';
import type { ProxyPlan } from '../../../src/net/routes.js';
import { readEnvironmentProxies } from '../../../src/platform/environment.js';
import { fakeConfig, fakeContext, LINUX_RUNTIME } from '../../support/fake-context.js';
import { runCheck } from '../../support/run-check.js';

const fixture = (path: string) => (JSON.parse(readFileSync(new URL(`../../../fixtures/microsoft/graph/${path}`, import.meta.url), 'utf8')) as { example: Record<string, unknown> }).example;

const DIRECT: ProxyPlan = { machine: { platform: 'linux', environment: readEnvironmentProxies({}), pacAnswers: new Map() }, routes: {} };
const ID = '87d349ed-44d7-43e1-9a83-5f2406dee5bd';
const SESSION: GraphSession = { graphHost: 'graph.microsoft.com', accessToken: 't', appOnly: false, permissions: ['Application.Read.All', 'GroupMember.Read.All'], subject: { id: ID, upn: 'AdeleV@contoso.com' }, callerId: ID };
const LOOKUP = '/v1.0/servicePrincipals?$filter=appId%20eq%20\'fb78d390-0c51-40cd-8e17-fdbfab77341b\'&$select=id%2CappId%2CdisplayName%2CaccountEnabled%2CappRoleAssignmentRequired';

/** The documented service principal object, as the module's app with the given settings. */
function principal(settings: { accountEnabled: boolean; appRoleAssignmentRequired: boolean }) {
  const doc = (fixture('service-principals-by-appid.json')['value'] as Record<string, unknown>[])[0];
  return { value: [{ ...doc, appId: 'fb78d390-0c51-40cd-8e17-fdbfab77341b', displayName: 'Microsoft Exchange REST API Based Powershell', ...settings }] };
}
const SP = '59e617e5-e447-4adc-8b88-00af644d7c92';

async function run(pages: Record<string, readonly [number, unknown]>, session: GraphSession = SESSION) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get('https://graph.microsoft.com');
  for (const [path, [status, body]] of Object.entries(pages)) pool.intercept({ path, method: 'GET' }).reply(status, body as object);
  const ctx = fakeContext({ config: fakeConfig(), runtime: LINUX_RUNTIME, dispatcher: async () => agent });
  return runCheck(exoAppPrincipal, ctx, { 'graph-token': session, 'proxy-config': DIRECT });
}

const MEMBER_OF = `/v1.0/users/${ID}/memberOf/microsoft.graph.group?$select=id`;
const ASSIGNED = `/v1.0/servicePrincipals/${SP}/appRoleAssignedTo`;

describe('exo-app-principal', () => {
  it('passes, explaining, when the app was never used in the tenant', async () => {
    const result = await run({ [LOOKUP]: [200, { value: [] }] });
    expect(result).toMatchObject({ status: 'pass', summary: expect.stringContaining('Entra ID creates it at the first sign-in'), output: { exists: false } });
  });

  it('fails a disabled app, telling who may re-enable it and that it was likely on purpose', async () => {
    const result = await run({ [LOOKUP]: [200, principal({ accountEnabled: false, appRoleAssignmentRequired: false })] });
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringContaining('AADSTS7000112') });
    expect(result.summary).toContain('on purpose');
  });

  it('passes an account assigned through a group it is a direct member of', async () => {
    const result = await run({
      [LOOKUP]: [200, principal({ accountEnabled: true, appRoleAssignmentRequired: true })],
      [ASSIGNED]: [200, { value: [{ principalId: 'G1', principalType: 'Group' }] }],
      [MEMBER_OF]: [200, { value: [{ id: 'g1' }] }],
    });
    expect(result).toMatchObject({ status: 'pass', summary: expect.stringContaining('assigned through a group') });
  });

  it('fails an account only in a nested group (assignment does not follow nesting)', async () => {
    const result = await run({
      [LOOKUP]: [200, principal({ accountEnabled: true, appRoleAssignmentRequired: true })],
      [ASSIGNED]: [200, { value: [{ principalId: 'g1', principalType: 'Group' }, { principalId: 'someone-else', principalType: 'User' }] }],
      [MEMBER_OF]: [200, { value: [{ id: 'g2' }] }],
    });
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringContaining('AADSTS50105') });
    if (result.status !== 'fail') return;
    expect(result.remediation[0]).toMatchObject({ runBy: 'another-admin', commands: expect.arrayContaining(['$user = Get-MgUser -UserId AdeleV@contoso.com']) });
    expect(result.evidence).toContainEqual({ label: 'Assignments', value: '2 (1 of them groups)' });
  });

  it('skips naming Application.Read.All when the lookup is refused', async () => {
    const result = await run({ [LOOKUP]: [403, fixture('error-403-authorization-request-denied.json')] }, { ...SESSION, permissions: ['User.Read'] });
    expect(result).toMatchObject({ status: 'skip', summary: expect.stringContaining('Application.Read.All') });
    if (result.status !== 'skip') return;
    expect(result.remediation?.[0]?.commands).toEqual(['Connect-MgGraph -Scopes Application.Read.All']);
  });

  it('skips when the groups needed to decide cannot be read', async () => {
    const result = await run(
      {
        [LOOKUP]: [200, principal({ accountEnabled: true, appRoleAssignmentRequired: true })],
        [ASSIGNED]: [200, { value: [{ principalId: 'g1', principalType: 'Group' }] }],
        [MEMBER_OF]: [403, fixture('error-403-authorization-request-denied.json')],
      },
      { ...SESSION, permissions: ['Application.Read.All'] },
    );
    expect(result).toMatchObject({ status: 'skip', summary: expect.stringContaining('GroupMember.Read.All') });
  });
});
