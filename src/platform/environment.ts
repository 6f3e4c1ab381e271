/**
 * Proxy environment variables and how the two stacks that matter read them. Pure: the environment is
 * passed in (the context reads `process.env`).
 *
 * - Node: undici's EnvHttpProxyAgent (node_modules/undici/lib/dispatcher/env-http-proxy-agent.js,
 *   undici 7.30): `http_proxy ?? HTTP_PROXY`, `https_proxy ?? HTTPS_PROXY` falling back to the HTTP
 *   proxy, `no_proxy ?? NO_PROXY`. `??` means a variable set to "" hides the other spelling. ALL_PROXY is
 *   not read. The value goes to `new URL()`, so it needs a scheme: "proxy:8080" makes the agent throw
 *   (UND_ERR_INVALID_ARG or ERR_INVALID_URL, checked against undici 7.30.2).
 * - .NET HttpClient.DefaultProxy (PowerShell 7): dotnet/runtime HttpEnvironmentProxy.Unix.cs TryCreate:
 *   lowercase first, falling back to uppercase when the lowercase value is missing *or unreadable*;
 *   HTTP_PROXY is skipped under CGI (GATEWAY_INTERFACE set); all_proxy/ALL_PROXY fill whichever of
 *   http/https is still empty; no proxy at all → no environment proxy (the OS settings are used on
 *   Windows and macOS). On Windows variable names are case-insensitive, so only one spelling can exist
 *   and the lowercase-first order changes nothing. NO_PROXY is split on commas only.
 */
import { withoutCredentials } from '../redact.js';
import { parseProxyAddress, type ProxyServer, type ProxySettings } from './proxy-settings.js';

/** Proxy environment variables as set, both cases, with which name each stack reads. */
export interface EnvironmentProxies {
  /** Every proxy variable that is set (non-empty), with its exact name and value. Values may hold credentials: redact before printing. */
  readonly variables: readonly { readonly name: string; readonly value: string }[];
  /** What Node/undici's EnvHttpProxyAgent uses: http_proxy ?? HTTP_PROXY, https_proxy ?? HTTPS_PROXY (falling back to the http one), no_proxy ?? NO_PROXY. */
  readonly node: ProxySettings;
  /** What .NET HttpClient.DefaultProxy (PowerShell 7) uses from the environment: https_proxy/HTTPS_PROXY, http_proxy/HTTP_PROXY, all_proxy/ALL_PROXY, no_proxy/NO_PROXY (lowercase first on Linux and macOS). undefined when no proxy variable is set (then .NET uses the OS settings, except on Linux). */
  readonly dotnet?: ProxySettings;
  /** Sentences about conflicts, e.g. "HTTPS_PROXY and https_proxy disagree; Node and .NET use https_proxy". */
  readonly notes: readonly string[];
}

const VARIABLE_NAMES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY'] as const;
type Env = Readonly<Record<string, string | undefined>>;

/** `user:pass@` (or `user@`) before the host of a proxy URL. */
function hasCredentials(value: string): boolean {
  const authority = value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split(/[/?#]/, 1)[0] ?? '';
  return authority.includes('@');
}

/** undici parses the value with `new URL()`: without `scheme://` it is not a usable proxy URL. */
function hasScheme(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value.trim());
}

/** .NET's GetUriFromString: "host[:port]" or a URL; an unreadable value counts as not set. */
function dotnetUri(value: string | undefined): ProxyServer | undefined {
  return value === undefined || value === '' ? undefined : parseProxyAddress(value);
}

function nodeSettings(env: Env, notes: string[]): ProxySettings {
  const httpName = env['http_proxy'] !== undefined ? 'http_proxy' : 'HTTP_PROXY';
  const httpsName = env['https_proxy'] !== undefined ? 'https_proxy' : 'HTTPS_PROXY';
  const noProxyName = env['no_proxy'] !== undefined ? 'no_proxy' : 'NO_PROXY';
  const httpValue = env[httpName];
  const httpsValue = env[httpsName];
  const nodeServer = (name: string, value: string | undefined): ProxyServer | undefined => {
    if (!value) return undefined;
    const server = parseProxyAddress(value);
    if (!server) notes.push(`${name} "${withoutCredentials(value)}" is not a proxy address Node can use`);
    else if (!hasScheme(value)) notes.push(`${name} has no scheme; undici's EnvHttpProxyAgent throws on it (write http://${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port})`);
    return server;
  };
  const http = nodeServer(httpName, httpValue);
  const https = nodeServer(httpsName, httpsValue) ?? (httpsValue ? undefined : http);
  const bypass = (env[noProxyName] ?? '').split(/[,\s]/).filter((entry) => entry !== '');
  return { source: 'environment', ...(http && { http }), ...(https && { https }), bypass, bypassSimpleNames: false, autoDetect: false, notes: [] };
}

function dotnetSettings(env: Env, notes: string[]): ProxySettings | undefined {
  const cgi = env['GATEWAY_INTERFACE'] !== undefined;
  let http = dotnetUri(env['http_proxy']);
  if (!http && !cgi) http = dotnetUri(env['HTTP_PROXY']);
  if (cgi && env['HTTP_PROXY'] && !env['http_proxy']) notes.push('.NET ignores HTTP_PROXY because GATEWAY_INTERFACE is set (CGI)');
  let https = dotnetUri(env['https_proxy']) ?? dotnetUri(env['HTTPS_PROXY']);
  if (!http || !https) {
    const all = dotnetUri(env['all_proxy']) ?? dotnetUri(env['ALL_PROXY']);
    http ??= all;
    https ??= all;
  }
  if (!http && !https) return undefined;
  const noProxy = env['no_proxy'] ?? env['NO_PROXY'];
  const bypass = (noProxy ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  return { source: 'environment', ...(http && { http }), ...(https && { https }), bypass, bypassSimpleNames: false, autoDetect: false, notes: [] };
}


/**
 * The proxy variables of `env`, and what Node and .NET make of them. ProxyServer never holds
 * credentials; a note says which variables carry some (never the credentials themselves).
 */
export function readEnvironmentProxies(env: Env): EnvironmentProxies {
  const variables = VARIABLE_NAMES.filter((name) => env[name]).map((name) => ({ name, value: env[name]! }));
  const notes: string[] = [];

  for (const [lower, upper] of [
    ['http_proxy', 'HTTP_PROXY'],
    ['https_proxy', 'HTTPS_PROXY'],
    ['all_proxy', 'ALL_PROXY'],
    ['no_proxy', 'NO_PROXY'],
  ] as const) {
    const lowerValue = env[lower];
    const upperValue = env[upper];
    if (lowerValue && upperValue && lowerValue.trim() !== upperValue.trim()) {
      notes.push(
        lower === 'all_proxy'
          ? `${upper} and ${lower} disagree; .NET uses ${lower} (Node reads neither)`
          : `${upper} and ${lower} disagree; Node and .NET use ${lower}`,
      );
    }
    if (lowerValue === '' && upperValue && lower !== 'all_proxy') {
      // Node reads `lower ?? upper`; .NET skips an empty proxy value but takes an empty no_proxy as set.
      notes.push(
        lower === 'no_proxy'
          ? `${lower} is set but empty: Node and .NET therefore ignore ${upper}`
          : `${lower} is set but empty: Node therefore ignores ${upper} while .NET uses it`,
      );
    }
  }
  for (const { name, value } of variables) {
    if (!name.toLowerCase().startsWith('no_') && hasCredentials(value)) {
      notes.push(`${name} contains credentials (a user name and password); they are not shown`);
    }
  }

  const nodeNotes: string[] = [];
  const node = nodeSettings(env, nodeNotes);
  notes.push(...nodeNotes);
  const dotnetNotes: string[] = [];
  const dotnet = dotnetSettings(env, dotnetNotes);
  notes.push(...dotnetNotes);

  if ((env['all_proxy'] || env['ALL_PROXY']) && (!node.http || !node.https)) {
    notes.push(`Node ignores ${env['all_proxy'] ? 'all_proxy' : 'ALL_PROXY'}; only .NET uses it`);
  }
  if (dotnet) {
    for (const entry of dotnet.bypass) {
      if (entry.includes('*')) notes.push(`NO_PROXY entry "${entry}": .NET has no wildcards and never matches it; Node strips a leading "*." and matches the domain`);
      else if (/^(?:[^:[\]]+|\[[^\]]*\]):\d+$/.test(entry)) notes.push(`NO_PROXY entry "${entry}": .NET compares host names only and never matches an entry with a port`);
    }
  }

  return { variables, node: { ...node, notes: nodeNotes }, ...(dotnet && { dotnet: { ...dotnet, notes: dotnetNotes } }), notes };
}
