import { describe, expect, it } from 'vitest';
import { moduleVersions } from '../../../checks/module-versions.js';
import type { InstalledModule, ModuleScope, PowerShellClient, PowerShellEdition, PowerShellEditionName } from '../../../src/powershell/types.js';
import type { CheckResult, Remediation } from '../../../src/result.js';
import { baseStubs, fakeContext } from '../../support/fake-context.js';
import { runCheck } from '../../support/run-check.js';

// Module folders of a Windows machine (user alex) and a Linux one, in PSModulePath order.
const WIN = {
  desktopUser: 'C:\\Users\\alex\\Documents\\WindowsPowerShell\\Modules',
  desktopAll: 'C:\\Program Files\\WindowsPowerShell\\Modules',
  desktopSystem: 'C:\\Windows\\system32\\WindowsPowerShell\\v1.0\\Modules',
  coreUser: 'C:\\Users\\alex\\Documents\\PowerShell\\Modules',
  coreAll: 'C:\\Program Files\\PowerShell\\Modules',
  coreSystem: 'C:\\Program Files\\PowerShell\\7\\Modules',
};
const LINUX = {
  user: '/home/alex/.local/share/powershell/Modules',
  all: '/usr/local/share/powershell/Modules',
  system: '/opt/microsoft/powershell/7/Modules',
};
const DESKTOP_PATHS = [WIN.desktopUser, WIN.desktopAll, WIN.desktopSystem];
const CORE_PATHS = [WIN.coreUser, WIN.coreAll, WIN.coreSystem, WIN.desktopAll, WIN.desktopSystem];

const desktop: PowerShellEdition = { edition: 'Desktop', version: '5.1.19041.4522', source: 'registry PowerShellEngine\\PowerShellVersion' };
const core = (version: string, home = '/opt/microsoft/powershell/7'): PowerShellEdition => ({ edition: 'Core', version, home, source: `${home}/pwsh` });

function mod(name: string, version: string, folder: string, scope: ModuleScope, editions: PowerShellEditionName[]): InstalledModule {
  const sep = folder.startsWith('/') ? '/' : '\\';
  const versionFolder = version.split('-')[0] as string;
  return { name, version, path: [folder, name, versionFolder, `${name}.psd1`].join(sep), scope, editions };
}

/** PowerShellGet 2.2.5 and PackageManagement 1.4.8.1 where each edition finds them first. */
const PACKAGING_WIN = [
  mod('PowerShellGet', '2.2.5', WIN.desktopAll, 'AllUsers', ['Desktop', 'Core']),
  mod('PackageManagement', '1.4.8.1', WIN.desktopAll, 'AllUsers', ['Desktop', 'Core']),
];
const PACKAGING_LINUX = [
  mod('PowerShellGet', '2.2.5', LINUX.system, 'System', ['Core']),
  mod('PackageManagement', '1.4.8.1', LINUX.system, 'System', ['Core']),
];

function windows(editions: PowerShellEdition[], modules: InstalledModule[]): PowerShellClient {
  return { editions, modules, modulePaths: { Desktop: DESKTOP_PATHS, Core: CORE_PATHS }, ieProxyOptions: [] };
}
function linux(version: string, modules: InstalledModule[]): PowerShellClient {
  return { editions: [core(version)], modules, modulePaths: { Desktop: [], Core: [LINUX.user, LINUX.all, LINUX.system] }, ieProxyOptions: [] };
}

async function check(client: PowerShellClient, platform: NodeJS.Platform = 'win32'): Promise<CheckResult<unknown>> {
  return runCheck(moduleVersions, fakeContext(baseStubs({ platform })), { 'powershell-client': client });
}
function fixes(result: CheckResult<unknown>): readonly Remediation[] {
  if (result.status !== 'warn' && result.status !== 'fail') throw new Error(`expected warn or fail, got ${result.status}: ${result.summary}`);
  return result.remediation;
}
const commandsOf = (result: CheckResult<unknown>) => fixes(result).flatMap((step) => step.commands);

const EXO_NAME = 'ExchangeOnlineManagement';

describe('module-versions', () => {
  it('passes a current module on PowerShell 7.6 and lists every copy, hiding paths under the profile', async () => {
    const result = await check(windows([desktop, core('7.6.1')], [mod('ExchangeOnlineManagement', '3.10.1', WIN.coreUser, 'CurrentUser', ['Core']), ...PACKAGING_WIN]));
    expect(result.status).toBe('pass');
    expect(result.summary).toBe('The ExchangeOnlineManagement that PowerShell loads has no known problem: 3.10.1 in PowerShell 7.6.1.');
    expect(result.evidence).toContainEqual({ label: 'PowerShell 7.6.1', value: 'loads ExchangeOnlineManagement 3.10.1 (CurrentUser)' });
    expect(result.evidence.find((e) => e.label === 'ExchangeOnlineManagement 3.10.1')).toMatchObject({ sensitive: true });
    expect(result.evidence.find((e) => e.label === 'Note')?.value).toContain('-DisableWAM');
  });

  it('fails the legacy 2.0.5 module with the upgrade, the removal of 2.0.5 and the word on -UseRPSSession', async () => {
    const result = await check(windows([desktop], [mod('ExchangeOnlineManagement', '2.0.5', WIN.desktopAll, 'AllUsers', ['Desktop', 'Core']), ...PACKAGING_WIN]));
    expect(result.status).toBe('fail');
    expect(result.summary).toMatch(/^PowerShell cannot connect to Exchange Online with the modules installed here\. Windows PowerShell 5\.1\.19041\.4522 loads ExchangeOnlineManagement 2\.0\.5, which predates the V3 module/);
    expect(result.summary).toContain('Create Powershell Session is failed using OAuth');
    const [first] = fixes(result);
    expect(first).toMatchObject({ runBy: 'admin', commands: ['Install-Module ExchangeOnlineManagement -Scope CurrentUser -Force', 'Uninstall-Module ExchangeOnlineManagement -RequiredVersion 2.0.5'] });
    expect(first?.summary).toContain('without -UseRPSSession');
    expect(first?.links).toContain('https://learn.microsoft.com/powershell/exchange/exchange-online-powershell-v2#basic-authentication-in-winrm');
  });

  it('warns on 3.7.2 beside Graph 2.28 and says to load Exchange first, citing the reports', async () => {
    const result = await check(
      windows([core('7.5.1')], [
        mod('ExchangeOnlineManagement', '3.7.2', WIN.coreUser, 'CurrentUser', ['Core']),
        mod('Microsoft.Graph.Authentication', '2.28.0', WIN.coreUser, 'CurrentUser', ['Core']),
        ...PACKAGING_WIN,
      ]),
    );
    expect(result.status).toBe('warn');
    expect(result.summary).toContain('PowerShell 7.5.1 loads ExchangeOnlineManagement 3.7.2 and Microsoft.Graph.Authentication 2.28.0, reported to break each other');
    expect(result.summary).toContain('WithBroker');
    const [first] = fixes(result);
    expect(first?.commands).toEqual(['pwsh -NoProfile', 'Import-Module ExchangeOnlineManagement', 'Connect-ExchangeOnline', 'Import-Module Microsoft.Graph.Authentication', 'Connect-MgGraph']);
    expect(first?.links).toContain('https://github.com/maester365/maester/issues/876');
  });

  it('advises separate sessions when the reports disagree on the order, with the Graph pin that fixed 3.9.2', async () => {
    const result = await check(
      windows([desktop], [
        mod('ExchangeOnlineManagement', '3.9.2', WIN.desktopUser, 'CurrentUser', ['Desktop']),
        mod('Microsoft.Graph.Authentication', '2.36.1', WIN.desktopUser, 'CurrentUser', ['Desktop']),
        ...PACKAGING_WIN,
      ]),
    );
    expect(result.status).toBe('warn');
    const summaries = fixes(result).map((step) => step.summary);
    expect(summaries.some((s) => s.startsWith('No load order is reported to work'))).toBe(true);
    expect(commandsOf(result)).toContain('powershell -NoProfile');
    expect(commandsOf(result)).toContain('Install-Module Microsoft.Graph.Authentication -RequiredVersion 2.35.1 -Scope CurrentUser -Force');
    // 3.9.2's own reported sign-in failure comes with the pin the reports advise.
    expect(commandsOf(result)).toContain('Install-Module ExchangeOnlineManagement -RequiredVersion 3.9.0 -Scope CurrentUser -Force');
    // An alternative step cites only the reports behind it.
    expect(fixes(result).find((step) => step.summary.startsWith('Or pin Microsoft.Graph.Authentication 2.35.1'))?.links).toEqual([
      'https://github.com/Microsoft365DSC/Microsoft365DSC/issues/7095',
      'https://github.com/Microsoft365DSC/Microsoft365DSC/pull/7096',
    ]);
  });

  it('advises separate sessions for 3.10.1 with Graph 2.40.0, which fail in both orders', async () => {
    const result = await check(
      windows([core('7.6.6')], [
        mod('ExchangeOnlineManagement', '3.10.1', WIN.coreUser, 'CurrentUser', ['Core']),
        mod('Microsoft.Graph.Authentication', '2.40.0', WIN.coreUser, 'CurrentUser', ['Core']),
        ...PACKAGING_WIN,
      ]),
    );
    expect(result.status).toBe('warn');
    expect(result.summary).toContain('RuntimeBroker NullReferenceException with Graph first');
    expect(fixes(result)).toHaveLength(1);
    expect(fixes(result)[0]).toMatchObject({ commands: ['pwsh -NoProfile', 'Import-Module ExchangeOnlineManagement', 'Connect-ExchangeOnline'] });
    expect(fixes(result)[0]?.summary).toContain('run Connect-MgGraph in another window');
  });

  it('fails 3.6.0 on PowerShell 7.2 with both fixes: upgrade PowerShell or pin 3.4.0', async () => {
    const result = await check(windows([core('7.2.19')], [mod('ExchangeOnlineManagement', '3.6.0', WIN.coreUser, 'CurrentUser', ['Core']), ...PACKAGING_WIN]));
    expect(result.status).toBe('fail');
    expect(result.summary).toContain('PowerShell 7.2.19 loads ExchangeOnlineManagement 3.6.0, which needs PowerShell 7.4.0 or later (.NET 8)');
    expect(commandsOf(result)).toEqual([
      'winget install --id Microsoft.PowerShell --source winget',
      'Install-Module ExchangeOnlineManagement -RequiredVersion 3.4.0 -Scope CurrentUser -Force',
      'Uninstall-Module ExchangeOnlineManagement -RequiredVersion 3.6.0',
    ]);
  });

  it('fails 3.10.1 on a Linux pwsh 7.4 (it needs 7.6) and pins 3.9.0 for that PowerShell', async () => {
    const result = await check(linux('7.4.6', [mod('ExchangeOnlineManagement', '3.10.1', LINUX.user, 'CurrentUser', ['Core']), ...PACKAGING_LINUX]), 'linux');
    expect(result.status).toBe('fail');
    expect(result.summary).toContain('needs PowerShell 7.6.0 or later (.NET 10)');
    expect(commandsOf(result)).toEqual([
      'sudo apt-get update',
      'sudo apt-get install --only-upgrade powershell',
      'Install-Module ExchangeOnlineManagement -RequiredVersion 3.9.0 -Scope CurrentUser -Force',
      'Uninstall-Module ExchangeOnlineManagement -RequiredVersion 3.10.1',
    ]);
    expect(result.evidence.find((e) => e.label === 'ExchangeOnlineManagement 3.10.1')).toMatchObject({ sensitive: true });
  });

  it('warns on a preview and removes it with -AllowPrerelease', async () => {
    const result = await check(windows([core('7.6.1')], [mod('ExchangeOnlineManagement', '3.11.0-Preview1', WIN.coreUser, 'CurrentUser', ['Core']), ...PACKAGING_WIN]));
    expect(result.status).toBe('warn');
    expect(result.summary).toContain('3.11.0-Preview1, a preview release');
    expect(commandsOf(result)).toEqual(['Install-Module ExchangeOnlineManagement -Scope CurrentUser -Force', 'Uninstall-Module ExchangeOnlineManagement -RequiredVersion 3.11.0-Preview1 -AllowPrerelease']);
  });

  it('warns on 3.7.1 on Windows, where WAM is the default and -DisableWAM does not exist yet', async () => {
    const result = await check(windows([desktop], [mod('ExchangeOnlineManagement', '3.7.1', WIN.desktopUser, 'CurrentUser', ['Desktop']), ...PACKAGING_WIN]));
    expect(result.status).toBe('warn');
    expect(result.summary).toContain('no -DisableWAM switch');
    expect(commandsOf(result)).toContain('Connect-ExchangeOnline -DisableWAM');
  });

  it('fails Windows PowerShell without PowerShellGet: the module cannot build its cmdlets', async () => {
    const result = await check(
      windows([desktop], [mod('ExchangeOnlineManagement', '3.10.1', WIN.desktopUser, 'CurrentUser', ['Desktop']), mod('PackageManagement', '1.4.8.1', WIN.desktopAll, 'AllUsers', ['Desktop'])]),
    );
    expect(result.status).toBe('fail');
    expect(result.summary).toContain('has no PowerShellGet');
    expect(result.summary).toContain('Cannot find a cmdlet Update-Manifest');
    // Install-Module belongs to PowerShellGet: without it the modules are copied from a machine that has them.
    expect(commandsOf(result)).toEqual(['Save-Module -Name PowerShellGet -Path C:\\Temp\\PSGet -Repository PSGallery', 'Get-Module -ListAvailable PowerShellGet, PackageManagement']);
    expect(fixes(result)[0]?.summary).toMatch(/^Windows PowerShell ships PowerShellGet and PackageManagement in C:\\Program Files/);
    expect(result.evidence).toContainEqual({ label: 'PowerShellGet in Windows PowerShell 5.1.19041.4522', value: 'not installed' });
  });

  it('only warns when PowerShellGet is missing outside Windows, and warns on the in-box 1.0.0.1', async () => {
    const linuxResult = await check(linux('7.6.1', [mod('ExchangeOnlineManagement', '3.10.1', LINUX.user, 'CurrentUser', ['Core']), PACKAGING_LINUX[1] as InstalledModule]), 'linux');
    expect(linuxResult.status).toBe('warn');
    expect(linuxResult.summary).toContain('has no PowerShellGet');
    expect(commandsOf(linuxResult)).toEqual(['sudo apt-get install --reinstall powershell']);
    // A PowerShell 7 known only from `pwsh --version` has no known home: its bundled modules were not seen.
    const homeless = linux('7.6.1', [mod('ExchangeOnlineManagement', '3.10.1', LINUX.user, 'CurrentUser', ['Core'])]);
    const unseen = await check({ ...homeless, editions: [{ edition: 'Core', version: '7.6.1', source: 'pwsh --version' }] }, 'linux');
    expect(unseen.summary).not.toContain('has no PowerShellGet');

    const inbox = await check(
      windows([desktop], [
        mod('ExchangeOnlineManagement', '3.10.1', WIN.desktopUser, 'CurrentUser', ['Desktop']),
        mod('PowerShellGet', '1.0.0.1', WIN.desktopSystem, 'System', ['Desktop']),
        mod('PackageManagement', '1.0.0.1', WIN.desktopSystem, 'System', ['Desktop']),
      ]),
    );
    expect(inbox.status).toBe('warn');
    expect(inbox.summary).toContain('PowerShellGet 1.0.0.1, the version built into Windows PowerShell 5.1');
  });

  it('puts the PowerShellGet update before the module install it enables, even when the module is the failure', async () => {
    const result = await check(
      windows([desktop], [
        mod('ExchangeOnlineManagement', '2.0.5', WIN.desktopAll, 'AllUsers', ['Desktop']),
        mod('PowerShellGet', '1.0.0.1', WIN.desktopSystem, 'System', ['Desktop']),
        mod('PackageManagement', '1.0.0.1', WIN.desktopSystem, 'System', ['Desktop']),
      ]),
    );
    expect(result.status).toBe('fail');
    expect(result.summary).toContain('loads ExchangeOnlineManagement 2.0.5, which predates the V3 module');
    expect(result.summary).toContain('(and 2 more below)');
    expect(fixes(result).map((step) => step.commands.at(-1))).toEqual(['Install-Module PowerShellGet -AllowClobber -Force', 'Uninstall-Module ExchangeOnlineManagement -RequiredVersion 2.0.5']);
  });

  it('warns when an older copy in an earlier folder hides a newer one installed for all users', async () => {
    const result = await check(
      windows([desktop], [
        mod('ExchangeOnlineManagement', '3.10.1', WIN.desktopAll, 'AllUsers', ['Desktop', 'Core']),
        mod('ExchangeOnlineManagement', '3.9.0', WIN.desktopUser, 'CurrentUser', ['Desktop']),
        ...PACKAGING_WIN,
      ]),
    );
    expect(result.status).toBe('warn');
    expect(result.summary).toContain('loads ExchangeOnlineManagement 3.9.0 (CurrentUser), not the newer 3.10.1 (AllUsers)');
    expect(commandsOf(result)).toEqual(['Uninstall-Module ExchangeOnlineManagement -RequiredVersion 3.9.0']);
    expect(result.evidence.map((e) => e.label)).toEqual(expect.arrayContaining(['ExchangeOnlineManagement 3.10.1', 'ExchangeOnlineManagement 3.9.0']));
  });

  it('judges each edition on its own copy: a current one for the user, an old 2.0.5 left for all users', async () => {
    const result = await check(
      windows([desktop, core('7.6.1')], [
        mod('ExchangeOnlineManagement', '3.10.1', WIN.coreUser, 'CurrentUser', ['Core']),
        mod('ExchangeOnlineManagement', '2.0.5', WIN.desktopAll, 'AllUsers', ['Desktop', 'Core']),
        ...PACKAGING_WIN,
      ]),
    );
    // PowerShell 7 loads 3.10.1 from the user's folder; Windows PowerShell still loads 2.0.5.
    expect(result.status).toBe('fail');
    expect(result.evidence).toContainEqual({ label: 'PowerShell 7.6.1', value: 'loads ExchangeOnlineManagement 3.10.1 (CurrentUser)' });
    expect(result.evidence).toContainEqual({ label: 'Windows PowerShell 5.1.19041.4522', value: 'loads ExchangeOnlineManagement 2.0.5 (AllUsers)' });
    expect(fixes(result)[0]?.summary).toMatch(/^In Windows PowerShell 5\.1\.19041\.4522, install the current ExchangeOnlineManagement/);
  });

  it('passes an older release without known problems and names the update, or why it must wait', async () => {
    const desktopResult = await check(windows([desktop], [mod('ExchangeOnlineManagement', '3.9.0', WIN.desktopUser, 'CurrentUser', ['Desktop']), ...PACKAGING_WIN]));
    expect(desktopResult.status).toBe('pass');
    expect(desktopResult.summary).toContain('3.10.1 is newer (current on 2026-09-21): Install-Module ExchangeOnlineManagement -Scope CurrentUser -Force.');

    const pwsh74 = await check(windows([core('7.4.6')], [mod('ExchangeOnlineManagement', '3.9.0', WIN.coreUser, 'CurrentUser', ['Core']), ...PACKAGING_WIN]));
    expect(pwsh74.status).toBe('pass');
    expect(pwsh74.summary).toContain('3.10.1 is newer but needs PowerShell 7.6.0.');
  });

  it('skips, listing the copy, when ExchangeOnlineManagement sits only in a folder no edition loads from', async () => {
    const result = await check(windows([desktop], [mod('ExchangeOnlineManagement', '3.10.1', 'D:\\Tools\\Modules', 'PSModulePath', []), ...PACKAGING_WIN]));
    expect(result.status).toBe('skip');
    expect(result.evidence).toContainEqual({ label: 'ExchangeOnlineManagement 3.10.1', value: 'PSModulePath, seen by no edition: D:\\Tools\\Modules\\ExchangeOnlineManagement\\3.10.1\\ExchangeOnlineManagement.psd1' });
  });

  it('skips when ExchangeOnlineManagement is not installed at all', async () => {
    const result = await check(windows([desktop], [...PACKAGING_WIN]));
    expect(result.status).toBe('skip');
    expect(result.summary).toContain('ExchangeOnlineManagement is not installed');
  });

  describe('the retired MFA module (Connect-EXOPSSession)', () => {
    const LOCAL = 'C:\\Users\\alex\\AppData\\Local\\Apps\\2.0\\AN5BH7D1.Q5V\\Z9RHER5V.08Z\\micr..tion_c3bce3770c238a49_0010.0000_90fa60bba125a33a';
    const UNINSTALL = 'rundll32.exe dfshim.dll,ShArpMaintain Microsoft.Online.CSE.PSModule.Client.application, Culture=neutral, PublicKeyToken=c3bce3770c238a49, processorArchitecture=msil';
    const withMfaModule = (client: PowerShellClient, loaders: string[] = []): PowerShellClient => ({
      ...client,
      legacyMfaModule: {
        appFolders: [LOCAL],
        uninstall: { key: 'HKEY_CURRENT_USER\\…\\Uninstall\\f3b5c1a9e7d20864', displayName: 'Microsoft Exchange Online Powershell Module', displayVersion: '16.0.2440.0', uninstallString: UNINSTALL },
        loaders,
      },
    });

    it('fails when it is the only module: it cannot connect whatever the settings, and says how to move off it', async () => {
      const result = await check(withMfaModule(windows([desktop], [mod('PowerShellGet', '1.0.0.1', WIN.desktopAll, 'AllUsers', ['Desktop'])]), ['C:\\Program Files\\WindowsPowerShell\\Scripts\\Load-ExchangeMFA.ps1']));
      expect(result.status).toBe('fail');
      if (result.status !== 'fail') return;
      expect(result.cause).toBe('legacy-mfa-module');
      expect(result.summary).toMatch(/^The Exchange Online Remote PowerShell Module 16\.0\.2440\.0 \(the MFA module, Connect-EXOPSSession\) is installed\./);
      expect(result.summary).toContain('turned Remote PowerShell off for every tenant in October 2023');
      // Windows PowerShell's in-box PowerShellGet needs TLS 1.2 and NuGet before Install-Module works.
      expect(commandsOf(result)).toEqual([
        '[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12',
        'Install-PackageProvider -Name NuGet -Scope CurrentUser -Force',
        'Install-Module -Name ExchangeOnlineManagement -Scope CurrentUser',
        'Connect-ExchangeOnline -UserPrincipalName <your admin UPN>',
        UNINSTALL,
        'Uninstall-Script -Name Load-ExchangeMFA',
      ]);
      expect(result.evidence).toContainEqual({ label: 'MFA module (ClickOnce)', value: LOCAL, sensitive: true });
    });

    it('warns when a current module is installed beside it, and only says how to remove the old one', async () => {
      const result = await check(withMfaModule(windows([desktop, core('7.6.0', 'C:\\Program Files\\PowerShell\\7')], [mod(EXO_NAME, '3.10.1', WIN.coreUser, 'CurrentUser', ['Core']), ...PACKAGING_WIN]), ['C:\\Users\\alex\\Documents\\WindowsPowerShell\\Microsoft.PowerShell_profile.ps1']));
      expect(result.status).toBe('warn');
      if (result.status !== 'warn') return;
      expect(result.summary).toContain('ExchangeOnlineManagement 3.10.1 is installed too (PowerShell 7.6.0): connect with Connect-ExchangeOnline there');
      expect(commandsOf(result)).toEqual([UNINSTALL, 'notepad $PROFILE']);
    });
  });
});

