import { describe, expect, it } from 'vitest';
import { parseGsettingsProxy } from '../../../src/platform/gnome.js';
import { emptySettings } from '../../../src/platform/proxy-settings.js';
import { fixture } from './fixture.js';

const none = emptySettings('gnome');
const DEFAULT_IGNORE = ['localhost', '127.0.0.0/8', '::1'];

describe('parseGsettingsProxy', () => {
  it("reads mode 'manual' (recorded)", () => {
    expect(parseGsettingsProxy(fixture('gsettings/manual-ubproxy.txt'))).toEqual({
      ...none,
      http: { scheme: 'http', host: 'myproxyhost', port: 8080 },
      https: { scheme: 'http', host: 'myproxyhost', port: 8080 },
      bypass: DEFAULT_IGNORE,
    });
  });

  it("reads mode 'auto' with a PAC location, noting one that is a path rather than a URL (recorded)", () => {
    expect(parseGsettingsProxy(fixture('gsettings/auto-pac-eexpress.txt'))).toEqual({
      ...none,
      bypass: DEFAULT_IGNORE,
      pacUrl: '/home/eexp/bin/config/proxy.pac',
      notes: ['autoconfig-url "/home/eexp/bin/config/proxy.pac" is not a URL'],
    });
  });

  it("reads mode 'auto' with no URL as WPAD discovery, and an empty typed array", () => {
    expect(parseGsettingsProxy(fixture('gsettings/auto-wpad-composed.txt'))).toEqual({ ...none, autoDetect: true });
  });

  it("reads mode 'none' as no proxy even with hosts and a PAC URL stored", () => {
    expect(parseGsettingsProxy(fixture('gsettings/none-icedtea.txt'))).toEqual({ ...none, bypass: DEFAULT_IGNORE });
  });

  it('sends https through the HTTP proxy when the https host is empty, keeps SOCKS, skips port 0', () => {
    expect(parseGsettingsProxy(fixture('gsettings/manual-http-socks-composed.txt'))).toEqual({
      ...none,
      http: { scheme: 'http', host: 'proxy.contoso.com', port: 3128 },
      https: { scheme: 'http', host: 'proxy.contoso.com', port: 3128 },
      socks: { scheme: 'socks', host: 'socks.contoso.com', port: 1080 },
      bypass: [...DEFAULT_IGNORE, '*.contoso.com', '10.*', 'login.microsoftonline.com:443'],
    });
  });

  it('returns undefined without the GNOME schema', () => {
    expect(parseGsettingsProxy(fixture('gsettings/no-schema-composed.txt'))).toBeUndefined();
    expect(parseGsettingsProxy('No such schema “org.gnome.system.proxy”\n')).toBeUndefined();
  });

  it('ignores lines of other schemas, as `gsettings list-recursively | grep proxy` prints them', () => {
    const output = [
      "org.gnome.system.proxy mode 'manual'",
      'com.gexperts.Tilix.Settings set-proxy-env true',
      'org.gnome.evolution.shell.network-config proxy-type 0',
      "org.gnome.system.proxy.https host '172.16.102.28'",
      'org.gnome.system.proxy.https port 8080',
    ].join('\n');
    expect(parseGsettingsProxy(output)).toEqual({ ...none, https: { scheme: 'http', host: '172.16.102.28', port: 8080 } });
  });

  it('reads escaped quotes and notes a list typed into one ignore-hosts item', () => {
    const output = "org.gnome.system.proxy mode 'none'\norg.gnome.system.proxy ignore-hosts ['localhost,127.0.0.0/8', \"it's\", 'a\\'b']\n";
    expect(parseGsettingsProxy(output)).toEqual({
      ...none,
      bypass: ['localhost,127.0.0.0/8', "it's", "a'b"],
      notes: ['The ignore-hosts entry "localhost,127.0.0.0/8" contains a comma; GNOME treats it as one host name'],
    });
  });

  it('notes a manual mode without hosts, a port-0 host and an unknown mode', () => {
    expect(parseGsettingsProxy("org.gnome.system.proxy mode 'manual'\norg.gnome.system.proxy.http host 'p'\norg.gnome.system.proxy.http port 0\n")).toEqual({
      ...none,
      notes: ['The http proxy host "p" has port 0; it is not used', "mode is 'manual' but no proxy host is set"],
    });
    expect(parseGsettingsProxy("org.gnome.system.proxy mode 'sometimes'\n")).toEqual({ ...none, notes: ["Unknown proxy mode 'sometimes'"] });
  });
});
