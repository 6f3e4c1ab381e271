/**
 * MSAL's network, through the doctor's own dispatcher (so the proxy, the trusted CAs and the simulated
 * world's resolver all apply to sign-in too).
 *
 * Three things MSAL does not do by itself (../shared/docs/platform-notes.md sections 1.3 and 2.1):
 * - transport failures are thrown as {@link TransportError}, an AuthError subclass, because MSAL passes
 *   AuthErrors through but turns anything else into a bare "network_error" without its cause;
 * - the last raw response is kept, so AADSTS codes survive where MSAL drops them (device-code errors);
 * - every call runs under a watchdog that destroys the dispatcher, because undici 7 can hang for ever on
 *   a black-holed proxy and ignores its AbortSignal there; the next call gets a fresh dispatcher.
 */
import { AuthError, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import type { Dispatcher } from 'undici';

/** A request that never produced an HTTP answer: refused, reset, timed out, TLS refused, not JSON. */
export class TransportError extends AuthError {
  /** The Node or undici error code (`ECONNREFUSED`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `ETIMEDOUT`, …). */
  readonly code: string;

  constructor(
    readonly url: string,
    code: string,
    message: string,
    cause?: unknown,
  ) {
    super('network_error', '', `${code}: ${message} (${url})`);
    Object.setPrototypeOf(this, TransportError.prototype);
    this.name = 'TransportError';
    this.code = code;
    if (cause !== undefined) this.cause = cause;
  }
}

/** One call as it happened, for evidence. Bodies are never kept beyond the last answer. */
export interface NetworkCall {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly status?: number;
  readonly error?: string;
  readonly durationMs: number;
}

export interface LastResponse {
  readonly url: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export interface NetworkClientOptions {
  /** Time limit of one request. */
  readonly timeoutMs: number;
  /** Stops every request (the check's signal). */
  readonly signal?: AbortSignal;
}

export class DoctorNetworkClient implements INetworkModule {
  readonly calls: NetworkCall[] = [];
  lastResponse: LastResponse | undefined;
  private dispatcher: Promise<Dispatcher> | undefined;

  constructor(
    private readonly makeDispatcher: () => Promise<Dispatcher>,
    private readonly options: NetworkClientOptions,
  ) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private async send<T>(method: 'GET' | 'POST', url: string, options: NetworkRequestOptions = {}, timeout?: number): Promise<NetworkResponse<T>> {
    const ms = Math.min(timeout ?? this.options.timeoutMs, this.options.timeoutMs);
    const started = performance.now();
    const dispatcher = await (this.dispatcher ??= this.makeDispatcher());
    const { request } = await import('undici');
    let timer: NodeJS.Timeout | undefined;
    const watchdog = new Promise<never>((_, reject) => {
      // undici's own timers are coarse (about +0.5 s); give them the first chance.
      timer = setTimeout(() => reject(new TransportError(url, 'ETIMEDOUT', `no answer within ${ms} ms`)), ms + 500);
    });
    const signals = [AbortSignal.timeout(ms + 250), ...(this.options.signal ? [this.options.signal] : [])];
    const record = (call: Omit<NetworkCall, 'method' | 'url' | 'durationMs'>) =>
      this.calls.push({ method, url, ...call, durationMs: performance.now() - started });
    try {
      const { statusCode, headers, text } = await Promise.race([
        request(url, {
          method,
          dispatcher,
          signal: AbortSignal.any(signals),
          headersTimeout: ms,
          bodyTimeout: ms,
          ...(options.headers ? { headers: options.headers } : {}),
          ...(options.body !== undefined ? { body: options.body } : {}),
        }).then(async (res) => ({ statusCode: res.statusCode, headers: res.headers, text: await res.body.text() })),
        watchdog,
      ]);
      const flat = flattenHeaders(headers);
      const body = parseJson(text);
      this.lastResponse = { url, status: statusCode, headers: flat, body: body === undefined ? text.slice(0, 2000) : body };
      if (body === undefined) {
        record({ status: statusCode, error: 'EBADRESPONSE' });
        throw new TransportError(url, 'EBADRESPONSE', `HTTP ${statusCode} with a body that is not JSON (${flat['content-type'] ?? 'no content type'})`);
      }
      record({ status: statusCode });
      return { status: statusCode, headers: flat, body: body as T };
    } catch (err) {
      if (err instanceof TransportError && err.code === 'EBADRESPONSE') throw err;
      const { code, message } = err instanceof TransportError ? { code: err.code, message: err.message } : describe(err);
      if (HUNG.has(code)) this.replaceDispatcher(dispatcher);
      record({ error: code });
      throw err instanceof TransportError ? err : new TransportError(url, code, message, err);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A dispatcher that hung is destroyed; the next request builds a new one. */
  private replaceDispatcher(dispatcher: Dispatcher): void {
    this.dispatcher = undefined;
    dispatcher.destroy().catch(() => undefined);
  }

  /** Closes the dispatcher; call when the sign-in is over. */
  async close(): Promise<void> {
    const dispatcher = await this.dispatcher;
    this.dispatcher = undefined;
    await dispatcher?.destroy().catch(() => undefined);
  }
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

function parseJson(text: string): unknown {
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Codes after which the dispatcher may be stuck, so it is replaced. */
const HUNG = new Set(['ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** The code and message of an error, looking through its causes for the first one with a code. */
export function describe(err: unknown): { code: string; message: string } {
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
