import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProxyAddress, proxyUrl, type ProxyServer } from '../../../src/platform/proxy-settings.js';
import { fixture } from './fixture.js';

describe('parseProxyAddress', () => {
  const cases: [string, ProxyServer | undefined][] = [
    ['proxy.contoso.com:8080', { scheme: 'http', host: 'proxy.contoso.com', port: 8080 }],
    ['http://proxy.contoso.com:8080', { scheme: 'http', host: 'proxy.contoso.com', port: 8080 }],
    ['http://proxy.contoso.com', { scheme: 'http', host: 'proxy.contoso.com', port: 80 }],
    ['http://proxy.contoso.com:3128/', { scheme: 'http', host: 'proxy.contoso.com', port: 3128 }],
    ['https://secure.contoso.com', { scheme: 'https', host: 'secure.contoso.com', port: 443 }],
    ['PROXY.Contoso.COM:8080', { scheme: 'http', host: 'proxy.contoso.com', port: 8080 }],
    ['[2001:db8::1]:3128', { scheme: 'http', host: '2001:db8::1', port: 3128 }],
    ['http://[2001:db8::1]', { scheme: 'http', host: '2001:db8::1', port: 80 }],
    ['2001:db8::1', { scheme: 'http', host: '2001:db8::1', port: 80 }],
    ['socks=socks.contoso.com:1080', { scheme: 'socks', host: 'socks.contoso.com', port: 1080 }],
    ['socks=socks.contoso.com', { scheme: 'socks', host: 'socks.contoso.com', port: 1080 }],
    ['socks5://10.0.0.1', { scheme: 'socks', host: '10.0.0.1', port: 1080 }],
    ['socks4a://10.0.0.1:9050', { scheme: 'socks', host: '10.0.0.1', port: 9050 }],
    // WinINET `protocol=` prefixes name the target protocol; the proxy still speaks HTTP.
    ['http=proxy:8080', { scheme: 'http', host: 'proxy', port: 8080 }],
    ['https=proxy:8443', { scheme: 'http', host: 'proxy', port: 8443 }],
    ['https=https://proxy:8443', { scheme: 'https', host: 'proxy', port: 8443 }],
    // Credentials are never kept.
    ['http://CONTOSO%5Cmegan:S3cret!pw@proxy.contoso.com:8080', { scheme: 'http', host: 'proxy.contoso.com', port: 8080 }],
    ['http://a@b:c@proxy:81', { scheme: 'http', host: 'proxy', port: 81 }],
    ['proxy_address:8080', { scheme: 'http', host: 'proxy_address', port: 8080 }],
    ['  proxy:8080  ', { scheme: 'http', host: 'proxy', port: 8080 }],
    ['', undefined],
    ['   ', undefined],
    ['proxy:', undefined],
    ['proxy:0', undefined],
    ['proxy:65536', undefined],
    ['proxy:80a', undefined],
    ['pro xy:80', undefined],
    ['ftp://proxy:21', undefined],
    ['gopher=proxy:70', undefined],
    ['[2001:db8::1', undefined],
    ['[2001:db8::1]x', undefined],
    ['http://', undefined],
  ];
  it.each(cases)('reads %j', (text, expected) => {
    expect(parseProxyAddress(text)).toEqual(expected);
  });

  it('uses the given scheme for an address without one', () => {
    expect(parseProxyAddress('socks.contoso.com', 'socks')).toEqual({ scheme: 'socks', host: 'socks.contoso.com', port: 1080 });
    expect(parseProxyAddress('secure.contoso.com', 'https')).toEqual({ scheme: 'https', host: 'secure.contoso.com', port: 443 });
  });
});

describe('proxyUrl', () => {
  it('writes scheme, host and port, IPv6 in brackets, SOCKS as socks5', () => {
    expect(proxyUrl({ scheme: 'http', host: 'proxy.contoso.com', port: 8080 })).toBe('http://proxy.contoso.com:8080');
    expect(proxyUrl({ scheme: 'https', host: 'proxy.contoso.com', port: 443 })).toBe('https://proxy.contoso.com:443');
    expect(proxyUrl({ scheme: 'http', host: '2001:db8::1', port: 3128 })).toBe('http://[2001:db8::1]:3128');
    expect(proxyUrl({ scheme: 'socks', host: '10.0.0.1', port: 1080 })).toBe('socks5://10.0.0.1:1080');
  });

  it('round-trips through parseProxyAddress', () => {
    for (const server of [
      { scheme: 'http', host: 'proxy.contoso.com', port: 8080 },
      { scheme: 'socks', host: 'fe80::1', port: 1080 },
    ] as const) {
      expect(parseProxyAddress(proxyUrl(server))).toEqual(server);
    }
  });
});

describe('fixtures/platform/README.md', () => {
  it('lists every fixture file, and every listed file exists', () => {
    const root = new URL('../../../fixtures/platform/', import.meta.url);
    const onDisk = readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name !== 'README.md')
      .map((entry) => `${entry.parentPath.slice(root.pathname.length)}/${entry.name}`.replace(/^\//, ''))
      .sort();
    const listed = [...fixture('README.md').matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1]!).sort();
    expect(listed).toEqual(onDisk);
  });
});
