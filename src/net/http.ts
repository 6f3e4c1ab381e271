/**
 * One HTTP request through the doctor's route, with a watchdog: undici 7 does not honour its
 * AbortSignal on a black-holed proxy and can loop on one that hangs up during CONNECT, so every call
 * is raced against a timer that destroys the dispatcher (docs/network-and-proxies.md#undici-proxies).
 * Used by the tenant, Exchange and Graph clients, and by MSAL's network client.
 */
import type { Dispatcher } from 'undici';
import type { Context } from '../context.js';
import { loadUndici } from './undici.js';
import { anySignal } from '../abort.js';

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface HttpResponse {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  /** The body as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

/** A request that got no HTTP answer; `code` is Node's or undici's (ECONNREFUSED, ETIMEDOUT, …). */
export class HttpFailure extends Error {
  override readonly name = 'HttpFailure';
  constructor(
    readonly code: string,
    message: string,
    readonly url: string,
  ) {
    super(message);
  }
}

export interface HttpClientOptions {
  /** Time limit of one request. */
  readonly timeoutMs: number;
  /** The proxy to use, credentials included; direct when absent. */
  readonly proxy?: string;
  readonly signal?: AbortSignal;
}

/** Codes after which the dispatcher may be stuck, so it is replaced. */
const HUNG = new Set(['ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** The code and message of an error, looking through its causes for the first one with a code. */
function describeError(err: unknown): { code: string; message: string } {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current; depth++) {
    const c = current as { code?: unknown; message?: unknown; cause?: unknown; name?: unknown };
    if (c.name === 'TimeoutError') return { code: 'ETIMEDOUT', message: String(c.message ?? 'timed out') };
    if (typeof c.code === 'string') return { code: c.code, message: String(c.message ?? c.code) };
    if (c.name === 'AbortError' && !c.cause) return { code: 'ABORTED', message: String(c.message ?? 'aborted') };
    current = c.cause;
  }
  return { code: 'EUNKNOWN', message: String((err as { message?: unknown } | undefined)?.message ?? err) };
}

/** A client that keeps one dispatcher for its route and replaces it when a request hangs. */
export class HttpClient {
  private dispatcher: Promise<Dispatcher> | undefined;

  constructor(
    private readonly ctx: Context,
    private readonly options: HttpClientOptions,
  ) {}

  async send(request: HttpRequest, timeoutMs = this.options.timeoutMs): Promise<HttpResponse> {
    const ms = Math.min(timeoutMs, this.options.timeoutMs);
    const dispatcher = await (this.dispatcher ??= this.ctx.dispatcher({ timeoutMs: ms, ...(this.options.proxy ? { proxy: this.options.proxy } : {}) }));
    const { request: send } = await loadUndici();
    let timer: NodeJS.Timeout | undefined;
    const watchdog = new Promise<never>((_, reject) => {
      // undici's own timers are coarse (about +0.5 s); give them the first chance.
      timer = setTimeout(() => reject(new HttpFailure('ETIMEDOUT', `no answer from ${new URL(request.url).host} within ${ms} ms`, request.url)), ms + 500);
    });
    const deadline = new AbortController();
    const timeout = setTimeout(() => deadline.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')), ms + 250);
    const linked = anySignal([deadline.signal, ...(this.options.signal ? [this.options.signal] : [])]);
    try {
      return await Promise.race([
        send(request.url, {
          method: request.method,
          dispatcher,
          signal: linked.signal,
          headersTimeout: ms,
          bodyTimeout: ms,
          ...(request.headers ? { headers: { ...request.headers } } : {}),
          ...(request.body !== undefined ? { body: request.body } : {}),
        }).then(async (res) => {
          const text = await res.body.text();
          return { status: res.statusCode, headers: flatten(res.headers), text, json: parseJson(text) };
        }),
        watchdog,
      ]);
    } catch (err) {
      const failure = err instanceof HttpFailure ? err : new HttpFailure(describeError(err).code, describeError(err).message, request.url);
      if (HUNG.has(failure.code)) this.replace(dispatcher);
      throw failure;
    } finally {
      clearTimeout(timer);
      clearTimeout(timeout);
      linked.dispose();
    }
  }

  /** A dispatcher that hung is destroyed; the next request builds a new one. */
  private replace(dispatcher: Dispatcher): void {
    this.dispatcher = undefined;
    Promise.resolve()
      .then(() => dispatcher.destroy())
      .catch(() => undefined);
  }

  async close(): Promise<void> {
    const dispatcher = await this.dispatcher;
    this.dispatcher = undefined;
    await Promise.resolve()
      .then(() => dispatcher?.destroy())
      .catch(() => undefined);
  }
}

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
