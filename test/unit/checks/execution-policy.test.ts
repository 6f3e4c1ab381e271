// execution-policy on fixture machines: registry outputs and powershell.config.json files (fixtures/windows-client).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { executionPolicy, parsePolicy } from '../../../checks/execution-policy.js';
import type { InstalledModule, PowerShellClient, PowerShellEdition, PowerShellEditionName } from '../../../src/powershell/types.js';
import { baseStubs, fakeContext } from '../../support/fake-context.js';
import { type FixtureMachine, machineStubs } from '../../support/machine.js';
import { runCheck } from '../../support/run-check.js';

const fixture = (path: string) => readFileSync(new URL(`../../../fixtures/windows-client/${path}`, import.meta.url), 'utf8');

const INSTALLATION_TYPE = 'reg query HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion /v InstallationType';
const SHELL_FOLDERS = 'reg query HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\User Shell Folders /v Personal';
const HKCU_SHELL = 'reg query HKCU\\SOFTWARE\\Microsoft\\PowerShell\\1\\ShellIds\\Microsoft.PowerShell';
const HKLM_SHELL = 'reg query HKLM\\SOFTWARE\\Microsoft\\PowerShell\\1\\ShellIds\\Microsoft.PowerShell';
const HKLM_WINDOWS_POLICY = 'reg query HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell';
const HKLM_CORE_POLICY = 'reg query HKLM\\SOFTWARE\\Policies\\Microsoft\\PowerShellCore';
const PSHOME_CONFIG = 'C:\\Program Files\\PowerShell\\7\\powershell.config.json';
const FIX = 'Set-ExecutionPolicy RemoteSigned -Scope CurrentUser';

const DESKTOP: PowerShellEdition = { edition: 'Desktop', version: '5.1.22621.4391', home: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0', source: 'registry' };
const CORE: PowerShellEdition = { edition: 'Core', version: '7.4.6', home: 'C:\\Program Files\\PowerShell\\7', source: 'registry' };

function exo(editions: readonly PowerShellEditionName[]): InstalledModule {
  return { name: 'ExchangeOnlineManagement', version: '3.7.2', path: 'C:\\Program Files\\PowerShell\\Modules\\ExchangeOnlineManagement\\3.7.2\\ExchangeOnlineManagement.psd1', scope: 'AllUsers', editions };
}

function client(editions: readonly PowerShellEdition[], modules: readonly InstalledModule[] = [exo(editions.map((e) => e.edition))]): PowerShellClient {
  return { editions, modules, modulePaths: { Desktop: [], Core: [] }, ieProxyOptions: [] };
}

/** A Windows 11 client of user alex: reg.exe answers what `commands` records, every other key is absent. */
async function run(machine: Partial<FixtureMachine>, powershell: PowerShellClient | undefined) {
  const ctx = fakeContext(
    baseStubs(
      machineStubs({
        platform: 'win32',
        env: { USERPROFILE: 'C:\\Users\\alex', ProgramFiles: 'C:\\Program Files', ...machine.env },
        files: machine.files ?? {},
        commands: { [INSTALLATION_TYPE]: fixture('reg-query/installation-type-client.txt'), [SHELL_FOLDERS]: fixture('reg-query/user-shell-folders-personal.txt'), ...machine.commands },
        ...(machine.platform ? { platform: machine.platform } : {}),
        ...(machine.execLog ? { execLog: machine.execLog } : {}),
      }),
    ),
  );
  return runCheck(executionPolicy, ctx, { 'powershell-client': powershell });
}

describe('execution-policy', () => {
  it('passes a clean machine: RemoteSigned for the user in 5.1, and as PowerShell 7 ships it', async () => {
    const result = await run(
      { commands: { [HKCU_SHELL]: fixture('reg-query/shellids-hkcu-remotesigned.txt'), [HKLM_SHELL]: fixture('reg-query/shellids-hklm-path-only.txt') }, files: { [PSHOME_CONFIG]: fixture('files/pshome-powershell.config.json') } },
      client([DESKTOP, CORE]),
    );
    expect(result).toMatchObject({ status: 'pass', summary: 'Scripts may run: Windows PowerShell 5.1 RemoteSigned (CurrentUser), PowerShell 7 RemoteSigned (LocalMachine).' });
    expect(result.evidence).toContainEqual({ label: 'PowerShell 7', value: `RemoteSigned (LocalMachine: ${PSHOME_CONFIG})` });
  });

  it('fails a Windows client where nothing sets a policy (Restricted), with the CurrentUser command', async () => {
    const result = await run({ commands: { [HKLM_SHELL]: fixture('reg-query/shellids-hklm-path-only.txt') } }, client([DESKTOP]));
    expect(result.status).toBe('fail');
    if (result.status !== 'fail') return;
    expect(result.summary).toBe(
      'Windows PowerShell 5.1 runs no scripts (execution policy Restricted, nothing else is set): importing ExchangeOnlineManagement fails with "running scripts is disabled on this system".',
    );
    expect(result.remediation).toHaveLength(1);
    expect(result.remediation[0]).toMatchObject({ runBy: 'admin', commands: [FIX] });
    expect(result.evidence).toContainEqual({ label: 'Windows PowerShell 5.1', value: 'Restricted (no scope sets a policy: the default on Windows clients)' });
  });

  it('passes the same empty registry on Windows Server, where the default is RemoteSigned', async () => {
    const result = await run({ commands: { [INSTALLATION_TYPE]: fixture('reg-query/installation-type-server.txt') } }, client([DESKTOP]));
    expect(result).toMatchObject({ status: 'pass', summary: 'Scripts may run: Windows PowerShell 5.1 RemoteSigned (Default).' });
  });

  it('passes a client where an administrator set RemoteSigned for the whole machine', async () => {
    const result = await run({ commands: { [HKLM_SHELL]: fixture('reg-query/shellids-hklm-remotesigned.txt') } }, client([DESKTOP]));
    expect(result).toMatchObject({ status: 'pass', summary: 'Scripts may run: Windows PowerShell 5.1 RemoteSigned (LocalMachine).' });
  });

  it('sends an AllSigned Group Policy to its owner, offers -SigningCertificate, and shows the overridden user setting', async () => {
    const result = await run(
      { commands: { [HKLM_WINDOWS_POLICY]: fixture('reg-query/powershell-policy-allsigned.txt'), [HKCU_SHELL]: fixture('reg-query/shellids-hkcu-remotesigned.txt') } },
      client([DESKTOP]),
    );
    expect(result.status).toBe('fail');
    if (result.status !== 'fail') return;
    expect(result.summary).toContain('execution policy AllSigned, set by Group Policy');
    expect(result.summary).toContain('temporary module that is not signed');
    const [policy, signing] = result.remediation;
    expect(policy?.runBy).toBe('another-admin');
    expect(policy?.summary).toContain('"Turn on Script Execution" (Computer Configuration > Administrative Templates > Windows Components > Windows PowerShell)');
    expect(signing?.commands).toEqual(['$cert = Get-ChildItem Cert:\\CurrentUser\\My -CodeSigningCert | Select-Object -First 1', 'Connect-ExchangeOnline -SigningCertificate $cert']);
    expect(result.evidence).toContainEqual({ label: 'Windows PowerShell 5.1 CurrentUser (overridden)', value: expect.stringMatching(/^RemoteSigned/) });
  });

  it('applies a Windows PowerShell policy that turns scripts off to PowerShell 7 too when the PowerShell Core policy defers to it', async () => {
    const result = await run(
      {
        commands: { [HKLM_WINDOWS_POLICY]: fixture('reg-query/powershell-policy-scripts-off.txt'), [HKLM_CORE_POLICY]: fixture('reg-query/powershellcore-policy-use-windows.txt') },
        files: { [PSHOME_CONFIG]: fixture('files/pshome-powershell.config.json') },
      },
      client([DESKTOP, CORE]),
    );
    expect(result.status).toBe('fail');
    if (result.status !== 'fail') return;
    expect(result.evidence).toContainEqual({ label: 'PowerShell 7', value: 'Restricted (MachinePolicy: Group Policy, HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell)' });
    expect(result.remediation.map((r) => r.runBy)).toEqual(['another-admin', 'another-admin']);
    expect(result.remediation[1]?.summary).toContain('PowerShell Core (or the Windows PowerShell setting');
  });

  it('reads the PowerShell 7 user config from a Documents folder redirected to OneDrive', async () => {
    const userConfig = 'C:\\Users\\alex\\OneDrive - Contoso\\Documents\\PowerShell\\powershell.config.json';
    const result = await run(
      {
        env: { OneDrive: 'C:\\Users\\alex\\OneDrive - Contoso' },
        commands: { [SHELL_FOLDERS]: fixture('reg-query/user-shell-folders-onedrive.txt'), [HKCU_SHELL]: fixture('reg-query/shellids-hkcu-remotesigned.txt') },
        files: { [PSHOME_CONFIG]: fixture('files/pshome-powershell.config.json'), [userConfig]: fixture('files/user-config-restricted.json') },
      },
      client([DESKTOP, CORE]),
    );
    expect(result.status).toBe('fail');
    if (result.status !== 'fail') return;
    expect(result.summary).toMatch(/^PowerShell 7 runs no scripts \(execution policy Restricted, set in the CurrentUser scope\)/);
    expect(result.evidence).toContainEqual({ label: 'PowerShell 7', value: `Restricted (CurrentUser: ${userConfig})`, sensitive: true });
    expect(result.remediation[0]).toMatchObject({ runBy: 'admin', commands: [FIX], summary: expect.stringContaining('in PowerShell 7') });
  });

  it('lets PowerShellPolicies.ScriptExecution in a config file act as the user policy', async () => {
    const result = await run(
      { files: { [PSHOME_CONFIG]: fixture('files/pshome-powershell.config.json'), 'C:\\Users\\alex\\Documents\\PowerShell\\powershell.config.json': fixture('files/user-config-script-execution-policy.json') } },
      client([CORE]),
    );
    expect(result.status).toBe('fail');
    if (result.status !== 'fail') return;
    expect(result.summary).toContain('execution policy AllSigned, set by PowerShellPolicies in a powershell.config.json');
    expect(result.remediation[0]).toMatchObject({ runBy: 'admin', commands: ["notepad (Join-Path (Split-Path $PROFILE.CurrentUserCurrentHost) 'powershell.config.json')"] });
    expect(result.remediation[1]?.commands[1]).toBe('Connect-ExchangeOnline -SigningCertificate $cert');
  });

  it('only warns when the blocked edition is not the one the module is installed for', async () => {
    const result = await run({ files: { [PSHOME_CONFIG]: fixture('files/pshome-powershell.config.json') } }, client([DESKTOP, CORE], [exo(['Core'])]));
    expect(result.status).toBe('warn');
    expect(result.summary).toContain('ExchangeOnlineManagement is installed only for PowerShell 7, where scripts may run.');
  });

  it('names the PSExecutionPolicyPreference variable when the Process scope blocks', async () => {
    const result = await run({ env: { PSExecutionPolicyPreference: 'Restricted' }, commands: { [HKCU_SHELL]: fixture('reg-query/shellids-hkcu-remotesigned.txt') } }, client([DESKTOP]));
    expect(result.status).toBe('fail');
    if (result.status !== 'fail') return;
    expect(result.remediation[0]?.commands).toEqual(['Remove-Item Env:PSExecutionPolicyPreference', FIX]);
  });

  it('lets a Process-scope Bypass win over a Restricted user setting', async () => {
    const result = await run({ env: { PSExecutionPolicyPreference: 'Bypass' } }, client([DESKTOP]));
    expect(result).toMatchObject({ status: 'pass', summary: 'Scripts may run: Windows PowerShell 5.1 Bypass (Process).' });
  });

  it('without powershell-client, reads Windows PowerShell and a PowerShell 7 found at its default home', async () => {
    const result = await run({ commands: { [HKCU_SHELL]: fixture('reg-query/shellids-hkcu-remotesigned.txt') }, files: { [PSHOME_CONFIG]: fixture('files/pshome-powershell.config.json') } }, undefined);
    expect(result).toMatchObject({ status: 'pass', summary: 'Scripts may run: Windows PowerShell 5.1 RemoteSigned (CurrentUser), PowerShell 7 RemoteSigned (LocalMachine).' });
  });

  it('skips on Linux without running anything', async () => {
    const execLog: string[] = [];
    const result = await run({ platform: 'linux', execLog }, client([CORE]));
    expect(result).toMatchObject({ status: 'skip', summary: expect.stringMatching(/^Not applicable/) });
    expect(execLog).toEqual([]);
  });
});

describe('parsePolicy', () => {
  it('reads names in any case and, like PowerShell, takes an unknown name for Restricted', () => {
    expect(parsePolicy('remotesigned')).toBe('RemoteSigned');
    expect(parsePolicy(' AllSigned ')).toBe('AllSigned');
    expect(parsePolicy('Sometimes')).toBe('Restricted');
  });
});
