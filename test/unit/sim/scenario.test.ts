import { describe, expect, it } from 'vitest';
import { builtInScenarioNames, loadScenario } from '../../../src/sim/load.js';
import { parseScenario, ScenarioError } from '../../../src/sim/scenario.js';
import { BUILT_IN_SCENARIOS } from '../../../src/sim/scenarios/index.js';

const files = (entries: Record<string, unknown>) => async (path: string) =>
  path in entries ? (typeof entries[path] === 'string' ? (entries[path] as string) : JSON.stringify(entries[path])) : undefined;
const noFiles = files({});

describe('built-in scenarios', () => {
  it('include every scenario the issue asks for', () => {
    expect(builtInScenarioNames()).toEqual([
      'healthy', 'powershell-disabled', 'no-exchange-role', 'mfa-required-not-registered', 'per-user-mfa-off',
      'device-code-blocked-by-ca', 'exo-app-disabled', 'assignment-required', 'oauth2-client-profile-off',
      'federated-idp-unreachable', 'gcc-high-wrong-environment', 'clock-skew', 'throttled', 'app-only-no-role',
    ]);
  });

  it.each(Object.keys(BUILT_IN_SCENARIOS))('%s parses, and its name matches its key', async (name) => {
    const scenario = await loadScenario(name, noFiles);
    expect(scenario.name).toBe(name);
    expect(scenario.description.length).toBeGreaterThan(20);
  });

  it('applies extends: objects merge, lists replace', async () => {
    const scenario = await loadScenario('federated-idp-unreachable', noFiles);
    expect(scenario.tenant).toMatchObject({ id: '9188040d-6c67-4c5b-b112-36a304b66dad', namespace: 'Federated', federationHost: 'adfs.contoso.com' });
    expect(scenario.faults).toEqual({ 'adfs.contoso.com': { blackHole: true } });
  });
});

describe('scenario errors name the file and the field', () => {
  const healthy = BUILT_IN_SCENARIOS['healthy'] as Record<string, unknown>;
  const withUser = (user: Record<string, unknown>) => ({ ...healthy, users: [user] });

  it('refuses a value of the wrong kind', () => {
    const bad = withUser({ upn: 'meganb@contoso.com', displayName: 'M', id: '2e6a8c1f-4b7d-4f0e-9a3c-6d5b8e1f2a40', perUserMfa: 'sometimes', methods: [] });
    expect(() => parseScenario(bad, 'mine.json')).toThrow(
      new ScenarioError('mine.json: users[0].perUserMfa: expected one of disabled, enabled, enforced, got "sometimes".'),
    );
  });

  it('refuses a missing field', () => {
    const { tenant: _tenant, ...noTenant } = healthy;
    expect(() => parseScenario(noTenant, 'mine.json')).toThrow('mine.json: tenant: expected an object, got nothing.');
  });

  it('refuses an unknown role', () => {
    const bad = withUser({ upn: 'meganb@contoso.com', displayName: 'M', id: '2e6a8c1f-4b7d-4f0e-9a3c-6d5b8e1f2a40', perUserMfa: 'disabled', methods: [], roles: ['Exchange Wizard'] });
    expect(() => parseScenario(bad, 'mine.json')).toThrow('mine.json: users[0].roles[0]: expected an Entra role name such as "Exchange Administrator", got "Exchange Wizard".');
  });

  it('refuses a tenant without domains, an absurd latency and an absurd clock skew', () => {
    const tenant = healthy['tenant'] as Record<string, unknown>;
    expect(() => parseScenario({ ...healthy, tenant: { ...tenant, domains: [] } }, 'mine.json')).toThrow('mine.json: tenant.domains: expected a list of at least one, got [].');
    expect(() => parseScenario({ ...healthy, faults: { 'login.microsoftonline.com': { latencyMs: 3_600_000 } } }, 'mine.json')).toThrow(
      'mine.json: faults.login.microsoftonline.com.latencyMs: expected a number from 0 to 60000, got 3600000.',
    );
    expect(() => parseScenario({ ...healthy, clockSkewSeconds: 1e9 }, 'mine.json')).toThrow('mine.json: clockSkewSeconds: expected a number from -86400 to 86400');
  });

  it('refuses a sign-in account that is not among the users', () => {
    expect(() => parseScenario({ ...healthy, signIn: { upn: 'nobody@contoso.com', environment: 'O365Default' } }, 'mine.json')).toThrow(
      "mine.json: signIn.upn: expected the UPN of one of the scenario's users",
    );
  });

  it('refuses a federated namespace without its server', () => {
    expect(() => parseScenario({ ...healthy, tenant: { ...(healthy['tenant'] as object), namespace: 'Federated' } }, 'mine.json')).toThrow(
      'mine.json: tenant.federationHost: expected a host name for a Federated namespace',
    );
  });

  it('reports a missing file, bad JSON, an unknown name and an extends cycle', async () => {
    await expect(loadScenario('./nope.json', noFiles)).rejects.toThrow('./nope.json: no such file.');
    await expect(loadScenario('./bad.json', files({ './bad.json': '{ "name": ' }))).rejects.toThrow(/^\.\/bad\.json: not valid JSON/);
    await expect(loadScenario('healthyish', noFiles)).rejects.toThrow('There is no scenario "healthyish"; the built-in ones are: healthy, ');
    await expect(loadScenario('./a.json', files({ './a.json': { extends: './b.json' }, './b.json': { extends: './a.json' } }))).rejects.toThrow(
      'Scenarios extend each other in a cycle: ./a.json → ./b.json → ./a.json.',
    );
  });

  it('loads a scenario file that extends a built-in one', async () => {
    const scenario = await loadScenario('./mine.json', files({ './mine.json': { extends: 'healthy', name: 'mine', description: 'My own tenant, with security defaults on.', securityDefaults: true } }));
    expect(scenario).toMatchObject({ name: 'mine', securityDefaults: true, source: './mine.json' });
  });
});
