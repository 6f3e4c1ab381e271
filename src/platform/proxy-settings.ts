/**
 * The normalised shape every proxy source is read into, and the one address grammar they share.
 *
 * Pure: text in, data out. The commands that print these settings run through the context; see
 * `windows.ts`, `macos.ts`, `gnome.ts` and `environment.ts` for the parsers of each source.
 */

/** One proxy server. IPv6 hosts are stored without brackets. */
export interface ProxyServer {
  readonly scheme: 'http' | 'https' | 'socks';
  readonly host: string;
  readonly port: number;
}

export type ProxySourceName = 'environment' | 'wininet' | 'wininet-machine' | 'winhttp' | 'macos' | 'gnome';

/** What one source says, normalised. */
export interface ProxySettings {
  readonly source: ProxySourceName;
  /** Manual proxies by the protocol of the target URL; absent = none for that protocol. */
  readonly http?: ProxyServer;
  readonly https?: ProxyServer;
  readonly socks?: ProxyServer;
  /** Bypass entries exactly as this source writes them (minus `<local>`), in order. */
  readonly bypass: readonly string[];
  /** Bypass every host name without a dot (WinINET `<local>`, macOS ExcludeSimpleHostnames). */
  readonly bypassSimpleNames: boolean;
  /** PAC file URL (WinINET AutoConfigURL, macOS ProxyAutoConfigURLString, GNOME autoconfig-url). */
  readonly pacUrl?: string;
  /** Automatic discovery (WPAD) is on. */
  readonly autoDetect: boolean;
  /** Problems met while reading, as sentences (e.g. "ProxyServer is set but ProxyEnable is 0"). */
  readonly notes: readonly string[];
}

const DEFAULT_PORTS: Readonly<Record<ProxyServer['scheme'], number>> = { http: 80, https: 443, socks: 1080 };

/** URL schemes a proxy address may carry, and the kind of proxy each one names. */
const URL_SCHEMES: Readonly<Record<string, ProxyServer['scheme']>> = {
  http: 'http',
  https: 'https',
  socks: 'socks',
  socks4: 'socks',
  socks4a: 'socks',
  socks5: 'socks',
  socks5h: 'socks',
};

/**
 * The `protocol=` prefixes of WinINET's ProxyServer ("http=h:p;https=h:p;ftp=h:p;socks=h:p"). They name
 * the protocol of the *target* URL; only `socks=` changes what the proxy itself speaks.
 */
const PROTOCOL_PREFIXES: Readonly<Record<string, ProxyServer['scheme']>> = { http: 'http', https: 'http', ftp: 'http', socks: 'socks' };

// Host names as proxy settings hold them; `_` is not valid DNS but Windows accepts it (and a Microsoft
// support blog shows `proxy_address:8080` in netsh output).
const HOST_NAME = /^[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?$/i;
const IPV6_LITERAL = /^[0-9a-f:.]+(?:%[\w.-]+)?$/i;

/**
 * A proxy address as users write it: "proxy:8080", "http://proxy:8080", "[2001:db8::1]:3128",
 * "socks=host:1080"; undefined if unreadable. Default port 80 for http, 443 for https, 1080 for socks.
 *
 * `scheme` is what a scheme-less address means (default http). User information (`user:pass@`) is
 * dropped, and so is anything after the authority (a path, a trailing slash).
 */
export function parseProxyAddress(text: string, scheme: ProxyServer['scheme'] = 'http'): ProxyServer | undefined {
  let rest = text.trim();
  let kind = scheme;

  const prefix = /^([a-z]+)=/i.exec(rest);
  if (prefix) {
    const named = PROTOCOL_PREFIXES[prefix[1]!.toLowerCase()];
    if (!named) return undefined;
    kind = named;
    rest = rest.slice(prefix[0].length).trim();
  }

  const url = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  if (url) {
    const named = URL_SCHEMES[url[1]!.toLowerCase()];
    if (!named) return undefined;
    kind = named;
    rest = rest.slice(url[0].length);
  }

  // The authority ends at the first path, query or fragment character; credentials end at the last `@`.
  const authority = rest.split(/[/?#]/, 1)[0] ?? '';
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  const split = splitHostPort(hostPort);
  if (!split) return undefined;
  const port = split.port ?? DEFAULT_PORTS[kind];
  return { scheme: kind, host: split.host.toLowerCase(), port };
}

/** `host[:port]`, `[v6][:port]` or a bare IPv6 address; undefined when the host or port is not one. */
function splitHostPort(text: string): { host: string; port?: number } | undefined {
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return undefined;
    host = text.slice(1, close);
    const after = text.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return undefined;
    portText = after === '' ? undefined : after.slice(1);
    if (!IPV6_LITERAL.test(host) || !host.includes(':')) return undefined;
  } else if ((text.match(/:/g) ?? []).length > 1) {
    // More than one colon and no brackets: a bare IPv6 address, which cannot carry a port.
    host = text;
    if (!IPV6_LITERAL.test(host)) return undefined;
  } else {
    const colon = text.indexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    portText = colon < 0 ? undefined : text.slice(colon + 1);
    if (!HOST_NAME.test(host)) return undefined;
  }
  if (host === '') return undefined;
  if (portText === undefined) return { host };
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port < 1 || port > 65535) return undefined;
  return { host, port };
}

/**
 * `http://host:port` (credentials never included: this type has none). IPv6 hosts get their brackets
 * back. A socks server is written `socks5://`, the form both undici's ProxyAgent and .NET accept; the
 * settings do not say which SOCKS version the server speaks.
 */
export function proxyUrl(server: ProxyServer): string {
  const scheme = server.scheme === 'socks' ? 'socks5' : server.scheme;
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  return `${scheme}://${host}:${server.port}`;
}

/** Settings that say nothing: no proxy, no bypass, no PAC, no discovery. */
export function emptySettings(source: ProxySourceName, notes: readonly string[] = []): ProxySettings {
  return { source, bypass: [], bypassSimpleNames: false, autoDetect: false, notes };
}
