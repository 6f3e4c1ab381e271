/**
 * Windows proxy settings: `reg query` output, the binary connection blobs, WinINET's ProxyServer grammar
 * and `netsh winhttp show proxy` in any display language. Pure: text or bytes in, data out.
 *
 * Sources for the formats:
 * - value lines of `reg query`: four-space separated `name    TYPE    data`, as recorded in
 *   AdoptOpenJDK/IcedTea-Web `core/src/test/resources/net/adoptopenjdk/icedteaweb/proxy/ie/reg_query.out`;
 * - the blob layout: vbfox/proxyconf README and `src/proxyconf/internet_settings/modern/serialization.rs`
 *   (docs/network-and-proxies.md#windows-wininet-ie-settings);
 * - ProxyServer and bypass lists: WINHTTP_PROXY_INFO, "one or more of `([<scheme>=][<scheme>"://"]<server>[":"<port>])`
 *   separated by semicolons or whitespace" (https://learn.microsoft.com/windows/win32/api/winhttp/ns-winhttp-winhttp_proxy_info).
 */
import { emptySettings, parseProxyAddress, type ProxyServer, type ProxySettings } from './proxy-settings.js';

export type RegValue =
  | { readonly type: 'REG_SZ' | 'REG_EXPAND_SZ' | 'REG_MULTI_SZ'; readonly value: string }
  | { readonly type: 'REG_DWORD' | 'REG_QWORD'; readonly value: number }
  | { readonly type: 'REG_BINARY'; readonly value: Buffer };

// `    Name With Spaces    REG_TYPE    data` (data may be empty: the line then ends after the type).
const VALUE_LINE = /^ {2,}(\S(?:.*?\S)?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$/;

/**
 * The values of the key `reg query "<key>"` (or `reg query "<key>" /v Name`) printed; names
 * case-insensitive (stored lower-cased); subkeys and other keys' values ignored. Handles empty values
 * (`    AutoConfigURL    REG_SZ    `), CRLF, and the "ERROR: The system was unable to find the specified
 * registry key or value." output (→ empty map). REG_QWORD values above 2^53 lose precision.
 */
export function parseRegQuery(output: string): ReadonlyMap<string, RegValue> {
  const values = new Map<string, RegValue>();
  let keysSeen = 0;
  for (const line of output.split(/\r?\n/)) {
    if (/^ERROR:/i.test(line.trim())) return new Map();
    if (line.trim() === '') continue;
    if (!/^\s/.test(line)) {
      // A key header (`HKEY_CURRENT_USER\...`): the first is the queried key, later ones are its
      // subkeys (printed after the values) or, with /s, other keys whose values we must not take.
      keysSeen++;
      continue;
    }
    if (keysSeen > 1) continue;
    // Trailing blanks go: an empty value then reads as a line that ends after its type.
    const match = VALUE_LINE.exec(line.trimEnd());
    if (!match) continue;
    const value = toRegValue(match[2]!, match[3] ?? '');
    if (value) values.set(match[1]!.toLowerCase(), value);
  }
  return values;
}

/**
 * `reg query KEY /s`: every key with its values, by the key's full name as printed
 * (`HKEY_CURRENT_USER\Software\…`). Value names are lower-cased.
 */
export function parseRegQueryTree(output: string): ReadonlyMap<string, ReadonlyMap<string, RegValue>> {
  const keys = new Map<string, Map<string, RegValue>>();
  let current: Map<string, RegValue> | undefined;
  for (const line of output.split(/\r?\n/)) {
    if (line.trim() === '' || /^ERROR:/i.test(line.trim())) continue;
    if (!/^\s/.test(line)) {
      current = new Map();
      keys.set(line.trim(), current);
      continue;
    }
    const match = VALUE_LINE.exec(line.trimEnd());
    const value = match ? toRegValue(match[2]!, match[3] ?? '') : undefined;
    if (match && value && current) current.set(match[1]!.toLowerCase(), value);
  }
  return keys;
}

function toRegValue(type: string, data: string): RegValue | undefined {
  switch (type) {
    case 'REG_SZ':
    case 'REG_EXPAND_SZ':
    case 'REG_MULTI_SZ':
      return { type, value: data };
    case 'REG_DWORD':
    case 'REG_QWORD': {
      const hex = /^0x([0-9a-f]+)$/i.exec(data.trim());
      return hex ? { type, value: Number(BigInt(`0x${hex[1]!}`)) } : undefined;
    }
    case 'REG_BINARY': {
      const hex = data.trim();
      return /^(?:[0-9a-f]{2})*$/i.test(hex) ? { type, value: Buffer.from(hex, 'hex') } : undefined;
    }
    default:
      return undefined; // REG_NONE, REG_RESOURCE_LIST…: nothing a proxy setting uses
  }
}

/** The decoded `DefaultConnectionSettings` / `SavedLegacySettings` / `WinHttpSettings` blob. */
export interface ConnectionBlob {
  readonly version: number;
  readonly counter: number;
  readonly proxyEnabled: boolean;
  readonly pacEnabled: boolean;
  readonly autoDetect: boolean;
  readonly proxyServer: string;
  readonly bypass: string;
  readonly pacUrl: string;
}

const BLOB_FLAG_PROXY = 0x02;
const BLOB_FLAG_PAC = 0x04;
const BLOB_FLAG_AUTO_DETECT = 0x08;
/** IE6 added the PAC URL (vbfox/proxyconf: versions 0x28 WinHTTP, 0x3C IE6, 0x46 IE7 and later). */
const BLOB_VERSION_WITH_PAC = 0x3c;

/**
 * The binary `Connections\DefaultConnectionSettings` / `SavedLegacySettings` / `WinHttpSettings` blob
 * (layout in docs/network-and-proxies.md#windows-wininet-ie-settings: u32 version, u32 counter, u32 flags (1 direct, 2 proxy, 4 PAC, 8 auto-detect),
 * u32 len + proxy server string, u32 len + bypass string, then for version >= 0x3C u32 len + PAC URL).
 * WinHttpSettings is version 0x28 (or 0x18 on old systems) with no PAC part. Returns undefined for a
 * truncated or nonsensical blob (lengths beyond the buffer, a version below 0x18). Trailing bytes after
 * the last string are Windows' own and ignored.
 */
export function parseConnectionBlob(blob: Buffer): ConnectionBlob | undefined {
  if (blob.length < 12) return undefined;
  const version = blob.readUInt32LE(0);
  if (version < 0x18 || version > 0xffff) return undefined;
  const counter = blob.readUInt32LE(4);
  const flags = blob.readUInt32LE(8);
  let offset = 12;
  const readString = (): string | undefined => {
    if (offset + 4 > blob.length) return undefined;
    const length = blob.readUInt32LE(offset);
    offset += 4;
    if (length > blob.length - offset) return undefined;
    const text = blob.toString('latin1', offset, offset + length);
    offset += length;
    return text;
  };
  const proxyServer = readString();
  const bypass = proxyServer === undefined ? undefined : readString();
  if (proxyServer === undefined || bypass === undefined) return undefined;
  let pacUrl = '';
  if (version >= BLOB_VERSION_WITH_PAC) {
    const pac = readString();
    if (pac === undefined) return undefined;
    pacUrl = pac;
  }
  return {
    version,
    counter,
    proxyEnabled: (flags & BLOB_FLAG_PROXY) !== 0,
    pacEnabled: (flags & BLOB_FLAG_PAC) !== 0,
    autoDetect: (flags & BLOB_FLAG_AUTO_DETECT) !== 0,
    proxyServer,
    bypass,
    pacUrl,
  };
}

/**
 * WinINET ProxyServer: "host:port" (all protocols) or "http=h:p;https=h:p;ftp=h:p;socks=h:p" (also with
 * scheme prefixes and IPv6). Entries are separated by `;` or whitespace; the first entry for a protocol
 * wins. An entry without `protocol=` serves http and https (WinINET also uses it for ftp, never for
 * SOCKS: a SOCKS proxy is only ever configured as `socks=`).
 */
export function parseWinInetProxyServer(value: string): { readonly http?: ProxyServer; readonly https?: ProxyServer; readonly socks?: ProxyServer } {
  let http: ProxyServer | undefined;
  let https: ProxyServer | undefined;
  let socks: ProxyServer | undefined;
  for (const entry of value.split(/[;\s]+/)) {
    if (entry === '') continue;
    const protocol = /^([a-z]+)=/i.exec(entry)?.[1]?.toLowerCase();
    if (protocol === undefined) {
      const server = parseProxyAddress(entry);
      if (!server) continue;
      http ??= server;
      https ??= server;
    } else if (protocol === 'socks') {
      socks ??= parseProxyAddress(entry);
    } else if (protocol === 'http' || protocol === 'https') {
      const server = parseProxyAddress(entry.slice(protocol.length + 1));
      if (protocol === 'http') http ??= server;
      else https ??= server;
    }
  }
  return { ...(http && { http }), ...(https && { https }), ...(socks && { socks }) };
}

/** Splits a ProxyOverride / bypass string (`;` or whitespace separated) and takes `<local>` out. */
function splitWinInetBypass(value: string): { bypass: string[]; bypassSimpleNames: boolean } {
  const bypass: string[] = [];
  let bypassSimpleNames = false;
  for (const entry of value.split(/[;\s]+/)) {
    if (entry === '') continue;
    if (entry.toLowerCase() === '<local>') bypassSimpleNames = true;
    else bypass.push(entry);
  }
  return { bypass, bypassSimpleNames };
}

function stringValue(values: ReadonlyMap<string, RegValue>, name: string): string | undefined {
  const value = values.get(name);
  return value && typeof value.value === 'string' ? value.value.trim() : undefined;
}

function numberValue(values: ReadonlyMap<string, RegValue>, name: string): number | undefined {
  const value = values.get(name);
  return value && typeof value.value === 'number' ? value.value : undefined;
}

const SOURCE_BLOB_NAME = { wininet: 'DefaultConnectionSettings', 'wininet-machine': 'DefaultConnectionSettings', winhttp: 'WinHttpSettings' } as const;

/**
 * WinINET/WinHTTP settings from the Internet Settings values and, when present, the
 * DefaultConnectionSettings blob, which wins over ProxyEnable/ProxyServer/ProxyOverride/AutoConfigURL/
 * AutoDetect (the disagreement goes into `notes`). `source` is 'wininet', 'wininet-machine' or 'winhttp'
 * (for 'winhttp' pass the WinHttpSettings blob; that key has no loose values).
 *
 * The bypass list is reported even when no manual proxy is on: it is what the source says.
 */
export function winInetSettings(source: 'wininet' | 'wininet-machine' | 'winhttp', values: ReadonlyMap<string, RegValue>, blob?: Buffer): ProxySettings {
  const notes: string[] = [];
  const proxyEnable = numberValue(values, 'proxyenable');
  const proxyServerValue = stringValue(values, 'proxyserver') ?? '';
  const overrideValue = stringValue(values, 'proxyoverride') ?? '';
  const autoConfigValue = stringValue(values, 'autoconfigurl') ?? '';
  const autoDetectValue = numberValue(values, 'autodetect');

  let proxyEnabled = proxyEnable !== undefined && proxyEnable !== 0;
  let proxyServer = proxyServerValue;
  let override = overrideValue;
  let pacUrl = autoConfigValue;
  let autoDetect = autoDetectValue !== undefined && autoDetectValue !== 0;

  const blobName = SOURCE_BLOB_NAME[source];
  const decoded = blob && parseConnectionBlob(blob);
  if (blob && !decoded) {
    notes.push(`${blobName} could not be decoded (truncated or unknown layout); the Internet Settings values were used instead`);
  }
  if (decoded) {
    // The blob is what WinINET actually uses; the loose values are a legacy copy that can go stale.
    if (proxyEnable !== undefined && proxyEnabled !== decoded.proxyEnabled) {
      notes.push(`ProxyEnable is ${proxyEnable} but ${blobName} has the manual proxy ${decoded.proxyEnabled ? 'on' : 'off'}; Windows uses ${blobName}`);
    }
    if (proxyServerValue !== '' && proxyServerValue !== decoded.proxyServer) {
      notes.push(`ProxyServer is "${proxyServerValue}" but ${blobName} holds "${decoded.proxyServer}"; Windows uses ${blobName}`);
    }
    if (overrideValue !== '' && overrideValue !== decoded.bypass) {
      notes.push(`ProxyOverride is "${overrideValue}" but ${blobName} holds "${decoded.bypass}"; Windows uses ${blobName}`);
    }
    const blobPac = decoded.pacEnabled ? decoded.pacUrl : '';
    if (autoConfigValue !== '' && autoConfigValue !== blobPac) {
      notes.push(
        blobPac === ''
          ? `AutoConfigURL is "${autoConfigValue}" but ${blobName} has the setup script off; Windows uses ${blobName}`
          : `AutoConfigURL is "${autoConfigValue}" but ${blobName} holds "${blobPac}"; Windows uses ${blobName}`,
      );
    }
    proxyEnabled = decoded.proxyEnabled;
    proxyServer = decoded.proxyServer;
    override = decoded.bypass;
    pacUrl = blobPac;
    autoDetect = decoded.autoDetect;
    if (decoded.pacEnabled && decoded.pacUrl === '') notes.push(`${blobName} has the setup script on but no script address`);
  }

  const servers = proxyEnabled ? parseWinInetProxyServer(proxyServer) : {};
  if (!proxyEnabled && proxyServer !== '') {
    notes.push(decoded ? `ProxyServer "${proxyServer}" is kept but the manual proxy is off` : `ProxyServer is set but ProxyEnable is ${proxyEnable ?? 'missing'}`);
  }
  if (proxyEnabled && proxyServer === '') notes.push('The manual proxy is on but no proxy server is set');
  if (proxyEnabled && proxyServer !== '' && !servers.http && !servers.https && !servers.socks) {
    notes.push(`The proxy server "${proxyServer}" could not be read`);
  }
  if (pacUrl !== '' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(pacUrl)) notes.push(`The setup script address "${pacUrl}" is not a URL`);
  const { bypass, bypassSimpleNames } = splitWinInetBypass(override);
  return {
    ...emptySettings(source, notes),
    ...servers,
    bypass,
    bypassSimpleNames,
    ...(pacUrl !== '' && { pacUrl }),
    autoDetect,
  };
}

/** A header line: text at the start of the line ending in a colon (ASCII or full-width), nothing after it. */
const NETSH_HEADER = /^\S.*[:：]\s*$/;
/** `    Label :  value`: an indented label, a colon followed by white space, then the value. */
const NETSH_VALUE = /^\s+(\S.*?)\s*[:：]\s+(\S.*?)\s*$/;

/**
 * `netsh winhttp show proxy` output, English or localised (German, French, Japanese, …): the proxy and
 * the bypass list are found by structure, not by label text. After the header line come indented
 * `label : value` lines: the first whose value reads as a ProxyServer list is the proxy, the next one the
 * bypass list (a value wholly in parentheses, such as "(none)" or "(なし)", is an empty list). An
 * indented line with no `label : value` shape is the "direct access" sentence, in any language: no
 * proxy. undefined when nothing can be read (empty output, an error message).
 */
export function parseNetshWinHttp(output: string): ProxySettings | undefined {
  const lines = output.split(/\r?\n/);
  const headerAt = lines.findIndex((line) => NETSH_HEADER.test(line));
  if (headerAt < 0) return undefined;
  const body = lines.slice(headerAt + 1).filter((line) => /^\s+\S/.test(line));
  if (body.length === 0) return undefined;

  const pairs = body.map((line) => NETSH_VALUE.exec(line)).filter((match): match is RegExpExecArray => match !== null);
  const proxyAt = pairs.findIndex((pair) => {
    const servers = parseWinInetProxyServer(pair[2]!);
    return servers.http !== undefined || servers.https !== undefined || servers.socks !== undefined;
  });
  if (proxyAt < 0) {
    // No host:port anywhere. A lone sentence is "Direct access (no proxy server)." in some language;
    // label/value lines we cannot read are something else (say, an address we do not understand).
    return pairs.length === 0 ? emptySettings('winhttp') : undefined;
  }
  const servers = parseWinInetProxyServer(pairs[proxyAt]![2]!);
  const bypassValue = pairs[proxyAt + 1]?.[2] ?? '';
  const { bypass, bypassSimpleNames } = /^\(.*\)$/.test(bypassValue) ? { bypass: [], bypassSimpleNames: false } : splitWinInetBypass(bypassValue);
  return { ...emptySettings('winhttp'), ...servers, bypass, bypassSimpleNames };
}
