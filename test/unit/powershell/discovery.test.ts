// Module folders per edition and OS, the modules in them, and which one each edition loads first.
import { describe, expect, it } from 'vitest';
import type { CheckContext } from '../../../src/check.js';
import { discoverPowerShell, loadedModule } from '../../../src/powershell/discovery.js';
import { baseStubs, fakeContext } from '../../support/fake-context.js';
import { type FixtureMachine, loadFixtureMachine, machineStubs } from '../../support/machine.js';

const machine = (name: string) => loadFixtureMachine(new URL(`../../../fixtures/powershell/machines/${name}/machine.json`, import.meta.url));
const context = (m: FixtureMachine) => ({ ...fakeContext(baseStubs(machineStubs(m))), signal: new AbortController().signal }) as unknown as CheckContext;
const summary = (modules: readonly { name: string; version: string; scope: string; editions: readonly string[] }[]) =>
  modules.map((m) => `${m.name} ${m.version} ${m.scope} [${m.editions.join(',')}]`);

describe('discoverPowerShell on Windows', () => {
  it('gives each edition its own folders in load order (doctor started from cmd.exe)', async () => {
    const { client } = await discoverPowerShell(context(machine('windows-modern')));
    expect(client.modulePaths).toEqual({
      Desktop: ['C:\\Users\\alex\\Documents\\WindowsPowerShell\\Modules', 'C:\\Program Files\\WindowsPowerShell\\Modules', 'C:\\WINDOWS\\system32\\WindowsPowerShell\\v1.0\\Modules'],
      Core: [
        'C:\\Users\\alex\\Documents\\PowerShell\\Modules',
        'C:\\Program Files\\PowerShell\\Modules',
        'C:\\Program Files\\PowerShell\\7\\Modules',
        'C:\\Program Files\\WindowsPowerShell\\Modules',
        'C:\\WINDOWS\\system32\\WindowsPowerShell\\v1.0\\Modules',
      ],
    });
    expect(summary(client.modules)).toEqual([
      'ExchangeOnlineManagement 3.7.2 CurrentUser [Core]',
      'PowerShellGet 2.2.5 System [Core]',
      'PowerShellGet 1.0.0.1 AllUsers [Desktop,Core]',
      'PackageManagement 1.4.8.1 System [Core]',
      'PackageManagement 1.0.0.1 AllUsers [Desktop,Core]',
    ]);
    expect(loadedModule(client, 'win32', 'PowerShellGet', 'Core')?.version).toBe('2.2.5');
    expect(loadedModule(client, 'win32', 'ExchangeOnlineManagement', 'Desktop')).toBeUndefined();
  });

  it('follows a Documents folder redirected to OneDrive, keeps PowerShell 7 folders out of Windows PowerShell, and flags the stale copy', async () => {
    const found = await discoverPowerShell(context(machine('windows-onedrive-both-editions')));
    const { client } = found;
    expect(client.modulePaths.Desktop).toEqual([
      'C:\\Users\\sam\\OneDrive\\Documents\\WindowsPowerShell\\Modules',
      'C:\\Program Files\\WindowsPowerShell\\Modules',
      'C:\\WINDOWS\\system32\\WindowsPowerShell\\v1.0\\Modules',
    ]);
    expect(client.modulePaths.Core.slice(0, 3)).toEqual(['C:\\Users\\sam\\OneDrive\\Documents\\PowerShell\\Modules', 'C:\\Program Files\\PowerShell\\Modules', 'C:\\Program Files\\PowerShell\\7\\Modules']);
    expect(summary(client.modules.filter((m) => m.name === 'ExchangeOnlineManagement'))).toEqual([
      'ExchangeOnlineManagement 3.8.0-Preview1 AllUsers [Core]',
      'ExchangeOnlineManagement 3.7.2 CurrentUser [Desktop]',
      'ExchangeOnlineManagement 3.5.0 CurrentUser [Core]',
      'ExchangeOnlineManagement 3.5.0 CurrentUser []',
    ]);
    // The first folder that has the module wins, even over a higher version further down the path.
    expect(loadedModule(client, 'win32', 'ExchangeOnlineManagement', 'Core')?.path).toBe(
      'C:\\Users\\sam\\OneDrive\\Documents\\PowerShell\\Modules\\ExchangeOnlineManagement\\3.5.0\\ExchangeOnlineManagement.psd1',
    );
    expect(loadedModule(client, 'win32', 'Az.Accounts', 'Desktop')?.scope).toBe('AllUsers');
    expect(loadedModule(client, 'win32', 'MSAL.PS', 'Core')).toBeUndefined();
    expect(found.personalRoots).toEqual(['C:\\Users\\sam', 'C:\\Users\\sam\\OneDrive\\Documents']);
    expect(found.notes.join('\n')).toMatch(/redirected to C:\\Users\\sam\\OneDrive\\Documents[\s\S]*3\.5\.0 is installed in C:\\Users\\sam\\Documents\\WindowsPowerShell/);
  });

  it('falls back to %USERPROFILE%\\Documents and the machine PSModulePath, and reads an AllUsers module', async () => {
    const { client } = await discoverPowerShell(context(machine('windows-legacy-exo-2.0.5')));
    expect(client.modulePaths).toEqual({
      Desktop: ['C:\\Users\\admin\\Documents\\WindowsPowerShell\\Modules', 'C:\\Program Files\\WindowsPowerShell\\Modules', 'C:\\WINDOWS\\system32\\WindowsPowerShell\\v1.0\\Modules'],
      Core: [],
    });
    expect(loadedModule(client, 'win32', 'ExchangeOnlineManagement', 'Desktop')).toMatchObject({ version: '2.0.5', scope: 'AllUsers' });
  });

  it('reads only the folders that exist, each once', async () => {
    const reads: string[] = [];
    const stubs = machineStubs(machine('windows-modern'));
    const readDir = stubs.readDir!;
    const ctx = { ...context(machine('windows-modern')), readDir: (path: string) => (reads.push(path), readDir(path)) } as CheckContext;
    await discoverPowerShell(ctx);
    expect(new Set(reads).size).toBe(reads.length);
    expect(reads).not.toContain('C:\\Users\\alex\\Documents\\WindowsPowerShell\\Modules\\ExchangeOnlineManagement');
  });
});

describe('discoverPowerShell on Linux and macOS', () => {
  it('searches ~/.local/share/powershell/Modules, the shared folder and $PSHOME/Modules', async () => {
    const found = await discoverPowerShell(context(machine('linux-pwsh')));
    expect(found.client.modulePaths).toEqual({
      Desktop: [],
      Core: ['/home/alex/.local/share/powershell/Modules', '/usr/local/share/powershell/Modules', '/opt/microsoft/powershell/7/Modules'],
    });
    expect(summary(found.client.modules)).toEqual([
      'ExchangeOnlineManagement 3.7.2 CurrentUser [Core]',
      'Microsoft.Graph.Authentication 2.25.0 CurrentUser [Core]',
      'PowerShellGet 2.2.5 System [Core]',
      'PackageManagement 1.4.8.1 System [Core]',
    ]);
    expect(found.unknownHomes).toEqual([]);
  });

  it('honours XDG_DATA_HOME and PSModulePath (colon-separated)', async () => {
    const base = machine('linux-pwsh');
    const found = await discoverPowerShell(context({ ...base, env: { ...base.env, XDG_DATA_HOME: '/data/alex', PSModulePath: '/srv/modules:/opt/microsoft/powershell/7/Modules/' } }));
    expect(found.client.modulePaths.Core).toEqual([
      '/data/alex/powershell/Modules',
      '/usr/local/share/powershell/Modules',
      '/opt/microsoft/powershell/7/Modules',
      '/srv/modules',
    ]);
    expect(found.client.modules.map((m) => m.name)).toEqual(['PowerShellGet', 'PackageManagement']);
  });

  it('on macOS reads the pkg home and an AllUsers module', async () => {
    const { client } = await discoverPowerShell(context(machine('macos-pwsh')));
    expect(client.editions).toEqual([
      { edition: 'Core', version: '7.2.6', home: '/usr/local/microsoft/powershell/7', source: 'pwsh in /usr/local/microsoft/powershell/7; version from pwsh --version' },
    ]);
    expect(loadedModule(client, 'darwin', 'ExchangeOnlineManagement', 'Core')).toMatchObject({ version: '3.5.0', scope: 'AllUsers' });
  });

  it('notes a version folder without a manifest, and finds a manifest whose case differs', async () => {
    const base = machine('linux-pwsh');
    const home = '/home/alex/.local/share/powershell/Modules';
    const files = { ...base.files, [`${home}/ExchangeOnlineManagement/3.9.0/netCore/x.dll`]: '', [`${home}/msal.ps/4.37.0.0/msal.ps.psd1`]: "@{ ModuleVersion = '4.37.0.0' }" };
    const found = await discoverPowerShell(context({ ...base, files }));
    expect(found.notes).toContain(`${home}/ExchangeOnlineManagement/3.9.0 has no ExchangeOnlineManagement.psd1: PowerShell ignores that folder.`);
    expect(found.client.modules.find((m) => m.name === 'MSAL.PS')?.path).toBe(`${home}/msal.ps/4.37.0.0/msal.ps.psd1`);
  });

  it('finds no folders and no modules where there is no PowerShell', async () => {
    const { client } = await discoverPowerShell(context(machine('linux-no-powershell')));
    expect(client).toEqual({ editions: [], modules: [], ieProxyOptions: [], modulePaths: { Desktop: [], Core: [] } });
  });
});
