// dotnet-tls on fixture machines: `reg query` outputs of the .NET Framework keys (fixtures/windows-client).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dotnetTls, frameworkVersion } from '../../../checks/dotnet-tls.js';
import type { PowerShellClient, PowerShellEdition } from '../../../src/powershell/types.js';
import { baseStubs, fakeContext } from '../../support/fake-context.js';
import { type FixtureMachine, machineStubs, REG_NOT_FOUND } from '../../support/machine.js';
import { runCheck } from '../../support/run-check.js';

const fixture = (path: string) => readFileSync(new URL(`../../../fixtures/windows-client/${path}`, import.meta.url), 'utf8');

const NDP = 'reg query HKLM\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full /v Release';
const NETFX = 'reg query HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319';
const NETFX_WOW = 'reg query HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319';

/** The four values of Microsoft's .REG example, as reg add commands. */
const STRONG_CRYPTO_COMMANDS = [
  'reg add "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319" /v SystemDefaultTlsVersions /t REG_DWORD /d 1 /f',
  'reg add "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319" /v SchUseStrongCrypto /t REG_DWORD /d 1 /f',
  'reg add "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319" /v SystemDefaultTlsVersions /t REG_DWORD /d 1 /f',
  'reg add "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319" /v SchUseStrongCrypto /t REG_DWORD /d 1 /f',
];

const DESKTOP: PowerShellEdition = { edition: 'Desktop', version: '5.1.14393.7428', home: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0', source: 'registry' };
const CORE: PowerShellEdition = { edition: 'Core', version: '7.4.6', home: 'C:\\Program Files\\PowerShell\\7', source: 'registry' };
const client = (...editions: PowerShellEdition[]): PowerShellClient => ({ editions, modules: [], modulePaths: { Desktop: [], Core: [] }, ieProxyOptions: [] });

async function run(commands: FixtureMachine['commands'], powershell: PowerShellClient | undefined = client(DESKTOP), platform: NodeJS.Platform = 'win32', execLog?: string[]) {
  const ctx = fakeContext(baseStubs(machineStubs({ platform, commands, ...(execLog ? { execLog } : {}) })));
  return runCheck(dotnetTls, ctx, { 'powershell-client': powershell });
}

describe('dotnet-tls', () => {
  it('passes a clean machine: .NET Framework 4.8.1 with strong cryptography in both registry views', async () => {
    const result = await run({
      [NDP]: fixture('reg-query/ndp-v4-full-4.8.1.txt'),
      [NETFX]: fixture('reg-query/netfx-v4-strong-crypto.txt'),
      [NETFX_WOW]: fixture('reg-query/netfx-v4-wow-strong-crypto.txt'),
    });
    expect(result).toMatchObject({ status: 'pass', summary: ".NET Framework 4.8.1 meets the module's 4.7.2 floor and Windows PowerShell 5.1 may use TLS 1.2." });
    expect(result.evidence).toContainEqual({ label: '.NET Framework', value: '4.8.1 (Release 533320)' });
    expect(result.evidence).toContainEqual({ label: 'TLS for 64-bit Windows PowerShell', value: 'SchUseStrongCrypto 1, SystemDefaultTlsVersions 1' });
  });

  it('fails .NET Framework 4.6.2 without strong cryptography: install 4.8, then the exact reg add commands', async () => {
    const result = await run({
      [NDP]: fixture('reg-query/ndp-v4-full-4.6.2.txt'),
      [NETFX]: fixture('reg-query/netfx-v4-no-values.txt'),
      [NETFX_WOW]: fixture('reg-query/netfx-v4-wow-no-values.txt'),
    });
    expect(result.status).toBe('fail');
    if (result.status !== 'fail') return;
    expect(result.summary).toMatch(/^Windows PowerShell 5\.1 runs on \.NET Framework 4\.6\.2 \(Release 394802\); ExchangeOnlineManagement 2\.0\.5 and later needs 4\.7\.2 or later/);
    expect(result.summary).toContain('System.Runtime.InteropServices.OSPlatform');
    expect(result.summary).toContain('Strong cryptography is also off');
    const [install, registry, session] = result.remediation;
    expect(install).toMatchObject({ runBy: 'admin', commands: ['reg query "HKLM\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full" /v Release'] });
    expect(install?.links[0]).toBe('https://dotnet.microsoft.com/download/dotnet-framework/net48');
    expect(registry).toMatchObject({ runBy: 'admin', commands: STRONG_CRYPTO_COMMANDS });
    expect(session?.commands).toEqual(['[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12']);
  });

  it('warns when .NET Framework 4.8 is there but Windows PowerShell may still offer only TLS 1.0', async () => {
    const result = await run({
      [NDP]: fixture('reg-query/ndp-v4-full-4.8.txt'),
      [NETFX]: fixture('reg-query/netfx-v4-strong-crypto-off.txt'),
      [NETFX_WOW]: fixture('reg-query/netfx-v4-wow-no-values.txt'),
    });
    expect(result.status).toBe('warn');
    if (result.status !== 'warn') return;
    expect(result.summary).toMatch(/^\.NET Framework 4\.8 is recent enough, but neither SchUseStrongCrypto nor SystemDefaultTlsVersions is 1/);
    expect(result.remediation[0]?.commands).toEqual(STRONG_CRYPTO_COMMANDS);
    expect(result.evidence).toContainEqual({ label: 'TLS for 64-bit Windows PowerShell', value: 'SchUseStrongCrypto 0, SystemDefaultTlsVersions not set' });
  });

  it('passes, with a note, when only the 32-bit view lacks the setting', async () => {
    const result = await run({
      [NDP]: fixture('reg-query/ndp-v4-full-4.8.txt'),
      [NETFX]: fixture('reg-query/netfx-v4-strong-crypto.txt'),
      [NETFX_WOW]: fixture('reg-query/netfx-v4-wow-no-values.txt'),
    });
    expect(result).toMatchObject({ status: 'pass', summary: expect.stringContaining('(only the 32-bit Windows PowerShell lacks the setting)') });
  });

  it('fails when no .NET Framework 4.5 or later is installed', async () => {
    const result = await run({ [NDP]: { exitCode: 1, stderr: REG_NOT_FOUND }, [NETFX]: fixture('reg-query/netfx-v4-strong-crypto.txt') });
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringMatching(/^\.NET Framework 4\.5 or later is not installed;/) });
  });

  it('reports an error when reg.exe cannot be run', async () => {
    const result = await run({});
    expect(result).toMatchObject({ status: 'error', summary: 'The .NET Framework version could not be read: reg.exe was not found.' });
  });

  it('skips a machine that has PowerShell 7 but no Windows PowerShell 5.1', async () => {
    const execLog: string[] = [];
    const result = await run({}, client(CORE), 'win32', execLog);
    expect(result).toMatchObject({ status: 'skip', summary: expect.stringMatching(/^Not applicable: powershell-client found no Windows PowerShell 5\.1/) });
    expect(execLog).toEqual([]);
  });

  it('skips on Linux without running anything', async () => {
    const execLog: string[] = [];
    const result = await run({}, client(CORE), 'linux', execLog);
    expect(result).toMatchObject({ status: 'skip', summary: expect.stringMatching(/^Not applicable/) });
    expect(execLog).toEqual([]);
  });
});

describe('frameworkVersion', () => {
  it('maps Release values to versions by the minimum-value table', () => {
    expect(frameworkVersion(533509)).toBe('4.8.1');
    expect(frameworkVersion(528372)).toBe('4.8');
    expect(frameworkVersion(461814)).toBe('4.7.2');
    expect(frameworkVersion(461808)).toBe('4.7.2');
    expect(frameworkVersion(461807)).toBe('4.7.1');
    expect(frameworkVersion(394806)).toBe('4.6.2');
    expect(frameworkVersion(378388)).toBeUndefined();
  });
});
