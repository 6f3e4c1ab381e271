/**
 * Which way each client stack goes to each Microsoft endpoint, given the proxy settings of the machine:
 * the doctor itself, PowerShell 7 (.NET HttpClient.DefaultProxy), Windows PowerShell 5.1 (WinINET, PAC
 * included) and the legacy Remote PowerShell leg (WinRM over WinHTTP). Pure: settings in, routes out.
 * Rules: docs/network-and-proxies.md#how-powershell-net-and-winrm-pick-a-proxy.
 */
import { isBypassed, type BypassStack } from '../platform/bypass.js';
import type { EnvironmentProxies } from '../platform/environment.js';
import { proxyUrl, type ProxyServer, type ProxySettings } from '../platform/proxy-settings.js';
import type { PacHop } from './pac.js';

export type StackName = 'doctor' | 'pwsh7' | 'winps51' | 'winrm';

export const STACK_LABEL: Readonly<Record<StackName, string>> = {
  doctor: 'exo-doctor (this run)',
  pwsh7: 'PowerShell 7 (Connect-ExchangeOnline, .NET HttpClient)',
  winps51: 'Windows PowerShell 5.1 (Connect-ExchangeOnline, WinINET)',
  winrm: 'legacy Remote PowerShell (WinRM over WinHTTP)',
};

export type Hop = { readonly kind: 'direct' } | { readonly kind: 'proxy'; readonly url: string };

export interface StackRoute {
  readonly stack: StackName;
  /** The settings the route comes from. */
  readonly origin: ProxySettings['source'] | 'override' | 'none';
  /** Where the stack takes its proxy from, in words ("environment variables: http://proxy:8080"). */
  readonly source: string;
  /** What it tries, in order; a PAC can list several. */
  readonly hops: readonly Hop[];
  /** Something the doctor cannot see through (WPAD, an unreadable PAC). */
  readonly caveat?: string;
}

/** The machine's proxy settings, as read by the proxy-config check. */
export interface MachineSettings {
  readonly platform: NodeJS.Platform;
  readonly environment: EnvironmentProxies;
  readonly wininet?: ProxySettings;
  readonly winhttp?: ProxySettings;
  readonly macos?: ProxySettings;
  readonly gnome?: ProxySettings;
  /** `--proxy`: the doctor's own route, for every host. */
  readonly override?: string;
  /** What each PAC answered, by PAC URL, then by host; missing when the PAC could not be used. */
  readonly pacAnswers: ReadonlyMap<string, ReadonlyMap<string, readonly PacHop[]>>;
}

const DIRECT: Hop = { kind: 'direct' };

function proxyHop(server: ProxyServer, credentialsFrom?: string): Hop {
  // Credentials live only in the URL the doctor was given (--proxy or a variable), never in settings.
  if (credentialsFrom) {
    try {
      const given = new URL(credentialsFrom);
      if (given.username && given.hostname.replace(/^\[|\]$/g, '') === server.host && Number(given.port || 80) === server.port) {
        return { kind: 'proxy', url: `${proxyUrl(server).replace('://', `://${given.username}${given.password ? `:${given.password}` : ''}@`)}` };
      }
    } catch {
      // Not a URL: use the server without credentials.
    }
  }
  return { kind: 'proxy', url: proxyUrl(server) };
}

function pacHops(answer: readonly PacHop[]): Hop[] {
  return answer.flatMap((hop): Hop[] =>
    hop.kind === 'direct' ? [DIRECT] : hop.scheme === 'http' ? [{ kind: 'proxy', url: `http://${hop.host.includes(':') ? `[${hop.host}]` : hop.host}:${hop.port}` }] : [],
  );
}

/** The route one settings source gives a host, as a given stack reads its bypass list. */
function routeFrom(settings: ProxySettings, stack: BypassStack, host: string, pac: MachineSettings['pacAnswers'], credentialsFrom?: string): { hops: Hop[]; via: string; caveat?: string } {
  if (settings.pacUrl) {
    const answer = pac.get(settings.pacUrl)?.get(host);
    if (answer) return { hops: pacHops(answer).length > 0 ? pacHops(answer) : [DIRECT], via: `PAC ${settings.pacUrl}` };
  }
  const manual = settings.https ?? settings.http;
  const caveat = settings.pacUrl
    ? `the PAC file ${settings.pacUrl} could not be used, so the manual settings apply`
    : settings.autoDetect
      ? 'automatic proxy discovery (WPAD) is on: the network may hand out a proxy the doctor cannot see'
      : undefined;
  if (!manual) return { hops: [DIRECT], via: 'no proxy', ...(caveat ? { caveat } : {}) };
  if (isBypassed(stack, settings, host)) return { hops: [DIRECT], via: `bypass list of ${proxyUrl(manual)}`, ...(caveat ? { caveat } : {}) };
  return { hops: [proxyHop(manual, credentialsFrom)], via: proxyUrl(manual), ...(caveat ? { caveat } : {}) };
}

const SOURCE_LABEL: Readonly<Record<ProxySettings['source'], string>> = {
  environment: 'environment variables',
  wininet: 'Internet Options (WinINET)',
  'wininet-machine': 'Internet Options, machine-wide policy (WinINET)',
  winhttp: 'WinHTTP (netsh winhttp)',
  macos: 'macOS network settings',
  gnome: 'GNOME proxy settings',
};

function stackRoute(stack: StackName, settings: ProxySettings | undefined, bypass: BypassStack, host: string, machine: MachineSettings, credentialsFrom?: string): StackRoute {
  if (!settings) return { stack, origin: 'none', source: 'no proxy configured', hops: [DIRECT] };
  const { hops, via, caveat } = routeFrom(settings, bypass, host, machine.pacAnswers, credentialsFrom);
  return { stack, origin: settings.source, source: `${SOURCE_LABEL[settings.source]}: ${via}`, hops, ...(caveat ? { caveat } : {}) };
}

/** The system proxy .NET and the doctor fall back on when no variable is set. */
function systemSettings(machine: MachineSettings): { settings?: ProxySettings; bypass: BypassStack } {
  if (machine.platform === 'win32') return machine.wininet ? { settings: machine.wininet, bypass: 'wininet' } : { bypass: 'wininet' };
  if (machine.platform === 'darwin') return machine.macos ? { settings: machine.macos, bypass: 'macos' } : { bypass: 'macos' };
  // Linux: .NET reads no desktop settings, so neither does the doctor.
  return { bypass: 'node' };
}

/** Every stack's route to one host. Windows-only stacks appear on Windows only. */
export function routesFor(host: string, machine: MachineSettings): StackRoute[] {
  const env = machine.environment;
  const envUrl = env.variables.find((v) => /^https?_proxy$|^all_proxy$/i.test(v.name))?.value;
  const system = systemSettings(machine);
  const routes: StackRoute[] = [];

  if (machine.override) {
    routes.push({ stack: 'doctor', origin: 'override', source: '--proxy', hops: [{ kind: 'proxy', url: machine.override }] });
  } else if (env.node.https ?? env.node.http) {
    routes.push(stackRoute('doctor', env.node, 'node', host, machine, envUrl));
  } else {
    routes.push({ ...stackRoute('doctor', system.settings, system.bypass, host, machine), stack: 'doctor' });
  }

  routes.push(env.dotnet ? stackRoute('pwsh7', env.dotnet, 'dotnet', host, machine, envUrl) : stackRoute('pwsh7', system.settings, system.bypass, host, machine));

  if (machine.platform === 'win32') {
    routes.push(stackRoute('winps51', machine.wininet, 'wininet', host, machine));
    routes.push(stackRoute('winrm', machine.winhttp, 'wininet', host, machine));
  }
  return routes;
}

/** A hop as it may be shown. */
export function describeHop(hop: Hop): string {
  if (hop.kind === 'direct') return 'direct';
  try {
    const url = new URL(hop.url);
    return `${url.protocol}//${url.host}`;
  } catch {
    return hop.url;
  }
}

/** Whether two routes go the same way (credentials aside). */
export function sameRoute(a: readonly Hop[], b: readonly Hop[]): boolean {
  return a.map(describeHop).join(' → ') === b.map(describeHop).join(' → ');
}

/** What the proxy-config check hands on: the machine's settings and every stack's route per endpoint. */
export interface ProxyPlan {
  readonly machine: MachineSettings;
  readonly routes: Readonly<Record<string, readonly StackRoute[]>>;
}

/** The hops the doctor itself tries for a host (any host, listed or not). */
export function doctorHops(plan: ProxyPlan, host: string): readonly Hop[] {
  const routes = plan.routes[host] ?? routesFor(host, plan.machine);
  return routes.find((r) => r.stack === 'doctor')?.hops ?? [DIRECT];
}

/** Every distinct way some stack reaches a host, direct included: where an interceptor could sit. */
export function distinctHops(plan: ProxyPlan, host: string): Hop[] {
  const routes = plan.routes[host] ?? routesFor(host, plan.machine);
  const hops = [DIRECT, ...routes.flatMap((r) => r.hops)];
  return hops.filter((hop, i) => hops.findIndex((other) => describeHop(other) === describeHop(hop)) === i);
}
