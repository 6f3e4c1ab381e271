/**
 * GNOME proxy settings as `gsettings list-recursively org.gnome.system.proxy` prints them
 * (`schema key value`, values in GVariant text form). Pure.
 *
 * Meaning follows glib-networking's GProxyResolverGnome (`proxy/gnome/gproxyresolvergnome.c`,
 * update_settings), the resolver GLib applications use on GNOME:
 * - mode 'manual': `http` host → proxy for http URLs; `https` host → proxy for https URLs, and when the
 *   https host is empty the HTTP proxy serves https URLs too; `socks` host → the proxy for everything
 *   else; `use-same-proxy` only makes the HTTP proxy the fallback for other schemes;
 * - mode 'auto': the PAC file at autoconfig-url (an empty URL means WPAD discovery);
 * - ignore-hosts applies in both modes (GSimpleProxyResolver, see bypass.ts).
 */
import { emptySettings, type ProxyServer, type ProxySettings } from './proxy-settings.js';

const LINE = /^(org\.gnome\.system\.proxy(?:\.(?:http|https|ftp|socks))?)\s+([\w-]+)\s+(.*?)\s*$/;

/** A GVariant string literal ('…' or "…", backslash escapes) at the start of `text`, with what follows. */
function readString(text: string): { value: string; rest: string } | undefined {
  const quote = text[0];
  if (quote !== "'" && quote !== '"') return undefined;
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\' && i + 1 < text.length) {
      value += text[++i]!;
    } else if (char === quote) {
      return { value, rest: text.slice(i + 1) };
    } else {
      value += char;
    }
  }
  return undefined;
}

function parseString(text: string): string | undefined {
  const read = readString(text);
  return read && read.rest.trim() === '' ? read.value : undefined;
}

/** `['a', 'b']`, `[]` or `@as []`. */
function parseStringArray(text: string): string[] | undefined {
  let rest = text.replace(/^@as\s+/, '').trim();
  if (!rest.startsWith('[') || !rest.endsWith(']')) return undefined;
  rest = rest.slice(1, -1).trim();
  const values: string[] = [];
  while (rest !== '') {
    const read = readString(rest);
    if (!read) return undefined;
    values.push(read.value);
    rest = read.rest.trim().replace(/^,/, '').trim();
  }
  return values;
}

function parseInteger(text: string): number | undefined {
  const match = /^(?:u?int\d+\s+)?(-?\d+)$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/**
 * The output of `gsettings list-recursively org.gnome.system.proxy`. mode 'none' → no proxy; 'auto' →
 * pacUrl (autoconfig-url) or autoDetect when it is empty; 'manual' → the servers whose host is non-empty
 * and port > 0. Lines of other schemas (from `gsettings list-recursively | grep proxy`) are ignored.
 * undefined for empty output (no GNOME schema).
 */
export function parseGsettingsProxy(output: string): ProxySettings | undefined {
  const values = new Map<string, string>();
  for (const line of output.split(/\r?\n/)) {
    const match = LINE.exec(line.trim());
    if (match) values.set(`${match[1]!.replace(/^org\.gnome\.system\.proxy\.?/, '') || 'proxy'} ${match[2]!}`, match[3]!);
  }
  if (values.size === 0) return undefined;

  const notes: string[] = [];
  const str = (key: string): string | undefined => {
    const raw = values.get(key);
    return raw === undefined ? undefined : parseString(raw);
  };
  const mode = str('proxy mode');
  const ignoreHostsRaw = values.get('proxy ignore-hosts');
  const bypass = ignoreHostsRaw === undefined ? [] : (parseStringArray(ignoreHostsRaw) ?? []);
  if (ignoreHostsRaw !== undefined && !parseStringArray(ignoreHostsRaw)) notes.push(`ignore-hosts could not be read: ${ignoreHostsRaw}`);
  for (const entry of bypass) {
    // GSettings stores a list; a comma inside one item is a list typed into a single field.
    if (entry.includes(',')) notes.push(`The ignore-hosts entry "${entry}" contains a comma; GNOME treats it as one host name`);
  }
  const base = { ...emptySettings('gnome', notes), bypass };

  switch (mode) {
    case 'none':
      return base;
    case 'auto': {
      const pacUrl = str('proxy autoconfig-url') ?? '';
      if (pacUrl !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(pacUrl)) notes.push(`autoconfig-url "${pacUrl}" is not a URL`);
      return pacUrl === '' ? { ...base, autoDetect: true } : { ...base, pacUrl };
    }
    case 'manual': {
      const serverFor = (schema: 'http' | 'https' | 'socks', scheme: ProxyServer['scheme']): ProxyServer | undefined => {
        const host = (str(`${schema} host`) ?? '').trim();
        const portRaw = values.get(`${schema} port`);
        const port = portRaw === undefined ? undefined : parseInteger(portRaw);
        if (host === '') return undefined;
        if (port === undefined || port <= 0 || port > 65535) {
          notes.push(`The ${schema} proxy host "${host}" has port ${port ?? 'missing'}; it is not used`);
          return undefined;
        }
        return { scheme, host: host.replace(/^\[(.*)\]$/, '$1').toLowerCase(), port };
      };
      const http = serverFor('http', 'http');
      // glib-networking: an empty https host sends https URLs through the HTTP proxy.
      const https = serverFor('https', 'http') ?? http;
      const socks = serverFor('socks', 'socks');
      if (!http && !https && !socks) notes.push("mode is 'manual' but no proxy host is set");
      return { ...base, ...(http && { http }), ...(https && { https }), ...(socks && { socks }) };
    }
    default:
      notes.push(mode === undefined ? 'The proxy mode is missing' : `Unknown proxy mode '${mode}'`);
      return base;
  }
}
