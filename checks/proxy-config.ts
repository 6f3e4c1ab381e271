/**
 * proxy-config: every proxy source on this machine (environment variables; on Windows the WinINET
 * settings with PAC and WPAD, the machine-wide policy and WinHTTP; macOS network settings; GNOME), and
 * the route each client stack really takes to Microsoft 365: this doctor, PowerShell 7, Windows
 * PowerShell 5.1 and the legacy Remote PowerShell leg. Where the stacks disagree, it says what breaks;
 * a script that hands the legacy connection the IE proxy on a machine with none is the seed's case
 * (src/powershell/ie-proxy-option.ts).
 */
import { defineCheck } from '../src/check.js';
import type { CheckContext } from '../src/check.js';
import { endpointFor, endpointsFor } from '../src/knowledge/endpoints.js';
import { loadPac, type PacHop, type PacLoad, parsePacAnswer } from '../src/net/pac.js';
import { displayProxy } from '../src/net/probes.js';
import { describeHop, type MachineSettings, type ProxyPlan, routesFor, sameRoute, STACK_LABEL, type StackRoute } from '../src/net/routes.js';
import { parseGsettingsProxy } from '../src/platform/gnome.js';
import { parseScutilProxy } from '../src/platform/macos.js';
import { readEnvironmentProxies } from '../src/platform/environment.js';
import { proxyUrl, type ProxySettings } from '../src/platform/proxy-settings.js';
import { parseNetshWinHttp, parseRegQuery, type RegValue, winInetSettings } from '../src/platform/windows.js';
import type { Evidence, Finding } from '../src/result.js';
import { evidence, fix, sensitive, verdict } from '../src/result.js';
import { documentsFolder } from '../src/powershell/discovery.js';
import { ieProxyOptionProblem } from '../src/powershell/ie-proxy-option.js';
import { ieProxyOptions } from '../src/powershell/legacy-mfa.js';
import type { IeProxyOption } from '../src/powershell/types.js';
import { withoutCredentials } from '../src/redact.js';

const INTERNET_SETTINGS = 'Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings';
const POLICY_KEY = 'HKLM\\Software\\Policies\\Microsoft\\Windows\\CurrentVersion\\Internet Settings';
const PROXY_DOC = 'https://learn.microsoft.com/powershell/exchange/connect-to-exchange-online-powershell';
const DOTNET_PROXY_DOC = 'https://learn.microsoft.com/dotnet/api/system.net.http.httpclient.defaultproxy';


/** A REG_BINARY value, when present. */
function binaryValue(values: ReadonlyMap<string, RegValue>, name: string): Buffer | undefined {
  const value = values.get(name);
  return value?.type === 'REG_BINARY' ? value.value : undefined;
}

/** Runs a command and returns its output, or `undefined` when it is missing or fails. */
async function output(ctx: CheckContext, command: string, args: readonly string[]): Promise<string | undefined> {
  const result = await ctx.exec(command, args, { timeoutMs: Math.min(ctx.config.timeoutMs, 10_000), signal: ctx.signal });
  return result.kind === 'exited' && result.exitCode === 0 ? result.stdout : undefined;
}

/** WinINET (per user, or per machine under the policy) and WinHTTP, from the registry; netsh as a fallback. */
async function readWindows(ctx: CheckContext): Promise<{ wininet?: ProxySettings; winhttp?: ProxySettings; notes: string[] }> {
  const notes: string[] = [];
  const policy = parseRegQuery((await output(ctx, 'reg', ['query', POLICY_KEY, '/v', 'ProxySettingsPerUser'])) ?? '');
  const perMachine = policy.get('proxysettingsperuser')?.value === 0;
  const hive = perMachine ? 'HKLM' : 'HKCU';
  if (perMachine) notes.push('Group Policy sets the proxy per machine (ProxySettingsPerUser = 0): Internet Options are read from HKLM.');
  const [values, connections, winhttpBlob] = await Promise.all([
    output(ctx, 'reg', ['query', `${hive}\\${INTERNET_SETTINGS}`]),
    output(ctx, 'reg', ['query', `${hive}\\${INTERNET_SETTINGS}\\Connections`, '/v', 'DefaultConnectionSettings']),
    output(ctx, 'reg', ['query', `HKLM\\${INTERNET_SETTINGS}\\Connections`, '/v', 'WinHttpSettings']),
  ]);
  const result: { wininet?: ProxySettings; winhttp?: ProxySettings; notes: string[] } = { notes };
  if (values === undefined) notes.push('The Internet Options could not be read from the registry (reg query failed).');
  else result.wininet = winInetSettings(perMachine ? 'wininet-machine' : 'wininet', parseRegQuery(values), binaryValue(parseRegQuery(connections ?? ''), 'defaultconnectionsettings'));
  const winhttp = binaryValue(parseRegQuery(winhttpBlob ?? ''), 'winhttpsettings');
  if (winhttp) {
    result.winhttp = winInetSettings('winhttp', new Map(), winhttp);
  } else {
    // No blob means WinHTTP was never set (direct); netsh tells the same in any language, parsed by shape.
    const netsh = await output(ctx, 'netsh', ['winhttp', 'show', 'proxy']);
    const parsed = netsh === undefined ? undefined : parseNetshWinHttp(netsh);
    if (parsed) result.winhttp = parsed;
    else notes.push('WinHTTP settings could not be read; assuming direct access.');
  }
  return result;
}

/** Scripts that hand the legacy connection the Internet Explorer proxy (Windows only). */
async function sessionProxyOptions(ctx: CheckContext): Promise<IeProxyOption[]> {
  return ctx.platform === 'win32' ? ieProxyOptions(ctx, await documentsFolder(ctx)) : [];
}

/** Reads every source this platform has. */
async function readMachine(ctx: CheckContext): Promise<Omit<MachineSettings, 'pacAnswers'> & { notes: string[] }> {
  const environment = readEnvironmentProxies(ctx.env);
  const base = { platform: ctx.platform, environment, ...(ctx.config.proxy ? { override: ctx.config.proxy } : {}) };
  switch (ctx.platform) {
    case 'win32': {
      const windows = await readWindows(ctx);
      return { ...base, ...windows, notes: [...environment.notes, ...windows.notes] };
    }
    case 'darwin': {
      const scutil = await output(ctx, 'scutil', ['--proxy']);
      return { ...base, ...(scutil ? { macos: parseScutilProxy(scutil) } : {}), notes: [...environment.notes] };
    }
    default: {
      const gsettings = await output(ctx, 'gsettings', ['list-recursively', 'org.gnome.system.proxy']);
      const gnome = gsettings ? parseGsettingsProxy(gsettings) : undefined;
      return { ...base, ...(gnome ? { gnome } : {}), notes: [...environment.notes] };
    }
  }
}

/** Loads each PAC file once and asks it about every endpoint. */
async function evaluatePacs(ctx: CheckContext, settings: readonly (ProxySettings | undefined)[], hosts: readonly string[]) {
  const urls = [...new Set(settings.map((s) => s?.pacUrl).filter((u): u is string => u !== undefined))];
  const answers = new Map<string, Map<string, readonly PacHop[]>>();
  const loads: PacLoad[] = [];
  for (const url of urls) {
    ctx.step(`evaluating the PAC file ${url}`);
    const pac = await loadPac(ctx, url, { timeoutMs: Math.min(ctx.config.timeoutMs, 10_000), signal: ctx.signal });
    loads.push(pac);
    if (!pac.ok) continue;
    const perHost = new Map<string, readonly PacHop[]>();
    for (const host of hosts) perHost.set(host, parsePacAnswer(await pac.find(`https://${host}/`)));
    answers.set(url, perHost);
  }
  return { answers, loads };
}

function describeSettings(settings: ProxySettings): string {
  const parts: string[] = [];
  const manual = settings.https ?? settings.http;
  if (manual) parts.push(`proxy ${proxyUrl(manual)}`);
  if (settings.pacUrl) parts.push(`PAC ${settings.pacUrl}`);
  if (settings.autoDetect) parts.push('automatic discovery (WPAD)');
  if (settings.bypass.length > 0 || settings.bypassSimpleNames) parts.push(`bypass ${[...(settings.bypassSimpleNames ? ['<local>'] : []), ...settings.bypass].join(';')}`);
  return parts.length > 0 ? parts.join(', ') : 'no proxy';
}

function describeRoute(route: StackRoute): string {
  return `${route.hops.map(describeHop).join(' → ')} (${route.source}${route.caveat ? `; ${route.caveat}` : ''})`;
}

/**
 * What breaks where the stacks disagree, and the problems met while reading. Only warnings: the routes
 * can still be computed (a broken PAC falls back), and the network checks after this one must run to
 * show what actually breaks.
 */
function findProblems(
  machine: MachineSettings,
  routes: Readonly<Record<string, readonly StackRoute[]>>,
  exchangeHost: string,
  pacLoads: readonly PacLoad[],
  ieOptions: readonly IeProxyOption[],
  upn: string | undefined,
): Finding[] {
  const problems: Finding[] = [];
  const seedCase = ieProxyOptionProblem(ieOptions, machine.wininet, upn);
  if (seedCase) problems.push(seedCase);
  for (const pac of pacLoads) {
    if (pac.ok) continue;
    const what = {
      'missing-file': 'The PAC file does not exist',
      unreachable: 'The PAC file cannot be fetched',
      'http-error': 'The PAC file server refuses it',
      'syntax-error': 'The PAC file does not run',
    }[pac.problem];
    problems.push({
      severity: 'warn',
      summary: `${what} (${pac.detail}); clients that use it fall back to their manual setting or go direct.`,
      remediation: [
        fix({ summary: `Publish a working PAC file at ${pac.url}, or correct the address the machine is given.`, runBy: 'network-team' }),
        fix({ summary: 'Check which PAC address this machine uses.', runBy: 'admin', commands: [`reg query "HKCU\\${INTERNET_SETTINGS}" /v AutoConfigURL`] }),
      ],
    });
  }

  const at = (stack: StackRoute['stack']) => routes[exchangeHost]?.find((r) => r.stack === stack);
  const [wininet, winrm, pwsh7, doctor] = [at('winps51'), at('winrm'), at('pwsh7'), at('doctor')];
  if (wininet && winrm && !sameRoute(wininet.hops, winrm.hops)) {
    problems.push({
      severity: 'warn',
      summary: `Remote PowerShell (WinRM) goes ${winrm.hops.map(describeHop).join(' → ')} through WinHTTP, while Windows PowerShell goes ${wininet.hops.map(describeHop).join(' → ')}: the legacy path (${ieOptions.length > 0 ? 'modules before 3.0, -UseRPSSession; Connect-EXOPSSession only where no script hands it the IE proxy' : 'Connect-EXOPSSession, modules before 3.0, -UseRPSSession'}) gets a token and then fails to open the session ("Create Powershell Session is failed using OAuth").`,
      remediation: [
        fix({ summary: 'Use the current module: its REST connection follows the Internet Options and needs no WinRM.', runBy: 'admin', commands: ['Update-Module ExchangeOnlineManagement', `Connect-ExchangeOnline -UserPrincipalName ${upn ?? '<your admin UPN>'}`], links: [PROXY_DOC] }),
        fix({ summary: 'On the legacy path, give WinHTTP the Internet Options proxy (elevated), or hand the session the IE proxy.', runBy: 'admin', commands: ['netsh winhttp import proxy source=ie', '$o = New-PSSessionOption -ProxyAccessType IEConfig', 'Connect-ExchangeOnline -UseRPSSession -PSSessionOption $o'] }),
      ],
    });
  }
  if (machine.platform === 'win32' && wininet && pwsh7 && !sameRoute(wininet.hops, pwsh7.hops)) {
    problems.push({
      severity: 'warn',
      summary: `PowerShell 7 follows the proxy variables (${pwsh7.hops.map(describeHop).join(' → ')}), while Windows PowerShell 5.1 ignores them and follows the Internet Options (${wininet.hops.map(describeHop).join(' → ')}): the same Connect-ExchangeOnline behaves differently in each.`,
      remediation: [fix({ summary: 'Make the variables and the Internet Options name the same proxy, or remove the variables.', runBy: 'admin', commands: ['[Environment]::SetEnvironmentVariable("HTTPS_PROXY", $null, "User")', 'inetcpl.cpl ,4'], links: [DOTNET_PROXY_DOC] })],
    });
  }
  if (machine.platform === 'linux' && machine.gnome && (machine.gnome.https ?? machine.gnome.http ?? machine.gnome.pacUrl) && !machine.environment.dotnet) {
    const gnomeProxy = machine.gnome.https ?? machine.gnome.http;
    problems.push({
      severity: 'warn',
      summary: 'The desktop (GNOME) has a proxy, but PowerShell 7 on Linux reads only the proxy variables, and none is set: Connect-ExchangeOnline goes direct.',
      remediation: [
        fix({
          summary: 'Set the proxy variables for the shell PowerShell runs in.',
          runBy: 'admin',
          commands: [`export HTTPS_PROXY=${gnomeProxy ? proxyUrl(gnomeProxy) : 'http://proxy.contoso.com:8080'}`, 'export NO_PROXY=localhost,127.0.0.1'],
          links: [DOTNET_PROXY_DOC],
        }),
      ],
    });
  }
  if (doctor && pwsh7 && doctor.origin === 'environment' && !sameRoute(doctor.hops, pwsh7.hops)) {
    problems.push({
      severity: 'warn',
      summary: `NO_PROXY is read differently: the doctor (Node) goes ${doctor.hops.map(describeHop).join(' → ')} to ${exchangeHost}, PowerShell 7 (.NET) goes ${pwsh7.hops.map(describeHop).join(' → ')}. .NET needs a leading dot to match subdomains and has no * wildcard.`,
      remediation: [fix({ summary: 'Write each NO_PROXY entry so both read it the same way: a leading dot for a domain and its subdomains.', runBy: 'admin', commands: ['export NO_PROXY=.contoso.com,localhost'], links: [DOTNET_PROXY_DOC] })],
    });
  }
  for (const note of machine.environment.notes.filter((n) => /disagree/i.test(n))) {
    problems.push({ severity: 'warn', summary: note, remediation: [fix({ summary: 'Keep one spelling of each proxy variable, or give both the same value.', runBy: 'admin', commands: ['env | grep -i _proxy'] })] });
  }
  return problems;
}

export const proxyConfig = defineCheck({
  id: 'proxy-config',
  title: 'Proxy settings of this machine, and the route each client takes',
  dependsOn: [],
  timeout: (ms) => ms + 5000,
  async run(ctx) {
    const hosts = endpointsFor(ctx.config.environment, ctx.config.services).map((e) => e.host);
    ctx.step('reading proxy settings');
    const [{ notes, ...read }, ieOptions] = await Promise.all([readMachine(ctx), sessionProxyOptions(ctx)]);
    const { answers, loads } = await evaluatePacs(ctx, [read.wininet, read.macos, read.gnome], hosts);
    const machine: MachineSettings = { ...read, pacAnswers: answers };
    const routes = Object.fromEntries(hosts.map((host) => [host, routesFor(host, machine)]));
    const plan: ProxyPlan = { machine, routes };

    const facts: Evidence[] = [];
    for (const variable of machine.environment.variables) {
      const shown = withoutCredentials(variable.value);
      facts.push(evidence(`Variable ${variable.name}`, shown === variable.value ? shown : `${shown} (with credentials, not shown)`));
    }
    for (const settings of [machine.wininet, machine.winhttp, machine.macos, machine.gnome]) {
      if (settings) facts.push(evidence(`Settings: ${settings.source}`, describeSettings(settings)), ...settings.notes.map((note) => evidence('Note', note)));
    }
    if (machine.override) facts.push(evidence('Option --proxy', `${displayProxy(machine.override)}${/\/\/[^/]*@/.test(machine.override) ? ' (with credentials, not shown)' : ''}`));
    for (const pac of loads) facts.push(evidence(`PAC ${pac.url}`, pac.ok ? `evaluated (${pac.bytes} bytes)` : `${pac.problem}: ${pac.detail}`));
    const loginHost = endpointFor(ctx.config.environment, 'login').host;
    const exchangeHost = endpointFor(ctx.config.environment, 'exchange').host;
    for (const route of routes[exchangeHost] ?? []) facts.push(evidence(`${STACK_LABEL[route.stack]} → ${exchangeHost}`, describeRoute(route)));
    for (const note of notes) facts.push(evidence('Note', note));
    for (const option of ieOptions) facts.push(sensitive('Session option taking the Internet Explorer proxy', `${option.script}: ${option.line}`));

    const loginRoutes = routes[loginHost] ?? [];
    const ways = [...new Set(loginRoutes.map((r) => r.hops.map(describeHop).join(' → ')))];
    const summary = ways.length === 1 && ways[0] === 'direct' ? 'No proxy anywhere: every client goes direct to Microsoft 365.' : `Every client takes the same way to Microsoft 365: ${ways.join('; ')}.`;
    return verdict(findProblems(machine, routes, exchangeHost, loads, ieOptions, ctx.config.upn), { pass: summary, evidence: facts, output: plan });
  },
});
