/**
 * endpoints: can this machine reach each Microsoft 365 endpoint of its cloud, layer by layer (DNS, TCP,
 * proxy, TLS, HTTP), on the route the doctor takes and, when that is a proxy, directly too? Every probe
 * runs at once under one time limit, so a black-holed network costs one limit, not one per host.
 */
import { defineCheck } from '../src/check.js';
import { type Endpoint, endpointsFor, M365_ENDPOINTS_DOC } from '../src/knowledge/endpoints.js';
import { describeProbe, type EndpointProbe, probeRoute, type RouteProbe, sharedProbe } from '../src/net/probes.js';
import { doctorHops } from '../src/net/routes.js';
import type { Evidence, Remediation } from '../src/result.js';
import { evidence, fail, fix, pass, warn } from '../src/result.js';
import { proxyConfig } from './proxy-config.js';

interface Reach {
  readonly endpoint: Endpoint;
  readonly route: RouteProbe;
  /** The direct attempt, when the route goes through a proxy. */
  readonly direct?: EndpointProbe;
}

/** What fixes a failure at a stage, and who does it. */
function remedyFor(probe: EndpointProbe, hosts: readonly string[]): Remediation {
  const list = hosts.join(', ');
  switch (probe.failure?.stage) {
    case 'dns':
      return fix({
        summary: `${probe.host} does not resolve. Check the DNS servers this machine uses; Microsoft 365 names must resolve publicly.`,
        runBy: 'network-team',
        commands: [`nslookup ${probe.host}`, `Resolve-DnsName ${probe.host}`],
        links: [M365_ENDPOINTS_DOC],
      });
    case 'proxy':
      return fix({
        summary: `The proxy ${probe.route} does not let the connection through (see proxy-health for what it answered). Allow ${list} on it, or let Microsoft 365 bypass it.`,
        runBy: 'network-team',
        links: [M365_ENDPOINTS_DOC],
      });
    case 'tls':
      return fix({
        summary: `The TLS handshake with ${probe.host} fails (${probe.failure.code}); see tls-inspection for the certificate that was presented.`,
        runBy: 'network-team',
        links: [M365_ENDPOINTS_DOC],
      });
    default:
      return fix({
        summary: `Allow outbound HTTPS (TCP 443) from this machine to ${list}, directly or through the proxy.`,
        runBy: 'network-team',
        links: [M365_ENDPOINTS_DOC],
      });
  }
}

export const endpoints = defineCheck({
  id: 'endpoints',
  title: 'Microsoft 365 endpoints reachable from this machine',
  dependsOn: [proxyConfig],
  timeout: (limit) => limit + 5000,
  async run(ctx, deps) {
    const plan = deps['proxy-config'];
    const list = endpointsFor(ctx.config.environment, ctx.config.services);
    ctx.step(`probing ${list.length} endpoints`);
    const options = { timeoutMs: ctx.config.timeoutMs, userAgent: `exo-doctor/${ctx.runtime.doctorVersion}` };
    const reaches: Reach[] = await Promise.all(
      list.map(async (endpoint) => {
        const hops = doctorHops(plan, endpoint.host);
        const viaProxy = hops.some((h) => h.kind === 'proxy');
        const [route, direct] = await Promise.all([
          probeRoute(ctx, endpoint, hops, options),
          viaProxy && !hops.some((h) => h.kind === 'direct') ? sharedProbe(ctx, endpoint, {}, options) : Promise.resolve(undefined),
        ]);
        return { endpoint, route, ...(direct ? { direct } : {}) };
      }),
    );

    const facts: Evidence[] = reaches.flatMap(({ endpoint, route, direct }) => [
      ...route.attempts.map((a) => evidence(endpoint.host, describeProbe(a))),
      ...(direct ? [evidence(endpoint.host, describeProbe(direct))] : []),
    ]);
    const works = (r: Reach) => r.route.chosen !== undefined && r.route.chosen.failure === undefined;
    const broken = reaches.filter((r) => !works(r));
    const required = broken.filter((r) => r.endpoint.required);
    const optional = broken.filter((r) => !r.endpoint.required);

    if (broken.length === 0) {
      const routes = [...new Set(reaches.map((r) => r.route.chosen?.route ?? 'direct'))].join(', ');
      return pass(`All ${reaches.length} endpoints answer over HTTPS (${routes}).`, { evidence: facts });
    }
    const worst = (required[0] ?? optional[0]) as Reach;
    const failed = worst.route.chosen ?? worst.route.attempts[0];
    const directWorks = worst.direct && worst.direct.failure === undefined;
    const why = (r: Reach) => {
      const attempt = r.route.chosen ?? r.route.attempts[0];
      return `${r.endpoint.host} (${r.endpoint.purpose}) is not reachable${attempt?.failure ? `: stopped at ${attempt.failure.stage.toUpperCase()} on ${attempt.route}, ${attempt.failure.message}` : ''}`;
    };
    const remediation: [Remediation, ...Remediation[]] = [remedyFor(failed as EndpointProbe, broken.map((r) => r.endpoint.host))];
    if (directWorks) {
      remediation.push(
        fix({
          summary: `A direct connection to ${worst.endpoint.host} works: letting Microsoft 365 bypass the proxy would fix this.`,
          runBy: 'network-team',
          links: [M365_ENDPOINTS_DOC],
        }),
      );
    }
    if (required.length > 0) {
      const more = broken.length > 1 ? ` (${broken.length - 1} more endpoint${broken.length > 2 ? 's' : ''} also failed)` : '';
      return fail(`${why(required[0] as Reach)}${more}. Connect-ExchangeOnline cannot work without it.`, { evidence: facts, remediation });
    }
    return warn(`${optional.map(why).join('; ')}.`, { evidence: facts, remediation });
  },
});
