// proxy-config with recorded command outputs (fixtures/platform) through the fake context.
import { readFileSync } from 'node:fs';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { proxyConfig } from '../../../checks/proxy-config.js';
import type { Context, ExecResult } from '../../../src/context.js';
import { describeHop, doctorHops, type ProxyPlan } from '../../../src/net/routes.js';
import { fakeConfig, fakeContext } from '../../support/fake-context.js';
import { runCheck } from '../../support/run-check.js';

const fixture = (path: string) => readFileSync(new URL(`../../../fixtures/platform/${path}`, import.meta.url), 'utf8');
const hexToReg = (hex: string) => hex.replace(/\s+/g, '').toUpperCase();
const env = (path: string) =>
  Object.fromEntries(fixture(path).split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]));

/** Programs answering with recorded outputs, keyed by the start of the command line. */
function programs(outputs: Record<string, string>): Context['exec'] {
  return async (command, args): Promise<ExecResult> => {
    const line = [command, ...args].join(' ');
    const key = Object.keys(outputs).find((k) => line.startsWith(k));
    return key === undefined ? { kind: 'not-found', command } : { kind: 'exited', exitCode: 0, stdout: outputs[key] as string, stderr: '' };
  };
}

function machine(stubs: Partial<Context>): Context {
  return fakeContext({ config: fakeConfig(), env: {}, platform: 'linux', exec: programs({}), readFile: async () => undefined, readDir: async () => undefined, ...stubs });
}

const HKCU = 'reg query HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings';
const HKLM_WINHTTP = 'reg query HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections /v WinHttpSettings';

const routesOf = (plan: ProxyPlan | undefined, host = 'outlook.office365.com') =>
  Object.fromEntries((plan?.routes[host] ?? []).map((r) => [r.stack, r.hops.map(describeHop).join(' → ')]));

describe('proxy-config on Windows', () => {
  const connections = (hex: string) =>
    `\r\nHKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections\r\n    DefaultConnectionSettings    REG_BINARY    ${hexToReg(hex)}\r\n\r\n`;

  it('sees the Internet Options proxy, WinHTTP direct (netsh), and warns about the legacy WinRM leg', async () => {
    const ctx = machine({
      platform: 'win32',
      exec: programs({
        [`${HKCU}\\Connections`]: connections(fixture('blob/ie7-manual-composed.hex')),
        [HKCU]: fixture('reg-query/internet-settings-manual-local.txt'),
        'netsh winhttp show proxy': fixture('netsh/en-direct-microsoft.txt'),
      }),
    });
    const result = await runCheck(proxyConfig, ctx);
    expect(result.status).toBe('warn');
    expect(result.summary).toMatch(/^Remote PowerShell \(WinRM\) goes direct through WinHTTP, while Windows PowerShell goes http:\/\/proxy\.contoso\.com:8080/);
    if (result.status !== 'warn') return;
    expect(routesOf(result.output)).toEqual({
      doctor: 'http://proxy.contoso.com:8080',
      pwsh7: 'http://proxy.contoso.com:8080',
      winps51: 'http://proxy.contoso.com:8080',
      winrm: 'direct',
    });
    expect(result.remediation[1]?.commands).toEqual(['netsh winhttp import proxy source=ie', '$o = New-PSSessionOption -ProxyAccessType IEConfig', 'Connect-ExchangeOnline -UseRPSSession -PSSessionOption $o']);
  });

  // The seed's case: Load-ExchangeMFA 1.1 ends with an IEConfig session option, on a machine with no IE proxy.
  const LOADER = 'C:\\Program Files\\WindowsPowerShell\\Scripts\\Load-ExchangeMFA.ps1';
  const loader = (lastLines: string) =>
    `. $ScriptName\r\n#make sure the Exchange session uses the same proxy settings as IE/Edge\r\n${lastLines}\r\n`;
  const seedMachine = (script: string, internetSettings: string) =>
    machine({
      platform: 'win32',
      env: { ProgramFiles: 'C:\\Program Files', USERPROFILE: 'C:\\Users\\alex' },
      readFile: async (path) => (path.toLowerCase() === LOADER.toLowerCase() ? script : undefined),
      exec: programs({ [HKCU]: fixture(internetSettings), 'netsh winhttp show proxy': fixture('netsh/en-direct-microsoft.txt') }),
    });

  it('names the seed case: a session option asking for the IE proxy where Internet Options have none', async () => {
    const ctx = seedMachine(loader('$ProxySetting = New-PSSessionOption -ProxyAccessType IEConfig\r\nConnect-EXOPSSession -PSSessionOption $ProxySetting'), 'reg-query/internet-settings-empty-values.txt');
    const result = await runCheck(proxyConfig, ctx);
    expect(result.status).toBe('warn');
    if (result.status !== 'warn') return;
    expect(result.cause).toBe('ie-proxy-option-without-ie-proxy');
    expect(result.summary).toContain('Load-ExchangeMFA.ps1 hands Connect-EXOPSSession a session option that asks WinRM for the Internet Explorer proxy');
    expect(result.summary).toContain('Create Powershell Session is failed using OAuth');
    expect(result.remediation[0]?.commands).toContain('$ProxySetting = $null');
    expect(result.remediation[1]?.commands).toEqual(['inetcpl.cpl ,4', 'netsh winhttp import proxy source=ie']);
    expect(result.evidence.find((e) => e.label === 'Session option taking the Internet Explorer proxy')?.sensitive).toBe(true);
  });

  it('leaves the seed case out when the option is commented out, or when Internet Options do name a proxy', async () => {
    const commented = seedMachine(loader('#$ProxySetting = New-PSSessionOption -ProxyAccessType IEConfig\r\nConnect-EXOPSSession #-PSSessionOption $ProxySetting'), 'reg-query/internet-settings-empty-values.txt');
    expect((await runCheck(proxyConfig, commented)).status).toBe('pass');
    const withProxy = seedMachine(loader('$ProxySetting = New-PSSessionOption -ProxyAccessType IEConfig'), 'reg-query/internet-settings-manual-local.txt');
    const result = await runCheck(proxyConfig, withProxy);
    // What remains is the usual legacy case, said with the script in mind.
    expect(result.summary).toMatch(/^Remote PowerShell \(WinRM\) goes direct/);
    expect(result.summary).toContain('Connect-EXOPSSession only where no script hands it the IE proxy');
  });

  it('trusts the DefaultConnectionSettings blob over ProxyEnable (the blob says direct here)', async () => {
    const ctx = machine({
      platform: 'win32',
      exec: programs({
        [`${HKCU}\\Connections`]: fixture('reg-query/connections-soapffz.txt'),
        [HKCU]: fixture('reg-query/internet-settings-manual-local.txt'),
        'netsh winhttp show proxy': fixture('netsh/ja-direct-mshr-h.txt'),
      }),
    });
    const result = await runCheck(proxyConfig, ctx);
    expect(result.status).toBe('pass');
    if (result.status !== 'pass') return;
    expect(routesOf(result.output)).toEqual({ doctor: 'direct', pwsh7: 'direct', winps51: 'direct', winrm: 'direct' });
    // The stale loose values are said, so an admin who reads ProxyEnable in regedit is not misled.
    expect(result.evidence.filter((e) => e.label === 'Note').map((e) => e.value).join('\n')).toMatch(/ProxyEnable is 1 but DefaultConnectionSettings has the manual proxy off; Windows uses DefaultConnectionSettings/);
  });

  it('reads WinHTTP from its registry blob when present, even with a localised netsh around', async () => {
    const ctx = machine({
      platform: 'win32',
      exec: programs({
        [HKLM_WINHTTP]: `\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections\r\n    WinHttpSettings    REG_BINARY    ${hexToReg(fixture('blob/winhttp-proxy-vbfox.hex'))}\r\n\r\n`,
        [HKCU]: fixture('reg-query/internet-settings-empty-values.txt'),
        'netsh winhttp show proxy': fixture('netsh/de-proxy-bypass-composed.txt'),
      }),
    });
    const result = await runCheck(proxyConfig, ctx);
    const winhttp = result.evidence.find((e) => e.label === 'Settings: winhttp');
    expect(winhttp?.value).toMatch(/^proxy http:\/\//);
  });
});

describe('proxy-config on macOS', () => {
  it('evaluates the PAC file of the system settings (fetched without a proxy) for PowerShell 7 and the doctor', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get('http://wpad.contoso.com')
      .intercept({ path: '/wpad.dat', method: 'GET' })
      .reply(200, 'function FindProxyForURL(url, host) { return dnsDomainIs(host, ".office365.com") ? "PROXY pac-proxy.contoso.com:3128; DIRECT" : "DIRECT"; }')
      .persist();
    const ctx = machine({
      platform: 'darwin',
      exec: programs({ 'scutil --proxy': fixture('scutil/http-https-pac-domain-md.txt') }),
      dispatcher: async () => agent,
      resolve: async () => [{ address: '10.0.0.8', family: 4, port: 80 }],
    });
    const result = await runCheck(proxyConfig, ctx);
    if (result.status === 'fail' || result.status === 'skip' || result.status === 'error') throw new Error(result.summary);
    expect(routesOf(result.output)).toEqual({ doctor: 'http://pac-proxy.contoso.com:3128 → direct', pwsh7: 'http://pac-proxy.contoso.com:3128 → direct' });
    expect(result.evidence).toContainEqual({ label: 'PAC http://wpad.contoso.com/wpad.dat', value: expect.stringMatching(/^evaluated \(\d+ bytes\)$/) });
  });
});

describe('proxy-config on Linux', () => {
  it('warns that PowerShell 7 ignores the GNOME proxy, with the variable to set', async () => {
    const ctx = machine({ exec: programs({ 'gsettings list-recursively org.gnome.system.proxy': fixture('gsettings/manual-ubproxy.txt') }) });
    const result = await runCheck(proxyConfig, ctx);
    expect(result).toMatchObject({ status: 'warn', summary: expect.stringContaining('PowerShell 7 on Linux reads only the proxy variables') });
    if (result.status !== 'warn') return;
    expect(result.remediation[0]?.commands[0]).toBe('export HTTPS_PROXY=http://myproxyhost:8080');
  });

  it('warns when the two spellings of a proxy variable disagree', async () => {
    const result = await runCheck(proxyConfig, machine({ env: env('env/both-cases-disagree-composed.env') }));
    expect(result.status).toBe('warn');
    expect(JSON.stringify(result)).toMatch(/disagree/);
  });

  it('warns when NO_PROXY sends the doctor direct but PowerShell 7 through the proxy', async () => {
    const result = await runCheck(proxyConfig, machine({ env: { HTTPS_PROXY: 'http://proxy.contoso.com:3128', NO_PROXY: 'office365.com' } }));
    expect(result).toMatchObject({ status: 'warn', summary: expect.stringContaining('NO_PROXY is read differently: the doctor (Node) goes direct to outlook.office365.com, PowerShell 7 (.NET) goes http://proxy.contoso.com:3128') });
  });

  it('uses --proxy for the doctor only, and hides its credentials', async () => {
    const ctx = machine({ config: fakeConfig({ proxy: 'http://alice:s3cret@proxy.contoso.com:3128' }) });
    const result = await runCheck(proxyConfig, ctx);
    if (result.status !== 'pass') throw new Error(result.summary);
    expect(doctorHops(result.output, 'login.microsoftonline.com')).toEqual([{ kind: 'proxy', url: 'http://alice:s3cret@proxy.contoso.com:3128' }]);
    expect(result.evidence).toContainEqual({ label: 'Option --proxy', value: 'http://proxy.contoso.com:3128 (with credentials, not shown)' });
    expect(routesOf(result.output)).toEqual({ doctor: 'http://proxy.contoso.com:3128', pwsh7: 'direct' });
  });
});

describe('proxy-config never shows proxy credentials', () => {
  it.each([
    ['without a scheme', 'user:Pw1secret@127.0.0.1:18081'],
    ['with a slash in the password', 'http://user:Pw1/secret@127.0.0.1:18081'],
    ['quoted, with a scheme', 'http://CONTOSO%5Cmegan:Pw1secret@proxy.contoso.com:8080'],
  ])('in a proxy variable written %s', async (_form, value) => {
    const result = await runCheck(proxyConfig, machine({ env: { HTTPS_PROXY: value } }));
    // The plan handed to the network checks keeps the credentials, to use them; nothing shown does.
    const shown = JSON.stringify({ summary: result.summary, evidence: result.evidence, remediation: 'remediation' in result ? result.remediation : [] });
    expect(shown).not.toContain('Pw1');
    expect(result.evidence.find((e) => e.label === 'Variable HTTPS_PROXY')?.value).toMatch(/\(with credentials, not shown\)$/);
  });
});
