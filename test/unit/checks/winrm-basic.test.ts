// winrm-basic on fixture machines: recorded-layout `reg query` and `sc query` outputs (fixtures/windows-client).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { winrmBasic } from '../../../checks/winrm-basic.js';
import type { InstalledModule, PowerShellClient, PowerShellEdition, PowerShellEditionName } from '../../../src/powershell/types.js';
import { parseScQueryState } from '../../../src/platform/winrm.js';
import { baseStubs, fakeContext } from '../../support/fake-context.js';
import { type FixtureMachine, machineStubs, REG_NOT_FOUND } from '../../support/machine.js';
import { runCheck } from '../../support/run-check.js';

const fixture = (path: string) => readFileSync(new URL(`../../../fixtures/windows-client/${path}`, import.meta.url), 'utf8');

const POLICY = 'reg query HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Client /v AllowBasic';
const LOCAL = 'reg query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WSMAN\\Client /v auth_basic';
const SC = 'sc query WinRM';
const APPDATA = 'C:\\Users\\alex\\AppData\\Roaming';
/** reg.exe's answer for a key that is not there. */
const ABSENT = { exitCode: 1, stderr: REG_NOT_FOUND };
const HISTORY = `${APPDATA}\\Microsoft\\Windows\\PowerShell\\PSReadLine\\ConsoleHost_history.txt`;

const DESKTOP: PowerShellEdition = { edition: 'Desktop', version: '5.1.22621.4391', home: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0', source: 'registry' };
const CORE: PowerShellEdition = { edition: 'Core', version: '7.4.6', home: 'C:\\Program Files\\PowerShell\\7', source: 'registry' };

/** Module folders in PSModulePath order, as powershell-client reports them. */
const USER_DESKTOP = 'C:\\Users\\alex\\Documents\\WindowsPowerShell\\Modules';
const ALL_DESKTOP = 'C:\\Program Files\\WindowsPowerShell\\Modules';
const DESKTOP_PATHS = [USER_DESKTOP, ALL_DESKTOP, 'C:\\Windows\\system32\\WindowsPowerShell\\v1.0\\Modules'];
const CORE_PATHS = ['C:\\Users\\alex\\Documents\\PowerShell\\Modules', 'C:\\Program Files\\PowerShell\\Modules', 'C:\\Program Files\\PowerShell\\7\\Modules', ...DESKTOP_PATHS];

function exo(version: string, folder: string): InstalledModule {
  const editions: PowerShellEditionName[] = [...(DESKTOP_PATHS.includes(folder) ? (['Desktop'] as const) : []), ...(CORE_PATHS.includes(folder) ? (['Core'] as const) : [])];
  return { name: 'ExchangeOnlineManagement', version, path: `${folder}\\ExchangeOnlineManagement\\${version}\\ExchangeOnlineManagement.psd1`, scope: folder === USER_DESKTOP ? 'CurrentUser' : 'AllUsers', editions };
}

function client(modules: readonly InstalledModule[], editions: readonly PowerShellEdition[] = [DESKTOP, CORE]): PowerShellClient {
  return { editions, modules, modulePaths: { Desktop: DESKTOP_PATHS, Core: CORE_PATHS }, ieProxyOptions: [] };
}

async function run(machine: Omit<FixtureMachine, 'platform'> & { platform?: NodeJS.Platform }, powershell?: PowerShellClient) {
  const ctx = fakeContext(baseStubs(machineStubs({ platform: 'win32', env: { APPDATA }, ...machine })));
  return runCheck(winrmBasic, ctx, { 'powershell-client': powershell });
}

describe('winrm-basic', () => {
  it('passes as "not needed" on a clean machine with the REST module, showing the setting as evidence', async () => {
    const result = await run({ commands: { [POLICY]: ABSENT, [LOCAL]: ABSENT, [SC]: fixture('sc-query/winrm-stopped.txt') } }, client([exo('3.7.2', ALL_DESKTOP)]));
    expect(result.status).toBe('pass');
    expect(result.summary).toMatch(/^Not needed: ExchangeOnlineManagement 3\.7\.2 connects over REST/);
    expect(result.evidence).toContainEqual({ label: 'WinRM client Basic', value: 'allowed: not configured: the WinRM client default, Basic = true' });
    expect(result.evidence).toContainEqual({ label: 'WinRM service', value: 'stopped' });
  });

  it('fails with the classic OAuth error when the legacy 2.0.5 module meets Basic turned off by Group Policy', async () => {
    const result = await run(
      { commands: { [POLICY]: fixture('reg-query/winrm-policy-allowbasic-0.txt'), [SC]: fixture('sc-query/winrm-running.txt') } },
      client([exo('2.0.5', ALL_DESKTOP)], [DESKTOP]),
    );
    expect(result.status).toBe('fail');
    if (result.status !== 'fail') return;
    expect(result.summary).toContain('Windows PowerShell loads ExchangeOnlineManagement 2.0.5 (before 3.0), which connects through Remote PowerShell over WinRM');
    expect(result.summary).toContain('Group Policy turns Basic authentication off');
    expect(result.summary).toContain('"Create Powershell Session is failed using OAuth"');
    const [upgrade, policy] = result.remediation;
    expect(upgrade).toMatchObject({ runBy: 'admin', commands: ['Install-Module ExchangeOnlineManagement -Scope CurrentUser -Force', 'Connect-ExchangeOnline'] });
    expect(policy?.runBy).toBe('another-admin');
    expect(policy?.summary).toContain('Windows Remote Management (WinRM) > WinRM Client > Allow Basic authentication');
    expect(policy?.commands).toEqual(['gpupdate /force', 'winrm get winrm/config/client/auth']);
    expect(result.evidence).toContainEqual({ label: 'WinRM client Basic', value: expect.stringMatching(/^off: AllowBasic = 0 \(Group Policy/) });
  });

  it('has the admin allow Basic locally when only the local WinRM configuration turns it off', async () => {
    const result = await run(
      { commands: { [LOCAL]: fixture('reg-query/wsman-client-auth-basic-0.txt'), [SC]: fixture('sc-query/winrm-running.txt') } },
      client([exo('2.0.5', ALL_DESKTOP)], [DESKTOP]),
    );
    expect(result.status).toBe('fail');
    if (result.status !== 'fail') return;
    expect(result.remediation[1]).toMatchObject({ runBy: 'admin', commands: ['winrm set winrm/config/client/auth @{Basic="true"}', 'winrm get winrm/config/client/auth'] });
  });

  it('lets a Group Policy that allows Basic win over a local "off"', async () => {
    const result = await run(
      { commands: { [POLICY]: fixture('reg-query/winrm-policy-allowbasic-1.txt'), [LOCAL]: fixture('reg-query/wsman-client-auth-basic-0.txt'), [SC]: fixture('sc-query/winrm-running.txt') } },
      client([exo('2.0.5', ALL_DESKTOP)], [DESKTOP]),
    );
    expect(result.status).toBe('pass');
  });

  it('fails when the legacy module needs the WinRM service and it is stopped (sc query in German)', async () => {
    const result = await run({ commands: { [POLICY]: ABSENT, [LOCAL]: ABSENT, [SC]: fixture('sc-query/winrm-stopped-de.txt') } }, client([exo('2.0.5', ALL_DESKTOP)], [DESKTOP]));
    expect(result.status).toBe('fail');
    if (result.status !== 'fail') return;
    expect(result.summary).toContain('The WinRM service is stopped');
    expect(result.remediation.map((r) => r.commands[0])).toEqual(['Install-Module ExchangeOnlineManagement -Scope CurrentUser -Force', 'Start-Service WinRM']);
  });

  it('treats -UseRPSSession in the PowerShell history as the legacy path, without quoting the history', async () => {
    const result = await run(
      { commands: { [POLICY]: fixture('reg-query/winrm-policy-allowbasic-0.txt'), [SC]: fixture('sc-query/winrm-running.txt') }, files: { [HISTORY]: fixture('files/consolehost-history-rps.txt') } },
      client([exo('3.4.0', ALL_DESKTOP)], [DESKTOP]),
    );
    expect(result.status).toBe('fail');
    expect(result.summary).toMatch(/^Connect-ExchangeOnline -UseRPSSession was used here/);
    expect(result.evidence).toContainEqual({ label: '-UseRPSSession typed in', value: HISTORY, sensitive: true });
    expect(JSON.stringify(result)).not.toContain('admin@contoso.com');
  });

  it('passes a REST-only history, even with Basic off by Group Policy', async () => {
    const result = await run(
      { commands: { [POLICY]: fixture('reg-query/winrm-policy-allowbasic-0.txt'), [SC]: fixture('sc-query/winrm-running.txt') }, files: { [HISTORY]: fixture('files/consolehost-history-rest.txt') } },
      client([exo('3.4.0', ALL_DESKTOP)], [DESKTOP]),
    );
    expect(result).toMatchObject({ status: 'pass', summary: expect.stringContaining('(Basic is off here)') });
  });

  it('fails when an old CurrentUser copy shadows a newer module for all users', async () => {
    const result = await run(
      { commands: { [POLICY]: fixture('reg-query/winrm-policy-allowbasic-0.txt'), [SC]: fixture('sc-query/winrm-running.txt') } },
      client([exo('3.7.2', ALL_DESKTOP), exo('2.0.5', USER_DESKTOP)], [DESKTOP]),
    );
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringMatching(/^Windows PowerShell loads ExchangeOnlineManagement 2\.0\.5 \(before 3\.0\)/) });
  });

  it('warns when a pre-3.0 module is still installed beside 3.x and Basic is off', async () => {
    const result = await run(
      { commands: { [POLICY]: fixture('reg-query/winrm-policy-allowbasic-0.txt'), [SC]: fixture('sc-query/winrm-running.txt') } },
      client([exo('3.7.2', USER_DESKTOP), exo('2.0.5', ALL_DESKTOP)], [DESKTOP]),
    );
    expect(result.status).toBe('warn');
    if (result.status !== 'warn') return;
    expect(result.remediation[0]?.commands).toEqual(['Uninstall-Module ExchangeOnlineManagement -RequiredVersion 2.0.5']);
  });

  it('warns when Basic is off and powershell-client could not say which module is installed', async () => {
    const result = await run({ commands: { [POLICY]: fixture('reg-query/winrm-policy-allowbasic-0.txt'), [SC]: fixture('sc-query/winrm-running.txt') } });
    expect(result).toMatchObject({ status: 'warn', summary: expect.stringContaining('which versions are installed is not known') });
  });

  it('reports an error when the legacy path is in use and reg.exe does not answer', async () => {
    const timedOut = { kind: 'timed-out', stdout: '', stderr: '' } as const;
    const result = await run({ commands: { [POLICY]: timedOut, [LOCAL]: timedOut, [SC]: fixture('sc-query/winrm-running.txt') } }, client([exo('2.0.5', ALL_DESKTOP)], [DESKTOP]));
    expect(result).toMatchObject({ status: 'error', summary: expect.stringContaining('reg.exe did not answer in time') });
  });

  it('skips on Linux without running anything', async () => {
    const execLog: string[] = [];
    const result = await run({ platform: 'linux', env: { HOME: '/home/alex' }, execLog }, client([exo('3.7.2', ALL_DESKTOP)]));
    expect(result.status).toBe('skip');
    expect(result.summary).toMatch(/^Not applicable/);
    expect(execLog).toEqual([]);
  });
});

describe('parseScQueryState', () => {
  it('reads the state by its constant, whatever language the label is in', () => {
    expect(parseScQueryState(fixture('sc-query/winrm-running.txt'))).toBe('RUNNING');
    expect(parseScQueryState(fixture('sc-query/winrm-stopped-de.txt'))).toBe('STOPPED');
    expect(parseScQueryState('        \u00c9TAT               : 2  START_PENDING \r\n')).toBe('START_PENDING');
    expect(parseScQueryState('        TYPE               : 20  WIN32_SHARE_PROCESS  \r\n')).toBeUndefined();
    expect(parseScQueryState(fixture('sc-query/service-missing.txt'))).toBeUndefined();
  });

  it('on the legacy path, says when the service could not be read, and fails when it is not installed', async () => {
    const legacy = client([exo('2.0.5', ALL_DESKTOP)], [DESKTOP]);
    const unread = await run({ commands: { [POLICY]: ABSENT, [LOCAL]: ABSENT } }, legacy);
    expect(unread.status).toBe('skip');
    expect(unread.summary).toBe('Whether the WinRM service runs could not be read (sc.exe could not be run); the legacy connection needs it.');
    const missing = await run({ commands: { [POLICY]: ABSENT, [LOCAL]: ABSENT, [SC]: { exitCode: 1060, stdout: fixture('sc-query/service-missing.txt') } } }, legacy);
    expect(missing.status).toBe('fail');
    expect(missing.summary).toContain('The WinRM service is not installed; the WinRM client cannot open a session without it.');
  });

  describe('with the retired MFA module (Connect-EXOPSSession)', () => {
    const mfa = (modules: readonly InstalledModule[] = []): PowerShellClient => ({
      ...client(modules, [DESKTOP]),
      legacyMfaModule: { appFolders: ['C:\\Users\\alex\\AppData\\Local\\Apps\\2.0\\A\\B\\micr..tion_c3bce3770c238a49_0010.0000_90fa60bba125a33a'], loaders: [] },
    });

    it('explains the seed error by Group Policy, yet advises the module, not Basic: Remote PowerShell is gone', async () => {
      const result = await run({ commands: { [POLICY]: fixture('reg-query/winrm-policy-allowbasic-0.txt'), [SC]: fixture('sc-query/winrm-running.txt') } }, mfa());
      expect(result.status).toBe('fail');
      if (result.status !== 'fail') return;
      expect(result.cause).toBe('legacy-mfa-module');
      expect(result.summary).toContain('Group Policy turns Basic authentication off for the WinRM client');
      expect(result.summary).toContain('allowing Basic would not make it connect');
      expect(result.remediation.flatMap((r) => r.commands)).toEqual(['Install-Module ExchangeOnlineManagement -Scope CurrentUser -Force', 'Connect-ExchangeOnline']);
    });

    it('passes with Basic allowed, and warns rather than fails when a REST module is there too', async () => {
      const allowed = await run({ commands: { [POLICY]: ABSENT, [LOCAL]: ABSENT, [SC]: fixture('sc-query/winrm-running.txt') } }, mfa());
      expect(allowed.status).toBe('pass');
      expect(allowed.summary).toContain('the WinRM client allows Basic authentication (the service: running), so WinRM is not what blocks it (Remote PowerShell itself is retired: see module-versions)');
      const beside = await run({ commands: { [POLICY]: fixture('reg-query/winrm-policy-allowbasic-0.txt'), [SC]: fixture('sc-query/winrm-running.txt') } }, mfa([exo('3.10.1', ALL_DESKTOP)]));
      expect(beside.status).toBe('warn');
    });
  });
});

