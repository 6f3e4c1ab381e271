/**
 * The route the doctor's own HTTP clients (MSAL, Exchange, Graph) take to a host: the first hop of the
 * doctor's route that reaches the host's TLS, as the endpoints check found it (the probe is shared, so
 * this costs nothing after the network checks). When no hop gets through, the first hop is used, so the
 * call fails with the real reason.
 */
import type { Context } from '../context.js';
import { endpointsFor } from '../knowledge/endpoints.js';
import { probeRoute } from './probes.js';
import { doctorHops, type ProxyPlan } from './routes.js';

export interface ServiceRoute {
  /** The proxy to go through, credentials included; direct when absent. */
  readonly proxy?: string;
}

export async function serviceRoute(ctx: Context, plan: ProxyPlan, host: string): Promise<ServiceRoute> {
  const hops = doctorHops(plan, host);
  if (hops.length === 1) return hops[0]?.kind === 'proxy' ? { proxy: hops[0].url } : {};
  const path = endpointsFor(ctx.config.environment, ['exchange', 'compliance']).find((e) => e.host === host)?.path ?? '/';
  const probed = await probeRoute(ctx, { host, path }, hops, { timeoutMs: ctx.config.timeoutMs, userAgent: `exo-doctor/${ctx.runtime.doctorVersion}` });
  const index = probed.chosen ? probed.attempts.indexOf(probed.chosen) : 0;
  const hop = hops[Math.max(index, 0)];
  return hop?.kind === 'proxy' ? { proxy: hop.url } : {};
}
