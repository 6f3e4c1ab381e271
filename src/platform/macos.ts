/**
 * macOS system proxy settings as `scutil --proxy` prints them: the SCDynamicStore proxies dictionary
 * (keys from Apple's kSCPropNetProxies* constants; the output format as recorded in
 * httptoolkit/mac-system-proxy's tests and AdoptOpenJDK/IcedTea-Web's `proxy/mac/out*.txt`). Pure.
 *
 * Who reads these settings: PowerShell 7 on macOS (.NET's MacProxy asks CFNetwork and then uses only
 * HTTP/HTTPS proxy answers, never SOCKS: dotnet/runtime `SocketsHttpHandler/MacProxy.cs`), Safari and
 * Chromium (`net/proxy_resolution/proxy_config_service_mac.cc`). Node does not.
 */
import { emptySettings, type ProxyServer, type ProxySettings } from './proxy-settings.js';

type ScutilValue = string | ScutilValue[] | ScutilDictionary;
interface ScutilDictionary {
  readonly [key: string]: ScutilValue;
}

/** Parses the nested `<dictionary> { key : value }` / `<array> { 0 : value }` text into plain data. */
function parseScutilTree(output: string): { root: ScutilDictionary; complete: boolean } {
  type Open = { kind: 'dictionary'; data: Record<string, ScutilValue> } | { kind: 'array'; data: ScutilValue[] };
  const root: Record<string, ScutilValue> = {};
  const stack: Open[] = [];
  let sawRoot = false;
  const store = (key: string, value: ScutilValue): void => {
    const top = stack[stack.length - 1];
    if (!top) return;
    if (top.kind === 'array') top.data.push(value);
    else top.data[key] = value;
  };
  for (const raw of output.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line === '}') {
      stack.pop();
      continue;
    }
    if (!sawRoot && line === '<dictionary> {') {
      sawRoot = true;
      stack.push({ kind: 'dictionary', data: root });
      continue;
    }
    const open = /^(.+?) : <(dictionary|array)> \{$/.exec(line);
    if (open) {
      const child: Open = open[2] === 'array' ? { kind: 'array', data: [] } : { kind: 'dictionary', data: {} };
      store(open[1]!, child.data);
      stack.push(child);
      continue;
    }
    const pair = /^(.+?) :(?: (.*))?$/.exec(line);
    if (pair) store(pair[1]!, pair[2] ?? '');
  }
  return { root, complete: sawRoot && stack.length === 0 };
}

function text(dictionary: ScutilDictionary, key: string): string | undefined {
  const value = dictionary[key];
  return typeof value === 'string' ? value.trim() : undefined;
}

function flag(dictionary: ScutilDictionary, key: string): boolean {
  return text(dictionary, key) === '1';
}

/**
 * One `<Kind>Enable / <Kind>Proxy / <Kind>Port` triple. The host is printed bare, IPv6 included
 * ("2001:db8::1"); brackets, when someone typed them, are dropped.
 */
function server(dictionary: ScutilDictionary, kind: 'HTTP' | 'HTTPS' | 'SOCKS', scheme: ProxyServer['scheme'], notes: string[]): ProxyServer | undefined {
  if (!flag(dictionary, `${kind}Enable`)) return undefined;
  const host = (text(dictionary, `${kind}Proxy`) ?? '').replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const portText = text(dictionary, `${kind}Port`);
  if (host === '') {
    notes.push(`${kind}Enable is 1 but ${kind}Proxy is empty`);
    return undefined;
  }
  const port = Number(portText);
  if (portText === undefined || !Number.isInteger(port) || port < 1 || port > 65535) {
    notes.push(`${kind}Enable is 1 but ${kind}Port is ${portText === undefined ? 'missing' : `"${portText}"`}`);
    return undefined;
  }
  return { scheme, host, port };
}

/**
 * The `scutil --proxy` dictionary: HTTPEnable/HTTPProxy/HTTPPort, HTTPSEnable/…, SOCKSEnable/…,
 * ExceptionsList array, ExcludeSimpleHostnames, ProxyAutoConfigEnable/ProxyAutoConfigURLString,
 * ProxyAutoDiscoveryEnable. Nested dictionaries (`__SCOPED__`, per-interface settings) are ignored:
 * the top level is what applies. The "Secure web proxy" (HTTPS*) is an HTTP proxy used for https URLs.
 */
export function parseScutilProxy(output: string): ProxySettings {
  const notes: string[] = [];
  if (output.trim() === '') return emptySettings('macos', ['scutil --proxy printed nothing']);
  const { root, complete } = parseScutilTree(output);
  if (!complete) notes.push('The scutil output is cut short or not a dictionary; only what could be read is used');

  const http = server(root, 'HTTP', 'http', notes);
  const https = server(root, 'HTTPS', 'http', notes);
  const socks = server(root, 'SOCKS', 'socks', notes);

  const exceptions = root['ExceptionsList'];
  const bypass = Array.isArray(exceptions) ? exceptions.filter((entry): entry is string => typeof entry === 'string').map((entry) => entry.trim()) : [];
  for (const entry of bypass) {
    // The Network settings field takes a comma-separated list; an entry still holding a comma has
    // reached the store unsplit (seen in httptoolkit/mac-system-proxy's tests) and is one odd pattern.
    if (entry.includes(',')) notes.push(`The ExceptionsList entry "${entry}" contains a comma; it is one pattern, not a list`);
  }

  let pacUrl: string | undefined;
  if (flag(root, 'ProxyAutoConfigEnable')) {
    pacUrl = text(root, 'ProxyAutoConfigURLString') || undefined;
    if (!pacUrl) notes.push('ProxyAutoConfigEnable is 1 but ProxyAutoConfigURLString is empty');
  }

  return {
    ...emptySettings('macos', notes),
    ...(http && { http }),
    ...(https && { https }),
    ...(socks && { socks }),
    bypass,
    bypassSimpleNames: flag(root, 'ExcludeSimpleHostnames'),
    ...(pacUrl !== undefined && { pacUrl }),
    autoDetect: flag(root, 'ProxyAutoDiscoveryEnable'),
  };
}
