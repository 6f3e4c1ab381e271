import { describe, expect, it } from 'vitest';
import { readEnvironmentProxies } from '../../../src/platform/environment.js';
import { emptySettings } from '../../../src/platform/proxy-settings.js';
import { envFixture } from './fixture.js';

const env = emptySettings('environment');

describe('readEnvironmentProxies', () => {
  it('reads the same proxy in both cases (recorded), ignoring ftp_proxy and other variables', () => {
    const myproxy = { scheme: 'http', host: 'myproxyhost', port: 8080 } as const;
    expect(readEnvironmentProxies(envFixture('env/same-both-cases-ubproxy.env'))).toEqual({
      variables: [
        { name: 'http_proxy', value: 'http://myproxyhost:8080' },
        { name: 'HTTP_PROXY', value: 'http://myproxyhost:8080' },
        { name: 'https_proxy', value: 'http://myproxyhost:8080' },
        { name: 'HTTPS_PROXY', value: 'http://myproxyhost:8080' },
      ],
      node: { ...env, http: myproxy, https: myproxy },
      dotnet: { ...env, http: myproxy, https: myproxy },
      notes: [],
    });
  });

  it('says which spelling wins when both cases are set and disagree', () => {
    const current = { scheme: 'http', host: 'proxy.contoso.com', port: 3128 } as const;
    const result = readEnvironmentProxies(envFixture('env/both-cases-disagree-composed.env'));
    expect(result.node).toEqual({ ...env, http: current, https: current, bypass: ['localhost', '127.0.0.1', '.contoso.com'] });
    expect(result.dotnet).toEqual({ ...env, http: current, https: current, bypass: ['localhost', '127.0.0.1', '.contoso.com'] });
    expect(result.notes).toEqual([
      'HTTP_PROXY and http_proxy disagree; Node and .NET use http_proxy',
      'HTTPS_PROXY and https_proxy disagree; Node and .NET use https_proxy',
      'NO_PROXY and no_proxy disagree; Node and .NET use no_proxy',
    ]);
    expect(result.variables.map((v) => v.name)).toEqual(['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY']);
  });

  it('drops credentials from the servers, notes that they exist, and never repeats them', () => {
    const result = readEnvironmentProxies(envFixture('env/credentials-composed.env'));
    const proxy = { scheme: 'http', host: 'proxy.contoso.com', port: 8080 } as const;
    const noScheme = "HTTP_PROXY has no scheme; undici's EnvHttpProxyAgent throws on it (write http://proxy.contoso.com:8080)";
    expect(result.node).toEqual({ ...env, http: proxy, https: proxy, bypass: ['.contoso.com', 'login.microsoftonline.com:443'], notes: [noScheme] });
    expect(result.dotnet).toEqual({ ...env, http: proxy, https: proxy, bypass: ['.contoso.com', 'login.microsoftonline.com:443'] });
    expect(result.notes).toEqual([
      'HTTPS_PROXY contains credentials (a user name and password); they are not shown',
      noScheme,
      'NO_PROXY entry "login.microsoftonline.com:443": .NET compares host names only and never matches an entry with a port',
    ]);
    const derived = JSON.stringify({ node: result.node, dotnet: result.dotnet, notes: result.notes });
    expect(derived).not.toContain('S3cret');
    expect(derived).not.toContain('megan');
    // The variables themselves are given exactly, for the redactor to mask.
    expect(result.variables).toContainEqual({ name: 'HTTPS_PROXY', value: 'http://CONTOSO%5Cmegan:S3cret!pw@proxy.contoso.com:8080' });
  });

  it('reads IPv6 proxies and lets ALL_PROXY fill the gap for .NET only', () => {
    const result = readEnvironmentProxies(envFixture('env/ipv6-all-proxy-composed.env'));
    const https = { scheme: 'http', host: '2001:db8::10', port: 3128 } as const;
    expect(result.node).toEqual({ ...env, https, bypass: ['[::1]', '::1', 'fe80::/10'] });
    expect(result.dotnet).toEqual({ ...env, http: { scheme: 'socks', host: '2001:db8::11', port: 1080 }, https, bypass: ['[::1]', '::1', 'fe80::/10'] });
    expect(result.notes).toEqual(['Node ignores ALL_PROXY; only .NET uses it']);
  });

  it('gives no .NET settings and no Node proxy when nothing is set', () => {
    expect(readEnvironmentProxies({ PATH: '/usr/bin', HOME: '/home/megan' })).toEqual({ variables: [], node: env, notes: [] });
  });

  it('follows `??`: an empty lowercase variable hides the uppercase one from Node but not from .NET', () => {
    const result = readEnvironmentProxies({ http_proxy: '', HTTP_PROXY: 'http://proxy.contoso.com:8080' });
    expect(result.node).toEqual(env);
    expect(result.dotnet?.http).toEqual({ scheme: 'http', host: 'proxy.contoso.com', port: 8080 });
    expect(result.variables).toEqual([{ name: 'HTTP_PROXY', value: 'http://proxy.contoso.com:8080' }]);
    expect(result.notes).toEqual(['http_proxy is set but empty: Node therefore ignores HTTP_PROXY while .NET uses it']);
  });

  it('an empty no_proxy hides NO_PROXY from both stacks', () => {
    const result = readEnvironmentProxies({ https_proxy: 'http://p:1', no_proxy: '', NO_PROXY: '.contoso.com' });
    expect(result.node.bypass).toEqual([]);
    expect(result.dotnet?.bypass).toEqual([]);
    expect(result.notes).toEqual(['no_proxy is set but empty: Node and .NET therefore ignore NO_PROXY']);
  });

  it('lets .NET fall back to the uppercase spelling when the lowercase one is unreadable', () => {
    const result = readEnvironmentProxies({ http_proxy: 'http://', HTTP_PROXY: 'http://proxy.contoso.com:8080' });
    expect(result.node.http).toBeUndefined();
    expect(result.dotnet?.http).toEqual({ scheme: 'http', host: 'proxy.contoso.com', port: 8080 });
    expect(result.notes).toEqual(['HTTP_PROXY and http_proxy disagree; Node and .NET use http_proxy', 'http_proxy "http://" is not a proxy address Node can use']);
  });

  it('makes Node use the HTTP proxy for https when no HTTPS variable is set', () => {
    const proxy = { scheme: 'http', host: 'proxy.contoso.com', port: 8080 } as const;
    expect(readEnvironmentProxies({ HTTP_PROXY: 'http://proxy.contoso.com:8080' }).node).toEqual({ ...env, http: proxy, https: proxy });
    // .NET does not: its https proxy stays empty.
    expect(readEnvironmentProxies({ HTTP_PROXY: 'http://proxy.contoso.com:8080' }).dotnet).toEqual({ ...env, http: proxy });
  });

  it('drops HTTP_PROXY for .NET under CGI (GATEWAY_INTERFACE)', () => {
    const result = readEnvironmentProxies({ HTTP_PROXY: 'http://proxy.contoso.com:8080', GATEWAY_INTERFACE: 'CGI/1.1' });
    expect(result.dotnet).toBeUndefined();
    expect(result.node.http).toEqual({ scheme: 'http', host: 'proxy.contoso.com', port: 8080 });
    expect(result.notes).toEqual(['.NET ignores HTTP_PROXY because GATEWAY_INTERFACE is set (CGI)']);
  });

  it('warns that .NET has no NO_PROXY wildcards', () => {
    const result = readEnvironmentProxies({ HTTPS_PROXY: 'http://p:1', NO_PROXY: '*.contoso.com,*' });
    expect(result.notes).toEqual([
      'NO_PROXY entry "*.contoso.com": .NET has no wildcards and never matches it; Node strips a leading "*." and matches the domain',
      'NO_PROXY entry "*": .NET has no wildcards and never matches it; Node strips a leading "*." and matches the domain',
    ]);
  });

  it('splits NO_PROXY on white space for Node only', () => {
    const result = readEnvironmentProxies({ HTTPS_PROXY: 'http://p:1', NO_PROXY: 'a.contoso.com b.contoso.com, c' });
    expect(result.node.bypass).toEqual(['a.contoso.com', 'b.contoso.com', 'c']);
    expect(result.dotnet?.bypass).toEqual(['a.contoso.com b.contoso.com', 'c']);
  });
});
