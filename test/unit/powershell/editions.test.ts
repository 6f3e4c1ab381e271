// Finding the PowerShell editions from the registry, the default homes and, last, `pwsh --version`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CheckContext } from '../../../src/check.js';
import { findEditions, parsePwshVersion, parseRegQueryTree } from '../../../src/powershell/editions.js';
import { baseStubs, fakeContext } from '../../support/fake-context.js';
import { type FixtureMachine, loadFixtureMachine, machineStubs } from '../../support/machine.js';

const command = (name: string) => readFileSync(new URL(`../../../fixtures/powershell/commands/${name}`, import.meta.url), 'utf8');
const machine = (name: string) => loadFixtureMachine(new URL(`../../../fixtures/powershell/machines/${name}/machine.json`, import.meta.url));
const context = (m: FixtureMachine) => ({ ...fakeContext(baseStubs(machineStubs(m))), signal: new AbortController().signal }) as unknown as CheckContext;

describe('parsers', () => {
  it('reads every subkey of a recursive reg query', () => {
    const keys = parseRegQueryTree(command('reg-core-7.4.6.txt'));
    expect([...keys.keys()]).toEqual([
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\PowerShellCore\\InstalledVersions',
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\PowerShellCore\\InstalledVersions\\31ab5147-9a97-4452-8443-d9709f0516e1',
    ]);
    const install = [...keys.values()][1]!;
    expect(install.get('semanticversion')).toEqual({ type: 'REG_SZ', value: '7.4.6' });
    expect(install.get('installlocation')).toEqual({ type: 'REG_SZ', value: 'C:\\Program Files\\PowerShell\\7\\' });
    expect(parseRegQueryTree('ERROR: The system was unable to find the specified registry key or value.\r\n').size).toBe(0);
  });

  it('reads the version pwsh --version prints', () => {
    expect(parsePwshVersion(command('pwsh-version-7.5.4.txt'))).toBe('7.5.4');
    expect(parsePwshVersion('PowerShell 7.5.0-preview.3\n')).toBe('7.5.0-preview.3');
    expect(parsePwshVersion('pwsh: command not found')).toBeUndefined();
  });
});

describe('findEditions', () => {
  it('takes both Windows editions from the registry without running PowerShell', async () => {
    const log: string[] = [];
    const editions = await findEditions(context({ ...machine('windows-modern'), execLog: log }));
    expect(editions).toEqual([
      { edition: 'Desktop', version: '5.1.19041.1', home: 'C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0', source: 'registry PowerShellEngine\\PowerShellVersion' },
      { edition: 'Core', version: '7.4.6', home: 'C:\\Program Files\\PowerShell\\7', source: 'registry PowerShellCore\\InstalledVersions' },
    ]);
    expect(log.every((line) => line.startsWith('reg query '))).toBe(true);
  });

  it('finds a PowerShell 7 without a registry key from its pwsh.exe, and asks pwsh for its version', async () => {
    const base = machine('windows-modern');
    // A ZIP install: no InstalledVersions key (reg.exe answers "not found"), but pwsh.exe in its home.
    const commands = { ...Object.fromEntries(Object.entries(base.commands ?? {}).filter(([line]) => !line.includes('PowerShellCore'))), 'pwsh --version': 'PowerShell 7.4.6\r\n' };
    const editions = await findEditions(context({ ...base, commands }));
    expect(editions[1]).toEqual({ edition: 'Core', version: '7.4.6', home: 'C:\\Program Files\\PowerShell\\7', source: 'pwsh.exe in C:\\Program Files\\PowerShell\\7; version from pwsh --version' });
  });

  it('falls back to powershell.exe when the engine key cannot be read', async () => {
    const base = machine('windows-legacy-exo-2.0.5');
    const editions = await findEditions(context({ ...base, commands: { reg: { exitCode: 1, stderr: 'ERROR: Access is denied.' } } }));
    expect(editions).toEqual([{ edition: 'Desktop', home: 'C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0', source: 'powershell.exe in C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0' }]);
  });

  it('on Linux finds the package home and takes its version from pwsh --version', async () => {
    expect(await findEditions(context(machine('linux-pwsh')))).toEqual([
      { edition: 'Core', version: '7.5.4', home: '/opt/microsoft/powershell/7', source: 'pwsh in /opt/microsoft/powershell/7; version from pwsh --version' },
    ]);
  });

  it('reports a pwsh found only on the PATH (a Store or .NET tool install) with no home', async () => {
    const editions = await findEditions(context({ platform: 'linux', env: { HOME: '/home/a' }, files: {}, commands: { 'pwsh --version': 'PowerShell 7.4.6\n' } }));
    expect(editions).toEqual([{ edition: 'Core', version: '7.4.6', source: 'pwsh --version, the pwsh on the PATH' }]);
  });

  it('finds nothing on a machine without PowerShell', async () => {
    const log: string[] = [];
    expect(await findEditions(context({ ...machine('linux-no-powershell'), execLog: log }))).toEqual([]);
    expect(log).toEqual(['pwsh --version']);
  });
});
