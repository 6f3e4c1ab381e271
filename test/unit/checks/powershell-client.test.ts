// powershell-client on recorded fixture machines (fixtures/powershell/machines): verdicts, outputs, fixes.
import { describe, expect, it } from 'vitest';
import { moduleVersions } from '../../../checks/module-versions.js';
import { powershellClient } from '../../../checks/powershell-client.js';
import type { CheckResult } from '../../../src/result.js';
import type { PowerShellClient } from '../../../src/powershell/types.js';
import { baseStubs, fakeContext } from '../../support/fake-context.js';
import { type FixtureMachine, loadFixtureMachine, machineStubs } from '../../support/machine.js';
import { runCheck } from '../../support/run-check.js';

const machine = (name: string) => loadFixtureMachine(new URL(`../../../fixtures/powershell/machines/${name}/machine.json`, import.meta.url));

async function check(m: FixtureMachine): Promise<{ result: CheckResult<PowerShellClient>; ran: string[] }> {
  const ran: string[] = [];
  const result = await runCheck(powershellClient, fakeContext(baseStubs(machineStubs({ ...m, execLog: ran }))));
  return { result, ran };
}

/** module-versions on what powershell-client found: missing PowerShellGet is its finding. */
async function judged(m: FixtureMachine) {
  const { result } = await check(m);
  if (result.status !== 'pass' && result.status !== 'warn') throw new Error(result.summary);
  return { client: result, verdict: await runCheck(moduleVersions, fakeContext(baseStubs({ platform: m.platform })), { 'powershell-client': result.output }) };
}

const output = (result: CheckResult<PowerShellClient>) => ('output' in result ? result.output : undefined);
const label = (result: CheckResult<PowerShellClient>, name: string) => result.evidence.find((e) => e.label === name)?.value;

describe('powershell-client', () => {
  it('passes on a clean modern Windows and says which edition loads the module', async () => {
    const { result, ran } = await check(machine('windows-modern'));
    expect(result.status).toBe('pass');
    expect(result.summary).toBe(
      'Windows PowerShell 5.1.19041.1 and PowerShell 7.4.6 are installed; PowerShell 7 loads ExchangeOnlineManagement 3.7.2 (CurrentUser); Windows PowerShell cannot load it, so connect from PowerShell 7.',
    );
    expect(output(result)?.editions.map((e) => `${e.edition} ${e.version}`)).toEqual(['Desktop 5.1.19041.1', 'Core 7.4.6']);
    expect(label(result, 'PowerShell 7 loads')).toBe('ExchangeOnlineManagement 3.7.2, PowerShellGet 2.2.5, PackageManagement 1.4.8.1');
    // Nothing but the registry was asked: no PowerShell ran.
    expect(ran.every((line) => line.startsWith('reg query '))).toBe(true);
  });

  it('marks paths under the user profile as sensitive, and Program Files paths not', async () => {
    const { result } = await check(machine('windows-modern'));
    const exo = result.evidence.find((e) => e.label.startsWith('ExchangeOnlineManagement 3.7.2'));
    expect(exo).toMatchObject({ label: 'ExchangeOnlineManagement 3.7.2 (CurrentUser, seen by PowerShell 7)', sensitive: true });
    expect(result.evidence.find((e) => e.label.startsWith('PowerShellGet 2.2.5'))?.sensitive).toBeUndefined();
  });

  it('on a box with both editions and OneDrive Documents says what each edition loads first, and flags the stale copy', async () => {
    const { result } = await check(machine('windows-onedrive-both-editions'));
    expect(result.status).toBe('pass');
    expect(result.summary).toContain('Windows PowerShell loads ExchangeOnlineManagement 3.7.2 (CurrentUser)');
    expect(result.summary).toContain('PowerShell 7 loads ExchangeOnlineManagement 3.5.0 (CurrentUser), which comes first on its module path (also installed there: 3.8.0-Preview1 (AllUsers))');
    expect(label(result, 'Windows PowerShell loads')).toBe('ExchangeOnlineManagement 3.7.2, Az.Accounts 5.3.0, MSAL.PS 4.37.0.0, PowerShellGet 1.0.0.1, PackageManagement 1.0.0.1');
    expect(label(result, 'PowerShell 7 loads')).toBe('ExchangeOnlineManagement 3.5.0, Microsoft.Graph.Authentication 2.25.0, Az.Accounts 5.3.0, PowerShellGet 2.2.5, PackageManagement 1.4.8.1');
    expect(result.evidence.find((e) => e.label === 'ExchangeOnlineManagement 3.5.0 (CurrentUser, seen by no edition)')).toMatchObject({
      value: 'C:\\Users\\sam\\Documents\\WindowsPowerShell\\Modules\\ExchangeOnlineManagement\\3.5.0\\ExchangeOnlineManagement.psd1',
      sensitive: true,
    });
    expect(result.evidence.filter((e) => e.label === 'Note').every((e) => e.sensitive)).toBe(true);
  });

  it('passes a legacy Windows with 2.0.5 for all users, leaving the version verdict to module-versions', async () => {
    const { result } = await check(machine('windows-legacy-exo-2.0.5'));
    expect(result.status).toBe('pass');
    expect(result.summary).toBe('Windows PowerShell 5.1.20348.1 is installed; Windows PowerShell loads ExchangeOnlineManagement 2.0.5 (AllUsers).');
    expect(output(result)?.modules.find((m) => m.name === 'ExchangeOnlineManagement')).toMatchObject({
      version: '2.0.5',
      scope: 'AllUsers',
      editions: ['Desktop'],
      path: 'C:\\Program Files\\WindowsPowerShell\\Modules\\ExchangeOnlineManagement\\2.0.5\\ExchangeOnlineManagement.psd1',
    });
  });

  it('leaves a missing PowerShellGet to module-versions, which fails it with how to restore it', async () => {
    const { client, verdict } = await judged(machine('windows-no-powershellget'));
    expect(client.status).toBe('pass');
    expect(client.status === 'pass' && client.output.modules.some((m) => m.name === 'PowerShellGet')).toBe(false);
    expect(verdict.status).toBe('fail');
    expect(verdict.summary).toContain('Windows PowerShell 5.1.19041.1 has no PowerShellGet');
    expect(verdict.summary).toContain('Cannot find a cmdlet Update-Manifest');
    if (verdict.status !== 'fail') return;
    // Install-Module is PowerShellGet's own: the fix cannot be to install it with itself.
    expect(verdict.remediation[0].commands).toEqual(['Save-Module -Name PowerShellGet -Path C:\\Temp\\PSGet -Repository PSGallery', 'Get-Module -ListAvailable PowerShellGet, PackageManagement']);
  });

  it('passes a Linux pwsh with modules under ~/.local/share/powershell/Modules', async () => {
    const { result, ran } = await check(machine('linux-pwsh'));
    expect(result.status).toBe('pass');
    expect(result.summary).toBe('PowerShell 7.5.4 is installed; PowerShell 7 loads ExchangeOnlineManagement 3.7.2 (CurrentUser).');
    expect(ran).toEqual(['pwsh --version']);
    expect(result.evidence.find((e) => e.label.startsWith('Microsoft.Graph.Authentication 2.25.0'))?.sensitive).toBe(true);
  });

  it('passes a macOS pwsh with the module installed for all users', async () => {
    const { result } = await check(machine('macos-pwsh'));
    expect(result.status).toBe('pass');
    expect(result.summary).toBe('PowerShell 7.2.6 is installed; PowerShell 7 loads ExchangeOnlineManagement 3.5.0 (AllUsers).');
    expect(label(result, 'ExchangeOnlineManagement 3.5.0 (AllUsers, seen by PowerShell 7)')).toBe(
      '/usr/local/share/powershell/Modules/ExchangeOnlineManagement/3.5.0/ExchangeOnlineManagement.psd1',
    );
  });

  it('warns with Install-Module when PowerShell is there but the module is not, and says it may be the wrong machine', async () => {
    const base = machine('linux-pwsh');
    const files = Object.fromEntries(Object.entries(base.files ?? {}).filter(([path]) => !path.includes('ExchangeOnlineManagement')));
    const { result } = await check({ ...base, files });
    expect(result.status).toBe('warn');
    expect(result.summary).toContain('PowerShell 7.5.4 is installed, but no edition can load ExchangeOnlineManagement.');
    expect(result.summary).toContain('If you connect to Exchange Online from another computer, run the doctor there instead');
    if (result.status !== 'warn') return;
    expect(result.remediation[0]).toMatchObject({ runBy: 'admin', commands: ['Install-Module -Name ExchangeOnlineManagement -Scope CurrentUser', 'Connect-ExchangeOnline -UserPrincipalName <your admin UPN>'] });
    expect(result.output.editions).toHaveLength(1);
  });

  it('warns when the only copy of the module sits in a folder no edition loads', async () => {
    const base = machine('windows-onedrive-both-editions');
    const files = Object.fromEntries(Object.entries(base.files ?? {}).filter(([path]) => !path.includes('ExchangeOnlineManagement') || path.startsWith('C:\\Users\\sam\\Documents')));
    const { result } = await check({ ...base, files });
    expect(result.status).toBe('warn');
    expect(result.summary).toContain('It is installed (3.5.0) only in folders no edition loads modules from.');
  });

  it('is not applicable on a machine with no PowerShell, saying where to run the doctor instead', async () => {
    const { result } = await check(machine('linux-no-powershell'));
    expect(result).toMatchObject({ status: 'skip', kind: 'not-applicable' });
    expect(result.summary).toContain('Run the doctor on the computer where Connect-ExchangeOnline fails');
    expect(label(result, 'Looked for PowerShell in')).toBe('/opt/microsoft/powershell/7, /opt/microsoft/powershell/7-preview, and pwsh on the PATH');
  });
});

describe('powershell-client and PowerShell 7 bundled modules', () => {
  it('warns with a reinstall for the platform when $PSHOME/Modules lost PowerShellGet and PackageManagement', async () => {
    const base = machine('linux-pwsh');
    const files = Object.fromEntries(Object.entries(base.files ?? {}).filter(([path]) => !path.startsWith('/opt/microsoft/powershell/7/Modules')));
    const { verdict } = await judged({ ...base, files });
    expect(verdict.status).toBe('warn');
    // This machine also loads a clashing Graph module, which leads the summary; the missing modules follow.
    expect(verdict.summary).toContain('(and 1 more below)');
    expect(verdict.status === 'warn' && verdict.remediation[0].commands).toEqual(['sudo apt-get install --reinstall powershell']);
    expect(verdict.evidence.map((e) => e.value).join('\n')).toContain('has no PowerShellGet and no PackageManagement');
  });

  it('does not claim the bundled modules are missing when the PowerShell 7 home is unknown', async () => {
    const base = machine('linux-pwsh');
    const files = Object.fromEntries(Object.entries(base.files ?? {}).filter(([path]) => !path.startsWith('/opt/')));
    const { client: result, verdict } = await judged({ ...base, files });
    expect(result.status).toBe('pass');
    expect(label(result, 'PowerShell 7')).toBe('7.5.4 (pwsh --version, the pwsh on the PATH)');
    expect(verdict.summary).not.toContain('has no PowerShellGet');
  });
});
