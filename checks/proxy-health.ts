/**
 * proxy-health: does every proxy some client stack uses actually tunnel to Microsoft 365? A raw CONNECT
 * under the doctor's own timer tells refused, black hole, hang-up, 407 (and which schemes the proxy
 * offers), other refusals and a working tunnel apart. Credentials in a proxy URL are used, never shown.
 */
import { doctorCommand } from '../src/invocation.js';
import { defineCheck } from '../src/check.js';
import { CLOUDS } from '../src/clouds.js';
import { M365_ENDPOINTS_DOC } from '../src/knowledge/endpoints.js';
import { connectThroughProxy, describeProxyOutcome, displayProxy, type ProxyProbe } from '../src/net/probes.js';
import { describeHop, type StackName, type StackRoute, STACK_LABEL } from '../src/net/routes.js';
import type { Remediation } from '../src/result.js';
import { evidence, fail, fix, notApplicable, pass, warn } from '../src/result.js';
import { proxyConfig } from './proxy-config.js';

interface ProxyUse {
  readonly url: string;
  readonly stacks: Set<StackName>;
  /** The settings that name the proxy. */
  readonly origins: Set<StackRoute['origin']>;
  /** Every route that lists the proxy (a PAC can list several proxies, and DIRECT). */
  readonly routes: StackRoute[];
}

/** Schemes .NET on Windows can answer with the logged-on user, and Node cannot at all. */
const WINDOWS_ONLY_SCHEMES = new Set(['ntlm', 'negotiate', 'kerberos']);

const CONNECTIVITY_DOC = 'https://learn.microsoft.com/microsoft-365/enterprise/microsoft-365-network-connectivity-principles';

function describeOutcome(probe: ProxyProbe, target: string): string {
  const o = probe.outcome;
  const server = 'server' in o && o.server ? ` (${o.server}${'via' in o && o.via ? `, via ${o.via}` : ''})` : '';
  switch (o.kind) {
    case 'tunnel':
      return `tunnel to ${target} in ${Math.round((probe.tcpMs ?? 0) + (probe.connectMs ?? 0))} ms${server}`;
    case 'auth-required':
      return `${o.status}: ${o.sentCredentials ? 'credentials refused' : 'authentication required'}, offers ${o.schemes.join(', ') || 'no scheme'}${server}`;
    case 'black-hole':
      return 'accepted the connection and never answered the CONNECT (black hole)';
    case 'closed':
      return 'closed the connection during the CONNECT';
    case 'refused':
      return `refused the connection (${o.code})`;
    case 'unreachable':
      return `no TCP connection (${o.code})`;
    case 'unresolvable':
      return `its name does not resolve (${o.code})`;
    default:
      return `${describeProxyOutcome(o).message}${server}`;
  }
}

/** Which stacks use which proxy, from every route of every endpoint. */
function proxiesInUse(routes: Readonly<Record<string, readonly StackRoute[]>>): ProxyUse[] {
  const uses = new Map<string, ProxyUse>();
  for (const stackRoutes of Object.values(routes)) {
    for (const route of stackRoutes) {
      route.hops.forEach((hop) => {
        if (hop.kind !== 'proxy') return;
        const key = describeHop(hop);
        const use = uses.get(key) ?? { url: hop.url, stacks: new Set<StackName>(), origins: new Set<StackRoute['origin']>(), routes: [] };
        use.stacks.add(route.stack);
        use.origins.add(route.origin);
        if (!use.routes.includes(route)) use.routes.push(route);
        // Keep the URL that carries credentials, if any stack was given them.
        uses.set(key, hop.url.includes('@') ? { ...use, url: hop.url } : use);
      });
    }
  }
  return [...uses.values()];
}

export const proxyHealth = defineCheck({
  id: 'proxy-health',
  title: 'Proxies in use answer and let Microsoft 365 through',
  dependsOn: [proxyConfig],
  timeout: (ms) => ms + 5000,
  async run(ctx, deps) {
    const uses = proxiesInUse(deps['proxy-config'].routes);
    if (uses.length === 0) return notApplicable('No client stack uses a proxy to reach Microsoft 365: nothing to check.');
    const target = { host: CLOUDS[ctx.config.environment].loginHost, port: 443 };
    ctx.step(`CONNECT ${target.host}:443 through ${uses.length} ${uses.length === 1 ? 'proxy' : 'proxies'}`);
    const probes = await Promise.all(
      uses.map(async (use) => {
        const probe = await connectThroughProxy(ctx, use.url, target, { timeoutMs: ctx.config.timeoutMs, signal: ctx.signal, userAgent: `exo-doctor/${ctx.runtime.doctorVersion}` });
        probe.socket?.destroy();
        return { use, probe };
      }),
    );
    const facts = probes.map(({ use, probe }) =>
      evidence(`${displayProxy(use.url)} (${[...use.stacks].map((s) => STACK_LABEL[s]).join('; ')})`, describeOutcome(probe, `${target.host}:443`)),
    );

    const broken = probes.filter(({ probe }) => probe.outcome.kind !== 'tunnel');
    if (broken.length === 0) return pass(`Every proxy in use tunnels to ${target.host} (${probes.map(({ use }) => displayProxy(use.url)).join(', ')}).`, { evidence: facts });

    const windowsOnly = (o: ProxyProbe['outcome']) =>
      o.kind === 'auth-required' && !o.sentCredentials && o.schemes.length > 0 && o.schemes.every((s) => WINDOWS_ONLY_SCHEMES.has(s.toLowerCase()));
    // A dead proxy blocks a route unless another of its hops works: a live proxy, or DIRECT (which may
    // work, if the network allows it).
    const working = new Set(probes.filter(({ probe }) => probe.outcome.kind === 'tunnel').map(({ use }) => displayProxy(use.url)));
    const rescued = (route: StackRoute) => route.hops.some((hop) => hop.kind === 'direct' || working.has(describeHop(hop)));
    const blocking = broken.filter(({ use, probe }) => !windowsOnly(probe.outcome) && use.routes.some((route) => !rescued(route)));
    const first = (blocking[0] ?? broken[0]) as (typeof broken)[number];
    const name = displayProxy(first.use.url);
    const stacks = [...first.use.stacks].map((s) => STACK_LABEL[s]).join(', ');
    const remediation = remedies(first.probe, name, target.host, first.use.origins, ctx.config);

    if (blocking.length > 0) {
      return fail(`The proxy ${name}, used by ${stacks}, ${describeOutcome(first.probe, `${target.host}:443`)}.`, { evidence: facts, remediation });
    }
    if (windowsOnly(first.probe.outcome)) {
      return warn(
        `The proxy ${name} accepts only Windows sign-in (${'schemes' in first.probe.outcome ? first.probe.outcome.schemes.join(', ') : ''}). PowerShell on Windows can answer it with your logon; the doctor cannot, so its own network checks may fail where PowerShell works.`,
        { evidence: facts, remediation },
      );
    }
    return warn(`The proxy ${name} ${describeOutcome(first.probe, `${target.host}:443`)}; clients fall back to the next entry of their route, after waiting on it.`, {
      evidence: facts,
      remediation,
    });
  },
});

/** Where to correct a proxy setting, per the settings that name it. */
const CORRECT_SETTING: Readonly<Partial<Record<StackRoute['origin'], string>>> = {
  environment: 'Remove-Item Env:HTTPS_PROXY, Env:HTTP_PROXY   # or, in a POSIX shell: unset HTTPS_PROXY HTTP_PROXY https_proxy http_proxy',
  wininet: 'inetcpl.cpl ,4   # Internet Options > Connections > LAN settings',
  'wininet-machine': 'gpresult /h proxy-policy.html   # the proxy comes from Group Policy: find the policy that sets it',
  winhttp: 'netsh winhttp reset proxy   # or: netsh winhttp import proxy source=ie',
  macos: 'networksetup -setsecurewebproxystate Wi-Fi off   # or correct it in System Settings > Network > Details > Proxies',
  gnome: "gsettings set org.gnome.system.proxy mode 'none'",
  override: '<run the doctor again without --proxy, or with a proxy that works>',
};

function remedies(
  probe: ProxyProbe,
  name: string,
  host: string,
  origins: ReadonlySet<StackRoute['origin']>,
  config: { readonly invocation?: string },
): readonly [Remediation, ...Remediation[]] {
  const o = probe.outcome;
  if (o.kind === 'auth-required') {
    const windows = o.schemes.some((s) => WINDOWS_ONLY_SCHEMES.has(s.toLowerCase()));
    return [
      fix({
        summary: windows
          ? 'In PowerShell, answer the proxy with your Windows logon before connecting (Windows PowerShell 5.1 and PowerShell 7 on Windows).'
          : 'In PowerShell, give the proxy credentials before connecting.',
        runBy: 'admin',
        commands: windows
          ? ['[System.Net.WebRequest]::DefaultWebProxy.Credentials = [System.Net.CredentialCache]::DefaultNetworkCredentials']
          : ['$proxyCred = Get-Credential', '[System.Net.WebRequest]::DefaultWebProxy.Credentials = $proxyCred', '[System.Net.Http.HttpClient]::DefaultProxy.Credentials = $proxyCred'],
      }),
      fix({
        summary: o.sentCredentials
          ? `Run the doctor with credentials the proxy accepts (they are used, never printed).`
          : `Run the doctor with proxy credentials${windows ? ', through a proxy that accepts Basic' : ''} (they are used, never printed).`,
        runBy: 'admin',
        commands: [doctorCommand(config, `--proxy http://USER:PASSWORD@${name.replace(/^https?:\/\//, '')}`)],
      }),
      fix({
        summary: 'Exempt Microsoft 365 endpoints from proxy authentication, as Microsoft recommends.',
        runBy: 'network-team',
        links: [CONNECTIVITY_DOC],
      }),
    ];
  }
  if (o.kind === 'status') {
    return [
      fix({
        summary: `The proxy refuses or cannot complete the connection to ${host} (${describeProxyOutcome(o).message}). Allow Microsoft 365 endpoints on it.`,
        runBy: 'network-team',
        links: [M365_ENDPOINTS_DOC],
      }),
    ];
  }
  return [
    fix({
      summary: `The proxy ${name} is not working: bring it back, or remove it from the settings that name it (see proxy-config).`,
      runBy: 'network-team',
      links: [CONNECTIVITY_DOC],
    }),
    fix({
      summary: 'Until then, point this machine at a proxy that works, or at none if the network allows direct access.',
      runBy: 'admin',
      commands: [...origins].map((origin) => CORRECT_SETTING[origin]).filter((c): c is string => c !== undefined),
    }),
  ];
}
