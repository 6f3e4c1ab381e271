/**
 * dotnet-tls: the .NET Framework under Windows PowerShell 5.1, and whether it offers TLS 1.2.
 *
 * - ExchangeOnlineManagement 2.0.5 and later needs .NET Framework 4.7.2 or later in Windows PowerShell 5.1
 *   ("Otherwise, you get a System.Runtime.InteropServices.OSPlatform error", exchange-online-powershell-v2.md).
 *   The version is the `Release` DWORD of `HKLM\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full`; 4.7.2
 *   is 461808 or more ("Minimum version" table of
 *   https://learn.microsoft.com/dotnet/framework/install/how-to-determine-which-versions-are-installed).
 * - TLS: .NET Framework 4.7 and later leaves the protocol to the operating system only for programs that
 *   target 4.7 or later; powershell.exe targets an older framework, so SchUseStrongCrypto and
 *   SystemDefaultTlsVersions default to 0 for it ("If your app runs on .NET Framework 4.7 or later
 *   versions, but targets an earlier version, the key defaults to 0", Transport Layer Security best
 *   practices with the .NET Framework, https://learn.microsoft.com/dotnet/framework/network-programming/tls).
 *   Without either value set to 1 under `HKLM\SOFTWARE\[WOW6432Node\]Microsoft\.NETFramework\v4.0.30319`,
 *   Windows PowerShell may offer only SSL 3.0 and TLS 1.0, which the PowerShell Gallery (TLS 1.2 only
 *   since April 2020) and Microsoft 365 refuse. The 64-bit key serves the 64-bit powershell.exe, the
 *   WOW6432Node twin the 32-bit (x86) one.
 */
import { defineCheck } from '../src/check.js';
import { dwordOf, readRegistry, type RegistryRead } from '../src/platform/registry.js';
import { type Evidence, type Remediation, error, evidence, fail, fix, notApplicable, pass, warn } from '../src/result.js';
import { powershellClient } from './powershell-client.js';

const NDP_KEY = 'HKLM\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full';
const NETFX_KEY = 'HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319';
const NETFX_WOW_KEY = 'HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319';
const VERSIONS_DOC = 'https://learn.microsoft.com/dotnet/framework/install/how-to-determine-which-versions-are-installed';
const TLS_DOC = 'https://learn.microsoft.com/dotnet/framework/network-programming/tls';
const NET48 = 'https://dotnet.microsoft.com/download/dotnet-framework/net48';
const GALLERY_TLS = 'https://devblogs.microsoft.com/powershell/powershell-gallery-tls-support/';

/** The module's floor in Windows PowerShell 5.1: .NET Framework 4.7.2. */
const MIN_RELEASE = 461808;

/** Minimum `Release` per version, newest first (the Microsoft table above). */
const RELEASES: readonly (readonly [number, string])[] = [
  [533320, '4.8.1'],
  [528040, '4.8'],
  [461808, '4.7.2'],
  [461308, '4.7.1'],
  [460798, '4.7'],
  [394802, '4.6.2'],
  [394254, '4.6.1'],
  [393295, '4.6'],
  [379893, '4.5.2'],
  [378675, '4.5.1'],
  [378389, '4.5'],
];

/** `528372` → `4.8`; a value below 4.5's → undefined. */
export function frameworkVersion(release: number): string | undefined {
  return RELEASES.find(([minimum]) => release >= minimum)?.[1];
}

export const dotnetTls = defineCheck({
  id: 'dotnet-tls',
  title: '.NET Framework version and TLS 1.2 for Windows PowerShell 5.1',
  dependsOn: [],
  uses: [powershellClient],
  async run(ctx, deps) {
    if (ctx.platform !== 'win32') return notApplicable(`Not applicable: Windows PowerShell 5.1 and the .NET Framework exist only on Windows, and this machine runs ${ctx.platform}.`);
    const client = deps['powershell-client'];
    if (client && !client.editions.some((e) => e.edition === 'Desktop')) {
      return notApplicable('Not applicable: powershell-client found no Windows PowerShell 5.1 here; PowerShell 7 runs on .NET, which needs no .NET Framework setting.');
    }
    ctx.step('reading the .NET Framework version and TLS settings');
    const [ndp, native, wow] = await Promise.all([readRegistry(ctx, NDP_KEY, 'Release'), readRegistry(ctx, NETFX_KEY), readRegistry(ctx, NETFX_WOW_KEY)]);
    if (ndp.kind === 'unreadable') return error(`The .NET Framework version could not be read: ${ndp.reason}.`);
    const release = dwordOf(ndp, 'Release');
    const version = release === undefined ? undefined : frameworkVersion(release);
    const facts: Evidence[] = [
      evidence('.NET Framework', release === undefined ? `4.5 or later not installed (no Release under ${NDP_KEY})` : `${version ?? 'older than 4.5'} (Release ${release})`),
      evidence('TLS for 64-bit Windows PowerShell', describeTls(native, NETFX_KEY)),
      evidence('TLS for 32-bit Windows PowerShell', describeTls(wow, NETFX_WOW_KEY)),
    ];
    const tlsOff = offersTls12(native) === false;
    const tlsFix: [Remediation, Remediation] = [strongCrypto(), sessionTls()];

    if (release === undefined || release < MIN_RELEASE) {
      const have = release === undefined ? '.NET Framework 4.5 or later is not installed' : `Windows PowerShell 5.1 runs on .NET Framework ${version ?? 'older than 4.5'} (Release ${release})`;
      const tls = tlsOff ? ' Strong cryptography is also off, so it may offer nothing newer than TLS 1.0.' : '';
      return fail(`${have}; ExchangeOnlineManagement 2.0.5 and later needs 4.7.2 or later and otherwise fails to connect with a System.Runtime.InteropServices.OSPlatform error.${tls}`, {
        evidence: facts,
        remediation: [install48(), ...(tlsOff ? tlsFix : [])],
      });
    }
    if (tlsOff) {
      return warn(
        `.NET Framework ${version} is recent enough, but neither SchUseStrongCrypto nor SystemDefaultTlsVersions is 1 for it: Windows PowerShell 5.1 targets an older framework, so it may offer only SSL 3.0 and TLS 1.0, which the PowerShell Gallery (Install-Module, Update-Module) and Microsoft 365 refuse.`,
        { evidence: facts, remediation: tlsFix },
      );
    }
    const twin = offersTls12(wow) === false ? ' (only the 32-bit Windows PowerShell lacks the setting)' : '';
    return pass(`.NET Framework ${version} meets the module's 4.7.2 floor and Windows PowerShell 5.1 may use TLS 1.2${twin}.`, { evidence: facts });
  },
});

/** TLS 1.2 is on the table when either value is 1; undefined when the key could not be read or does not exist. */
function offersTls12(read: RegistryRead): boolean | undefined {
  if (read.kind !== 'values') return undefined;
  return dwordOf(read, 'SchUseStrongCrypto') === 1 || dwordOf(read, 'SystemDefaultTlsVersions') === 1;
}

function describeTls(read: RegistryRead, key: string): string {
  if (read.kind === 'unreadable') return `unknown (${read.reason})`;
  if (read.kind === 'missing') return `no ${key} key (not a 64-bit Windows, or no .NET Framework 4)`;
  const value = (name: string) => dwordOf(read, name) ?? 'not set';
  return `SchUseStrongCrypto ${value('SchUseStrongCrypto')}, SystemDefaultTlsVersions ${value('SystemDefaultTlsVersions')}`;
}

function install48(): Remediation {
  return fix({
    summary: 'Install .NET Framework 4.8 (or later) from Microsoft, restart, then confirm that Release is 528040 or more.',
    runBy: 'admin',
    commands: [`reg query "${NDP_KEY}" /v Release`],
    links: [NET48, VERSIONS_DOC, 'https://learn.microsoft.com/powershell/exchange/exchange-online-powershell-v2'],
  });
}

function strongCrypto(): Remediation {
  // The values of Microsoft's .REG example, for both registry views; an elevated Command Prompt.
  const commands = [NETFX_KEY, NETFX_WOW_KEY].flatMap((key) =>
    ['SystemDefaultTlsVersions', 'SchUseStrongCrypto'].map((name) => `reg add "${key}" /v ${name} /t REG_DWORD /d 1 /f`),
  );
  return fix({
    summary: 'Let .NET Framework use the TLS versions Windows offers and strong cryptography, for 64-bit and 32-bit programs (elevated Command Prompt; restart PowerShell afterwards).',
    runBy: 'admin',
    commands,
    links: [TLS_DOC, GALLERY_TLS],
  });
}

function sessionTls(): Remediation {
  return fix({
    summary: 'Until then, turn on TLS 1.2 for one Windows PowerShell session before Install-Module or Connect-ExchangeOnline.',
    runBy: 'admin',
    commands: ['[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12'],
    links: [GALLERY_TLS],
  });
}
