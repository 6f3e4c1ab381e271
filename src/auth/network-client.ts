/**
 * MSAL's network, through the doctor's own HTTP client (so the proxy, the trusted CAs and the simulated
 * world's resolver all apply to sign-in too, and every call has the watchdog).
 *
 * Two things MSAL does not do by itself (docs/network-and-proxies.md#msal-through-the-doctors-own-network-client):
 * - transport failures are thrown as {@link TransportError}, an AuthError subclass, because MSAL passes
 *   AuthErrors through but turns anything else into a bare "network_error" without its cause;
 * - the last raw response is kept, so AADSTS codes survive where MSAL drops them (device-code errors).
 */
import { AuthError, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import { HttpClient, type HttpClientOptions, HttpFailure } from '../net/http.js';
import type { Context } from '../context.js';

/** A request that never produced a usable HTTP answer: refused, reset, timed out, TLS refused, not JSON. */
export class TransportError extends AuthError {
  /** The Node or undici error code (`ECONNREFUSED`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `ETIMEDOUT`, …). */
  readonly code: string;
  /** What went wrong, without MSAL's prefix. */
  readonly detail: string;

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
    this.detail = `${code}: ${message} (${url})`;
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

export class DoctorNetworkClient implements INetworkModule {
  readonly calls: NetworkCall[] = [];
  lastResponse: LastResponse | undefined;
  private readonly http: HttpClient;

  constructor(ctx: Context, options: HttpClientOptions) {
    this.http = new HttpClient(ctx, options);
  }

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private async send<T>(method: 'GET' | 'POST', url: string, options: NetworkRequestOptions = {}, timeout?: number): Promise<NetworkResponse<T>> {
    const started = performance.now();
    const record = (call: Omit<NetworkCall, 'method' | 'url' | 'durationMs'>) => this.calls.push({ method, url, ...call, durationMs: performance.now() - started });
    let response;
    try {
      response = await this.http.send(
        { method, url, ...(options.headers ? { headers: options.headers } : {}), ...(options.body !== undefined ? { body: options.body } : {}) },
        timeout,
      );
    } catch (err) {
      const failure = err instanceof HttpFailure ? err : new HttpFailure('EUNKNOWN', String(err), url);
      record({ error: failure.code });
      throw new TransportError(url, failure.code, failure.message, err);
    }
    // MSAL builds its errors from the body of 4xx answers too, so only a body that is not JSON fails here.
    const body = response.text === '' ? {} : response.json;
    this.lastResponse = { url, status: response.status, headers: response.headers, body: body === undefined ? response.text.slice(0, 2000) : body };
    if (body === undefined) {
      record({ status: response.status, error: 'EBADRESPONSE' });
      throw new TransportError(url, 'EBADRESPONSE', `HTTP ${response.status} with a body that is not JSON (${response.headers['content-type'] ?? 'no content type'})`);
    }
    record({ status: response.status });
    return { status: response.status, headers: response.headers, body: body as T };
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
