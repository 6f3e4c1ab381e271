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
      'healthy', 'legacy-mfa-module', 'legacy-winhttp-direct', 'module-too-new-for-powershell', 'scripts-disabled', 'powershell-disabled', 'no-exchange-role', 'mfa-required-not-registered', 'per-user-mfa-off',
      'device-code-blocked-by-ca', 'exo-app-disabled', 'assignment-required', 'oauth2-client-profile-off',
      'federated-idp-unreachable', 'gcc-high-wrong-environment', 'clock-skew', 'throttled', 'app-only-no-role', 'compliance-no-role', 'compliance-legacy-winrm', 'compliance-wrong-cloud', 'rollout',
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

describe('a scenario\'s machine', () => {
  const mine = (machine: unknown) => files({ './mine.json': { extends: 'healthy', name: 'mine', description: 'My own machine, for the client checks.', machine } });

  it('extends a built-in machine, and a null removes what it had', async () => {
    const scenario = await loadScenario(
      './mine.json',
      mine({
        extends: 'windows-11',
        files: { 'C:\\Program Files\\PowerShell\\7\\pwsh.exe': null, 'C:\\Users\\meganb\\Documents\\WindowsPowerShell\\profile.ps1': 'Set-Location C:\\' },
        registry: { 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion': { InstallationType: 'Server' }, 'HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319': null },
        env: { PSModulePath: null },
      }),
    );
    const machine = scenario.machine;
    expect(machine.platform).toBe('win32');
    expect(machine.files).not.toHaveProperty(['C:\\Program Files\\PowerShell\\7\\pwsh.exe']);
    expect(machine.files?.['C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe']).toBe('');
    expect(machine.files?.['C:\\Users\\meganb\\Documents\\WindowsPowerShell\\profile.ps1']).toBe('Set-Location C:\\');
    // Objects merge: the other values of the key stay.
    expect(machine.registry?.['HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion']).toMatchObject({ InstallationType: 'Server', CurrentBuild: '26100' });
    expect(machine.registry).not.toHaveProperty(['HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319']);
    expect(machine.env).not.toHaveProperty('PSModulePath');
  });

  it('is an empty Linux machine when the scenario names none, so nothing of the real computer shows', async () => {
    const { machine: _machine, ...bare } = BUILT_IN_SCENARIOS['healthy'] as Record<string, unknown>;
    expect(parseScenario(bare, 'bare.json').machine).toEqual({ platform: 'linux' });
  });

  it('refuses an unknown machine, a registry value of no known type, and a proxy without a port', async () => {
    await expect(loadScenario('./mine.json', mine({ extends: 'windows-95' }))).rejects.toThrow('./mine.json: machine.extends: expected one of the built-in machines (windows-11), got "windows-95".');
    await expect(loadScenario('./mine.json', mine({ platform: 'win32', registry: { 'HKLM\\X': { V: { type: 'REG_LINK', value: 'y' } } } }))).rejects.toThrow(
      'mine.json: machine.registry.HKLM\\X.V.type: expected one of REG_SZ, REG_EXPAND_SZ, REG_DWORD, REG_QWORD, REG_MULTI_SZ, REG_BINARY, got "REG_LINK".',
    );
    const healthy = BUILT_IN_SCENARIOS['healthy'] as Record<string, unknown>;
    expect(() => parseScenario({ ...healthy, proxies: ['proxy.contoso.com'] }, 'mine.json')).toThrow('mine.json: proxies[0]: expected a proxy as host:port, got "proxy.contoso.com".');
  });
});
