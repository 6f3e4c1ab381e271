/**
 * Network probes, each stage under one deadline: DNS, TCP, a CONNECT through a proxy, TLS, and an HTTP
 * request. Everything goes through the context's primitives, so the same code runs against the real
 * network, real proxies and the simulated world. A failure names its stage and its code.
 */
import type { Duplex } from 'node:stream';
import type { CertificateSummary, Context } from '../context.js';
import { exchangeHead, header, headers, type ResponseHead } from './head.js';

type Stage = 'dns' | 'tcp' | 'proxy' | 'tls' | 'http';

export interface StageFailure {
  readonly stage: Stage;
  readonly code: string;
  readonly message: string;
}

/** How a proxy answered a CONNECT. */
export type ProxyOutcome =
  | { readonly kind: 'tunnel'; readonly server?: string; readonly via?: string }
  | {
      readonly kind: 'auth-required';
      readonly status: number;
      /** Schemes offered in Proxy-Authenticate: Basic, Digest, NTLM, Negotiate, … */
      readonly schemes: readonly string[];
      /** Whether the doctor sent credentials (from the proxy URL) and they were refused. */
      readonly sentCredentials: boolean;
      readonly server?: string;
      readonly via?: string;
    }
  | { readonly kind: 'status'; readonly status: number; readonly reason: string; readonly server?: string; readonly via?: string; readonly proxyError?: string }
  /** No name, no TCP, no answer, or a hang-up: the proxy is not usable at all. */
  | { readonly kind: 'unresolvable' | 'refused' | 'unreachable' | 'black-hole' | 'closed'; readonly code: string; readonly message: string }
  | { readonly kind: 'unsupported'; readonly message: string };

export interface ProxyProbe {
  readonly proxy: string;
  readonly outcome: ProxyOutcome;
  readonly tcpMs?: number;
  readonly connectMs?: number;
  /** The open tunnel, for a TLS handshake through it. */
  readonly socket?: Duplex;
}

interface TlsStage {
  readonly protocol?: string;
  readonly authorized: boolean;
  readonly authorizationError?: string;
  readonly chain: readonly CertificateSummary[];
  readonly ms: number;
}

interface HttpStage {
  readonly status: number;
  readonly server?: string;
  readonly date?: string;
  readonly contentType?: string;
  /** The doctor's clock when the request left and when the answer came (for clock skew). */
  readonly sentAt: Date;
  readonly receivedAt: Date;
  readonly ms: number;
}

export interface EndpointProbe {
  readonly host: string;
  readonly port: number;
  /** `direct`, or the proxy URL without credentials. */
  readonly route: string;
  readonly dns?: { readonly addresses: readonly string[]; readonly ms: number };
  readonly tcpMs?: number;
  readonly proxy?: ProxyProbe;
  readonly tls?: TlsStage;
  readonly http?: HttpStage;
  readonly failure?: StageFailure;
  readonly ms: number;
}

export interface ProbeOptions {
  /** The whole probe's time limit: every stage shares it. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** `User-Agent` of the HTTP stage. */
  readonly userAgent?: string;
}

/** A code and a sentence for a proxy answer that is not a tunnel. */
export function describeProxyOutcome(outcome: ProxyOutcome): { code: string; message: string } {
  switch (outcome.kind) {
    case 'tunnel':
      return { code: 'OK', message: 'the tunnel is up' };
    case 'auth-required':
      return {
        code: `HTTP_${outcome.status}`,
        message: outcome.sentCredentials
          ? `the proxy refused the credentials (${outcome.status})`
          : `the proxy asks for ${outcome.schemes.join(' or ') || 'authentication'} (${outcome.status})`,
      };
    case 'status':
      return { code: `HTTP_${outcome.status}`, message: `the proxy answered ${outcome.status} ${outcome.reason}${outcome.proxyError ? ` (${outcome.proxyError})` : ''}` };
    case 'unsupported':
      return { code: 'EUNSUPPORTED', message: outcome.message };
    default:
      return { code: outcome.code, message: outcome.message };
  }
}

/** A proxy URL as it may be shown: no credentials. */
export function displayProxy(url: string): string {
  // Credentials go first, however the URL is written (no scheme, a slash in the password).
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url.trim())?.[0] ?? '';
  const rest = url.trim().slice(scheme.length);
  const bare = `${scheme || 'http://'}${rest.slice(rest.lastIndexOf('@') + 1)}`;
  try {
    const u = new URL(bare);
    return `${u.protocol}//${u.host}`;
  } catch {
    return bare.replace(/\/+$/, '');
  }
}

/** A deadline shared by consecutive stages. */
function deadline(options: ProbeOptions): () => { timeoutMs: number; signal?: AbortSignal } {
  const end = performance.now() + options.timeoutMs;
  return () => ({ timeoutMs: Math.max(1, Math.round(end - performance.now())), ...(options.signal ? { signal: options.signal } : {}) });
}

function codeOf(err: unknown): { code: string; message: string } {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  return { code: typeof e?.code === 'string' ? e.code : 'EUNKNOWN', message: String(e?.message ?? err) };
}

/** Opens a tunnel to `target` through `proxyUrl` and says how the proxy answered. */
export async function connectThroughProxy(
  ctx: Context,
  proxyUrl: string,
  target: { readonly host: string; readonly port: number },
  options: ProbeOptions,
): Promise<ProxyProbe> {
  const proxy = displayProxy(proxyUrl);
  let url: URL;
  try {
    url = new URL(proxyUrl);
  } catch {
    return { proxy, outcome: { kind: 'unsupported', message: `"${proxy}" is not a proxy URL` } };
  }
  if (url.protocol !== 'http:') return { proxy, outcome: { kind: 'unsupported', message: `${url.protocol.replace(':', '')} proxies are not probed` } };
  const remaining = deadline(options);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 80);
  let started = performance.now();
  let socket: Duplex;
  try {
    await ctx.resolve(host, port);
  } catch (err) {
    const { code, message } = codeOf(err);
    return { proxy, outcome: { kind: 'unresolvable', code, message } };
  }
  try {
    socket = await ctx.connect(host, port, remaining());
  } catch (err) {
    const { code, message } = codeOf(err);
    return { proxy, outcome: { kind: code === 'ECONNREFUSED' ? 'refused' : 'unreachable', code, message } };
  }
  const tcpMs = performance.now() - started;
  started = performance.now();
  const user = decodeURIComponent(url.username);
  const credentials = user ? `Proxy-Authorization: Basic ${Buffer.from(`${user}:${decodeURIComponent(url.password)}`).toString('base64')}\r\n` : '';
  let head: ResponseHead;
  try {
    head = await exchangeHead(
      socket,
      `CONNECT ${target.host}:${target.port} HTTP/1.1\r\nHost: ${target.host}:${target.port}\r\n${credentials}User-Agent: ${options.userAgent ?? 'exo-doctor'}\r\n\r\n`,
      { ...remaining(), what: `CONNECT ${target.host}:${target.port} through ${proxy}` },
    );
  } catch (err) {
    socket.destroy();
    const { code, message } = codeOf(err);
    const kind = code === 'ETIMEDOUT' ? 'black-hole' : code === 'ABORTED' ? 'black-hole' : 'closed';
    return { proxy, tcpMs, outcome: { kind, code, message } };
  }
  const connectMs = performance.now() - started;
  const seen = { ...(header(head, 'server') ? { server: header(head, 'server') as string } : {}), ...(header(head, 'via') ? { via: header(head, 'via') as string } : {}) };
  if (head.statusCode === 200) return { proxy, tcpMs, connectMs, outcome: { kind: 'tunnel', ...seen }, socket };
  socket.destroy();
  const challenges = [...headers(head, 'proxy-authenticate'), ...(head.statusCode === 401 ? headers(head, 'www-authenticate') : [])];
  if (head.statusCode === 407 || (head.statusCode === 401 && challenges.length > 0)) {
    const schemes = [...new Set(challenges.map((c) => c.split(/[\s,]/)[0] ?? '').filter(Boolean))];
    return { proxy, tcpMs, connectMs, outcome: { kind: 'auth-required', status: head.statusCode, schemes, sentCredentials: credentials !== '', ...seen } };
  }
  const proxyError = header(head, 'x-squid-error');
  return { proxy, tcpMs, connectMs, outcome: { kind: 'status', status: head.statusCode, reason: head.reason, ...seen, ...(proxyError ? { proxyError } : {}) } };
}

/**
 * Probes one endpoint on one route: DNS (direct only), TCP (to the host, or to the proxy), CONNECT,
 * TLS (verification reported, not enforced), then `GET path` when TLS verified. Every stage shares
 * the probe's time limit, so a black hole costs one limit, not one per stage.
 */
export async function probeEndpoint(
  ctx: Context,
  endpoint: { readonly host: string; readonly port?: number; readonly path?: string },
  route: { readonly proxy?: string },
  options: ProbeOptions,
): Promise<EndpointProbe> {
  const port = endpoint.port ?? 443;
  const remaining = deadline(options);
  const begun = performance.now();
  const base = { host: endpoint.host, port, route: route.proxy ? displayProxy(route.proxy) : 'direct' };
  const finish = (parts: Omit<EndpointProbe, 'host' | 'port' | 'route' | 'ms'>): EndpointProbe => ({ ...base, ...parts, ms: performance.now() - begun });
  let socket: Duplex;
  let dns: EndpointProbe['dns'];
  let tcpMs: number | undefined;
  let proxy: ProxyProbe | undefined;

  if (route.proxy) {
    proxy = await connectThroughProxy(ctx, route.proxy, { host: endpoint.host, port }, { ...remaining(), ...(options.userAgent ? { userAgent: options.userAgent } : {}) });
    if (!proxy.socket) return finish({ proxy, failure: { stage: 'proxy', ...describeProxyOutcome(proxy.outcome) } });
    socket = proxy.socket;
  } else {
    let started = performance.now();
    try {
      const addresses = await ctx.resolve(endpoint.host, port);
      dns = { addresses: addresses.map((a) => a.address), ms: performance.now() - started };
    } catch (err) {
      return finish({ failure: { stage: 'dns', ...codeOf(err) } });
    }
    started = performance.now();
    try {
      socket = await ctx.connect(endpoint.host, port, remaining());
    } catch (err) {
      return finish({ ...(dns ? { dns } : {}), failure: { stage: 'tcp', ...codeOf(err) } });
    }
    tcpMs = performance.now() - started;
  }
  const before = { ...(dns ? { dns } : {}), ...(tcpMs !== undefined ? { tcpMs } : {}), ...(proxy ? { proxy: { ...proxy, socket: undefined } } : {}) };

  let started = performance.now();
  let tls: TlsStage;
  let secure: Duplex;
  try {
    const handshake = await ctx.tlsHandshake({ socket, servername: endpoint.host, ...remaining() });
    secure = handshake.socket;
    tls = {
      authorized: handshake.authorized,
      ...(handshake.authorizationError ? { authorizationError: handshake.authorizationError } : {}),
      ...(handshake.protocol ? { protocol: handshake.protocol } : {}),
      chain: handshake.chain,
      ms: performance.now() - started,
    };
  } catch (err) {
    socket.destroy();
    return finish({ ...before, failure: { stage: 'tls', ...codeOf(err) } });
  }
  if (!tls.authorized) {
    secure.destroy();
    return finish({ ...before, tls, failure: { stage: 'tls', code: tls.authorizationError ?? 'UNAUTHORIZED', message: `the certificate of ${endpoint.host} is not trusted (${tls.authorizationError})` } });
  }

  started = performance.now();
  const sentAt = ctx.now();
  try {
    const head = await exchangeHead(
      secure,
      `GET ${endpoint.path ?? '/'} HTTP/1.1\r\nHost: ${endpoint.host}\r\nUser-Agent: ${options.userAgent ?? 'exo-doctor'}\r\nAccept: */*\r\nConnection: close\r\n\r\n`,
      { ...remaining(), what: `GET https://${endpoint.host}${endpoint.path ?? '/'}` },
    );
    const http: HttpStage = {
      status: head.statusCode,
      ...(header(head, 'server') ? { server: header(head, 'server') as string } : {}),
      ...(header(head, 'date') ? { date: header(head, 'date') as string } : {}),
      ...(header(head, 'content-type') ? { contentType: header(head, 'content-type') as string } : {}),
      sentAt,
      receivedAt: ctx.now(),
      ms: performance.now() - started,
    };
    return finish({ ...before, tls, http });
  } catch (err) {
    return finish({ ...before, tls, failure: { stage: 'http', ...codeOf(err) } });
  } finally {
    secure.destroy();
  }
}

/**
 * {@link probeEndpoint}, once per run: checks that ask for the same endpoint on the same route share one
 * probe. It runs under its own time limit, not the asking check's signal, since several checks wait on it.
 */
export function sharedProbe(
  ctx: Context,
  endpoint: { readonly host: string; readonly port?: number; readonly path?: string },
  route: { readonly proxy?: string },
  options: Omit<ProbeOptions, 'signal'>,
): Promise<EndpointProbe> {
  const key = `probe https://${endpoint.host}:${endpoint.port ?? 443}${endpoint.path ?? '/'} via ${route.proxy ?? 'direct'}`;
  return ctx.memo(key, () => probeEndpoint(ctx, endpoint, route, { timeoutMs: options.timeoutMs, ...(options.userAgent ? { userAgent: options.userAgent } : {}) }));
}

/** A route's hops probed together; the route is the first hop, in order, that got through to TLS. */
export interface RouteProbe {
  /** The attempt that got through, when one did. */
  readonly chosen?: EndpointProbe;
  /** Every hop's attempt, in the route's order. */
  readonly attempts: readonly EndpointProbe[];
}

/** Whether a probe got past the network to the endpoint's TLS (whatever TLS then said). */
function reachedTls(probe: EndpointProbe): boolean {
  return probe.tls !== undefined || probe.failure?.stage === 'tls';
}

/**
 * Probes every hop of a route at once and picks the first one, in order, that reached the endpoint:
 * a PAC's dead first proxy costs one time limit, not one per proxy.
 */
export async function probeRoute(
  ctx: Context,
  endpoint: { readonly host: string; readonly port?: number; readonly path?: string },
  hops: readonly ({ readonly kind: 'direct' } | { readonly kind: 'proxy'; readonly url: string })[],
  options: Omit<ProbeOptions, 'signal'>,
): Promise<RouteProbe> {
  const attempts = await Promise.all(hops.map((hop) => sharedProbe(ctx, endpoint, hop.kind === 'proxy' ? { proxy: hop.url } : {}, options)));
  const chosen = attempts.find(reachedTls);
  return { attempts, ...(chosen ? { chosen } : {}) };
}

const inMs = (value: number) => `${Math.round(value)} ms`;

/** `DNS 2 ms · TCP 1 ms · TLSv1.3 5 ms · HTTP 200 4 ms`, or where it stopped. */
export function describeProbe(probe: EndpointProbe): string {
  const parts: string[] = [];
  if (probe.dns) parts.push(`DNS ${inMs(probe.dns.ms)}`);
  if (probe.tcpMs !== undefined) parts.push(`TCP ${inMs(probe.tcpMs)}`);
  if (probe.proxy && probe.proxy.outcome.kind === 'tunnel') parts.push(`tunnel ${inMs((probe.proxy.tcpMs ?? 0) + (probe.proxy.connectMs ?? 0))}`);
  if (probe.tls?.authorized) parts.push(`${probe.tls.protocol ?? 'TLS'} ${inMs(probe.tls.ms)}`);
  if (probe.http) parts.push(`HTTP ${probe.http.status} ${inMs(probe.http.ms)}`);
  if (probe.failure) parts.push(`stopped at ${probe.failure.stage.toUpperCase()}: ${probe.failure.message}`);
  return `${probe.route}: ${parts.join(' · ')}`;
}
