// The retired MFA module and the IE proxy option, found on simulated Windows machines (src/sim/machine.ts):
// the ClickOnce layout and uninstall entry of docs/legacy-mfa-module.md, Load-ExchangeMFA and profiles.
import { describe, expect, it } from 'vitest';
import { findLegacyMfaModule, ieProxyOptions } from '../../../src/powershell/legacy-mfa.js';
import type { DiscoveryContext } from '../../../src/powershell/discovery.js';
import { type MachineSpec, machineMembers } from '../../../src/sim/machine.js';
import { baseStubs, fakeContext } from '../../support/fake-context.js';

const LOCAL = 'C:\\Users\\alex\\AppData\\Local';
const APP = `${LOCAL}\\Apps\\2.0\\AN5BH7D1.Q5V\\Z9RHER5V.08Z\\micr..tion_c3bce3770c238a49_0010.0000_90fa60bba125a33a`;
const COMPONENT = `${LOCAL}\\Apps\\2.0\\AN5BH7D1.Q5V\\Z9RHER5V.08Z\\micr..dule_31bf3856ad364e35_0010.0000_none_e092d310eab729ab`;
const HCW = `${LOCAL}\\Apps\\2.0\\AN5BH7D1.Q5V\\Z9RHER5V.08Z\\micr..tion_c3bce3770c238a49_0010.0000_06b16895f88ffa1a`;
const DLL = 'Microsoft.Exchange.Management.ExoPowershellModule.dll';
const LOADER = 'C:\\Program Files\\WindowsPowerShell\\Scripts\\Load-ExchangeMFA.ps1';
const PROFILE = 'C:\\Users\\alex\\Documents\\WindowsPowerShell\\Microsoft.PowerShell_profile.ps1';
const UNINSTALL_KEY = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall';
const ENV = { LOCALAPPDATA: LOCAL, APPDATA: 'C:\\Users\\alex\\AppData\\Roaming', ProgramFiles: 'C:\\Program Files', USERPROFILE: 'C:\\Users\\alex' };

function machine(spec: Omit<MachineSpec, 'platform' | 'env'>): DiscoveryContext {
  return { ...fakeContext(baseStubs(machineMembers({ platform: 'win32', env: ENV, registry: {}, ...spec }))), signal: new AbortController().signal } as unknown as DiscoveryContext;
}

describe('findLegacyMfaModule', () => {
  it('finds the ClickOnce app folder with its script and DLL, its uninstall entry and its shortcut', async () => {
    const ctx = machine({
      files: {
        [`${APP}\\CreateExoPSSession.ps1`]: '',
        [`${APP}\\${DLL}`]: '',
        [`${COMPONENT}\\${DLL}`]: '',
        [`${HCW}\\Microsoft.Online.CSE.Hybrid.App.exe`]: '',
        [`${ENV.APPDATA}\\Microsoft\\Windows\\Start Menu\\Programs\\Microsoft Corporation\\Microsoft Exchange Online Powershell Module.appref-ms`]: '',
        [LOADER]: '. $ScriptName\r\nConnect-EXOPSSession\r\n',
      },
      registry: {
        [`${UNINSTALL_KEY}\\OneDriveSetup.exe`]: { DisplayName: 'Microsoft OneDrive' },
        [`${UNINSTALL_KEY}\\f3b5c1a9e7d20864`]: {
          DisplayName: 'Microsoft Exchange Online Powershell Module',
          DisplayVersion: '16.0.2440.0',
          UninstallString: 'rundll32.exe dfshim.dll,ShArpMaintain Microsoft.Online.CSE.PSModule.Client.application, Culture=neutral',
        },
      },
    });
    const found = await findLegacyMfaModule(ctx, 'C:\\Users\\alex\\Documents');
    // The component copy (`_none_`) and the Hybrid wizard's app with the same token are not the module.
    expect(found).toEqual({
      appFolders: [APP],
      uninstall: {
        key: `HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\f3b5c1a9e7d20864`,
        displayName: 'Microsoft Exchange Online Powershell Module',
        displayVersion: '16.0.2440.0',
        uninstallString: 'rundll32.exe dfshim.dll,ShArpMaintain Microsoft.Online.CSE.PSModule.Client.application, Culture=neutral',
      },
      shortcut: `${ENV.APPDATA}\\Microsoft\\Windows\\Start Menu\\Programs\\Microsoft Corporation\\Microsoft Exchange Online Powershell Module.appref-ms`,
      loaders: [LOADER],
    });
  });

  it('counts side-by-side copies, and finds a profile that dot-sources the script (not one that only mentions it in a comment)', async () => {
    const second = APP.replace('90fa60bba125a33a', '1c2d3e4f5a6b7c8d');
    const files = { [`${APP}\\CreateExoPSSession.ps1`]: '', [`${APP}\\${DLL}`]: '', [`${second}\\createexopssession.ps1`]: '', [`${second}\\${DLL.toLowerCase()}`]: '' };
    const loaded = await findLegacyMfaModule(machine({ files: { ...files, [PROFILE]: `. "${APP}\\CreateExoPSSession.ps1"\r\n` } }), 'C:\\Users\\alex\\Documents');
    expect(loaded?.appFolders).toHaveLength(2);
    expect(loaded?.loaders).toEqual([PROFILE]);
    const commented = await findLegacyMfaModule(machine({ files: { ...files, [PROFILE]: '# Connect-EXOPSSession used to live here\r\n<#\r\n. CreateExoPSSession.ps1\r\n#>\r\n' } }), 'C:\\Users\\alex\\Documents');
    expect(commented?.loaders).toEqual([]);
  });

  it('finds nothing on a machine without it, on a folder without the DLL, and on other systems', async () => {
    expect(await findLegacyMfaModule(machine({ files: { [`${LOCAL}\\Apps\\`]: '' } }), undefined)).toBeUndefined();
    expect(await findLegacyMfaModule(machine({ files: { [`${APP}\\CreateExoPSSession.ps1`]: '' } }), undefined)).toBeUndefined();
    const linux = { ...fakeContext(baseStubs(machineMembers({ platform: 'linux', env: { LOCALAPPDATA: LOCAL } }))), signal: new AbortController().signal } as unknown as DiscoveryContext;
    expect(await findLegacyMfaModule(linux, undefined)).toBeUndefined();
  });
});

describe('ieProxyOptions', () => {
  it('finds the IEConfig session option of Load-ExchangeMFA 1.1 and of a profile, never a commented one', async () => {
    const ctx = machine({
      files: {
        [LOADER]: '#make sure the Exchange session uses the same proxy settings as IE/Edge\r\n$ProxySetting = New-PSSessionOption -ProxyAccessType IEConfig\r\nConnect-EXOPSSession -PSSessionOption $ProxySetting\r\n',
        [PROFILE]: '#$o = New-PSSessionOption -ProxyAccessType IEConfig\r\n',
        'C:\\Users\\alex\\Documents\\WindowsPowerShell\\profile.ps1': '  $opt = new-pssessionoption -proxyaccesstype ieconfig -ProxyAuthentication Negotiate\r\n',
      },
    });
    expect(await ieProxyOptions(ctx, 'C:\\Users\\alex\\Documents')).toEqual([
      { script: LOADER, line: '$ProxySetting = New-PSSessionOption -ProxyAccessType IEConfig' },
      { script: 'C:\\Users\\alex\\Documents\\WindowsPowerShell\\profile.ps1', line: '$opt = new-pssessionoption -proxyaccesstype ieconfig -ProxyAuthentication Negotiate' },
    ]);
  });
});
