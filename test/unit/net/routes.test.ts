import { describe, expect, it } from 'vitest';
import { describeHop, doctorHops, type MachineSettings, routesFor, type StackName } from '../../../src/net/routes.js';
import { readEnvironmentProxies } from '../../../src/platform/environment.js';
import type { ProxySettings } from '../../../src/platform/proxy-settings.js';

const EXO = 'outlook.office365.com';

function settings(source: ProxySettings['source'], extra: Partial<ProxySettings> = {}): ProxySettings {
  return { source, bypass: [], bypassSimpleNames: false, autoDetect: false, notes: [], ...extra };
}
const server = (host: string, port = 8080) => ({ scheme: 'http' as const, host, port });

function machine(extra: Partial<MachineSettings> & { env?: Record<string, string> }): MachineSettings {
  const { env, ...rest } = extra;
  return { platform: 'linux', environment: readEnvironmentProxies(env ?? {}), pacAnswers: new Map(), ...rest };
}

/** `stack: hop → hop` for each stack, as the report shows it. */
function ways(m: MachineSettings, host = EXO): Record<string, string> {
  return Object.fromEntries(routesFor(host, m).map((r) => [r.stack, r.hops.map(describeHop).join(' → ')])) as Record<StackName, string>;
}

describe('routesFor', () => {
  it('sends everything direct when nothing is configured', () => {
    expect(ways(machine({}))).toEqual({ doctor: 'direct', pwsh7: 'direct' });
  });

  it('ignores the GNOME proxy for PowerShell 7 on Linux, which reads only the variables', () => {
    const m = machine({ gnome: settings('gnome', { https: server('proxy.contoso.com') }) });
    expect(ways(m)).toEqual({ doctor: 'direct', pwsh7: 'direct' });
  });

  it('follows HTTPS_PROXY on Linux, with the credentials kept for the doctor only', () => {
    const m = machine({ env: { HTTPS_PROXY: 'http://alice:s3cret@proxy.contoso.com:3128' } });
    expect(ways(m)).toEqual({ doctor: 'http://proxy.contoso.com:3128', pwsh7: 'http://proxy.contoso.com:3128' });
    expect(doctorHops({ machine: m, routes: {} }, EXO)).toEqual([{ kind: 'proxy', url: 'http://alice:s3cret@proxy.contoso.com:3128' }]);
  });

  it('lets --proxy decide the doctor’s own route only', () => {
    const m = machine({ env: { HTTPS_PROXY: 'http://proxy.contoso.com:3128' }, override: 'http://other:8080' });
    expect(ways(m)).toEqual({ doctor: 'http://other:8080', pwsh7: 'http://proxy.contoso.com:3128' });
  });

  it('shows the legacy WinRM leg going direct when only Internet Options have a proxy (the classic error)', () => {
    const m = machine({
      platform: 'win32',
      wininet: settings('wininet', { http: server('proxy.contoso.com'), https: server('proxy.contoso.com') }),
      winhttp: settings('winhttp'),
    });
    expect(ways(m)).toEqual({
      doctor: 'http://proxy.contoso.com:8080',
      pwsh7: 'http://proxy.contoso.com:8080',
      winps51: 'http://proxy.contoso.com:8080',
      winrm: 'direct',
    });
  });

  it('applies each stack’s own bypass rules', () => {
    const m = machine({
      platform: 'win32',
      wininet: settings('wininet', { https: server('proxy.contoso.com'), bypass: ['*.office365.com'] }),
      winhttp: settings('winhttp', { https: server('proxy.contoso.com') }),
    });
    expect(ways(m)).toMatchObject({ winps51: 'direct', winrm: 'http://proxy.contoso.com:8080' });
  });

  it('takes the PAC answer, in order, over the manual proxy', () => {
    const m = machine({
      platform: 'win32',
      wininet: settings('wininet', { https: server('manual'), pacUrl: 'http://wpad.contoso.com/proxy.pac' }),
      pacAnswers: new Map([
        ['http://wpad.contoso.com/proxy.pac', new Map([[EXO, [{ kind: 'proxy', scheme: 'http', host: 'dead', port: 1 }, { kind: 'proxy', scheme: 'http', host: 'live', port: 3128 }, { kind: 'direct' }] as const]])],
      ]),
    });
    expect(ways(m).winps51).toBe('http://dead:1 → http://live:3128 → direct');
  });

  it('falls back to the manual proxy, with a caveat, when the PAC could not be used', () => {
    const m = machine({ platform: 'win32', wininet: settings('wininet', { https: server('manual'), pacUrl: 'http://wpad.contoso.com/proxy.pac' }) });
    const route = routesFor(EXO, m).find((r) => r.stack === 'winps51');
    expect(route?.hops.map(describeHop)).toEqual(['http://manual:8080']);
    expect(route?.caveat).toContain('could not be used');
  });

  it('uses the macOS system proxy for PowerShell 7 and the doctor when no variable is set', () => {
    const m = machine({ platform: 'darwin', macos: settings('macos', { https: server('mac-proxy', 3128) }) });
    expect(ways(m)).toEqual({ doctor: 'http://mac-proxy:3128', pwsh7: 'http://mac-proxy:3128' });
  });
});
