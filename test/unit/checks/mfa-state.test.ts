import { readFileSync } from 'node:fs';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { mfaState } from '../../../checks/mfa-state.js';
import type { Config } from '../../../src/context.js';
import type { ExoSession, GraphSession } from '../../../src/auth/identity.js';
import { CLOUDS } from '../../../src/clouds.js';
import { ENTRA_ROLES } from '../../../src/knowledge/entra-roles.js';
import { readEnvironmentProxies } from '../../../src/platform/environment.js';
import type { ProxyPlan } from '../../../src/net/routes.js';
import { fakeConfig, fakeContext, LINUX_RUNTIME } from '../../support/fake-context.js';
import { runCheck } from '../../support/run-check.js';

const fixture = (path: string) => (JSON.parse(readFileSync(new URL(`../../../fixtures/microsoft/graph/${path}`, import.meta.url), 'utf8')) as { example: Record<string, unknown> }).example;

const DIRECT: ProxyPlan = { machine: { platform: 'linux', environment: readEnvironmentProxies({}), pacAnswers: new Map() }, routes: {} };
const ID = '87d349ed-44d7-43e1-9a83-5f2406dee5bd';
const UPN = 'AdeleV@contoso.com';
const GA = ENTRA_ROLES.globalAdministrator.templateId;
const SESSION: GraphSession = {
  graphHost: 'graph.microsoft.com',
  accessToken: 'graph-token-value',
  appOnly: false,
  permissions: ['User.Read.All', 'Policy.Read.All', 'UserAuthenticationMethod.Read.All', 'AuditLog.Read.All', 'RoleManagement.Read.Directory'],
  subject: { id: ID, upn: UPN, displayName: 'Adele Vance' },
  callerId: ID,
};

type Reply = readonly [status: number, body: unknown];
const DENIED: Reply = [403, fixture('error-403-authorization-request-denied.json')];
const NO_P1: Reply = [403, fixture('error-403-non-premium.json')];

/** What the tenant answers; a read left out of `replies` gets the default. */
interface Tenant {
  requirements?: Reply;
  methods?: Reply;
  registration?: Reply;
  defaults?: Reply;
  policies?: Reply;
  roles?: Reply;
  groups?: Reply;
}

const PATHS: Record<keyof Tenant, string> = {
  requirements: `/beta/users/${ID}/authentication/requirements`,
  methods: `/v1.0/users/${ID}/authentication/methods`,
  registration: `/v1.0/reports/authenticationMethods/userRegistrationDetails/${ID}`,
  defaults: '/v1.0/policies/identitySecurityDefaultsEnforcementPolicy',
  policies: '/v1.0/identity/conditionalAccess/policies',
  roles: '/v1.0/roleManagement/directory/roleAssignments?',
  groups: `/v1.0/users/${ID}/transitiveMemberOf/microsoft.graph.group?`,
};

const method = (type: string) => ({ '@odata.type': `#microsoft.graph.${type}AuthenticationMethod`, id: type });
const assignment = (templateId: string) => ({ id: `a-${templateId}`, principalId: ID, directoryScopeId: '/', roleDefinitionId: templateId });

/** A policy as Graph lists it, reaching Exchange Online for the account unless told otherwise. */
function policy(name: string, changes: { state?: string; users?: Record<string, unknown>; grant?: string[]; operator?: string; flows?: string; clientAppTypes?: string[]; locations?: unknown; applications?: Record<string, unknown> } = {}) {
  return {
    id: `id-${name}`,
    displayName: name,
    state: changes.state ?? 'enabled',
    conditions: {
      clientAppTypes: changes.clientAppTypes ?? ['all'],
      applications: { includeApplications: ['All'], excludeApplications: [], ...changes.applications },
      users: { includeUsers: [], excludeUsers: [], includeGroups: [], excludeGroups: [], includeRoles: [GA], excludeRoles: [], ...changes.users },
      locations: changes.locations ?? null,
      platforms: null,
      ...(changes.flows ? { authenticationFlows: { transferMethods: changes.flows } } : {}),
    },
    grantControls: { operator: changes.operator ?? 'OR', builtInControls: changes.grant ?? ['mfa'], authenticationStrength: null },
  };
}

async function run(tenant: Tenant, options: { session?: GraphSession; exo?: ExoSession; config?: Partial<Config> } = {}) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get('https://graph.microsoft.com');
  const replies: Required<Omit<Tenant, 'groups'>> & Pick<Tenant, 'groups'> = {
    requirements: [200, { perUserMfaState: 'disabled' }],
    methods: [200, { value: [method('password')] }],
    registration: NO_P1,
    defaults: [200, { ...fixture('security-defaults-policy.json'), isEnabled: false }],
    policies: [200, { value: [] }],
    roles: [200, { value: [assignment(GA)] }],
    ...tenant,
  };
  for (const [key, reply] of Object.entries(replies) as [keyof Tenant, Reply | undefined][]) {
    if (!reply) continue;
    const prefix = PATHS[key];
    pool.intercept({ path: (p) => (prefix.endsWith('?') ? p.startsWith(prefix) : p === prefix), method: 'GET' }).reply(reply[0], reply[1] as object);
  }
  const ctx = fakeContext({ config: fakeConfig(options.config), runtime: LINUX_RUNTIME, dispatcher: async () => agent });
  return runCheck(mfaState, ctx, { 'graph-token': options.session ?? SESSION, 'proxy-config': DIRECT, 'exo-token': options.exo });
}

function exo(claims: Record<string, unknown>, mode: ExoSession['mode'] = 'device-code'): ExoSession {
  return { cloud: CLOUDS.O365Default, tenantId: 't', mode, appOnly: false, clientId: 'fb78d390-0c51-40cd-8e17-fdbfab77341b', upn: UPN.toLowerCase(), subject: UPN, accessToken: 'exo-token-value', claims };
}

const also = (result: { evidence: readonly { label: string; value: string }[] }) => result.evidence.filter((e) => e.label === 'Also').map((e) => e.value);

describe('mfa-state, from Microsoft\'s documented answers', () => {
  it('passes with per-user MFA enforced, security defaults for an admin, and a FIDO2 key and Windows Hello', async () => {
    const result = await run({
      requirements: [200, fixture('authentication-requirements.json')],
      methods: [200, fixture('authentication-methods.json')],
      defaults: [200, fixture('security-defaults-policy.json')],
      roles: [200, { value: (fixture('role-assignments.json')['value'] as object[]).map((a) => ({ ...a, principalId: ID })) }],
    });
    expect(result).toMatchObject({
      status: 'pass',
      summary: 'MFA is required by per-user MFA (enforced) and security defaults (the account holds an admin role), and the account has a FIDO2 security key or passkey and Windows Hello for Business registered.',
    });
    expect(result.evidence).toContainEqual({ label: 'Admin roles', value: 'Global Administrator, Global Reader (from role assignments)' });
    expect(JSON.stringify(result)).not.toContain('graph-token-value');
  });

  it('reads a policy with conditions it cannot evaluate as requiring MFA only under them', async () => {
    const doc = fixture('conditional-access-policy.json');
    const enabled = { ...doc, state: 'enabled', conditions: { ...(doc['conditions'] as object), users: { includeUsers: [ID], excludeUsers: ['GuestsOrExternalUsers'], includeGroups: [], excludeGroups: [], includeRoles: [], excludeRoles: [] } } };
    const result = await run({ policies: [200, { value: [enabled] }], methods: [200, { value: [method('microsoftAuthenticator')] }] });
    expect(result.summary).toBe(
      'MFA is required by policy “Demo app for documentation” (MFA or another of its controls) (under some locations, device platforms, sign-in risk) and the account has Microsoft Authenticator registered.',
    );
    expect(result.evidence).toContainEqual({
      label: 'Conditional Access “Demo app for documentation”',
      value: 'requires MFA or requires a compliant device or requires a hybrid-joined device or requires an approved client app or requires an app protection policy (only under conditions the doctor does not evaluate: locations, device platforms, sign-in risk)',
    });
  });

  it('falls back on the registration report when the methods cannot be read', async () => {
    const unregistered = (fixture('user-registration-details.json')['value'] as object[])[1];
    const result = await run({ methods: DENIED, registration: [200, unregistered], policies: [200, { value: [policy('Require MFA for admins')] }] });
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringContaining('but no method is registered: sign-in stops at AADSTS50079') });
    expect(result.evidence).toContainEqual({ label: 'Registration report', value: 'MFA registered: no' });
  });
});

describe('mfa-state verdicts', () => {
  it('fails when MFA is required and only email is registered (email does not satisfy MFA)', async () => {
    const result = await run({ policies: [200, { value: [policy('Require MFA for admins')] }], methods: [200, { value: [method('password'), method('email')] }] });
    expect(result.status).toBe('fail');
    if (result.status !== 'fail') return;
    expect(result.remediation.map((r) => r.runBy)).toEqual(['admin', 'another-admin']);
    expect(result.remediation[1]?.commands[1]).toBe(`New-MgUserAuthenticationTemporaryAccessPassMethod -UserId ${UPN} -BodyParameter @{ lifetimeInMinutes = 60; isUsableOnce = $true }`);
  });

  it('warns when nothing requires MFA, and a report-only policy does not count', async () => {
    const result = await run({ policies: [200, { value: [policy('Pilot: MFA for admins', { state: 'enabledForReportingButNotEnforced' })] }] });
    expect(result).toMatchObject({ status: 'warn', summary: expect.stringMatching(/^This account is not enabled for MFA/) });
    expect(result.evidence).toContainEqual({ label: 'Conditional Access “Pilot: MFA for admins”', value: 'requires MFA (report-only, not enforced)' });
  });

  it('ignores policies that exclude the account, leave out desktop clients or exclude Exchange Online', async () => {
    const result = await run({
      policies: [
        200,
        {
          value: [
            policy('Excluded', { users: { excludeUsers: [ID] } }),
            policy('Browser only', { clientAppTypes: ['browser'] }),
            policy('Not Exchange', { applications: { excludeApplications: ['00000002-0000-0ff1-ce00-000000000000'] } }),
            policy('Disabled', { state: 'disabled' }),
            policy('SharePoint only', { applications: { includeApplications: ['00000003-0000-0ff1-ce00-000000000000'] } }),
          ],
        },
      ],
    });
    expect(result.status).toBe('warn');
    expect(result.evidence).toContainEqual({ label: 'Conditional Access', value: 'no enabled policy reaches Exchange Online for this account' });
  });

  it('does not guess a role-targeted policy when the roles cannot be read, and says what is missing', async () => {
    const result = await run({ roles: DENIED, policies: [200, { value: [policy('Require MFA for admins')] }] });
    expect(result.status).toBe('skip');
    expect(result.summary).toBe(
      'Whether MFA is required of this account is not known: policy “Require MFA for admins” requires MFA but may or may not include the account (role assignments could not be read).',
    );
  });

  it('takes the roles from the Exchange token when the role assignments cannot be read', async () => {
    const result = await run({ roles: DENIED, policies: [200, { value: [policy('Require MFA for admins')] }], methods: [200, { value: [method('phone')] }] }, { exo: exo({ wids: [GA], amr: ['pwd', 'mfa'] }) });
    expect(result).toMatchObject({ status: 'pass', summary: 'MFA is required by policy “Require MFA for admins” and the account has a phone number (SMS or voice) registered.' });
    expect(result.evidence).toContainEqual({ label: 'Admin roles', value: 'Global Administrator (from the Exchange token (wids))' });
  });

  it('reads group membership only when a policy targets groups, and applies the policy through it', async () => {
    const result = await run({
      policies: [200, { value: [policy('MFA for Exchange admins group', { users: { includeRoles: [], includeGroups: ['g-exo-admins'] } })] }],
      groups: [200, { value: [{ id: 'G-EXO-ADMINS' }] }],
      methods: [200, { value: [method('softwareOath')] }],
    });
    expect(result).toMatchObject({ status: 'pass', summary: expect.stringContaining('policy “MFA for Exchange admins group”') });
  });

  it('skips, naming the permission and how to consent, when nothing can be read', async () => {
    const session = { ...SESSION, permissions: ['User.Read'] };
    const result = await run({ requirements: DENIED, methods: DENIED, registration: DENIED, defaults: DENIED, policies: DENIED, roles: DENIED }, { session });
    expect(result.status).toBe('skip');
    expect(result.summary).toContain('reading the per-user MFA state needs the Graph permission Policy.Read.All');
    if (result.status !== 'skip') return;
    expect(result.remediation?.[0]?.commands).toEqual(['Connect-MgGraph -Scopes Policy.Read.All']);
  });

  it('passes on the token\'s amr when MFA was done but its source cannot be read', async () => {
    const result = await run({ requirements: DENIED, defaults: DENIED, policies: DENIED }, { exo: exo({ amr: ['pwd', 'mfa'] }) });
    expect(result).toMatchObject({ status: 'pass', summary: expect.stringMatching(/^This sign-in did MFA \(the Exchange token says so\), though what requires it could not be read in full: /) });
  });

  it('ignores the amr of an Exchange token issued to someone else', async () => {
    const other = { ...exo({ amr: ['pwd', 'mfa'] }), upn: 'helper@contoso.com' };
    const result = await run({ requirements: DENIED, defaults: DENIED, policies: DENIED }, { exo: other });
    expect(result.status).toBe('skip');
  });

  it('fails an unconditional block of Exchange Online, and only warns a block under locations', async () => {
    const sure = await run({ policies: [200, { value: [policy('Block admins', { grant: ['block'] })] }] });
    expect(sure).toMatchObject({ status: 'fail', summary: 'Conditional Access policy “Block admins” blocks this account from Exchange Online: sign-in stops at AADSTS53003. (and 1 more below)' });
    const located = await run({ policies: [200, { value: [policy('Block outside office', { grant: ['block'], locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] } })] }] });
    expect(located).toMatchObject({ status: 'warn', summary: 'Conditional Access policy “Block outside office” blocks this account from Exchange Online under some locations: sign-in stops at AADSTS53003. (and 1 more below)' });
    expect(also(located)).toEqual([expect.stringMatching(/^This account is not enabled for MFA/)]);
  });

  it('warns that a compliant device is required', async () => {
    const result = await run({ policies: [200, { value: [policy('Managed devices only', { grant: ['compliantDevice'] })] }] });
    expect(result.summary).toContain('requires a compliant or hybrid-joined device: from an unmanaged machine sign-in stops at AADSTS53000');
  });

  it('warns of a device-code block when the doctor signs in in a browser, fails it for device code', async () => {
    const block = policy('Block device code', { grant: ['block'], flows: 'deviceCodeFlow,authenticationTransfer', users: { includeUsers: ['All'], includeRoles: [] } });
    const browser = await run({ policies: [200, { value: [block] }] }, { exo: exo({}, 'browser') });
    expect(browser).toMatchObject({ status: 'warn', summary: expect.stringContaining('signing in in a browser (Connect-ExchangeOnline without -Device) is not affected') });
    const device = await run({ policies: [200, { value: [block] }] }, { config: { signIn: 'device-code' } });
    expect(device).toMatchObject({ status: 'fail', summary: expect.stringContaining('Connect-ExchangeOnline -Device fails with AADSTS53003, and device code is how this sign-in is made') });
    if (device.status !== 'fail') return;
    expect(device.remediation[1]).toMatchObject({ runBy: 'another-admin' });
  });

  it('ignores a policy limited to the authentication transfer flow', async () => {
    const result = await run({ policies: [200, { value: [policy('Block transfer', { grant: ['block'], flows: 'authenticationTransfer' })] }] });
    expect(result.status).toBe('warn');
    expect(result.summary).toMatch(/^This account is not enabled for MFA/);
  });

  it('errors, without a token in sight, when Graph fails', async () => {
    const result = await run({ policies: [503, { error: { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable.' } }] });
    expect(result).toMatchObject({ status: 'error', summary: expect.stringContaining('503 ServiceUnavailable') });
    expect(JSON.stringify(result)).not.toContain('graph-token-value');
  });

  it('skips with the --target to add for app-only sign-in', async () => {
    const { subject: _none, ...appOnly } = { ...SESSION, appOnly: true };
    const result = await runCheck(mfaState, fakeContext({}), { 'graph-token': appOnly, 'proxy-config': DIRECT, 'exo-token': undefined });
    expect(result).toMatchObject({ status: 'skip', summary: expect.stringContaining('no --target') });
  });
});
