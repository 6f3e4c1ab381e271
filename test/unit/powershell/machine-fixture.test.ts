// The fixture-machine helper other tests build on: folders derived from paths, commands by prefix.
import { describe, expect, it } from 'vitest';
import { machineStubs, REG_NOT_FOUND } from '../../support/machine.js';
import { baseStubs, fakeContext } from '../../support/fake-context.js';

describe('machineStubs', () => {
  it('lists folders from file paths on Windows, case-insensitively, keeping the given names', async () => {
    const ctx = fakeContext(
      baseStubs(
        machineStubs({
          platform: 'win32',
          env: { Path: 'C:\\Windows', PSModulePath: 'C:\\x' },
          files: {
            'C:\\Program Files\\PowerShell\\Modules\\ExchangeOnlineManagement\\3.7.2\\ExchangeOnlineManagement.psd1': 'a',
            'C:/Program Files/PowerShell/Modules/Az.Accounts/Az.Accounts.psd1': 'b',
            'C:\\Users\\alex\\Documents\\PowerShell\\Modules\\': '',
          },
        }),
      ),
    );
    expect(await ctx.readDir('c:\\program files\\powershell\\modules\\')).toEqual(['ExchangeOnlineManagement', 'Az.Accounts']);
    expect(await ctx.readDir('C:\\')).toEqual(['Program Files', 'Users']);
    expect(await ctx.readDir('C:\\Users\\alex\\Documents\\PowerShell\\Modules')).toEqual([]);
    expect(await ctx.readDir('C:\\Program Files\\WindowsPowerShell')).toBeUndefined();
    expect(await ctx.readFile('C:\\PROGRAM FILES\\PowerShell\\Modules\\Az.Accounts\\Az.Accounts.psd1')).toBe('b');
    expect(await ctx.readFile('C:\\Program Files\\PowerShell\\Modules')).toBeUndefined();
    expect(ctx.env['PATH']).toBe('C:\\Windows');
    expect(ctx.env['psmodulepath']).toBe('C:\\x');
    expect(ctx.platform).toBe('win32');
  });

  it('is case-sensitive on Linux', async () => {
    const ctx = fakeContext(machineStubs({ platform: 'linux', env: { HOME: '/home/alex' }, files: { '/home/alex/.local/share/powershell/Modules/MSAL.PS/MSAL.PS.psd1': 'c' } }));
    expect(await ctx.readDir('/home/alex/.local/share/powershell/Modules')).toEqual(['MSAL.PS']);
    expect(await ctx.readDir('/home/alex/.local/share/PowerShell/Modules')).toBeUndefined();
    expect(await ctx.readDir('/')).toEqual(['home']);
    expect(ctx.env['home']).toBeUndefined();
  });

  it('answers commands by the longest whole-word prefix, and knows which programs are missing', async () => {
    const log: string[] = [];
    const ctx = fakeContext(
      machineStubs({
        platform: 'win32',
        execLog: log,
        commands: {
          'reg query HKLM\\SOFTWARE\\Microsoft\\PowerShell\\3': 'three',
          'reg query HKLM\\SOFTWARE\\Microsoft\\PowerShell\\3\\PowerShellEngine': 'engine',
          'pwsh --version': { exitCode: 0, stdout: 'PowerShell 7.4.6\n' },
          'winrm get': { kind: 'timed-out', stdout: '', stderr: '' },
        },
      }),
    );
    expect(await ctx.exec('reg', ['query', 'HKLM\\SOFTWARE\\Microsoft\\PowerShell\\3\\PowerShellEngine', '/v', 'PowerShellVersion'])).toMatchObject({ stdout: 'engine' });
    expect(await ctx.exec('reg', ['query', 'HKLM\\SOFTWARE\\Microsoft\\PowerShell\\3'])).toMatchObject({ stdout: 'three' });
    expect(await ctx.exec('reg', ['query', 'HKLM\\SOFTWARE\\Microsoft\\PowerShell\\30'])).toEqual({ kind: 'exited', exitCode: 1, stdout: '', stderr: REG_NOT_FOUND });
    expect(await ctx.exec('pwsh', ['--version'])).toEqual({ kind: 'exited', exitCode: 0, stdout: 'PowerShell 7.4.6\n', stderr: '' });
    expect(await ctx.exec('winrm', ['get', 'winrm/config'])).toEqual({ kind: 'timed-out', stdout: '', stderr: '' });
    expect(await ctx.exec('powershell', ['-NoProfile'])).toEqual({ kind: 'not-found', command: 'powershell' });
    expect(log).toHaveLength(6);
  });
});
