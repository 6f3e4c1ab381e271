/**
 * A thin Microsoft Graph client for the few reads the doctor makes (MFA state, the Exchange PowerShell
 * app, the sign-in log): GET only, over the doctor's own HTTP client and route, following
 * `@odata.nextLink` for lists, with Graph's errors as a typed {@link GraphError}. `read` says, for a
 * 403, which permission, role or licence the read needs and how to get it (./permissions.ts): the checks turn that into a
 * `skip`, never a `fail` (a doctor that cannot look has found nothing wrong).
 *
 * Error shape: https://learn.microsoft.com/graph/errors (fixtures/microsoft/graph/error-403-*.json).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Context } from '../context.js';
import type { GraphSession } from '../auth/identity.js';
import { HttpClient } from '../net/http.js';
import { sendThrottled } from '../throttle.js';
import type { ServiceRoute } from '../net/service-route.js';
import { GraphError } from './error.js';
import { type Denial, explainDenial, type GraphPermission } from './permissions.js';

export { GraphError } from './error.js';

/** The outcome of a read that may be refused: the value, or why not. Other errors are thrown. */
export type Read<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly denial: Denial };

export interface GraphClientOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** A list page as Graph sends it. */
interface Page {
  readonly value?: unknown;
  readonly '@odata.nextLink'?: unknown;
}

export class GraphClient {
  private readonly http: HttpClient;
  private readonly base: string;

  constructor(
    private readonly ctx: Context,
    private readonly session: GraphSession,
    route: ServiceRoute,
    private readonly options: GraphClientOptions,
  ) {
    this.http = new HttpClient(ctx, { timeoutMs: options.timeoutMs, ...(route.proxy ? { proxy: route.proxy } : {}), ...(options.signal ? { signal: options.signal } : {}) });
    this.base = `https://${session.graphHost}`;
  }

  /** GET a path such as `/v1.0/users/{id}` or `/beta/…`; the parsed JSON body, or a {@link GraphError}. */
  async get<T = unknown>(path: string): Promise<T> {
    return (await this.fetch(this.url(path))) as T;
  }

  /** GET a collection, following `@odata.nextLink` until `max` items (default 500). */
  async list<T = unknown>(path: string, options: { max?: number } = {}): Promise<T[]> {
    const max = options.max ?? 500;
    const items: T[] = [];
    let url: string | undefined = this.url(path);
    while (url !== undefined && items.length < max) {
      const page = (await this.fetch(url)) as Page;
      if (!Array.isArray(page?.value)) throw new GraphError(200, 'UnexpectedResponse', 'the answer has no "value" list', pathOf(url));
      items.push(...(page.value as T[]));
      const next: unknown = page['@odata.nextLink'];
      url = typeof next === 'string' ? this.sameHost(next) : undefined;
    }
    return items.slice(0, max);
  }

  /** {@link get}, with a 403 turned into a {@link Denial}. */
  async read<T = unknown>(path: string, permission: GraphPermission, aboutOther = false): Promise<Read<T>> {
    return this.attempt(() => this.get<T>(path), permission, aboutOther);
  }

  /** {@link list}, with a 403 turned into a {@link Denial}. */
  async readList<T = unknown>(path: string, permission: GraphPermission, options: { max?: number; aboutOther?: boolean } = {}): Promise<Read<T[]>> {
    return this.attempt(() => this.list<T>(path, options), permission, options.aboutOther ?? false);
  }

  /**
   * {@link read} of something the whole tenant shares (a policy, the module's app): read once for the run
   * and identity, however many accounts a pre-flight checks. A read that failed is not kept.
   */
  async sharedRead<T = unknown>(path: string, permission: GraphPermission): Promise<Read<T>> {
    return this.shared(`read ${path}`, () => this.read<T>(path, permission));
  }

  /** {@link readList} of something the whole tenant shares; see {@link sharedRead}. */
  async sharedReadList<T = unknown>(path: string, permission: GraphPermission, options: { max?: number } = {}): Promise<Read<T[]>> {
    return this.shared(`list ${options.max ?? 500} ${path}`, () => this.readList<T>(path, permission, options));
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async shared<T>(what: string, read: () => Promise<T>): Promise<T> {
    const reads = await this.ctx.memo('graph-shared-reads', async () => new Map<string, Promise<unknown>>());
    // The same identity on the same host: a different sign-in may see a different tenant, or be refused.
    const key = `${this.session.graphHost} ${createHash('sha256').update(this.session.accessToken).digest('base64url').slice(0, 16)} ${what}`;
    let pending = reads.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = read();
      reads.set(key, pending);
      pending.catch(() => reads.delete(key));
    }
    return pending;
  }

  private async attempt<T>(call: () => Promise<T>, permission: GraphPermission, aboutOther: boolean): Promise<Read<T>> {
    try {
      return { ok: true, value: await call() };
    } catch (err) {
      if (err instanceof GraphError && err.denied) return { ok: false, denial: explainDenial(err, permission, this.session, aboutOther, this.ctx.config) };
      throw err;
    }
  }

  private url(path: string): string {
    if (!/^\/(v1\.0|beta)\//.test(path)) throw new Error(`Graph path must start with /v1.0/ or /beta/: ${path}`);
    return `${this.base}${path}`;
  }

  /** A next link is followed only on the Graph host: the token must never go anywhere else. */
  private sameHost(link: string): string {
    let parsed: URL;
    try {
      parsed = new URL(link);
    } catch {
      throw new GraphError(200, 'UnexpectedResponse', `the next page link is not a URL: ${link}`, link);
    }
    if (parsed.protocol !== 'https:' || parsed.host.toLowerCase() !== this.session.graphHost.toLowerCase()) {
      throw new GraphError(200, 'UnexpectedResponse', `the next page link leads to ${parsed.host}, not ${this.session.graphHost}; not followed`, pathOf(link));
    }
    return parsed.toString();
  }

  /**
   * One GET. Throttled, it waits as Graph asks (the run's gate holds every other request to Graph too)
   * while the waits fit in half the time the read has; a longer throttling is reported.
   */
  private async fetch(url: string): Promise<unknown> {
    const { response: res } = await sendThrottled(
      this.ctx,
      this.session.graphHost,
      () =>
        this.http.send({
          method: 'GET',
          url,
          headers: {
            authorization: `Bearer ${this.session.accessToken}`,
            accept: 'application/json',
            'user-agent': `exo-doctor/${this.ctx.runtime.doctorVersion}`,
            'client-request-id': randomUUID(),
            ...(needsEventualConsistency(url) ? { consistencylevel: 'eventual' } : {}),
          },
        }),
      { budgetMs: this.options.timeoutMs / 2, signal: this.options.signal },
    );
    if (res.status >= 200 && res.status < 300) {
      if (res.json === undefined) throw new GraphError(res.status, 'UnexpectedResponse', `the answer is not JSON (${res.headers['content-type'] ?? 'no content type'})`, pathOf(url), res.headers['request-id']);
      return res.json;
    }
    throw graphErrorOf(res.status, res.json, res.headers, pathOf(url));
  }
}

/** The path and query of a URL, for messages (never the host's credentials, never a token). */
function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

/** A Graph error body (`error.code`, `error.message`, `error.innerError`) or whatever came instead. */
export function graphErrorOf(status: number, body: unknown, headers: Readonly<Record<string, string>>, path: string): GraphError {
  const error = (body as { error?: { code?: unknown; message?: unknown; innerError?: Record<string, unknown> } } | undefined)?.error;
  const inner = error?.innerError ?? {};
  const code = typeof error?.code === 'string' && error.code !== '' ? error.code : `HTTP ${status}`;
  const message = typeof error?.message === 'string' ? error.message : `Graph answered ${status} without an error body`;
  const requestId = typeof inner['request-id'] === 'string' ? inner['request-id'] : headers['request-id'];
  const date = typeof inner['date'] === 'string' ? inner['date'] : headers['date'];
  const retryAfter = Number(headers['retry-after']);
  return new GraphError(status, code, message, path, requestId, date, Number.isFinite(retryAfter) && headers['retry-after'] !== undefined ? retryAfter : undefined);
}

/**
 * Whether a query uses Graph's advanced query capabilities on directory objects ($count, $search,
 * `ne`, `not()`, `endsWith()`), which answer only with `ConsistencyLevel: eventual`.
 * https://learn.microsoft.com/graph/aad-advanced-queries
 */
export function needsEventualConsistency(url: string): boolean {
  let query: URLSearchParams;
  try {
    query = new URL(url, 'https://graph.microsoft.com').searchParams;
  } catch {
    return false;
  }
  if (query.has('$search') || query.get('$count') === 'true') return true;
  const filter = query.get('$filter') ?? '';
  return /\bendswith\s*\(|\bnot\s*\(|\sne\s/i.test(filter);
}

/** An OData string literal: `'…'` with quotes doubled. */
export function quoted(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A path with its query: `graphPath('/v1.0/servicePrincipals', { $filter: "appId eq '…'" })`, values URL-encoded. */
export function graphPath(path: string, query: Readonly<Record<string, string | number>> = {}): string {
  const parts = Object.entries(query).map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`);
  return parts.length > 0 ? `${path}?${parts.join('&')}` : path;
}
