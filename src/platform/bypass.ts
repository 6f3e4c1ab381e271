/**
 * Bypass-list semantics of each client stack: whether a stack goes direct to a host, given the bypass
 * entries of its proxy settings. Each stack reads the same entry differently; for `outlook.contoso.com`:
 *
 * | entry            | node | dotnet | wininet | macos | gnome |
 * |------------------|------|--------|---------|-------|-------|
 * | `contoso.com`    | yes  | no     | no      | no    | yes   |
 * | `.contoso.com`   | yes  | yes    | no      | yes   | yes   |
 * | `*.contoso.com`  | yes  | no     | yes     | yes   | yes   |
 * | `*` (alone)      | yes  | no     | yes     | yes   | no    |
 *
 * Pure string matching: no name is resolved, so an IP entry never matches a host name.
 */
import { parseIP, parseIPNetwork, parseIPv6, parseShortIPv4Network, prefixMatches } from './ip.js';
import type { ProxySettings } from './proxy-settings.js';

export type BypassStack = 'node' | 'dotnet' | 'wininet' | 'macos' | 'gnome';

/**
 * Whether a stack sends `host` (a lower-case name or IP, port 443) directly, given the bypass entries of
 * its settings. IPv6 hosts may come with or without brackets. `port` is the connection port; for the
 * gnome stack an omitted port means "none written in the URL", which is what GLib compares with.
 */
export function isBypassed(stack: BypassStack, settings: Pick<ProxySettings, 'bypass' | 'bypassSimpleNames'>, host: string, port?: number): boolean {
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  switch (stack) {
    case 'node':
      return nodeBypass(settings.bypass, bare, port ?? 443);
    case 'dotnet':
      return dotnetBypass(settings.bypass, bare);
    case 'wininet':
      return wininetBypass(settings, bare);
    case 'macos':
      return macosBypass(settings, bare);
    case 'gnome':
      return gnomeBypass(settings.bypass, bare, port ?? 0);
  }
}

/**
 * undici 7.30 EnvHttpProxyAgent #shouldProxy / #parseNoProxy
 * (node_modules/undici/lib/dispatcher/env-http-proxy-agent.js):
 * - NO_PROXY is split on commas and white space; empty pieces are dropped;
 * - the whole value being exactly `*` means never proxy. A `*` among other entries is an ordinary entry
 *   that matches nothing. (undici PR #5777, merged 2026-09, makes a `*` entry global in a later release.)
 *   With the list already split, "exactly `*`" is read as the list `['*']`;
 * - `host:port` entries (`/^(.+):(\d+)$/`) only apply to that port; the port compared is the URL's port
 *   or the scheme's default (443 for https);
 * - a leading `.` or `*.` is stripped, so `*.contoso.com` and `.contoso.com` also match `contoso.com`
 *   itself (the same PR #5777 changes `*.` to subdomains only);
 * - the host matches when equal to the entry or when it ends with `.` + entry;
 * - the host is compared as `URL.host` without the port, so an IPv6 host keeps its brackets (`[::1]`).
 */
function nodeBypass(bypass: readonly string[], host: string, port: number): boolean {
  if (bypass.length === 0) return false;
  if (bypass.length === 1 && bypass[0] === '*') return true;
  const hostname = host.includes(':') ? `[${host}]` : host;
  for (const raw of bypass) {
    const parsed = /^(.+):(\d+)$/.exec(raw);
    const entryHost = (parsed ? parsed[1]! : raw).replace(/^\*?\./, '').toLowerCase();
    const entryPort = parsed ? Number.parseInt(parsed[2]!, 10) : 0;
    if (entryPort && entryPort !== port) continue;
    if (hostname === entryHost) return true;
    if (hostname.slice(-(entryHost.length + 1)) === `.${entryHost}`) return true;
  }
  return false;
}

/**
 * .NET HttpEnvironmentProxy.IsMatchInBypassList (dotnet/runtime
 * src/libraries/System.Net.Http/src/System/Net/Http/SocketsHttpHandler/HttpEnvironmentProxy.cs, read at
 * commits 02a63a5 and 3e9e3d8; the same logic in both):
 * - NO_PROXY is split on commas, entries trimmed, empty ones dropped;
 * - an entry starting with `.` matches the domain itself (`.foo.com` matches `foo.com`) and every host
 *   ending with the entry (so any subdomain);
 * - any other entry matches only the identical host (case-insensitive): `contoso.com` does not match
 *   `outlook.contoso.com`, `*` and `*.contoso.com` are literal text and match nothing, and `host:port`
 *   never matches because Uri.Host has no port;
 * - Uri.Host of an IPv6 URL includes the brackets, so `[::1]` matches and `::1` does not.
 * Learn (HttpClient.DefaultProxy) says `.example.com` does not match `example.com`; the source says it
 * does, and this follows the source. dotnet/runtime#75199 (open) discusses moving to curl's rules.
 */
function dotnetBypass(bypass: readonly string[], host: string): boolean {
  const uriHost = host.includes(':') ? `[${host}]` : host;
  for (const raw of bypass) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry.startsWith('.')) {
      if (uriHost === entry.slice(1) || uriHost.endsWith(entry)) return true;
    } else if (uriHost === entry) {
      return true;
    }
  }
  return false;
}

/**
 * `*` as "any run of characters, including none", the only special character; case-insensitive. The
 * same algorithm as .NET's SimpleRegex.IsMatchWithStarWildcard (dotnet/runtime
 * src/libraries/Common/src/System/Text/SimpleRegex.cs).
 */
export function matchesStarPattern(input: string, pattern: string): boolean {
  const text = input.toLowerCase();
  const glob = pattern.toLowerCase();
  let i = 0;
  let p = 0;
  let savedI = -1;
  let savedP = -1;
  while (i < text.length) {
    if (p < glob.length && glob[p] === '*') {
      savedI = i;
      savedP = ++p;
    } else if (p < glob.length && glob[p] === text[i]) {
      i++;
      p++;
    } else if (savedP === -1) {
      return false;
    } else {
      i = ++savedI;
      p = savedP;
    }
  }
  while (p < glob.length && glob[p] === '*') p++;
  return p === glob.length;
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  const ip = parseIP(host);
  if (!ip) return false;
  return ip.length === 4 ? ip[0] === 127 : ip.every((byte, i) => byte === (i === 15 ? 1 : 0));
}

/**
 * ProxyOverride / WinHTTP bypass list, as .NET's HttpWindowsProxy applies it for PowerShell 7 on Windows
 * (dotnet/runtime src/libraries/System.Net.Http/src/System/Net/Http/SocketsHttpHandler/HttpWindowsProxy.cs),
 * which follows WinINET's documented grammar (WINHTTP_PROXY_INFO: names separated by `;` or white space,
 * `<local>` = names without a dot):
 * - each entry loses leading spaces, an `http://` or `https://` prefix and IPv6 brackets, and ends at a
 *   space, `;` or `]`;
 * - `<local>` (here `bypassSimpleNames`) bypasses loopback hosts and every host that is not an IPv6
 *   literal and has no dot (the machine's own addresses too, which a pure function cannot know);
 * - every other entry is a case-insensitive pattern over the whole host where `*` matches any run of
 *   characters: `*.contoso.com` matches `outlook.contoso.com` but not `contoso.com`, `contoso.com` only
 *   itself, `10.*` any host starting with "10.". An entry with `:port` never matches a host.
 */
function wininetBypass(settings: Pick<ProxySettings, 'bypass' | 'bypassSimpleNames'>, host: string): boolean {
  const entries: string[] = [];
  let local = settings.bypassSimpleNames;
  for (const raw of settings.bypass) {
    const cleaned = raw.trimStart().replace(/^https?:\/\//i, '').replace(/^\[/, '');
    const entry = cleaned.split(/[ ;\]]/, 1)[0] ?? '';
    if (entry === '') continue;
    if (entry.toLowerCase() === '<local>') local = true;
    else entries.push(entry);
  }
  if (local) {
    if (isLoopback(host)) return true;
    if (!parseIPv6(host) && !host.includes('.')) return true;
  }
  return entries.some((entry) => matchesStarPattern(host, entry));
}

/**
 * macOS ExceptionsList and ExcludeSimpleHostnames. CFNetwork's matcher is closed source; the rules here
 * are the ones Chromium applies to the same list (net/proxy_resolution/proxy_config_service_mac.cc feeds
 * each entry to ProxyBypassRules) plus the network form macOS itself ships by default (`169.254/16`):
 * - ExcludeSimpleHostnames: a host without a dot that is not an IP literal;
 * - `a.b/16`, `10/8`, `192.168.1.0/24`, `fe80::/10`: an address range (missing IPv4 octets are zero);
 *   it only matches IP literals;
 * - a leading `.` means `*.` (Chromium: ".google.com" is "*.google.com");
 * - otherwise a case-insensitive pattern over the whole host, `*` matching any run of characters:
 *   `*.local` matches `printer.local`, `contoso.com` matches only itself.
 */
function macosBypass(settings: Pick<ProxySettings, 'bypass' | 'bypassSimpleNames'>, host: string): boolean {
  const ip = parseIP(host);
  if (settings.bypassSimpleNames && !ip && !host.includes('.')) return true;
  for (const raw of settings.bypass) {
    const entry = raw.trim();
    if (entry === '') continue;
    if (entry.includes('/')) {
      const network = parseShortIPv4Network(entry) ?? parseIPNetwork(entry);
      if (network && ip && prefixMatches(ip, network.network, network.bits)) return true;
      continue;
    }
    const entryIp = parseIP(entry);
    if (entryIp) {
      if (ip && entryIp.length === ip.length && entryIp.every((byte, i) => byte === ip[i])) return true;
      continue;
    }
    if (matchesStarPattern(host, entry.startsWith('.') ? `*${entry}` : entry)) return true;
  }
  return false;
}

/**
 * GNOME ignore-hosts, as GLib's GSimpleProxyResolver applies them (GNOME/glib gio/gsimpleproxyresolver.c,
 * reparse_ignore_hosts / ignore_host; glib-networking's GProxyResolverGnome hands it the gsettings list):
 * - trailing white space is dropped;
 * - an IP literal or `address/prefix` (full literal, no host bits past the prefix: `127.0.0.0/8`, `::1`,
 *   `fe80::/10`) is an address range and matches only IP-literal hosts;
 * - `[v6]:port` and `name:port` (one colon) match only URLs that write that port; an omitted port never
 *   matches a port-qualified entry (`outlook.office365.com:443` does not cover `https://outlook.office365.com/`);
 * - otherwise a leading `*.` or `.` is stripped and the entry matches the name itself and every subdomain
 *   (case-insensitive): `contoso.com`, `.contoso.com` and `*.contoso.com` all match `outlook.contoso.com`;
 * - no other wildcard exists: `*`, `10.*` or `*contoso.com` are literal names that match nothing;
 * - GLib stops at the first empty name (an entry `.` or `*.`), so names after it are never checked.
 */
function gnomeBypass(bypass: readonly string[], host: string, port: number): boolean {
  const ip = parseIP(host);
  const domains: { name: string; port: number }[] = [];
  for (const raw of bypass) {
    const entry = raw.trimEnd();
    // g_inet_address_new_from_string takes no brackets: "[::1]" is not an address to GLib.
    const network = entry.startsWith('[') ? undefined : parseIPNetwork(entry);
    if (network && !hasHostBits(network.network, network.bits)) {
      if (ip && prefixMatches(ip, network.network, network.bits)) return true;
      continue;
    }
    let name = entry;
    let entryPort = 0;
    if (name.startsWith('[')) {
      const close = name.indexOf(']');
      const portMatch = close >= 0 ? /^:(\d+)$/.exec(name.slice(close + 1)) : null;
      if (!portMatch) continue; // GLib: "[v6]" needs a port, anything else is invalid and skipped
      entryPort = Number(portMatch[1]);
      name = name.slice(1, close);
    } else {
      const colon = name.indexOf(':');
      if (colon >= 0 && !name.includes(':', colon + 1)) {
        const portText = name.slice(colon + 1);
        if (!/^\d*$/.test(portText)) continue;
        entryPort = portText === '' ? 0 : Number(portText);
        name = name.slice(0, colon);
      }
    }
    if (!parseIP(name)) name = name.replace(/^\*?\./, '');
    domains.push({ name: name.toLowerCase(), port: entryPort & 0xffff });
  }
  for (const domain of domains) {
    if (domain.name.length === 0) break;
    if (domain.name.length > host.length) continue;
    const offset = host.length - domain.name.length;
    if ((domain.port === 0 || domain.port === port) && (offset === 0 || host[offset - 1] === '.') && host.slice(offset) === domain.name) return true;
  }
  return false;
}

/** Whether an address has bits set past its prefix (GLib refuses such a mask: "127.0.0.1/8"). */
function hasHostBits(network: readonly number[], bits: number): boolean {
  return network.some((byte, i) => {
    const kept = Math.max(0, Math.min(8, bits - i * 8));
    return (byte & (0xff >> kept)) !== 0;
  });
}
