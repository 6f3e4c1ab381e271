import { describe, expect, it } from 'vitest';
import { isBypassed, matchesStarPattern, type BypassStack } from '../../../src/platform/bypass.js';
import { readEnvironmentProxies } from '../../../src/platform/environment.js';
import { parseGsettingsProxy } from '../../../src/platform/gnome.js';
import { parseScutilProxy } from '../../../src/platform/macos.js';
import { parseRegQuery, winInetSettings } from '../../../src/platform/windows.js';
import { envFixture, fixture } from './fixture.js';

const STACKS: readonly BypassStack[] = ['node', 'dotnet', 'wininet', 'macos', 'gnome'];

/** One bypass list, one host: what each stack does, in STACKS order. */
function verdicts(bypass: readonly string[], host: string, port?: number, bypassSimpleNames = false): boolean[] {
  return STACKS.map((stack) => isBypassed(stack, { bypass, bypassSimpleNames }, host, port));
}

const Y = true;
const N = false;

describe('isBypassed: the same entry, five readings', () => {
  //                                               node dotnet wininet macos gnome
  const table: [string[], string, boolean[]][] = [
    [['contoso.com'], 'outlook.contoso.com', /*   */ [Y, N, N, N, Y]],
    [['.contoso.com'], 'outlook.contoso.com', /*  */ [Y, Y, N, Y, Y]],
    [['*.contoso.com'], 'outlook.contoso.com', /* */ [Y, N, Y, Y, Y]],
    [['*'], 'outlook.contoso.com', /*             */ [Y, N, Y, Y, N]],
    [['outlook.contoso.com'], 'outlook.contoso.com', [Y, Y, Y, Y, Y]],
    [['OUTLOOK.Contoso.COM'], 'outlook.contoso.com', [Y, Y, Y, Y, Y]],
    [['*contoso.com'], 'outlook.contoso.com', /*  */ [N, N, Y, Y, N]],
    [['outlook.*'], 'outlook.contoso.com', /*     */ [N, N, Y, Y, N]],
    [['contoso.com'], 'notcontoso.com', /*        */ [N, N, N, N, N]],
    [['.contoso.com'], 'contoso.com', /*          */ [Y, Y, N, N, Y]],
    [['*.contoso.com'], 'contoso.com', /*         */ [Y, N, N, N, Y]],
    [['contoso.com'], 'contoso.com', /*           */ [Y, Y, Y, Y, Y]],
    [[], 'outlook.contoso.com', /*                */ [N, N, N, N, N]],
  ];
  it.each(table)('%j for %s', (bypass, host, expected) => {
    expect(verdicts(bypass, host)).toEqual(expected);
  });
});

describe('isBypassed: `*` among other entries', () => {
  it('is global only when it is the whole list for Node, and never for .NET or GNOME', () => {
    expect(verdicts(['localhost', '*'], 'outlook.office365.com')).toEqual([N, N, Y, Y, N]);
    expect(verdicts(['*'], 'outlook.office365.com')).toEqual([Y, N, Y, Y, N]);
  });
});

describe('isBypassed: simple host names (<local>, ExcludeSimpleHostnames)', () => {
  const local = (host: string) => verdicts([], host, undefined, true);

  it('bypasses dotless names on WinINET and macOS only', () => {
    expect(local('intranet')).toEqual([N, N, Y, Y, N]);
    expect(local('outlook.office365.com')).toEqual([N, N, N, N, N]);
  });

  it('bypasses loopback addresses under <local> on WinINET, never other IP literals', () => {
    expect(local('localhost')).toEqual([N, N, Y, Y, N]);
    expect(local('127.0.0.1')).toEqual([N, N, Y, N, N]);
    expect(local('::1')).toEqual([N, N, Y, N, N]);
    expect(local('10.1.2.3')).toEqual([N, N, N, N, N]);
    expect(local('fe80::1')).toEqual([N, N, N, N, N]);
  });

  it('reads a literal <local> left in a WinINET list', () => {
    expect(isBypassed('wininet', { bypass: ['<LOCAL>'], bypassSimpleNames: false }, 'intranet')).toBe(true);
  });
});

describe('isBypassed: ports', () => {
  const entry = ['outlook.office365.com:443'];

  it('Node compares the port, 443 by default', () => {
    expect(isBypassed('node', { bypass: entry, bypassSimpleNames: false }, 'outlook.office365.com')).toBe(true);
    expect(isBypassed('node', { bypass: entry, bypassSimpleNames: false }, 'outlook.office365.com', 8443)).toBe(false);
  });

  it('GNOME matches a port-qualified entry only when the URL writes the port', () => {
    expect(isBypassed('gnome', { bypass: entry, bypassSimpleNames: false }, 'outlook.office365.com')).toBe(false);
    expect(isBypassed('gnome', { bypass: entry, bypassSimpleNames: false }, 'outlook.office365.com', 443)).toBe(true);
    expect(isBypassed('gnome', { bypass: ['[2001:db8::1]:443'], bypassSimpleNames: false }, '2001:db8::1', 443)).toBe(true);
  });

  it('.NET, WinINET and macOS never match a port-qualified entry', () => {
    expect(verdicts(entry, 'outlook.office365.com', 443)).toEqual([Y, N, N, N, Y]);
  });
});

describe('isBypassed: IP addresses and ranges', () => {
  it.each([
    // entries, host, node dotnet wininet macos gnome
    [['127.0.0.0/8'], '127.0.0.1', [N, N, N, Y, Y]],
    [['10.0.0.0/8'], '10.1.2.3', [N, N, N, Y, Y]],
    [['10.0.0.0/8'], 'ten.contoso.com', [N, N, N, N, N]],
    [['10.*'], '10.1.2.3', [N, N, Y, Y, N]],
    [['169.254/16'], '169.254.10.1', [N, N, N, Y, N]],
    [['169.254/16'], '169.255.0.1', [N, N, N, N, N]],
    [['fe80::/10'], 'fe80::1', [N, N, N, Y, Y]],
    [['::1'], '::1', [N, N, Y, Y, Y]],
    [['[::1]'], '::1', [Y, Y, Y, Y, N]],
    [['[::1]'], '[::1]', [Y, Y, Y, Y, N]],
    [['192.168.1.10'], '192.168.1.10', [Y, Y, Y, Y, Y]],
    [['192.168.1.10'], '192.168.1.100', [N, N, N, N, N]],
    // GLib refuses a mask with host bits set and keeps it as a (useless) name.
    [['127.0.0.1/8'], '127.0.0.5', [N, N, N, Y, N]],
  ] as [string[], string, boolean[]][])('%j for %s', (bypass, host, expected) => {
    expect(verdicts(bypass, host)).toEqual(expected);
  });
});

describe('isBypassed: stack-specific details', () => {
  it('WinINET drops an http(s):// prefix and ignores a trailing space-separated part', () => {
    expect(isBypassed('wininet', { bypass: ['https://*.contoso.com'], bypassSimpleNames: false }, 'outlook.contoso.com')).toBe(true);
    expect(isBypassed('wininet', { bypass: ['  *.contoso.com junk'], bypassSimpleNames: false }, 'outlook.contoso.com')).toBe(true);
  });

  it('GNOME stops at the first empty name, as GLib does', () => {
    expect(isBypassed('gnome', { bypass: ['.', 'outlook.contoso.com'], bypassSimpleNames: false }, 'outlook.contoso.com')).toBe(false);
    expect(isBypassed('gnome', { bypass: ['outlook.contoso.com', '.'], bypassSimpleNames: false }, 'outlook.contoso.com')).toBe(true);
  });

  it('macOS reads a leading dot as "*."', () => {
    expect(isBypassed('macos', { bypass: ['.local'], bypassSimpleNames: false }, 'printer.local')).toBe(true);
    expect(isBypassed('macos', { bypass: ['.local'], bypassSimpleNames: false }, 'local')).toBe(false);
  });

  it('accepts hosts in brackets and any case', () => {
    expect(isBypassed('dotnet', { bypass: ['[::1]'], bypassSimpleNames: false }, '[::1]')).toBe(true);
    expect(isBypassed('node', { bypass: ['.contoso.com'], bypassSimpleNames: false }, 'Outlook.Contoso.COM')).toBe(true);
  });
});

describe('matchesStarPattern', () => {
  it.each([
    ['outlook.contoso.com', '*.contoso.com', true],
    ['contoso.com', '*.contoso.com', false],
    ['a.b.c', '*', true],
    ['', '*', true],
    ['abc', 'a*c', true],
    ['abcbc', 'a*bc', true],
    ['abd', 'a*c', false],
    ['ABC', 'a*', true],
    ['abc', 'abc*', true],
    ['ab', 'abc', false],
  ])('%s ~ %s is %s', (input, pattern, expected) => {
    expect(matchesStarPattern(input, pattern)).toBe(expected);
  });
});

describe('isBypassed on parsed fixtures', () => {
  it('Microsoft endpoints go through the proxy, intranet names do not, per source', () => {
    const wininet = winInetSettings('wininet', parseRegQuery(fixture('reg-query/internet-settings-pac-and-manual.txt')));
    expect(isBypassed('wininet', wininet, 'outlook.office365.com')).toBe(false);
    expect(isBypassed('wininet', wininet, 'login.microsoftonline.com')).toBe(true);
    expect(isBypassed('wininet', wininet, 'mail.contoso.com')).toBe(true);
    expect(isBypassed('wininet', wininet, 'intranet')).toBe(true);
    expect(isBypassed('wininet', wininet, '10.20.30.40')).toBe(true);

    const macos = parseScutilProxy(fixture('scutil/http-https-pac-domain-md.txt'));
    expect(isBypassed('macos', macos, 'printer.local')).toBe(true);
    expect(isBypassed('macos', macos, '169.254.1.1')).toBe(true);
    expect(isBypassed('macos', macos, 'outlook.office365.com')).toBe(false);

    const gnome = parseGsettingsProxy(fixture('gsettings/manual-http-socks-composed.txt'));
    if (!gnome) throw new Error('no gnome settings');
    expect(isBypassed('gnome', gnome, 'outlook.contoso.com')).toBe(true);
    expect(isBypassed('gnome', gnome, '127.0.0.1')).toBe(true);
    expect(isBypassed('gnome', gnome, '10.1.1.1')).toBe(false); // '10.*' is no GNOME pattern
    expect(isBypassed('gnome', gnome, 'login.microsoftonline.com')).toBe(false); // only with an explicit :443

    const { node, dotnet } = readEnvironmentProxies(envFixture('env/both-cases-disagree-composed.env'));
    if (!dotnet) throw new Error('no .NET settings');
    expect(isBypassed('node', node, 'contoso.com')).toBe(true);
    expect(isBypassed('dotnet', dotnet, 'contoso.com')).toBe(true);
    expect(isBypassed('node', node, 'outlook.office365.com')).toBe(false);
  });
});
