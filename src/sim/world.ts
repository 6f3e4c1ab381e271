/**
 * The simulated Microsoft 365 world: Entra ID, Microsoft Graph, the Exchange admin API and a federation
 * server, served over real HTTPS on 127.0.0.1 under their real host names.
 *
 * The doctor enters it only through its context: the world's resolver sends Microsoft's names to its
 * listeners, its CA (made at start, never written to disk) is the one trusted, and its clock can run
 * apart from the machine's. Every request is recorded, so tests can prove the doctor only reads.
 * How to write a scenario: docs/simulated-world.md.
 */
import { createServer as createHttpsServer, type Server } from 'node:https';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, connect as netConnect, createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { decodeJwt } from '../auth/jwt.js';
import { CLOUDS, ENVIRONMENT_NAMES } from '../clouds.js';
import type { Config, Context, ResolvedEndpoint, WorldOverrides } from '../context.js';
import { createContext } from '../context.js';
import { cloudOfLoginHost, getUserRealm, instanceDiscovery, openIdConfiguration, signingKeys, tenantNotFound, userRealm } from './entra-discovery.js';
import { type AppCredentials, EntraTokenService } from './entra-token.js';
import { ComplianceService } from './compliance.js';
import { ExchangeService } from './exchange.js';
import { GraphService } from './graph.js';
import { json, notFound, type SimRequest, type SimResponse, text } from './http.js';
import { createCertificateAuthority, createClientCertificate, type IssuedCertificate, issueIntermediateAuthority, issueServerCertificate } from './pki.js';
import type { HostFaults, Scenario } from './scenario.js';
import { Tenant } from './tenant.js';
import { createSigningKey, type SigningKey, TokenIssuer } from './tokens.js';

/** One request as the world saw it. */
export interface AuditRecord {
  readonly at: string;
  readonly host: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly clientId?: string;
  readonly cmdlet?: string;
  readonly grantType?: string;
}

/**
 * The admin's machine in the world, unless a test or scenario says otherwise: no proxy variables, and
 * none of the programs that hold proxy settings. The real machine's settings must not leak in: a
 * desktop's proxy would send simulated traffic to a real proxy.
 */
const CLEAN_MACHINE: Required<Pick<WorldOverrides, 'env' | 'platform' | 'exec'>> = {
  env: {},
  platform: 'linux',
  exec: async (command) => ({ kind: 'not-found', command }),
};

/** Hosts the world answers besides each cloud's login, Exchange and Graph hosts. */
const EXTRA_HOSTS = [
  'device.login.microsoftonline.com',
  'microsoft.com',
  'www.microsoft.com',
  'aadcdn.msftauth.net',
  'aadcdn.msauth.net',
  'logincdn.msftauth.net',
  'outlook.office.com',
  'graph.windows.net',
  'autologon.microsoftazuread-sso.com',
  'ps.compliance.protection.outlook.com',
  'www.powershellgallery.com',
] as const;

/** What a test or the demo says about the admin's machine in the world. */
type WorldMachine = Pick<WorldOverrides, 'env' | 'platform' | 'exec' | 'files' | 'readFile' | 'readDir' | 'ownFiles'>;

export interface WorldOptions {
  /** Where to listen; 127.0.0.1 on a free port by default. */
  readonly listen?: { readonly host?: string; readonly port?: number };
}

export interface World {
  readonly scenario: Scenario;
  readonly tenant: Tenant;
  /** Where a name leads in this world; rejects with ENOTFOUND for names it does not have. */
  resolve(host: string, port: number): Promise<readonly ResolvedEndpoint[]>;
  /** The world's root CA (PEM): the only certificate a doctor in this world needs to trust. */
  readonly caCertificate: string;
  /** The true time in the world (the admin's clock is this plus the scenario's skew). */
  now(): Date;
  /** Every request so far, in order. */
  readonly audit: readonly AuditRecord[];
  /** Credentials generated for a scenario app (a certificate with its key, a secret). */
  credentials(appId: string): AppCredentials | undefined;
  /** Who completes device-code and browser sign-ins from now on. */
  signInAs(upn: string): void;
  /** Every host name the world answers. */
  readonly hosts: readonly string[];
  /**
   * A doctor context that lives in this world; `machine` sets the machine's own settings (proxy
   * variables, programs, and with `readFile`/`readDir` its whole file system: src/sim/machine.ts).
   */
  context(config: Config, writeLog?: (line: string) => void, machine?: WorldMachine): Context;
  /** The port of the shared HTTPS listener. */
  readonly port: number;
  stop(): Promise<void>;
}

export async function startWorld(scenario: Scenario, options: WorldOptions = {}): Promise<World> {
  const tenant = new Tenant(scenario);
  const hosts = worldHosts(scenario);
  const { ca, intermediate, serverCert, signingKey } = await keyMaterial(hosts);
  const credentials = new Map<string, AppCredentials>();
  await Promise.all(
    scenario.apps.map(async (app) => {
      const certificate = app.credentials.includes('certificate') ? await clientCertificate(app.appId, app.displayName) : undefined;
      const secret = app.credentials.includes('secret') ? `${randomBytes(3).toString('hex')}~${randomBytes(24).toString('base64url')}` : undefined;
      credentials.set(app.appId, { ...(certificate ? { certificate } : {}), ...(secret ? { secret } : {}) });
    }),
  );

  const skewMs = scenario.clockSkewSeconds * 1000;
  const now = () => new Date(Date.now() - skewMs);
  const issuer = new TokenIssuer(signingKey, tenant);
  const fault = (host: string): HostFaults => scenario.faults[host] ?? {};
  const federationHost = scenario.tenant.federationHost;
  const federationReachable = !federationHost || !(fault(federationHost).blackHole || fault(federationHost).unresolvable || fault(federationHost).reset);
  const entra = new EntraTokenService(tenant, issuer, credentials, federationReachable);
  const graph = new GraphService(tenant, issuer);
  const exchange = new ExchangeService(tenant, issuer);
  const compliance = new ComplianceService(tenant, issuer);
  const audit: AuditRecord[] = [];
  const counters = new Map<string, number>();

  const route = async (req: SimRequest): Promise<SimResponse> => {
    if (cloudOfLoginHost(req.host)) return routeEntra(req);
    if (ENVIRONMENT_NAMES.some((e) => CLOUDS[e].graphHost === req.host)) return graph.handle(req);
    if (ENVIRONMENT_NAMES.some((e) => CLOUDS[e].exchangeHost === req.host) || req.host === 'outlook.office.com') {
      return req.path.toLowerCase().startsWith('/adminapi/') ? exchange.handle(req) : text(200, '<html><body>Outlook</body></html>');
    }
    if (ComplianceService.hosts(scenario.compliance.region).includes(req.host)) {
      return req.path.toLowerCase().startsWith('/adminapi/') ? compliance.handle(req) : text(200, '<html><body>Security &amp; Compliance</body></html>');
    }
    if (req.host === federationHost) return federationPage(req);
    return text(200, `<html><body>${req.host}</body></html>`);
  };

  const routeEntra = async (req: SimRequest): Promise<SimResponse> => {
    const path = req.path;
    let m: RegExpExecArray | null;
    if (path === '/getuserrealm.srf') return getUserRealm(req, tenant);
    if ((m = /^\/common\/userrealm\/([^/]+)$/.exec(path))) return userRealm(req, tenant, decodeURIComponent(m[1] as string));
    if (/^\/[^/]+\/discovery\/instance$/.test(path)) return instanceDiscovery(req);
    if (/^\/[^/]+\/discovery(\/v2\.0)?\/keys$/.test(path)) return signingKeys(issuer);
    if ((m = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path))) return openIdConfiguration(req, tenant, m[1] as string, 2);
    if ((m = /^\/([^/]+)\/\.well-known\/openid-configuration$/.exec(path))) return openIdConfiguration(req, tenant, m[1] as string, 1);
    if ((m = /^\/([^/]+)\/oauth2\/v2\.0\/(devicecode|token|authorize)$/.exec(path))) {
      const segment = decodeURIComponent(m[1] as string);
      if (!['common', 'organizations'].includes(segment.toLowerCase()) && !tenant.matches(segment)) return tenantNotFound(req, segment);
      if (m[2] === 'authorize' && req.method === 'GET') return entra.authorize(req, segment);
      if (req.method !== 'POST') return json(405, { error: 'invalid_request', error_description: 'Use POST.' });
      return m[2] === 'devicecode' ? entra.deviceCode(req, segment) : entra.token(req, segment);
    }
    return notFound();
  };

  // Per host, a bucket of one second's worth of requests, refilled continuously.
  const buckets = new Map<string, { tokens: number; at: number }>();
  const rateLimited = (host: string, perSecond: number, at: Date): { refusal?: SimResponse; headers: Record<string, string> } => {
    const bucket = buckets.get(host) ?? { tokens: perSecond, at: at.getTime() };
    bucket.tokens = Math.min(perSecond, bucket.tokens + ((at.getTime() - bucket.at) / 1000) * perSecond);
    bucket.at = at.getTime();
    buckets.set(host, bucket);
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    // The next request is allowed when the bucket holds a whole one again: Rate-Limit-Reset says when,
    // to the millisecond; Retry-After can only say whole seconds.
    const resetMs = Math.ceil((Math.max(0, 1 - bucket.tokens) / perSecond) * 1000);
    const headers = { 'rate-limit-limit': String(perSecond), 'rate-limit-reset': new Date(at.getTime() + resetMs).toISOString() };
    if (allowed) return { headers: { ...headers, 'rate-limit-remaining': String(Math.floor(bucket.tokens)) } };
    const resetSeconds = Math.max(1, Math.ceil(resetMs / 1000));
    const refusal = json(
      429,
      { error: { code: 'TooManyRequests', message: `Too many requests. Please retry after ${resetSeconds} seconds.` } },
      { ...headers, 'retry-after': String(resetSeconds), 'rate-limit-remaining': '0' },
    );
    return { refusal, headers };
  };

  const handle = async (incoming: IncomingMessage, response: ServerResponse) => {
    const host = (incoming.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const url = new URL(incoming.url ?? '/', `https://${host}`);
    const body = await readBody(incoming);
    const facts: { clientId?: string; cmdlet?: string; grantType?: string } = {};
    const req: SimRequest = {
      host,
      method: incoming.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: Object.fromEntries(Object.entries(incoming.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v])),
      body,
      now: now(),
      note: (more) => Object.assign(facts, Object.fromEntries(Object.entries(more).filter(([, v]) => v !== undefined))),
    };
    const record = (status: number) =>
      audit.push({ at: req.now.toISOString(), host, method: req.method, path: req.path, status, ...facts });

    const hostFaults = fault(host);
    const count = (counters.get(host) ?? 0) + 1;
    counters.set(host, count);
    if (hostFaults.latencyMs) await sleep(hostFaults.latencyMs);
    if (hostFaults.reset) {
      record(0);
      incoming.socket.destroy();
      return;
    }
    req.note(observe(req));
    const limited = hostFaults.rateLimit ? rateLimited(host, hostFaults.rateLimit.requestsPerSecond, req.now) : undefined;
    const answer =
      limited?.refusal ??
      injectedAnswer(hostFaults, count, req) ??
      (await route(req).catch((err: unknown) => json(500, { error: { code: 'InternalServerError', message: String(err) } })));
    record(answer.status);
    await send(response, limited && !limited.refusal ? { ...answer, headers: { ...answer.headers, ...limited.headers } } : answer, hostFaults, now());
  };

  const server: Server = createHttpsServer({ cert: `${serverCert.certPem}${intermediate.certPem}`, key: serverCert.keyPem }, (req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const listenHost = options.listen?.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.listen?.port ?? 0, listenHost, resolve));
  const port = (server.address() as AddressInfo).port;

  // A black hole: accepts the connection, then never says a word.
  const blackHole: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
  const blackHolePort = (blackHole.address() as AddressInfo).port;

  // The scenario's forward proxies: one listener answers CONNECT for all of them, into the world only.
  const proxy = createHttpServer((_req, res) => {
    res.writeHead(405, { 'content-type': 'text/plain' }).end('This simulated proxy tunnels HTTPS only (CONNECT).\n');
  });
  proxy.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    client.on('error', () => undefined);
    const [, host = '', port = '443'] = /^\[?([^\]]+?)\]?:(\d+)$/.exec(req.url ?? '') ?? [];
    reachable(host, Number(port))
      .then(([target]) => {
        if (!target) throw new Error('no address');
        const upstream = netConnect(target.port, target.address, () => {
          client.write('HTTP/1.1 200 Connection established\r\n\r\n');
          if (head.length > 0) upstream.write(head);
          upstream.pipe(client);
          client.pipe(upstream);
        });
        sockets.add(upstream);
        upstream.on('close', () => sockets.delete(upstream));
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
      })
      .catch(() => client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n'));
  });
  proxy.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const proxyPort = (proxy.address() as AddressInfo).port;
  const proxyHosts = new Set(scenario.proxies.map((p) => p.replace(/:\d+$/, '')));

  // With egress limited to the proxies, a direct connection meets a closed port (refused), as behind a firewall that rejects.
  const closed = createTcpServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));

  const resolve = async (host: string, requestedPort: number): Promise<readonly ResolvedEndpoint[]> => {
    const found = await reachable(host, requestedPort);
    const name = host.toLowerCase().replace(/\.$/, '');
    if (scenario.egress === 'proxy-only' && !proxyHosts.has(name) && name !== '127.0.0.1' && name !== 'localhost') return found.map((e) => ({ ...e, port: closedPort }));
    return found;
  };

  /** Where a name leads from inside the world's network (its proxies see every host). */
  const reachable = async (host: string, requestedPort: number): Promise<readonly ResolvedEndpoint[]> => {
    const name = host.toLowerCase().replace(/\.$/, '');
    if (name === '127.0.0.1' || name === 'localhost') return [{ address: '127.0.0.1', family: 4, port: requestedPort }];
    if (proxyHosts.has(name) && scenario.proxies.includes(`${name}:${requestedPort}`)) return [{ address: '127.0.0.1', family: 4, port: proxyPort }];
    const f = fault(name);
    if (!hosts.has(name) || f.unresolvable) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', hostname: host, syscall: 'getaddrinfo' });
    }
    return f.blackHole ? [{ address: '127.0.0.1', family: 4, port: blackHolePort }] : [{ address: listenHost, family: 4, port }];
  };

  return {
    scenario,
    tenant,
    resolve,
    caCertificate: ca.certPem,
    now,
    audit,
    port,
    credentials: (appId) => credentials.get(appId),
    signInAs: (upn) => {
      entra.signInAs = upn;
    },
    hosts: [...hosts],
    context: (config, writeLog, machine = {}) =>
      createContext({
        // The world's own user completes device-code and browser sign-ins: no person is waited for.
        config: { signInCompletedBy: 'simulation', ...config },
        ...(writeLog ? { writeLog } : {}),
        world: { ...CLEAN_MACHINE, ...machine, resolve, trustedCAs: async () => [ca.certPem] },
      }),
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => blackHole.close(r)), new Promise((r) => proxy.close(r))]);
    },
  };
}

interface KeyMaterial {
  readonly ca: IssuedCertificate;
  readonly intermediate: IssuedCertificate;
  readonly serverCert: IssuedCertificate;
  readonly signingKey: SigningKey;
}

/**
 * RSA keys take a few hundred milliseconds each, so one process makes them once and every world it
 * starts reuses them (a new host list gets a new server certificate). Nothing is written to disk.
 */
const keyCache = new Map<string, Promise<KeyMaterial>>();
const clientCertCache = new Map<string, Promise<IssuedCertificate>>();
let rootCache: Promise<{ ca: IssuedCertificate; intermediate: IssuedCertificate; signingKey: SigningKey }> | undefined;

function validity(): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(Date.now() - 86_400_000), notAfter: new Date(Date.now() + 7 * 86_400_000) };
}

function keyMaterial(hosts: ReadonlySet<string>): Promise<KeyMaterial> {
  const key = [...hosts].sort().join(',');
  let material = keyCache.get(key);
  if (!material) {
    // The chain has the shape and the names of Microsoft 365's (a DigiCert root, a Microsoft issuing CA),
    // so that the doctor's TLS-inspection check sees the world as it sees Microsoft. The keys are the
    // world's own, made now, kept in memory and trusted only by a context inside the world.
    rootCache ??= Promise.all([
      createCertificateAuthority({ commonName: 'DigiCert Global Root G2', organization: 'DigiCert Inc', ...validity() }),
      createSigningKey(),
    ]).then(async ([root, signingKey]) => ({
      ca: root,
      intermediate: await issueIntermediateAuthority(root, { commonName: 'Microsoft Azure RSA TLS Issuing CA 04', organization: 'Microsoft Corporation', ...validity() }),
      signingKey,
    }));
    material = rootCache.then(async ({ ca, intermediate, signingKey }) => ({
      ca,
      intermediate,
      signingKey,
      // An ECDSA leaf: the world serves every handshake of a diagnosis from one process, often on the
      // same CPU as the doctor, and an RSA signature per handshake would dominate its timings.
      serverCert: await issueServerCertificate(intermediate, { commonName: 'login.microsoftonline.com', dnsNames: [...hosts], ipAddresses: ['127.0.0.1'], keyType: 'ec', ...validity() }),
    }));
    keyCache.set(key, material);
  }
  return material;
}

function clientCertificate(appId: string, displayName: string): Promise<IssuedCertificate> {
  let certificate = clientCertCache.get(appId);
  if (!certificate) {
    certificate = createClientCertificate({ commonName: displayName, ...validity() });
    clientCertCache.set(appId, certificate);
  }
  return certificate;
}

/** Every host name the world answers for this scenario. */
function worldHosts(scenario: Scenario): Set<string> {
  const hosts = new Set<string>(EXTRA_HOSTS);
  for (const name of ENVIRONMENT_NAMES) {
    const cloud = CLOUDS[name];
    for (const host of [cloud.loginHost, ...cloud.loginAliases, cloud.exchangeHost, cloud.graphHost]) hosts.add(host);
  }
  for (const host of ComplianceService.hosts(scenario.compliance.region)) hosts.add(host);
  if (scenario.tenant.federationHost) hosts.add(scenario.tenant.federationHost);
  for (const host of Object.keys(scenario.faults)) hosts.add(host);
  return hosts;
}

/** What the audit log records about any request, read without running it: client, grant, cmdlet. */
function observe(req: SimRequest): { clientId?: string; cmdlet?: string; grantType?: string } {
  const facts: { clientId?: string; cmdlet?: string; grantType?: string } = {};
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.includes('x-www-form-urlencoded')) {
    const body = new URLSearchParams(req.body);
    if (body.get('client_id')) facts.clientId = body.get('client_id') as string;
    if (body.get('grant_type')) facts.grantType = body.get('grant_type') as string;
  } else if (contentType.includes('json')) {
    try {
      const name = (JSON.parse(req.body) as { CmdletInput?: { CmdletName?: unknown } } | null)?.CmdletInput?.CmdletName;
      if (typeof name === 'string') facts.cmdlet = name;
    } catch {
      // Not JSON after all: nothing to record.
    }
  }
  if (req.query.get('client_id')) facts.clientId = req.query.get('client_id') as string;
  const appId = decodeJwt(/^Bearer\s+(\S+)$/i.exec(req.headers['authorization'] ?? '')?.[1] ?? '')?.payload['appid'];
  if (typeof appId === 'string') facts.clientId = appId;
  return facts;
}

/** A fault that replaces the answer: throttling, a server error, a body that is not JSON, an HTML error page. */
function injectedAnswer(faults: HostFaults, count: number, req: SimRequest): SimResponse | undefined {
  const applies = (rule: { first?: number } | undefined) => rule !== undefined && (rule.first === undefined || count <= rule.first);
  if (faults.throttle && applies(faults.throttle)) {
    const seconds = faults.throttle.retryAfterSeconds;
    return json(
      429,
      { error: { code: 'TooManyRequests', message: `Too many requests. Please retry after ${seconds} seconds.` } },
      {
        'retry-after': String(seconds),
        'rate-limit-remaining': '0',
        'rate-limit-reset': new Date(req.now.getTime() + seconds * 1000).toISOString(),
      },
    );
  }
  if (faults.serverError && applies(faults.serverError)) {
    return json(faults.serverError.status, { error: { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable. Please try again later.' } });
  }
  if (faults.htmlError) {
    return text(faults.htmlError, `<html><head><title>${faults.htmlError} Error</title></head><body><h1>${faults.htmlError} Error</h1><p>The gateway could not complete the request.</p></body></html>`);
  }
  if (faults.nonJson) return text(200, 'Service is up.', 'text/plain; charset=utf-8');
  return undefined;
}

async function send(response: ServerResponse, answer: SimResponse, faults: HostFaults, worldNow: Date): Promise<void> {
  const payload = Buffer.from(answer.text ?? (answer.json === undefined ? '' : JSON.stringify(answer.json)), 'utf8');
  const contentType = answer.contentType ?? (answer.json === undefined ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8');
  response.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers ?? {})) response.setHeader(name, value);
  response.setHeader('content-type', contentType);
  // The Date header tells the world's time: this is how a client can see that its clock is off.
  response.setHeader('date', worldNow.toUTCString());
  response.setHeader('content-length', String(payload.length));
  if (faults.truncated) {
    response.write(payload.subarray(0, Math.floor(payload.length / 2)));
    await sleep(10);
    response.socket?.destroy();
    return;
  }
  if (faults.slowDrip) {
    for (let offset = 0; offset < payload.length; offset += faults.slowDrip.bytes) {
      if (response.destroyed) return;
      response.write(payload.subarray(offset, offset + faults.slowDrip.bytes));
      await sleep(faults.slowDrip.intervalMs);
    }
    response.end();
    return;
  }
  response.end(payload);
}

function federationPage(req: SimRequest): SimResponse {
  if (req.path.toLowerCase().startsWith('/federationmetadata/')) {
    return text(200, `<?xml version="1.0" encoding="utf-8"?><EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="http://${req.host}/adfs/services/trust"/>`, 'application/samlmetadata+xml');
  }
  return text(200, '<html><head><title>Sign In</title></head><body><form id="loginForm">Sign in with your organizational account</form></body></html>');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 1024 * 1024) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
