/**
 * What went wrong in a sign-in, read from whatever survived: Entra's raw answer (kept by the network
 * client, because MSAL drops the AADSTS code of device-code failures), MSAL's error (`errorNo`,
 * `errorMessage` with "Trace ID: … Correlation ID: … Timestamp: …"), or the transport failure beneath it.
 * Microsoft asks clients to key on `error_codes[0]` and `error`, never on the description's text
 * (docs/errors.md#key-on-error-codes-not-on-text), so the description is only shown, never matched.
 */
import { TransportError, type LastResponse } from './network-client.js';

export interface EntraFailure {
  /**
   * `aadsts`: Entra refused, with a code. `transport`: no usable answer. `service`: Entra answered 5xx
   * (Microsoft's side) or 429 (throttling) without a code. `expired`/`cancelled`/`timeout`: the device
   * code ran out, the run was stopped, or the time limit came first. `other`: anything else.
   */
  readonly kind: 'aadsts' | 'transport' | 'service' | 'expired' | 'cancelled' | 'timeout' | 'other';
  /** For `service`: the HTTP status, `Retry-After` in seconds, and the request ids of the answer. */
  readonly http?: { readonly status: number; readonly retryAfterSeconds?: number; readonly requestId?: string; readonly url: string };
  /** The AADSTS number. */
  readonly code?: number;
  /** The OAuth `error` (`invalid_grant`, `authorization_declined`, …) or MSAL's own error code. */
  readonly error?: string;
  readonly subError?: string;
  /** Entra's description without the trace lines, or MSAL's message. */
  readonly description?: string;
  readonly traceId?: string;
  readonly correlationId?: string;
  readonly timestamp?: string;
  /** For `transport`: Node's or undici's code and the URL. */
  readonly transport?: { readonly code: string; readonly message: string; readonly url: string };
}

interface EntraBody {
  readonly error?: unknown;
  readonly error_description?: unknown;
  readonly error_codes?: unknown;
  readonly suberror?: unknown;
  readonly trace_id?: unknown;
  readonly correlation_id?: unknown;
  readonly timestamp?: unknown;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Reads an Entra error body (`{error, error_description, error_codes, …}`); undefined when it is not one. */
export function failureFromBody(body: unknown): EntraFailure | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as EntraBody;
  const error = str(b.error);
  if (!error) return undefined;
  const description = str(b.error_description);
  const fromText = description ? traceFields(description) : {};
  const codes = Array.isArray(b.error_codes) ? b.error_codes.filter((c): c is number => typeof c === 'number') : [];
  const code = codes[0] ?? fromText.code;
  const subError = str(b.suberror);
  const traceId = str(b.trace_id) ?? fromText.traceId;
  const correlationId = str(b.correlation_id) ?? fromText.correlationId;
  const timestamp = str(b.timestamp) ?? fromText.timestamp;
  return {
    kind: code === undefined ? 'other' : 'aadsts',
    error,
    ...(code !== undefined ? { code } : {}),
    ...(subError ? { subError } : {}),
    ...(description ? { description: firstLine(description) } : {}),
    ...(traceId ? { traceId } : {}),
    ...(correlationId ? { correlationId } : {}),
    ...(timestamp ? { timestamp } : {}),
  };
}

/** The AADSTS code and the trace fields in a description or MSAL message, whichever separators it uses. */
export function traceFields(text: string): { code?: number; traceId?: string; correlationId?: string; timestamp?: string } {
  const code = /AADSTS(\d{4,7})/.exec(text)?.[1];
  const guid = '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})';
  const traceId = new RegExp(`Trace ID:\\s*${guid}`, 'i').exec(text)?.[1];
  const correlationId = new RegExp(`Correlation ID:\\s*${guid}`, 'i').exec(text)?.[1];
  const timestamp = /Timestamp:\s*(\d{4}-\d{2}-\d{2}[ T][\d:.]+Z?)/i.exec(text)?.[1];
  return {
    ...(code ? { code: Number(code) } : {}),
    ...(traceId ? { traceId } : {}),
    ...(correlationId ? { correlationId } : {}),
    ...(timestamp ? { timestamp } : {}),
  };
}

/** Entra's description up to its trace lines ("AADSTS50079: Due to a configuration change …"). */
function firstLine(description: string): string {
  return description.split(/\r?\n|\s+Trace ID:/)[0]?.trim() ?? description;
}

interface MsalLikeError {
  readonly errorCode?: unknown;
  readonly errorMessage?: unknown;
  readonly subError?: unknown;
  readonly errorNo?: unknown;
  readonly correlationId?: unknown;
  readonly traceId?: unknown;
  readonly timestamp?: unknown;
  readonly message?: unknown;
}

/**
 * The failure behind an error thrown by MSAL. `last` is the network client's last answer: when it is an
 * Entra error from the token endpoint, it is the most precise account of what happened.
 */
export function entraFailure(err: unknown, last?: LastResponse, state: { cancelled?: boolean; timedOut?: boolean } = {}): EntraFailure {
  if (state.timedOut) return { kind: 'timeout', ...(err instanceof Error ? { description: err.message } : {}) };
  if (state.cancelled) return { kind: 'cancelled' };
  if (err instanceof TransportError) {
    return { kind: 'transport', error: err.code, transport: { code: err.code, message: err.detail, url: err.url } };
  }
  const e = (err ?? {}) as MsalLikeError;
  const errorCode = str(e.errorCode);
  const fromLast = last && last.status >= 400 ? failureFromBody(last.body) : undefined;
  if (errorCode === 'device_code_expired') return { kind: 'expired', error: errorCode };
  if (errorCode === 'device_code_polling_cancelled') return { kind: 'cancelled', error: errorCode };
  if (errorCode === 'user_timeout_reached') return { kind: 'timeout', error: errorCode };
  if (fromLast && fromLast.kind === 'aadsts') return fromLast;
  if (last && (last.status === 429 || last.status >= 500)) return serviceFailure(last, fromLast);
  if (fromLast) return fromLast;
  const message = str(e.errorMessage) ?? str(e.message) ?? '';
  const fields = traceFields(message);
  const errorNo = typeof e.errorNo === 'number' ? e.errorNo : typeof e.errorNo === 'string' && /^\d+$/.test(e.errorNo) ? Number(e.errorNo) : undefined;
  const code = errorNo ?? fields.code;
  const subError = str(e.subError);
  const correlationId = str(e.correlationId) ?? fields.correlationId;
  const traceId = str(e.traceId) ?? fields.traceId;
  const timestamp = str(e.timestamp) ?? fields.timestamp;
  const description = /Description:\s*(.*?)(?:\s+-\s+Correlation ID:|$)/s.exec(message)?.[1] ?? message;
  return {
    kind: code === undefined ? 'other' : 'aadsts',
    ...(code !== undefined ? { code } : {}),
    ...(errorCode ? { error: errorCode } : {}),
    ...(subError ? { subError } : {}),
    ...(description ? { description: firstLine(description) } : {}),
    ...(traceId ? { traceId } : {}),
    ...(correlationId ? { correlationId } : {}),
    ...(timestamp ? { timestamp } : {}),
  };
}

/** Entra answered 429 or 5xx without an AADSTS code: throttling, or trouble on Microsoft's side. */
function serviceFailure(last: LastResponse, body: EntraFailure | undefined): EntraFailure {
  const retry = last.headers['retry-after'];
  const seconds = retry !== undefined && /^\d+$/.test(retry.trim()) ? Number(retry) : retry !== undefined && !Number.isNaN(Date.parse(retry)) ? Math.max(0, Math.round((Date.parse(retry) - Date.now()) / 1000)) : undefined;
  const requestId = last.headers['x-ms-request-id'] ?? last.headers['request-id'];
  const correlationId = body?.correlationId ?? last.headers['client-request-id'];
  return {
    kind: 'service',
    ...(body?.error ? { error: body.error } : {}),
    ...(body?.description ? { description: body.description } : {}),
    ...(correlationId ? { correlationId } : {}),
    ...(body?.traceId ? { traceId: body.traceId } : {}),
    ...(body?.timestamp ? { timestamp: body.timestamp } : {}),
    http: { status: last.status, url: last.url.split('?')[0] as string, ...(seconds !== undefined ? { retryAfterSeconds: seconds } : {}), ...(requestId ? { requestId } : {}) },
  };
}
