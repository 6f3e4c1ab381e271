import { describe, expect, it } from 'vitest';
import { parseScutilProxy } from '../../../src/platform/macos.js';
import { emptySettings } from '../../../src/platform/proxy-settings.js';
import { fixture } from './fixture.js';

const none = emptySettings('macos');

describe('parseScutilProxy', () => {
  it('reads HTTP and HTTPS proxies (recorded, CRLF)', () => {
    expect(parseScutilProxy(fixture('scutil/http-https-icedtea.txt'))).toEqual({
      ...none,
      http: { scheme: 'http', host: 'example.proxy', port: 80 },
      https: { scheme: 'http', host: 'example.https.proxy', port: 88 },
    });
  });

  it('reads the default settings of a Mac with no proxy: only exceptions', () => {
    expect(parseScutilProxy(fixture('scutil/nothing-default-exceptions-icedtea.txt'))).toEqual({ ...none, bypass: ['*.local', '169.254/16'] });
  });

  it('reads an empty dictionary as nothing', () => {
    expect(parseScutilProxy(fixture('scutil/empty-dictionary-httptoolkit.txt'))).toEqual(none);
  });

  it('reads a PAC URL with WPAD on and simple host names excluded', () => {
    expect(parseScutilProxy(fixture('scutil/pac-wpad-httptoolkit.txt'))).toEqual({
      ...none,
      bypass: ['localhost', '127.0.0.1'],
      bypassSimpleNames: true,
      pacUrl: 'http://wpad/wpad.dat',
      autoDetect: true,
    });
  });

  it('reads manual proxies and a PAC URL together', () => {
    expect(parseScutilProxy(fixture('scutil/http-https-pac-domain-md.txt'))).toEqual({
      ...none,
      http: { scheme: 'http', host: 'proxy.contoso.com', port: 8080 },
      https: { scheme: 'http', host: 'proxy.contoso.com', port: 8080 },
      bypass: ['*.local', '169.254/16'],
      bypassSimpleNames: true,
      pacUrl: 'http://wpad.contoso.com/wpad.dat',
    });
  });

  it('reads a SOCKS proxy', () => {
    expect(parseScutilProxy(fixture('scutil/socks-httptoolkit.txt'))).toEqual({
      ...none,
      socks: { scheme: 'socks', host: '127.0.0.1', port: 2020 },
      bypassSimpleNames: true,
    });
  });

  it('reads IPv6 proxies, ignores disabled entries and the per-interface __SCOPED__ dictionary', () => {
    expect(parseScutilProxy(fixture('scutil/ipv6-scoped-composed.txt'))).toEqual({
      ...none,
      http: { scheme: 'http', host: '2001:db8::8', port: 3128 },
      https: { scheme: 'http', host: '2001:db8::9', port: 3129 },
      bypass: ['*.local', '169.254/16', 'fe80::/10', '.contoso.com'],
    });
  });

  it('notes an exception entry that still holds a comma-separated list', () => {
    expect(parseScutilProxy(fixture('scutil/exceptions-with-comma-httptoolkit.txt'))).toEqual({
      ...none,
      bypass: ['*.local, 169.254/16'],
      notes: ['The ExceptionsList entry "*.local, 169.254/16" contains a comma; it is one pattern, not a list'],
    });
  });

  it('notes enabled entries it cannot use and output that is cut short', () => {
    const output = '<dictionary> {\n  HTTPEnable : 1\n  HTTPProxy : proxy.contoso.com\n  HTTPSEnable : 1\n  HTTPSPort : 443\n  ProxyAutoConfigEnable : 1\n';
    expect(parseScutilProxy(output)).toEqual({
      ...none,
      notes: [
        'The scutil output is cut short or not a dictionary; only what could be read is used',
        'HTTPEnable is 1 but HTTPPort is missing',
        'HTTPSEnable is 1 but HTTPSProxy is empty',
        'ProxyAutoConfigEnable is 1 but ProxyAutoConfigURLString is empty',
      ],
    });
  });

  it('says so when scutil printed nothing', () => {
    expect(parseScutilProxy('')).toEqual({ ...none, notes: ['scutil --proxy printed nothing'] });
  });
});
