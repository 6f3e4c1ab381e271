// The Windows tier: the built doctor run by the official Node.js for Windows (node.exe 22, from npm, which
// `node scripts/node-binaries.mjs` puts in node_modules/.cache/exo-doctor-node before the tests) under
// Debian's Wine, against Wine's real registry (written with Wine's reg.exe) and real files on drive C:. It
// proves what the unit tests can only assume from recorded outputs: that the machine checks read the keys,
// values and folders they name, through real `reg query` and real Windows paths, and reach the verdicts
// they should. One prefix serves the whole file (making one takes about 5 s); every test resets what the
// tests write, and the tests run one after another.
//
// Where Wine is not Windows, each test says so and asserts what Wine gives:
// - `netsh winhttp show proxy` prints nothing (and exits 0): without a WinHttpSettings blob the doctor
//   cannot read WinHTTP ("assuming direct access"), where Windows would print "Direct access".
// - there is no WinRM service: `sc query WinRM` exits 1 (Windows: a STATE line, or 1060 when missing), so
//   the service state is "unknown" and never a finding.
// - reg.exe prints a REG_QWORD as "(null)", so such a value reads as absent.
// - a fresh prefix has no .NET Framework (Wine's Mono is turned off here) and no InstallationType, but does
//   ship a stub C:\windows\system32\WindowsPowerShell\v1.0\powershell.exe: Windows PowerShell is "found".
// - Documents is a symlink to $HOME (a temporary folder here): CurrentUser modules land there.
// - the network does not work for node.exe under Wine (undici's connect fails), so only the machine
//   checks run here; the network and sign-in checks are proven on Linux (test/integration).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RegType, startWineMachine, wineAvailable, type WineMachine, wineUnavailable } from '../support/wine.js';

const unavailable = wineUnavailable();
if (unavailable !== undefined && process.env['CI'] === undefined) console.warn(`test/windows skipped: ${unavailable}.`);

// In CI Wine and node.exe must be there (.ci/run installs wine64, npm test fetches node.exe): a silent
// skip would prove nothing.
it.runIf(process.env['CI'] !== undefined && !wineAvailable())('has Wine and node.exe in CI', () => {
  throw new Error(`The Windows tier cannot run: ${unavailable}`);
});

interface Evidence {
  readonly label: string;
  readonly value: string;
}
interface Remediation {
  readonly summary: string;
  readonly runBy: string;
  readonly commands: readonly string[];
}
interface CheckReport {
  readonly id: string;
  readonly status: 'pass' | 'warn' | 'fail' | 'skip' | 'error';
  readonly summary: string;
  readonly evidence: readonly Evidence[];
  readonly remediation: readonly Remediation[];
  readonly cause: string | null;
}
interface RelatedCheck {
  readonly id: string;
  readonly status: CheckReport['status'];
}
/** The parts of src/report/document.ts's ReportDocument these tests read. */
interface Report {
  readonly environment: { readonly os: string; readonly osRelease: string; readonly arch: string; readonly node: string };
  readonly outcome: {
    readonly verdict: string;
    readonly exitCode: number;
    readonly counts: Readonly<Record<CheckReport['status'], number>>;
    readonly primaryFinding: { readonly checkId: string; readonly summary: string; readonly remediation: string | null } | null;
  };
  readonly findings: readonly { readonly checkId: string; readonly status: 'fail' | 'warn'; readonly cause: string | null; readonly corroboratedBy: readonly RelatedCheck[] }[];
  readonly checks: readonly CheckReport[];
}

const manifest = (name: string) => readFileSync(new URL(`../../fixtures/powershell/manifests/${name}.psd1`, import.meta.url), 'utf8');
const clientFile = (name: string) => readFileSync(new URL(`../../fixtures/windows-client/files/${name}`, import.meta.url), 'utf8');

// Registry keys and folders the checks read.
const IS = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings';
const IS_MACHINE = 'HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings';
const PROXY_POLICY = 'HKLM\\Software\\Policies\\Microsoft\\Windows\\CurrentVersion\\Internet Settings';
const WINRM_POLICY = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Client';
const WSMAN_CLIENT = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WSMAN\\Client';
const ENGINE = 'HKLM\\SOFTWARE\\Microsoft\\PowerShell\\3\\PowerShellEngine';
const CORE_INSTALL = 'HKLM\\SOFTWARE\\Microsoft\\PowerShellCore\\InstalledVersions\\31ab5147-9a97-4452-8443-d9709f0516e1';
const PS_POLICY = (hive: 'HKLM' | 'HKCU') => `${hive}\\SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell`;
const CORE_POLICY = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\PowerShellCore';
const SHELL_IDS = (hive: 'HKLM' | 'HKCU') => `${hive}\\SOFTWARE\\Microsoft\\PowerShell\\1\\ShellIds\\Microsoft.PowerShell`;
const CURRENT_VERSION = 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion';
const NDP = 'HKLM\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full';
const NETFX = 'HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319';
const NETFX_WOW = 'HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319';
const DESKTOP_ALL = 'C:\\Program Files\\WindowsPowerShell\\Modules';
const PWSH_HOME = 'C:\\Program Files\\PowerShell\\7';
// The retired MFA module: its Apps & features entry (one per ClickOnce install, under a random 16-hex name)
// and the loader script Install-Script puts in Program Files (src/sim/scenarios/legacy-mfa-module.json).
const MFA_UNINSTALL = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\f3b5c1a9e7d20864';
const MFA_LOADER = 'C:\\Program Files\\WindowsPowerShell\\Scripts\\Load-ExchangeMFA.ps1';

/**
 * What the tests may write, and how it is undone before the next test: whole keys that a fresh prefix
 * does not have (checked on Wine 8.0), and single values in keys Wine itself fills.
 */
const OWNED_KEYS = [
  `${IS}\\Connections`,
  `${IS_MACHINE}\\Connections`,
  PROXY_POLICY,
  'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM',
  'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WSMAN',
  PS_POLICY('HKLM'),
  PS_POLICY('HKCU'),
  CORE_POLICY,
  'HKLM\\SOFTWARE\\Microsoft\\PowerShell',
  'HKCU\\SOFTWARE\\Microsoft\\PowerShell',
  'HKLM\\SOFTWARE\\Microsoft\\PowerShellCore',
  'HKLM\\SOFTWARE\\Microsoft\\NET Framework Setup',
  'HKLM\\SOFTWARE\\Microsoft\\.NETFramework',
  'HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework',
  MFA_UNINSTALL,
];
const OWNED_VALUES: readonly (readonly [string, string])[] = [
  ...['ProxyEnable', 'ProxyServer', 'ProxyOverride', 'AutoConfigURL'].flatMap((name) => [[IS, name] as const, [IS_MACHINE, name] as const]),
  [CURRENT_VERSION, 'InstallationType'],
];

const under = (key: string, root: string) => key.toLowerCase() === root.toLowerCase() || key.toLowerCase().startsWith(`${root.toLowerCase()}\\`);

/** A WinINET DefaultConnectionSettings blob (IE7 and later): flags 1 direct, 2 manual proxy, 4 PAC, 8 auto-detect. */
function connectionBlob(flags: number, proxy = '', bypass = '', pac = ''): string {
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  };
  const text = (s: string) => Buffer.concat([u32(Buffer.byteLength(s, 'latin1')), Buffer.from(s, 'latin1')]);
  // Version 0x46, a change counter, the flags, three strings, then bytes Windows keeps and the doctor skips.
  return Buffer.concat([u32(0x46), u32(7), u32(flags), text(proxy), text(bypass), text(pac), Buffer.alloc(32)]).toString('hex');
}

/** A WinHttpSettings blob, as `netsh winhttp set proxy` writes it: version 0x28, no PAC part. */
function winHttpBlob(flags: number, proxy = '', bypass = ''): string {
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  };
  const text = (s: string) => Buffer.concat([u32(Buffer.byteLength(s, 'latin1')), Buffer.from(s, 'latin1')]);
  return Buffer.concat([u32(0x28), u32(0), u32(flags), text(proxy), text(bypass)]).toString('hex');
}

const PAC = `function FindProxyForURL(url, host) {
  if (dnsDomainIs(host, ".office365.com")) return "PROXY pac-proxy.contoso.com:3128; DIRECT";
  return "DIRECT";
}
`;

function value(check: CheckReport | undefined, label: string): string | undefined {
  return check?.evidence.find((e) => e.label === label)?.value;
}

const skipped = unavailable === undefined ? '' : ` (skipped: ${unavailable})`;

describe.skipIf(unavailable)(`Windows under Wine: the machine checks on real Windows userland${skipped}`, { timeout: 60_000 }, () => {
  let machine: WineMachine;
  const dirtyKeys = new Set<string>();
  const dirtyValues = new Set<readonly [string, string]>();
  const dirtyFolders = new Set<string>();

  beforeAll(async () => {
    // node.exe comes from the cache: nothing is downloaded here.
    machine = await startWineMachine();
  }, 300_000);
  // Bounded: wineserver -k and -w each have their own time limit.
  afterAll(() => machine?.stop(), 60_000);

  const profile = () => machine.userProfile;
  const documents = () => `${profile()}\\Documents`;
  const ownedFolders = () => [
    'C:\\proxy.pac',
    'C:\\Program Files\\WindowsPowerShell',
    'C:\\Program Files\\PowerShell',
    `${documents()}\\WindowsPowerShell`,
    `${documents()}\\PowerShell`,
    `${profile()}\\AppData\\Roaming\\Microsoft\\Windows\\PowerShell`,
    `${profile()}\\AppData\\Local\\Apps`,
    `${profile()}\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Microsoft Corporation`,
  ];

  beforeEach(async () => {
    // One `reg import` undoes every registry write of the previous test.
    await machine.regImport([...[...dirtyKeys].map((key) => ({ key, delete: true as const })), ...[...dirtyValues].map(([key, name]) => ({ key, name, delete: true as const }))]);
    for (const folder of dirtyFolders) machine.removeTree(folder);
    dirtyKeys.clear();
    dirtyValues.clear();
    dirtyFolders.clear();
  });

  /** Marks what a write touches for the reset above; refuses a key or value the reset would not undo. */
  function own(key: string, name: string): void {
    const root = OWNED_KEYS.find((owned) => under(key, owned));
    const single = OWNED_VALUES.find(([k, n]) => k.toLowerCase() === key.toLowerCase() && n.toLowerCase() === name.toLowerCase());
    if (root) dirtyKeys.add(root);
    else if (single) dirtyValues.add(single);
    else throw new Error(`${key} ${name} is not in OWNED_KEYS or OWNED_VALUES, so no test would reset it`);
  }

  /** Writes registry values with one `reg import`. */
  async function registry(...values: readonly (readonly [key: string, name: string, type: RegType, data: string | number])[]): Promise<void> {
    for (const [key, name] of values) own(key, name);
    await machine.regImport(values.map(([key, name, type, data]) => ({ key, name, type, data })));
  }

  /** Writes files on drive C:, each under a file or folder the reset above removes. */
  function files(entries: Readonly<Record<string, string>>): void {
    for (const [path, content] of Object.entries(entries)) {
      const root = ownedFolders().find((owned) => under(path, owned));
      if (!root) throw new Error(`${path} is not under a folder the tests reset`);
      dirtyFolders.add(root);
      machine.writeFile(path, content);
    }
  }

  /**
   * The JSON report of a run. A check that could not run (status `error`, seen now and then under Wine)
   * prints why, so that the assertion that fails on it can be understood.
   */
  function reportOf(run: { readonly code: number | null; readonly stdout: string; readonly stderr: string }): Report {
    let report: Report;
    try {
      report = JSON.parse(run.stdout) as Report;
    } catch {
      throw new Error(`exit ${run.code}, no JSON on stdout: ${run.stdout.slice(0, 1000)}\nstderr: ${run.stderr.slice(0, 2000)}`);
    }
    for (const c of report.checks.filter((c) => c.status === 'error')) console.warn(`${c.id} could not run under Wine: ${c.summary}${run.stderr ? `\nstderr: ${run.stderr.slice(0, 2000)}` : ''}`);
    return report;
  }

  /** `exo-doctor --only <checks> --json --show-sensitive` (paths under the profile unmasked). */
  async function doctor(checks: readonly string[], env?: Readonly<Record<string, string>>): Promise<{ code: number | null; report: Report; check: (id: string) => CheckReport }> {
    // A long time limit per check: under a loaded CI machine every reg.exe under Wine is slow, and a check
    // that reads many keys must not run out of time (that would test the machine, not the doctor).
    const run = await machine.runDoctor(['--only', checks.join(','), '--json', '--show-sensitive', '--timeout', '45s'], env ? { env } : {});
    const report = reportOf(run);
    const check = (id: string) => {
      const found = report.checks.find((c) => c.id === id);
      if (!found) throw new Error(`no ${id} in the report: ${report.checks.map((c) => c.id).join(', ')}`);
      return found;
    };
    return { code: run.code, report, check };
  }

  /** Windows PowerShell 5.1 as the registry names it, with the packaging modules it ships. */
  async function windowsPowerShell(): Promise<void> {
    await registry([ENGINE, 'PowerShellVersion', 'REG_SZ', '5.1.19041.1']);
    files({
      [`${DESKTOP_ALL}\\PowerShellGet\\2.2.5\\PowerShellGet.psd1`]: manifest('PowerShellGet-2.2.5'),
      [`${DESKTOP_ALL}\\PackageManagement\\1.4.8.1\\PackageManagement.psd1`]: manifest('PackageManagement-1.4.8.1'),
    });
  }

  /** PowerShell 7 installed by its MSI: pwsh.exe in its folder and the InstalledVersions key. */
  async function powerShell7(version: string): Promise<void> {
    await registry([CORE_INSTALL, 'SemanticVersion', 'REG_SZ', version], [CORE_INSTALL, 'InstallLocation', 'REG_SZ', `${PWSH_HOME}\\`]);
    files({
      [`${PWSH_HOME}\\pwsh.exe`]: '',
      [`${PWSH_HOME}\\Modules\\PowerShellGet\\PowerShellGet.psd1`]: manifest('PowerShellGet-2.2.5'),
      [`${PWSH_HOME}\\Modules\\PackageManagement\\PackageManagement.psd1`]: manifest('PackageManagement-1.4.8.1'),
    });
  }

  const exo = (folder: string, version: '2.0.5' | '3.5.0' | '3.7.2') => ({
    [`${folder}\\ExchangeOnlineManagement\\${version}\\ExchangeOnlineManagement.psd1`]: manifest(`ExchangeOnlineManagement-${version}`),
  });

  describe('runtime', () => {
    it('runs on the official node.exe as Windows 10 x64', async () => {
      const { code, report, check } = await doctor(['runtime']);
      expect(code).toBe(0);
      expect(report.environment).toMatchObject({ os: 'win32', osRelease: '10.0.18362', arch: 'x64', node: 'v22.23.3' });
      expect(check('runtime')).toMatchObject({ status: 'pass', summary: expect.stringMatching(/ on Node\.js v22\.23\.3, Windows x64$/) });
      expect(value(check('runtime'), 'Operating system')).toBe('Windows 10.0.18362 (x64)');
    });
  });

  describe('proxy-config', () => {
    const manual = async () =>
      registry(
        [IS, 'ProxyEnable', 'REG_DWORD', 1],
        [IS, 'ProxyServer', 'REG_SZ', 'proxy.contoso.com:8080'],
        [IS, 'ProxyOverride', 'REG_SZ', '*.contoso.com;<local>'],
        [`${IS}\\Connections`, 'DefaultConnectionSettings', 'REG_BINARY', connectionBlob(3, 'proxy.contoso.com:8080', '*.contoso.com;<local>')],
      );
    const route = (check: CheckReport, stack: string) => check.evidence.find((e) => e.label.startsWith(stack) && e.label.endsWith('→ outlook.office365.com'))?.value;

    it('warns that WinRM goes direct when the Internet Options name a proxy and WinHTTP was never set', async () => {
      await manual();
      const proxy = (await doctor(['proxy-config'])).check('proxy-config');
      expect(proxy.status).toBe('warn');
      expect(proxy.summary).toMatch(/^Remote PowerShell \(WinRM\) goes direct through WinHTTP, while Windows PowerShell goes http:\/\/proxy\.contoso\.com:8080: the legacy path/);
      expect(value(proxy, 'Settings: wininet')).toBe('proxy http://proxy.contoso.com:8080, bypass <local>;*.contoso.com');
      // Wine: no WinHttpSettings blob, and Wine's netsh prints nothing for `winhttp show proxy`, so WinHTTP
      // is unreadable here; on Windows netsh would say "Direct access" and give `Settings: winhttp`.
      expect(value(proxy, 'Settings: winhttp')).toBeUndefined();
      expect(proxy.evidence).toContainEqual(expect.objectContaining({ label: 'Note', value: 'WinHTTP settings could not be read; assuming direct access.' }));
      expect(route(proxy, 'Windows PowerShell 5.1')).toMatch(/^http:\/\/proxy\.contoso\.com:8080 /);
      expect(route(proxy, 'legacy Remote PowerShell')).toBe('direct (no proxy configured)');
      expect(proxy.remediation.flatMap((r) => r.commands)).toContain('netsh winhttp import proxy source=ie');
    });

    it('reads the WinHTTP blob from HKLM: Internet Options proxy while WinHTTP is direct warns about the legacy WinRM leg', async () => {
      await manual();
      await registry([`${IS_MACHINE}\\Connections`, 'WinHttpSettings', 'REG_BINARY', winHttpBlob(1)]);
      const proxy = (await doctor(['proxy-config'])).check('proxy-config');
      expect(proxy.status).toBe('warn');
      expect(proxy.summary).toMatch(/^Remote PowerShell \(WinRM\) goes direct through WinHTTP, while Windows PowerShell goes http:\/\/proxy\.contoso\.com:8080/);
      expect(value(proxy, 'Settings: winhttp')).toBe('no proxy');
      expect(route(proxy, 'legacy Remote PowerShell')).toBe('direct (WinHTTP (netsh winhttp): no proxy)');
      expect(proxy.evidence.filter((e) => e.label === 'Note')).toEqual([]);
    });

    it('passes when WinHTTP carries the Internet Options proxy (netsh winhttp import proxy source=ie)', async () => {
      await manual();
      await registry([`${IS_MACHINE}\\Connections`, 'WinHttpSettings', 'REG_BINARY', winHttpBlob(3, 'proxy.contoso.com:8080', '*.contoso.com;<local>')]);
      const proxy = (await doctor(['proxy-config'])).check('proxy-config');
      expect(proxy).toMatchObject({ status: 'pass', summary: 'Every client takes the same way to Microsoft 365: http://proxy.contoso.com:8080.' });
      expect(value(proxy, 'Settings: winhttp')).toBe('proxy http://proxy.contoso.com:8080, bypass <local>;*.contoso.com');
      expect(route(proxy, 'legacy Remote PowerShell')).toBe('http://proxy.contoso.com:8080 (WinHTTP (netsh winhttp): http://proxy.contoso.com:8080)');
    });

    it('trusts the DefaultConnectionSettings blob over stale ProxyEnable/ProxyServer values', async () => {
      // Unticking "Use a proxy server" clears the flag in the blob; the loose values can lag behind.
      await registry(
        [IS, 'ProxyEnable', 'REG_DWORD', 1],
        [IS, 'ProxyServer', 'REG_SZ', 'old-proxy.contoso.com:3128'],
        [`${IS}\\Connections`, 'DefaultConnectionSettings', 'REG_BINARY', connectionBlob(1, 'old-proxy.contoso.com:3128')],
        [`${IS_MACHINE}\\Connections`, 'WinHttpSettings', 'REG_BINARY', winHttpBlob(1)],
      );
      const proxy = (await doctor(['proxy-config'])).check('proxy-config');
      expect(proxy).toMatchObject({ status: 'pass', summary: 'No proxy anywhere: every client goes direct to Microsoft 365.' });
      expect(value(proxy, 'Settings: wininet')).toBe('no proxy');
    });

    it.each([
      ['a file: URL', 'file:///C:/proxy.pac'],
      ['a Windows path', 'C:\\proxy.pac'],
    ])('evaluates the PAC file of the blob, given as %s, with QuickJS under Windows', async (_form, pacUrl) => {
      files({ 'C:\\proxy.pac': PAC });
      await registry(
        [IS, 'ProxyEnable', 'REG_DWORD', 0],
        [IS, 'AutoConfigURL', 'REG_SZ', pacUrl],
        [`${IS}\\Connections`, 'DefaultConnectionSettings', 'REG_BINARY', connectionBlob(5, '', '', pacUrl)],
        [`${IS_MACHINE}\\Connections`, 'WinHttpSettings', 'REG_BINARY', winHttpBlob(1)],
      );
      const proxy = (await doctor(['proxy-config'])).check('proxy-config');
      expect(value(proxy, `PAC ${pacUrl}`)).toBe(`evaluated (${PAC.length} bytes)`);
      expect(value(proxy, 'Settings: wininet')).toBe(`PAC ${pacUrl}`);
      for (const stack of ['exo-doctor', 'PowerShell 7', 'Windows PowerShell 5.1']) {
        expect(route(proxy, stack)).toBe(`http://pac-proxy.contoso.com:3128 → direct (Internet Options (WinINET): PAC ${pacUrl})`);
      }
      // WinRM does not read the PAC file: WinHTTP is direct.
      expect(proxy.status).toBe('warn');
      expect(proxy.summary).toMatch(/^Remote PowerShell \(WinRM\) goes direct through WinHTTP, while Windows PowerShell goes http:\/\/pac-proxy\.contoso\.com:3128 → direct/);
    });

    it('warns when the PAC file does not exist, and routes by the manual proxy instead', async () => {
      await registry(
        [IS, 'ProxyEnable', 'REG_DWORD', 1],
        [IS, 'ProxyServer', 'REG_SZ', 'proxy.contoso.com:8080'],
        [IS, 'AutoConfigURL', 'REG_SZ', 'file:///C:/proxy.pac'],
        [`${IS}\\Connections`, 'DefaultConnectionSettings', 'REG_BINARY', connectionBlob(7, 'proxy.contoso.com:8080', '', 'file:///C:/proxy.pac')],
        [`${IS_MACHINE}\\Connections`, 'WinHttpSettings', 'REG_BINARY', winHttpBlob(3, 'proxy.contoso.com:8080')],
      );
      const proxy = (await doctor(['proxy-config'])).check('proxy-config');
      expect(proxy.status).toBe('warn');
      expect(proxy.summary).toMatch(/^The PAC file does not exist \(C:\\proxy\.pac does not exist\)/);
      expect(value(proxy, 'PAC file:///C:/proxy.pac')).toBe('missing-file: C:\\proxy.pac does not exist');
      expect(route(proxy, 'Windows PowerShell 5.1')).toMatch(/^http:\/\/proxy\.contoso\.com:8080 .*the PAC file file:\/\/\/C:\/proxy\.pac could not be used, so the manual settings apply\)$/);
    });

    it('reads the Internet Options from HKLM when Group Policy makes the proxy per machine', async () => {
      await registry(
        [PROXY_POLICY, 'ProxySettingsPerUser', 'REG_DWORD', 0],
        [IS_MACHINE, 'ProxyEnable', 'REG_DWORD', 1],
        [IS_MACHINE, 'ProxyServer', 'REG_SZ', 'machine-proxy.contoso.com:8080'],
        [`${IS_MACHINE}\\Connections`, 'DefaultConnectionSettings', 'REG_BINARY', connectionBlob(3, 'machine-proxy.contoso.com:8080', '<local>')],
        [`${IS_MACHINE}\\Connections`, 'WinHttpSettings', 'REG_BINARY', winHttpBlob(3, 'machine-proxy.contoso.com:8080', '<local>')],
        // The per-user settings, which the policy makes Windows ignore.
        [IS, 'ProxyEnable', 'REG_DWORD', 1],
        [IS, 'ProxyServer', 'REG_SZ', 'user-proxy.contoso.com:3128'],
        [`${IS}\\Connections`, 'DefaultConnectionSettings', 'REG_BINARY', connectionBlob(3, 'user-proxy.contoso.com:3128')],
      );
      const proxy = (await doctor(['proxy-config'])).check('proxy-config');
      expect(proxy).toMatchObject({ status: 'pass', summary: 'Every client takes the same way to Microsoft 365: http://machine-proxy.contoso.com:8080.' });
      expect(value(proxy, 'Settings: wininet-machine')).toBe('proxy http://machine-proxy.contoso.com:8080, bypass <local>');
      expect(proxy.evidence).toContainEqual(expect.objectContaining({ label: 'Note', value: expect.stringContaining('ProxySettingsPerUser = 0') }));
    });
  });

  describe('winrm-basic', () => {
    // Wine has no WinRM service: `sc query WinRM` exits 1 (Windows prints its STATE, or exits 1060 when the
    // service is missing), so the service is "unknown" here and never a finding of its own.
    const SERVICE = 'unknown (sc query exited with 1)';
    const legacy = async () => {
      await windowsPowerShell();
      files(exo(DESKTOP_ALL, '2.0.5'));
    };
    // winrm-basic judges the module path from powershell-client's answer, so both run.
    const winrm = async () => (await doctor(['powershell-client', 'winrm-basic'])).check('winrm-basic');

    it('fails when Group Policy turns Basic off (AllowBasic = 0) and Windows PowerShell loads ExchangeOnlineManagement 2.0.5', async () => {
      await legacy();
      await registry([WINRM_POLICY, 'AllowBasic', 'REG_DWORD', 0]);
      const check = await winrm();
      expect(check.status).toBe('fail');
      expect(check.summary).toBe(
        'Windows PowerShell loads ExchangeOnlineManagement 2.0.5 (before 3.0), which connects through Remote PowerShell over WinRM. Group Policy turns Basic authentication off for the WinRM client (AllowBasic = 0), and policy wins over any local change. Connecting then fails with "Create Powershell Session is failed using OAuth". (and 1 more below)',
      );
      // The one more: Wine cannot say whether the WinRM service runs, a cause left unchecked beside it.
      expect(value(check, 'Also')).toBe('Whether the WinRM service runs could not be read (sc query exited with 1); the legacy connection needs it.');
      expect(value(check, 'WinRM client Basic')).toBe(`off: AllowBasic = 0 (Group Policy, ${WINRM_POLICY})`);
      expect(value(check, 'WinRM service')).toBe(SERVICE);
      expect(value(check, 'ExchangeOnlineManagement')).toBe('2.0.5 (AllUsers; Windows PowerShell)');
      expect(check.remediation.map((r) => r.runBy)).toEqual(['admin', 'another-admin', 'admin']);
      expect(check.remediation[1]?.commands).toEqual(['gpupdate /force', 'winrm get winrm/config/client/auth']);
    });

    it('fails when the local WinRM client has Basic off (auth_basic = 0) and no policy says otherwise', async () => {
      await legacy();
      await registry([WSMAN_CLIENT, 'auth_basic', 'REG_DWORD', 0]);
      const check = await winrm();
      expect(check.status).toBe('fail');
      expect(check.summary).toContain('The local WinRM client configuration has Basic authentication off (auth_basic = 0).');
      expect(value(check, 'WinRM client Basic')).toBe(`off: auth_basic = 0 (local WinRM client configuration, ${WSMAN_CLIENT})`);
      expect(check.remediation.flatMap((r) => r.commands)).toContain('winrm set winrm/config/client/auth @{Basic="true"}');
    });

    it('lets the policy (AllowBasic = 1) win over a local auth_basic = 0', async () => {
      await legacy();
      await registry([WINRM_POLICY, 'AllowBasic', 'REG_DWORD', 1], [WSMAN_CLIENT, 'auth_basic', 'REG_DWORD', 0]);
      const check = await winrm();
      // Basic is allowed; the service is what Wine cannot answer, so the legacy path is "not checked"
      // (on Windows, with the service running, this is a pass).
      expect(check.status).toBe('skip');
      expect(check.summary).toBe('Whether the WinRM service runs could not be read (sc query exited with 1); the legacy connection needs it.');
      expect(value(check, 'WinRM client Basic')).toBe(`allowed: AllowBasic = 1 (Group Policy, ${WINRM_POLICY})`);
      expect(value(check, 'WinRM service')).toBe(SERVICE);
    });

    it('passes with Basic off when only ExchangeOnlineManagement 3.x is installed (REST needs no WinRM)', async () => {
      await windowsPowerShell();
      files(exo(DESKTOP_ALL, '3.7.2'));
      await registry([WINRM_POLICY, 'AllowBasic', 'REG_DWORD', 0]);
      const check = await winrm();
      expect(check).toMatchObject({
        status: 'pass',
        summary: 'Not needed: ExchangeOnlineManagement 3.7.2 connects over REST, which needs neither WinRM Basic authentication nor the WinRM service (Basic is off here).',
      });
    });

    it('fails when -UseRPSSession was typed (PSReadLine history under %APPDATA%) and Basic is off', async () => {
      await windowsPowerShell();
      files(exo(DESKTOP_ALL, '3.7.2'));
      const history = `${profile()}\\AppData\\Roaming\\Microsoft\\Windows\\PowerShell\\PSReadLine\\ConsoleHost_history.txt`;
      files({ [history]: clientFile('consolehost-history-rps.txt') });
      await registry([WINRM_POLICY, 'AllowBasic', 'REG_DWORD', 0]);
      const check = await winrm();
      expect(check.status).toBe('fail');
      expect(check.summary).toMatch(/^Connect-ExchangeOnline -UseRPSSession was used here, which connects through Remote PowerShell over WinRM\. Group Policy turns Basic authentication off/);
      expect(value(check, '-UseRPSSession typed in')).toBe(history);
    });
  });

  describe('execution-policy', () => {
    const policy = async (env?: Readonly<Record<string, string>>) => (await doctor(['powershell-client', 'execution-policy'], env)).check('execution-policy');
    const windowsPowerShellWithExo = async () => {
      await windowsPowerShell();
      files(exo(DESKTOP_ALL, '3.7.2'));
    };

    it('fails a Windows client where nothing sets a policy (Restricted by default)', async () => {
      // Wine has no InstallationType value: the doctor takes the machine for a Windows client.
      await windowsPowerShellWithExo();
      const check = await policy();
      expect(check.status).toBe('fail');
      expect(check.summary).toBe('Windows PowerShell 5.1 runs no scripts (execution policy Restricted, nothing else is set): importing ExchangeOnlineManagement fails with "running scripts is disabled on this system".');
      expect(value(check, 'Windows PowerShell 5.1')).toBe('Restricted (no scope sets a policy: the default on Windows clients)');
      expect(check.remediation[0]?.commands).toEqual(['Set-ExecutionPolicy RemoteSigned -Scope CurrentUser']);
    });

    it('passes a Windows Server where nothing sets a policy (RemoteSigned by default)', async () => {
      await windowsPowerShellWithExo();
      await registry([CURRENT_VERSION, 'InstallationType', 'REG_SZ', 'Server']);
      const check = await policy();
      expect(check).toMatchObject({ status: 'pass', summary: 'Scripts may run: Windows PowerShell 5.1 RemoteSigned (Default).' });
    });

    it('fails on AllSigned from the machine Group Policy, above the user preference', async () => {
      await windowsPowerShellWithExo();
      await registry([PS_POLICY('HKLM'), 'EnableScripts', 'REG_DWORD', 1], [PS_POLICY('HKLM'), 'ExecutionPolicy', 'REG_SZ', 'AllSigned'], [SHELL_IDS('HKCU'), 'ExecutionPolicy', 'REG_SZ', 'RemoteSigned']);
      const check = await policy();
      expect(check.status).toBe('fail');
      expect(check.summary).toMatch(/^Windows PowerShell 5\.1 runs only signed scripts \(execution policy AllSigned, set by Group Policy\)/);
      expect(value(check, 'Windows PowerShell 5.1')).toBe(`AllSigned (MachinePolicy: Group Policy, ${PS_POLICY('HKLM')})`);
      expect(value(check, 'Windows PowerShell 5.1 CurrentUser (overridden)')).toBe(`RemoteSigned (${SHELL_IDS('HKCU')})`);
      expect(check.remediation.map((r) => r.runBy)).toEqual(['another-admin', 'admin']);
    });

    it('fails on scripts turned off by the user Group Policy (EnableScripts = 0)', async () => {
      await windowsPowerShellWithExo();
      await registry([PS_POLICY('HKCU'), 'EnableScripts', 'REG_DWORD', 0]);
      const check = await policy();
      expect(check.status).toBe('fail');
      expect(value(check, 'Windows PowerShell 5.1')).toBe(`Restricted (UserPolicy: Group Policy, ${PS_POLICY('HKCU')})`);
    });

    it('passes when the CurrentUser preference (RemoteSigned) outranks LocalMachine (Restricted)', async () => {
      await windowsPowerShellWithExo();
      await registry([SHELL_IDS('HKLM'), 'ExecutionPolicy', 'REG_SZ', 'Restricted'], [SHELL_IDS('HKCU'), 'ExecutionPolicy', 'REG_SZ', 'RemoteSigned']);
      const check = await policy();
      expect(check).toMatchObject({ status: 'pass', summary: 'Scripts may run: Windows PowerShell 5.1 RemoteSigned (CurrentUser).' });
      expect(value(check, 'Windows PowerShell 5.1 LocalMachine (overridden)')).toBe(`Restricted (${SHELL_IDS('HKLM')})`);
    });

    it('reads the Process scope from PSExecutionPolicyPreference in the Windows environment', async () => {
      await windowsPowerShellWithExo();
      await registry([SHELL_IDS('HKLM'), 'ExecutionPolicy', 'REG_SZ', 'AllSigned']);
      // Wine hands the Unix environment of wine64 to the Windows program.
      const check = await policy({ PSExecutionPolicyPreference: 'Bypass' });
      expect(check).toMatchObject({ status: 'pass', summary: 'Scripts may run: Windows PowerShell 5.1 Bypass (Process).' });
    });

    it("passes PowerShell 7 on the RemoteSigned of its shipped $PSHOME\\powershell.config.json", async () => {
      await windowsPowerShell();
      await powerShell7('7.4.6');
      files({ [`${PWSH_HOME}\\powershell.config.json`]: clientFile('pshome-powershell.config.json'), ...exo(`${documents()}\\PowerShell\\Modules`, '3.7.2') });
      await registry([SHELL_IDS('HKCU'), 'ExecutionPolicy', 'REG_SZ', 'RemoteSigned']);
      const check = await policy();
      expect(check).toMatchObject({ status: 'pass', summary: 'Scripts may run: Windows PowerShell 5.1 RemoteSigned (CurrentUser), PowerShell 7 RemoteSigned (LocalMachine).' });
      expect(value(check, 'PowerShell 7')).toBe(`RemoteSigned (LocalMachine: ${PWSH_HOME}\\powershell.config.json)`);
    });

    it("fails PowerShell 7 on PowerShellPolicies in the user's Documents\\PowerShell\\powershell.config.json", async () => {
      await windowsPowerShell();
      await powerShell7('7.4.6');
      const userConfig = `${documents()}\\PowerShell\\powershell.config.json`;
      files({
        [`${PWSH_HOME}\\powershell.config.json`]: clientFile('pshome-powershell.config.json'),
        [userConfig]: clientFile('user-config-script-execution-policy.json'),
        ...exo(`${documents()}\\PowerShell\\Modules`, '3.7.2'),
      });
      await registry([SHELL_IDS('HKCU'), 'ExecutionPolicy', 'REG_SZ', 'RemoteSigned']);
      const check = await policy();
      expect(check.status).toBe('fail');
      expect(check.summary).toMatch(/^PowerShell 7 runs only signed scripts \(execution policy AllSigned, set by PowerShellPolicies in a powershell\.config\.json\)/);
      expect(value(check, 'PowerShell 7')).toBe(`AllSigned (UserPolicy: PowerShellPolicies in ${userConfig})`);
      expect(value(check, 'PowerShell 7 CurrentUser (overridden)')).toBe(`RemoteSigned (${userConfig})`);
    });

    it('makes PowerShell 7 follow the Windows PowerShell policy when UseWindowsPowerShellPolicySetting = 1', async () => {
      await windowsPowerShell();
      await powerShell7('7.4.6');
      files({ [`${PWSH_HOME}\\powershell.config.json`]: clientFile('pshome-powershell.config.json'), ...exo(DESKTOP_ALL, '3.7.2') });
      await registry(
        [CORE_POLICY, 'UseWindowsPowerShellPolicySetting', 'REG_DWORD', 1],
        [CORE_POLICY, 'EnableScripts', 'REG_DWORD', 1],
        [CORE_POLICY, 'ExecutionPolicy', 'REG_SZ', 'RemoteSigned'],
        [PS_POLICY('HKLM'), 'EnableScripts', 'REG_DWORD', 0],
      );
      const check = await policy();
      expect(check.status).toBe('fail');
      expect(value(check, 'PowerShell 7')).toBe(`Restricted (MachinePolicy: Group Policy, ${PS_POLICY('HKLM')})`);
      expect(value(check, 'Windows PowerShell 5.1')).toBe(`Restricted (MachinePolicy: Group Policy, ${PS_POLICY('HKLM')})`);
    });
  });

  describe('dotnet-tls', () => {
    // Windows PowerShell is present on every Wine prefix (its stub powershell.exe), so the check applies.
    const tls = async () => (await doctor(['powershell-client', 'dotnet-tls'])).check('dotnet-tls');

    it('fails on a fresh Wine prefix, which has no .NET Framework at all', async () => {
      const check = await tls();
      expect(check.status).toBe('fail');
      expect(check.summary).toMatch(/^\.NET Framework 4\.5 or later is not installed; ExchangeOnlineManagement 2\.0\.5 and later needs 4\.7\.2 or later/);
      expect(value(check, 'TLS for 64-bit Windows PowerShell')).toBe(`no ${NETFX} key (not a 64-bit Windows, or no .NET Framework 4)`);
    });

    it('passes .NET Framework 4.8 with strong cryptography for both registry views', async () => {
      await registry([NDP, 'Release', 'REG_DWORD', 528040], [NETFX, 'SchUseStrongCrypto', 'REG_DWORD', 1], [NETFX_WOW, 'SchUseStrongCrypto', 'REG_DWORD', 1]);
      const check = await tls();
      expect(check).toMatchObject({ status: 'pass', summary: ".NET Framework 4.8 meets the module's 4.7.2 floor and Windows PowerShell 5.1 may use TLS 1.2." });
      expect(value(check, '.NET Framework')).toBe('4.8 (Release 528040)');
      expect(value(check, 'TLS for 32-bit Windows PowerShell')).toBe('SchUseStrongCrypto 1, SystemDefaultTlsVersions not set');
    });

    it('passes 4.8.1 on SystemDefaultTlsVersions alone, and names the 32-bit view that lacks it', async () => {
      await registry([NDP, 'Release', 'REG_DWORD', 533320], [NETFX, 'SystemDefaultTlsVersions', 'REG_DWORD', 1], [NETFX_WOW, 'SchUseStrongCrypto', 'REG_DWORD', 0]);
      const check = await tls();
      expect(check).toMatchObject({ status: 'pass', summary: ".NET Framework 4.8.1 meets the module's 4.7.2 floor and Windows PowerShell 5.1 may use TLS 1.2 (only the 32-bit Windows PowerShell lacks the setting)." });
    });

    it('warns when neither TLS value is 1 for the 64-bit view', async () => {
      await registry([NDP, 'Release', 'REG_DWORD', 528040], [NETFX, 'SchUseStrongCrypto', 'REG_DWORD', 0]);
      const check = await tls();
      expect(check.status).toBe('warn');
      expect(check.summary).toMatch(/^\.NET Framework 4\.8 is recent enough, but neither SchUseStrongCrypto nor SystemDefaultTlsVersions is 1/);
      expect(check.remediation[0]?.commands).toContain(`reg add "${NETFX}" /v SchUseStrongCrypto /t REG_DWORD /d 1 /f`);
    });

    it('fails .NET Framework 4.6.2, below the module floor', async () => {
      await registry([NDP, 'Release', 'REG_DWORD', 394802], [NETFX, 'SchUseStrongCrypto', 'REG_DWORD', 1]);
      const check = await tls();
      expect(check.status).toBe('fail');
      expect(check.summary).toMatch(/^Windows PowerShell 5\.1 runs on \.NET Framework 4\.6\.2 \(Release 394802\); ExchangeOnlineManagement 2\.0\.5 and later needs 4\.7\.2/);
    });

    it('reads a REG_QWORD as absent, because Wine prints it as (null)', async () => {
      // Wine 8.0's reg.exe stores the QWORD but prints "(null)"; Windows prints 0x1 and the doctor would
      // read SchUseStrongCrypto = 1 and pass. What Wine gives: the value is not set, so TLS 1.2 is not offered.
      await registry([NDP, 'Release', 'REG_DWORD', 528040]);
      // Written the way an admin would type it, with reg.exe itself.
      own(NETFX, 'SchUseStrongCrypto');
      await machine.regAdd(NETFX, 'SchUseStrongCrypto', 'REG_QWORD', 1);
      const check = await tls();
      expect(check.status).toBe('warn');
      expect(value(check, 'TLS for 64-bit Windows PowerShell')).toBe('SchUseStrongCrypto not set, SystemDefaultTlsVersions not set');
    });
  });

  describe('powershell-client and module-versions', () => {
    const modules = async () => {
      const { check } = await doctor(['powershell-client', 'module-versions']);
      return { client: check('powershell-client'), versions: check('module-versions') };
    };

    it("finds Wine's stub powershell.exe, and no module: warns and has nothing to judge", async () => {
      const { client, versions } = await modules();
      expect(client.status).toBe('warn');
      expect(client.summary).toMatch(/^Windows PowerShell \(version unknown\) is installed, but no edition can load ExchangeOnlineManagement\./);
      expect(value(client, 'Windows PowerShell')).toBe('version unknown at C:\\windows\\System32\\WindowsPowerShell\\v1.0 (powershell.exe in C:\\windows\\System32\\WindowsPowerShell\\v1.0)');
      expect(versions.status).toBe('skip');
    });

    it('fails ExchangeOnlineManagement 3.10.1 on PowerShell 7.4 (the module needs 7.6)', async () => {
      await windowsPowerShell();
      await powerShell7('7.4.6');
      // No 3.10.1 manifest is recorded: the 3.5.0 one with its ModuleVersion changed, all the reader looks at.
      const path = `${documents()}\\PowerShell\\Modules\\ExchangeOnlineManagement\\3.10.1\\ExchangeOnlineManagement.psd1`;
      files({ [path]: manifest('ExchangeOnlineManagement-3.5.0').replace(/^ModuleVersion = '3\.5\.0'$/m, "ModuleVersion = '3.10.1'") });
      const { client, versions } = await modules();
      expect(client).toMatchObject({
        status: 'pass',
        summary:
          'Windows PowerShell 5.1.19041.1 and PowerShell 7.4.6 are installed; PowerShell 7 loads ExchangeOnlineManagement 3.10.1 (CurrentUser); Windows PowerShell cannot load it, so connect from PowerShell 7.',
      });
      expect(value(client, 'PowerShell 7')).toBe(`7.4.6 at ${PWSH_HOME} (registry PowerShellCore\\InstalledVersions)`);
      // Documents is Wine's symlink to $HOME; Windows paths go through it unchanged.
      expect(value(client, 'ExchangeOnlineManagement 3.10.1 (CurrentUser, seen by PowerShell 7)')).toBe(path);
      expect(versions.status).toBe('fail');
      expect(versions.summary).toContain('PowerShell 7.4.6 loads ExchangeOnlineManagement 3.10.1, which needs PowerShell 7.6.0 or later (.NET 10)');
      expect(versions.remediation.flatMap((r) => r.commands)).toContain('winget install --id Microsoft.PowerShell --source winget');
    });

    it('fails ExchangeOnlineManagement 2.0.5 installed for all users of Windows PowerShell (the retired Remote PowerShell path)', async () => {
      await registry([ENGINE, 'PowerShellVersion', 'REG_SZ', '5.1.20348.1']);
      files({
        [`${DESKTOP_ALL}\\PowerShellGet\\1.0.0.1\\PowerShellGet.psd1`]: manifest('PowerShellGet-1.0.0.1'),
        [`${DESKTOP_ALL}\\PackageManagement\\1.0.0.1\\PackageManagement.psd1`]: manifest('PackageManagement-1.0.0.1'),
        ...exo(DESKTOP_ALL, '2.0.5'),
      });
      const { client, versions } = await modules();
      expect(client).toMatchObject({ status: 'pass', summary: 'Windows PowerShell 5.1.20348.1 is installed; Windows PowerShell loads ExchangeOnlineManagement 2.0.5 (AllUsers).' });
      expect(versions.status).toBe('fail');
      expect(versions.summary).toMatch(/^PowerShell cannot connect to Exchange Online with the modules installed here\. Windows PowerShell 5\.1\.20348\.1 loads ExchangeOnlineManagement 2\.0\.5, which predates the V3 module/);
      expect(value(versions, 'PowerShellGet in Windows PowerShell 5.1.20348.1')).toBe('1.0.0.1 (AllUsers)');
    });

    it('warns when an older CurrentUser copy in Documents\\WindowsPowerShell shadows a newer AllUsers one', async () => {
      await windowsPowerShell();
      files({ ...exo(`${documents()}\\WindowsPowerShell\\Modules`, '3.5.0'), ...exo(DESKTOP_ALL, '3.7.2') });
      const { client, versions } = await modules();
      expect(client.summary).toBe(
        'Windows PowerShell 5.1.19041.1 is installed; Windows PowerShell loads ExchangeOnlineManagement 3.5.0 (CurrentUser), which comes first on its module path (also installed there: 3.7.2 (AllUsers)).',
      );
      expect(value(client, 'Module folders, Windows PowerShell, in order')).toBe(
        `${documents()}\\WindowsPowerShell\\Modules; ${DESKTOP_ALL}; C:\\windows\\System32\\WindowsPowerShell\\v1.0\\Modules`,
      );
      expect(versions.status).toBe('warn');
      expect(versions.summary).toContain('loads ExchangeOnlineManagement 3.5.0 (CurrentUser), not the newer 3.7.2 (AllUsers) also installed');
    });

    it('finds PowerShell 7 by pwsh.exe in its install folder when the registry has no key (version unknown: no pwsh on the PATH)', async () => {
      files({ [`${PWSH_HOME}\\pwsh.exe`]: '', ...exo(`${documents()}\\PowerShell\\Modules`, '3.7.2') });
      const { client } = await modules();
      expect(value(client, 'PowerShell 7')).toBe(`version unknown at ${PWSH_HOME} (pwsh.exe in ${PWSH_HOME})`);
      expect(client.summary).toMatch(/^Windows PowerShell \(version unknown\) and PowerShell 7 \(version unknown\) are installed; PowerShell 7 loads ExchangeOnlineManagement 3\.7\.2 \(CurrentUser\)/);
    });
  });

  describe('the retired Exchange Online Remote PowerShell Module (MFA module, Connect-EXOPSSession)', () => {
    // The seed's machine (src/sim/scenarios/legacy-mfa-module.json), built on Wine: the ClickOnce install
    // under %LOCALAPPDATA%\Apps\2.0, its Apps & features entry and Start-menu shortcut, Load-ExchangeMFA 1.1
    // asking for the Internet Explorer proxy on a machine that has none, and WinRM Basic off by Group Policy.
    const clickOnce = () => `${profile()}\\AppData\\Local\\Apps\\2.0\\AN5BH7D1.Q5V\\Z9RHER5V.08Z`;
    const appFolder = () => `${clickOnce()}\\micr..tion_c3bce3770c238a49_0010.0000_90fa60bba125a33a`;
    // A ClickOnce component folder: it holds the module's DLL too, but is no application folder.
    const componentFolder = () => `${clickOnce()}\\micr..dule_31bf3856ad364e35_0010.0000_none_e092d310eab729ab`;
    const shortcut = () => `${profile()}\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Microsoft Corporation\\Microsoft Exchange Online Powershell Module.appref-ms`;
    const UNINSTALL_STRING = 'rundll32.exe dfshim.dll,ShArpMaintain Microsoft.Online.CSE.PSModule.Client.application, Culture=neutral, PublicKeyToken=c3bce3770c238a49, processorArchitecture=msil';
    const IE_OPTION = '$ProxySetting = New-PSSessionOption -ProxyAccessType IEConfig';
    const CONNECT = 'Connect-EXOPSSession -PSSessionOption $ProxySetting';
    /** Load-ExchangeMFA 1.1 as the scenario has it; `commented` puts a # before its last two lines. */
    const loader = (commented: boolean) =>
      [
        '<#PSScriptInfo',
        '.VERSION 1.1',
        '.GUID 1e5a6b8d-2c1f-4d6e-9a7b-3c4d5e6f7a8b',
        '#>',
        '<# .DESCRIPTION',
        ' Loads the Exchange Online MFA module (ClickOnce) and connects.',
        '#>',
        '$Modules = @(Get-ChildItem -Path "$($env:LOCALAPPDATA)\\Apps\\2.0" -Filter "Microsoft.Exchange.Management.ExoPowershellModule.manifest" -Recurse)',
        '$ModuleName = Join-Path $Modules[0].Directory.FullName "Microsoft.Exchange.Management.ExoPowershellModule.dll"',
        'Import-Module -FullyQualifiedName $ModuleName -Force',
        '$ScriptName = Join-Path $Modules[0].Directory.FullName "CreateExoPSSession.ps1"',
        '. $ScriptName',
        '#make sure the Exchange session uses the same proxy settings as IE/Edge',
        ...[IE_OPTION, CONNECT].map((line) => (commented ? `#${line}` : line)),
        '',
      ].join('\r\n');

    /** The seed's machine: Windows PowerShell 5.1 only, .NET Framework 4.7.2, RemoteSigned, no proxy anywhere. */
    async function seedMachine({ commented = false } = {}): Promise<void> {
      await registry(
        [ENGINE, 'PowerShellVersion', 'REG_SZ', '5.1.17134.1'],
        [CURRENT_VERSION, 'InstallationType', 'REG_SZ', 'Client'],
        [SHELL_IDS('HKLM'), 'ExecutionPolicy', 'REG_SZ', 'RemoteSigned'],
        [NDP, 'Release', 'REG_DWORD', 461808],
        [NDP, 'Version', 'REG_SZ', '4.7.03062'],
        ...[NETFX, NETFX_WOW].flatMap((key) => [[key, 'SchUseStrongCrypto', 'REG_DWORD', 1] as const, [key, 'SystemDefaultTlsVersions', 'REG_DWORD', 1] as const]),
        [WSMAN_CLIENT, 'auth_basic', 'REG_DWORD', 1],
        [WINRM_POLICY, 'AllowBasic', 'REG_DWORD', 0],
        // No proxy: Internet Options direct, and WinHTTP direct (its blob written, so Wine's silent netsh is not asked).
        [IS, 'ProxyEnable', 'REG_DWORD', 0],
        [`${IS}\\Connections`, 'DefaultConnectionSettings', 'REG_BINARY', connectionBlob(1)],
        [`${IS_MACHINE}\\Connections`, 'WinHttpSettings', 'REG_BINARY', winHttpBlob(1)],
        [MFA_UNINSTALL, 'DisplayName', 'REG_SZ', 'Microsoft Exchange Online Powershell Module'],
        [MFA_UNINSTALL, 'DisplayVersion', 'REG_SZ', '16.0.2440.0'],
        [MFA_UNINSTALL, 'DisplayIcon', 'REG_SZ', 'dfshim.dll,2'],
        [MFA_UNINSTALL, 'Publisher', 'REG_SZ', 'Microsoft Corporation'],
        [MFA_UNINSTALL, 'UninstallString', 'REG_SZ', UNINSTALL_STRING],
        [MFA_UNINSTALL, 'ShortcutFolderName', 'REG_SZ', 'Microsoft Corporation'],
        [MFA_UNINSTALL, 'ShortcutFileName', 'REG_SZ', 'Microsoft Exchange Online Powershell Module'],
      );
      files({
        [`${DESKTOP_ALL}\\PowerShellGet\\1.0.0.1\\PowerShellGet.psd1`]: manifest('PowerShellGet-1.0.0.1'),
        [`${DESKTOP_ALL}\\PackageManagement\\1.0.0.1\\PackageManagement.psd1`]: manifest('PackageManagement-1.0.0.1'),
        [`${appFolder()}\\CreateExoPSSession.ps1`]: '# Connect-EXOPSSession and Connect-IPPSSession (the MFA module\'s own script; its content does not matter here)\r\n',
        [`${appFolder()}\\Microsoft.Exchange.Management.ExoPowershellModule.dll`]: '',
        [`${appFolder()}\\Microsoft.Exchange.Management.ExoPowershellModule.manifest`]: '',
        [`${appFolder()}\\Microsoft.IdentityModel.Clients.ActiveDirectory.dll`]: '',
        [`${componentFolder()}\\Microsoft.Exchange.Management.ExoPowershellModule.dll`]: '',
        [shortcut()]: '',
        [MFA_LOADER]: loader(commented),
      });
    }

    it('shows the module in powershell-client; module-versions fails it and names its uninstall command', async () => {
      await seedMachine();
      const { check } = await doctor(['powershell-client', 'module-versions']);
      const client = check('powershell-client');
      expect(client).toMatchObject({ status: 'warn', cause: 'legacy-mfa-module' });
      expect(client.summary).toMatch(
        /^Windows PowerShell 5\.1\.17134\.1 is installed, but no edition can load ExchangeOnlineManagement\. Only the retired MFA module \(Connect-EXOPSSession\) is here, and it cannot connect any more/,
      );
      expect(value(client, 'Exchange Online Remote PowerShell Module (MFA module, retired)')).toBe(
        '1 ClickOnce application folder under %LOCALAPPDATA%\\Apps\\2.0; "Microsoft Exchange Online Powershell Module" 16.0.2440.0 in Apps & features; its Start-menu shortcut',
      );
      // One application folder: the `_none_` component folder beside it is not one, although it holds the DLL.
      expect(client.evidence.filter((e) => e.label === 'MFA module folder').map((e) => e.value)).toEqual([appFolder()]);
      expect(value(client, 'Script that loads the MFA module')).toBe(MFA_LOADER);
      expect(value(client, 'Session option taking the Internet Explorer proxy')).toBe(`${MFA_LOADER}: ${IE_OPTION}`);

      const versions = check('module-versions');
      expect(versions).toMatchObject({ status: 'fail', cause: 'legacy-mfa-module' });
      expect(versions.summary).toMatch(/^The Exchange Online Remote PowerShell Module 16\.0\.2440\.0 \(the MFA module, Connect-EXOPSSession\) is installed\. It connects only through Remote PowerShell over WinRM/);
      expect(value(versions, 'MFA module in Apps & features')).toBe('Microsoft Exchange Online Powershell Module 16.0.2440.0');
      expect(value(versions, 'MFA module (ClickOnce)')).toBe(appFolder());
      expect(value(versions, 'Loads the MFA module')).toBe(MFA_LOADER);
      const commands = versions.remediation.flatMap((r) => r.commands);
      expect(commands).toContain(UNINSTALL_STRING);
      expect(commands).toContain('Uninstall-Script -Name Load-ExchangeMFA');
      expect(commands).toContain('Install-Module -Name ExchangeOnlineManagement -Scope CurrentUser');
    });

    it('fails winrm-basic on the MFA module with Basic off by Group Policy, and says allowing Basic would not help', async () => {
      await seedMachine();
      const check = (await doctor(['powershell-client', 'winrm-basic'])).check('winrm-basic');
      expect(check).toMatchObject({ status: 'fail', cause: 'legacy-mfa-module' });
      expect(check.summary).toBe(
        'The retired MFA module (Connect-EXOPSSession) is installed here, and it connects through Remote PowerShell over WinRM with its token in a Basic header. Group Policy turns Basic authentication off for the WinRM client (AllowBasic = 0), and policy wins over any local change. That is why it fails with "Create Powershell Session is failed using OAuth"; allowing Basic would not make it connect, since Exchange Online no longer accepts Remote PowerShell.',
      );
      expect(value(check, 'MFA module (Connect-EXOPSSession)')).toBe('installed (Remote PowerShell over WinRM only)');
      expect(value(check, 'WinRM client Basic')).toBe(`off: AllowBasic = 0 (Group Policy, ${WINRM_POLICY})`);
      expect(value(check, 'ExchangeOnlineManagement')).toBe('not installed');
      // Wine has no WinRM service (`sc query WinRM` exits 1); Windows would say "running" here.
      expect(value(check, 'WinRM service')).toBe('unknown (sc query exited with 1)');
      // The one fix is the REST module: no Group Policy step, since Basic would not bring Remote PowerShell back.
      expect(check.remediation.map((r) => r.commands)).toEqual([['Install-Module ExchangeOnlineManagement -Scope CurrentUser -Force', 'Connect-ExchangeOnline']]);
    });

    it('warns in proxy-config that Load-ExchangeMFA asks for an Internet Explorer proxy the machine does not have', async () => {
      await seedMachine();
      const proxy = (await doctor(['proxy-config'])).check('proxy-config');
      expect(proxy).toMatchObject({ status: 'warn', cause: 'ie-proxy-option-without-ie-proxy' });
      expect(proxy.summary).toContain(
        `Load-ExchangeMFA.ps1 hands Connect-EXOPSSession a session option that asks WinRM for the Internet Explorer proxy (${IE_OPTION}), but the Internet Options set no proxy at all.`,
      );
      expect(value(proxy, 'Settings: wininet')).toBe('no proxy');
      expect(value(proxy, 'Settings: winhttp')).toBe('no proxy');
      expect(value(proxy, 'Session option taking the Internet Explorer proxy')).toBe(`${MFA_LOADER}: ${IE_OPTION}`);
      expect(proxy.remediation.flatMap((r) => r.commands)).toContain('$ProxySetting = $null');
      expect(proxy.remediation[0]?.commands).toEqual(['$ProxySetting = $null', 'Connect-EXOPSSession -UserPrincipalName <your admin UPN>']);
    });

    it('gives no proxy-config warning when the Load-ExchangeMFA lines are commented out (the module is still found)', async () => {
      await seedMachine({ commented: true });
      const { check } = await doctor(['powershell-client', 'proxy-config']);
      const proxy = check('proxy-config');
      expect(proxy).toMatchObject({ status: 'pass', summary: 'No proxy anywhere: every client goes direct to Microsoft 365.', cause: null });
      expect(value(proxy, 'Session option taking the Internet Explorer proxy')).toBeUndefined();
      // Load-ExchangeMFA.ps1 itself still counts as the module's loader, whatever its lines say.
      const client = check('powershell-client');
      expect(value(client, 'Script that loads the MFA module')).toBe(MFA_LOADER);
      expect(value(client, 'Session option taking the Internet Explorer proxy')).toBeUndefined();
    });

    it("runs the seed's machine end to end: module-versions is the primary finding", async () => {
      await seedMachine();
      const run = await machine.runDoctor(['--only', 'proxy-config,powershell-client,module-versions,winrm-basic,execution-policy,dotnet-tls', '--json', '--timeout', '45s']);
      const report = reportOf(run);
      expect(report.outcome, run.stderr).toMatchObject({ verdict: 'problems', exitCode: 1, counts: { pass: 2, warn: 2, fail: 2, skip: 0, error: 0 } });
      expect(report.outcome.primaryFinding).toMatchObject({
        checkId: 'module-versions',
        summary: expect.stringMatching(/^The Exchange Online Remote PowerShell Module 16\.0\.2440\.0 \(the MFA module, Connect-EXOPSSession\) is installed\./),
      });
      expect(Object.fromEntries(report.checks.map((c) => [c.id, c.status]))).toEqual({
        'proxy-config': 'warn',
        'powershell-client': 'warn',
        'module-versions': 'fail',
        'winrm-basic': 'fail',
        'execution-policy': 'pass',
        'dotnet-tls': 'pass',
      });
      // One finding per cause: the MFA module (seen by three checks), then the proxy option.
      expect(report.findings.map((f) => ({ check: f.checkId, cause: f.cause, also: f.corroboratedBy.map((c) => c.id) }))).toEqual([
        { check: 'module-versions', cause: 'legacy-mfa-module', also: ['winrm-basic', 'powershell-client'] },
        { check: 'proxy-config', cause: 'ie-proxy-option-without-ie-proxy', also: [] },
      ]);
      expect(run.code, run.stderr).toBe(1);
    });
  });
});
