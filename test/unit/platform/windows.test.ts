import { describe, expect, it } from 'vitest';
import { emptySettings } from '../../../src/platform/proxy-settings.js';
import {
  parseConnectionBlob,
  parseNetshWinHttp,
  parseRegQuery,
  parseWinInetProxyServer,
  winInetSettings,
  type RegValue,
} from '../../../src/platform/windows.js';
import { fixture, hexFixture } from './fixture.js';

const CONTOSO_8080 = { scheme: 'http', host: 'proxy.contoso.com', port: 8080 } as const;

function binary(values: ReadonlyMap<string, RegValue>, name: string): Buffer {
  const value = values.get(name);
  if (value?.type !== 'REG_BINARY') throw new Error(`${name} is not REG_BINARY`);
  return value.value;
}

describe('parseRegQuery', () => {
  it('reads every value of the queried key from a recorded reg.exe output, and no subkey', () => {
    const values = parseRegQuery(fixture('reg-query/internet-settings-icedtea.txt'));
    // IcedTea-Web's own test expects the same 14 values from this recording.
    expect(values.size).toBe(14);
    expect(values.get('proxyserver')).toEqual({ type: 'REG_SZ', value: 'loooocalhost:80' });
    expect(values.get('proxyenable')).toEqual({ type: 'REG_DWORD', value: 0 });
    expect(values.get('autoconfigurl')).toEqual({ type: 'REG_SZ', value: 'huhu' });
    expect(values.get('user agent')).toEqual({ type: 'REG_SZ', value: 'Mozilla/4.0 (compatible; MSIE 8.0; Win32)' });
    expect(values.get('secureprotocols')).toEqual({ type: 'REG_DWORD', value: 0xa80 });
    expect(values.get('zonessecurityupgrade')).toEqual({ type: 'REG_BINARY', value: Buffer.from('c6a3dde383ded401', 'hex') });
    expect(values.get('lockdatabase')?.type).toBe('REG_QWORD');
    expect([...values.keys()].some((name) => name.includes('\\'))).toBe(false);
  });

  it('reads CRLF output and stores names lower-cased', () => {
    const values = parseRegQuery(fixture('reg-query/internet-settings-manual-local.txt'));
    expect(values.get('proxyserver')).toEqual({ type: 'REG_SZ', value: 'proxy.contoso.com:8080' });
    expect(values.get('proxyoverride')).toEqual({ type: 'REG_SZ', value: '*.contoso.com;<local>' });
    expect(values.has('ProxyServer')).toBe(false);
  });

  it('reads empty string values as empty strings', () => {
    const values = parseRegQuery(fixture('reg-query/internet-settings-empty-values.txt'));
    expect(values.get('proxyserver')).toEqual({ type: 'REG_SZ', value: '' });
    expect(values.get('proxyoverride')).toEqual({ type: 'REG_SZ', value: '' });
    expect(values.get('autoconfigurl')).toEqual({ type: 'REG_SZ', value: '' });
    expect(values.get('proxyenable')).toEqual({ type: 'REG_DWORD', value: 0 });
  });

  it('returns an empty map for "unable to find the specified registry key"', () => {
    expect(parseRegQuery(fixture('reg-query/key-not-found.txt')).size).toBe(0);
  });

  it('reads REG_BINARY values as bytes', () => {
    const values = parseRegQuery(fixture('reg-query/connections-soapffz.txt'));
    expect(binary(values, 'defaultconnectionsettings')).toEqual(hexFixture('blob/ie7-direct-soapffz.hex'));
    expect(binary(values, 'savedlegacysettings')).toEqual(hexFixture('blob/ie7-manual-local-autodetect-soapffz.hex'));
  });

  it('ignores the values of other keys (reg query /s) and lines that are not values', () => {
    const output = [
      '',
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\CurrentVersion\\Internet Settings',
      '    ProxySettingsPerUser    REG_DWORD    0x0',
      '    Odd line without a type',
      '    Big    REG_MULTI_SZ    a\\0b',
      '    Nothing    REG_NONE    ',
      '',
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Other',
      '    ProxySettingsPerUser    REG_DWORD    0x1',
      '',
    ].join('\r\n');
    expect([...parseRegQuery(output)]).toEqual([
      ['proxysettingsperuser', { type: 'REG_DWORD', value: 0 }],
      ['big', { type: 'REG_MULTI_SZ', value: 'a\\0b' }],
    ]);
  });
});

describe('parseConnectionBlob', () => {
  const blob = (version: number, counter: number, flags: number, proxyServer: string, bypass: string, pacUrl: string) => ({
    version,
    counter,
    proxyEnabled: (flags & 2) !== 0,
    pacEnabled: (flags & 4) !== 0,
    autoDetect: (flags & 8) !== 0,
    proxyServer,
    bypass,
    pacUrl,
  });

  it.each([
    ['ie7-direct-soapffz.hex', blob(0x46, 10, 0x01, '', '', '')],
    ['ie7-manual-local-autodetect-soapffz.hex', blob(0x46, 0x51, 0x0b, '127.0.0.1:80', '<local>', '')],
    ['ie7-manual-composed.hex', blob(0x46, 0x1f, 0x03, 'proxy.contoso.com:8080', '*.contoso.com;<local>', '')],
    ['ie7-pac-composed.hex', blob(0x46, 0x20, 0x05, '', '', 'http://wpad.contoso.com/proxy.pac')],
    ['ie7-auto-detect-composed.hex', blob(0x46, 2, 0x09, '', '', '')],
    ['ie7-all-on-vbfox.hex', blob(0x46, 64, 0x0f, 'google.com:42', 'Lol;<local>', 'http://google.fr/')],
    ['ie7-proxy-kept-off-vbfox.hex', blob(0x46, 68, 0x01, 'google.com:42', 'Lol;<local>', 'http://google.fr/')],
    ['ie6-auto-detect-vbfox.hex', blob(0x3c, 58, 0x09, '', '', '')],
    ['winhttp-direct-vbfox.hex', blob(0x28, 0, 0x01, '', '', '')],
    ['winhttp-direct-0x18-microsoft.hex', blob(0x18, 0, 0x01, '', '', '')],
    ['winhttp-proxy-vbfox.hex', blob(0x28, 0, 0x03, 'a:42', '*.42', '')],
    ['winhttp-proxy-ipv6-composed.hex', blob(0x28, 0, 0x03, '[2001:db8::10]:3128', '<local>;*.contoso.com', '')],
  ])('decodes %s', (file, expected) => {
    expect(parseConnectionBlob(hexFixture(`blob/${file}`))).toEqual(expected);
  });

  it('refuses a blob cut inside a string', () => {
    expect(parseConnectionBlob(hexFixture('blob/truncated-composed.hex'))).toBeUndefined();
  });

  it('refuses an IE6+ blob that ends before its PAC length', () => {
    const full = hexFixture('blob/ie7-direct-soapffz.hex');
    expect(parseConnectionBlob(full.subarray(0, 20))).toBeUndefined();
    expect(parseConnectionBlob(full.subarray(0, 24))).toEqual(blob(0x46, 10, 0x01, '', '', ''));
  });

  it('refuses lengths beyond the buffer, a short header and an impossible version', () => {
    const lying = Buffer.from('2800000000000000030000000000010061', 'hex'); // proxy length 0x10000
    expect(parseConnectionBlob(lying)).toBeUndefined();
    expect(parseConnectionBlob(Buffer.from('46000000', 'hex'))).toBeUndefined();
    expect(parseConnectionBlob(Buffer.alloc(0))).toBeUndefined();
    expect(parseConnectionBlob(Buffer.from('0500000000000000010000000000000000000000', 'hex'))).toBeUndefined();
  });
});

describe('parseWinInetProxyServer', () => {
  it('uses one host:port for http and https', () => {
    expect(parseWinInetProxyServer('proxy.contoso.com:8080')).toEqual({ http: CONTOSO_8080, https: CONTOSO_8080 });
  });

  it('reads per-protocol lists, ignoring ftp', () => {
    expect(parseWinInetProxyServer('http=proxy.contoso.com:8080;https=secure.contoso.com:8443;ftp=ftp.contoso.com:21;socks=socks.contoso.com:1080')).toEqual({
      http: CONTOSO_8080,
      https: { scheme: 'http', host: 'secure.contoso.com', port: 8443 },
      socks: { scheme: 'socks', host: 'socks.contoso.com', port: 1080 },
    });
  });

  it('reads scheme prefixes, IPv6 and white space separators', () => {
    expect(parseWinInetProxyServer('http=http://[2001:db8::1]:3128 https=https://secure.contoso.com')).toEqual({
      http: { scheme: 'http', host: '2001:db8::1', port: 3128 },
      https: { scheme: 'https', host: 'secure.contoso.com', port: 443 },
    });
  });

  it('keeps the first entry per protocol and lets a plain entry fill the rest', () => {
    expect(parseWinInetProxyServer('https=secure.contoso.com:8443;proxy.contoso.com:8080;other:1')).toEqual({
      http: CONTOSO_8080,
      https: { scheme: 'http', host: 'secure.contoso.com', port: 8443 },
    });
  });

  it('gives no server for a SOCKS-only or unreadable value', () => {
    expect(parseWinInetProxyServer('socks=10.0.0.1:1080')).toEqual({ socks: { scheme: 'socks', host: '10.0.0.1', port: 1080 } });
    expect(parseWinInetProxyServer('')).toEqual({});
    expect(parseWinInetProxyServer('proxy:99999')).toEqual({});
  });
});

describe('winInetSettings', () => {
  const values = (file: string) => parseRegQuery(fixture(`reg-query/${file}`));

  it('reads a manual proxy with a <local> override', () => {
    expect(winInetSettings('wininet', values('internet-settings-manual-local.txt'))).toEqual({
      source: 'wininet',
      http: CONTOSO_8080,
      https: CONTOSO_8080,
      bypass: ['*.contoso.com'],
      bypassSimpleNames: true,
      autoDetect: false,
      notes: [],
    });
  });

  it('reads a PAC URL next to a per-protocol manual proxy', () => {
    expect(winInetSettings('wininet', values('internet-settings-pac-and-manual.txt'))).toEqual({
      source: 'wininet',
      http: CONTOSO_8080,
      https: { scheme: 'http', host: 'proxy.contoso.com', port: 8443 },
      socks: { scheme: 'socks', host: 'socks.contoso.com', port: 1080 },
      bypass: ['10.*', '*.contoso.com', 'login.microsoftonline.com'],
      bypassSimpleNames: true,
      pacUrl: 'http://wpad.contoso.com/proxy.pac',
      autoDetect: false,
      notes: [],
    });
  });

  it('says so when a proxy server is kept with ProxyEnable 0 (recorded)', () => {
    expect(winInetSettings('wininet', values('internet-settings-icedtea.txt'))).toEqual({
      source: 'wininet',
      bypass: [],
      bypassSimpleNames: false,
      pacUrl: 'huhu',
      autoDetect: false,
      notes: ['ProxyServer is set but ProxyEnable is 0', 'The setup script address "huhu" is not a URL'],
    });
  });

  it('reads empty values as nothing set', () => {
    expect(winInetSettings('wininet', values('internet-settings-empty-values.txt'))).toEqual(emptySettings('wininet'));
    expect(winInetSettings('wininet-machine', values('key-not-found.txt'))).toEqual(emptySettings('wininet-machine'));
  });

  it('lets DefaultConnectionSettings win over stale loose values, with the disagreement in notes', () => {
    const blob = binary(values('connections-soapffz.txt'), 'defaultconnectionsettings');
    expect(winInetSettings('wininet', values('internet-settings-manual-local.txt'), blob)).toEqual({
      ...emptySettings('wininet'),
      notes: [
        'ProxyEnable is 1 but DefaultConnectionSettings has the manual proxy off; Windows uses DefaultConnectionSettings',
        'ProxyServer is "proxy.contoso.com:8080" but DefaultConnectionSettings holds ""; Windows uses DefaultConnectionSettings',
        'ProxyOverride is "*.contoso.com;<local>" but DefaultConnectionSettings holds ""; Windows uses DefaultConnectionSettings',
      ],
    });
  });

  it('reads manual proxy, <local> and auto-detect from the blob alone', () => {
    const blob = binary(values('connections-soapffz.txt'), 'savedlegacysettings');
    expect(winInetSettings('wininet', new Map(), blob)).toEqual({
      source: 'wininet',
      http: { scheme: 'http', host: '127.0.0.1', port: 80 },
      https: { scheme: 'http', host: '127.0.0.1', port: 80 },
      bypass: [],
      bypassSimpleNames: true,
      autoDetect: true,
      notes: [],
    });
  });

  it('takes the PAC URL from the blob and notes a different AutoConfigURL value', () => {
    const loose = new Map<string, RegValue>([['autoconfigurl', { type: 'REG_SZ', value: 'http://old.contoso.com/proxy.pac' }]]);
    expect(winInetSettings('wininet', loose, hexFixture('blob/ie7-pac-composed.hex'))).toEqual({
      ...emptySettings('wininet'),
      pacUrl: 'http://wpad.contoso.com/proxy.pac',
      notes: ['AutoConfigURL is "http://old.contoso.com/proxy.pac" but DefaultConnectionSettings holds "http://wpad.contoso.com/proxy.pac"; Windows uses DefaultConnectionSettings'],
    });
  });

  it('keeps a switched-off proxy out, and says it is still stored', () => {
    expect(winInetSettings('wininet', new Map(), hexFixture('blob/ie7-proxy-kept-off-vbfox.hex'))).toEqual({
      ...emptySettings('wininet'),
      bypass: ['Lol'],
      bypassSimpleNames: true,
      notes: ['ProxyServer "google.com:42" is kept but the manual proxy is off'],
    });
  });

  it('reads WinHttpSettings for the winhttp source', () => {
    expect(winInetSettings('winhttp', new Map(), hexFixture('blob/winhttp-proxy-vbfox.hex'))).toEqual({
      source: 'winhttp',
      http: { scheme: 'http', host: 'a', port: 42 },
      https: { scheme: 'http', host: 'a', port: 42 },
      bypass: ['*.42'],
      bypassSimpleNames: false,
      autoDetect: false,
      notes: [],
    });
    expect(winInetSettings('winhttp', new Map(), hexFixture('blob/winhttp-direct-0x18-microsoft.hex'))).toEqual(emptySettings('winhttp'));
  });

  it('falls back to the values, with a note, when the blob cannot be decoded', () => {
    const settings = winInetSettings('wininet', values('internet-settings-manual-local.txt'), hexFixture('blob/truncated-composed.hex'));
    expect(settings.http).toEqual(CONTOSO_8080);
    expect(settings.notes).toEqual(['DefaultConnectionSettings could not be decoded (truncated or unknown layout); the Internet Settings values were used instead']);
  });

  it('notes a manual proxy that is on without a usable server', () => {
    const on = (server: string) => new Map<string, RegValue>([
      ['proxyenable', { type: 'REG_DWORD', value: 1 }],
      ['proxyserver', { type: 'REG_SZ', value: server }],
    ]);
    expect(winInetSettings('wininet', on('')).notes).toEqual(['The manual proxy is on but no proxy server is set']);
    expect(winInetSettings('wininet', on('proxy:99999')).notes).toEqual(['The proxy server "proxy:99999" could not be read']);
  });
});

describe('parseNetshWinHttp', () => {
  const direct = emptySettings('winhttp');

  it.each([
    'netsh/en-direct-microsoft.txt',
    'netsh/ja-direct-mshr-h.txt',
    'netsh/de-direct-composed.txt',
    'netsh/fr-direct-composed.txt',
  ])('reads "direct access" in any language (%s)', (file) => {
    expect(parseNetshWinHttp(fixture(file))).toEqual(direct);
  });

  it('reads the English proxy and bypass list', () => {
    expect(parseNetshWinHttp(fixture('netsh/en-proxy-bypass-microsoft.txt'))).toEqual({
      ...direct,
      http: CONTOSO_8080,
      https: CONTOSO_8080,
      bypass: ['localhost', '*.contoso.com'],
    });
  });

  it('reads a Japanese proxy with "(なし)" as an empty bypass list', () => {
    expect(parseNetshWinHttp(fixture('netsh/ja-proxy-no-bypass-mshr-h.txt'))).toEqual({
      ...direct,
      http: { scheme: 'http', host: '1.2.3.4', port: 5678 },
      https: { scheme: 'http', host: '1.2.3.4', port: 5678 },
    });
  });

  it('reads a Japanese proxy with a bypass list and <local>', () => {
    expect(parseNetshWinHttp(fixture('netsh/ja-proxy-bypass-jpazureid.txt'))).toEqual({
      ...direct,
      http: { scheme: 'http', host: 'proxy_address', port: 8080 },
      https: { scheme: 'http', host: 'proxy_address', port: 8080 },
      bypass: ['test.com', '*.test.com', 'sts.federation.com'],
      bypassSimpleNames: true,
    });
  });

  it('reads a German per-protocol proxy', () => {
    expect(parseNetshWinHttp(fixture('netsh/de-proxy-bypass-composed.txt'))).toEqual({
      ...direct,
      http: CONTOSO_8080,
      https: { scheme: 'http', host: 'proxy.contoso.com', port: 8443 },
      bypass: ['*.contoso.com'],
      bypassSimpleNames: true,
    });
  });

  it('reads labels it has never seen, full-width colons included', () => {
    const output = '現在的 WinHTTP 代理服务器设置：\r\n\r\n    代理服务器：  [2001:db8::1]:3128\r\n    绕过列表：  <local>\r\n';
    expect(parseNetshWinHttp(output)).toEqual({
      ...direct,
      http: { scheme: 'http', host: '2001:db8::1', port: 3128 },
      https: { scheme: 'http', host: '2001:db8::1', port: 3128 },
      bypassSimpleNames: true,
    });
  });

  it('returns undefined when nothing can be read', () => {
    expect(parseNetshWinHttp(fixture('netsh/error-composed.txt'))).toBeUndefined();
    expect(parseNetshWinHttp('')).toBeUndefined();
    expect(parseNetshWinHttp('Current WinHTTP proxy settings:\r\n')).toBeUndefined();
    expect(parseNetshWinHttp('Current WinHTTP proxy settings:\r\n\r\n    Proxy Server(s) :  ???\r\n')).toBeUndefined();
  });
});
