/**
 * The simulated services answer as pure functions of a request: they return a {@link SimResponse} and
 * the world decides how to put it on the wire (and which faults to inject on the way).
 */
import { randomUUID } from 'node:crypto';

export interface SimRequest {
  /** Lower-case host name the client asked for. */
  readonly host: string;
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
  /** The world's clock at arrival. */
  readonly now: Date;
  /** For the audit log: set by handlers that know (client id, cmdlet). */
  note(facts: { clientId?: string; cmdlet?: string; grantType?: string }): void;
}

export interface SimResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Serialised as JSON, unless `text` is given. */
  readonly json?: unknown;
  readonly text?: string;
  readonly contentType?: string;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status, json: body, headers };
}

export function text(status: number, body: string, contentType = 'text/html; charset=utf-8'): SimResponse {
  return { status, text: body, contentType };
}

export const notFound = (): SimResponse => json(404, { error: { code: 'NotFound', message: 'Resource not found.' } });

/** The form of an `application/x-www-form-urlencoded` body. */
export function form(req: SimRequest): URLSearchParams {
  return new URLSearchParams(req.body);
}

/** The request's `client-request-id` (a header, or MSAL's query and form field), or a new one. */
function correlationId(req: SimRequest): string {
  return req.headers['client-request-id'] ?? req.query.get('client-request-id') ?? form(req).get('client-request-id') ?? randomUUID();
}

/** `2026-11-25 12:00:00Z`, as Entra writes timestamps in errors. */
function entraTimestamp(now: Date): string {
  return `${now.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

export interface EntraErrorOptions {
  readonly status?: number;
  readonly error: string;
  readonly code: number;
  readonly message: string;
  readonly suberror?: string;
  readonly claims?: string;
}

/**
 * An error in Entra's exact shape: `error`, `error_description` ending in trace id, correlation id and
 * timestamp, `error_codes`, `timestamp`, `trace_id`, `correlation_id` (echoing the request's) and
 * `error_uri`. Source: https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
export function entraError(req: SimRequest, options: EntraErrorOptions): SimResponse {
  const traceId = randomUUID();
  const correlation = correlationId(req);
  const timestamp = entraTimestamp(req.now);
  return json(
    options.status ?? 400,
    {
      error: options.error,
      error_description: `AADSTS${options.code}: ${options.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${timestamp}`,
      error_codes: [options.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlation,
      error_uri: `https://${req.host}/error?code=${options.code}`,
      ...(options.suberror ? { suberror: options.suberror } : {}),
      ...(options.claims ? { claims: options.claims } : {}),
    },
    { 'x-ms-request-id': traceId, 'client-request-id': correlation },
  );
}

/** An error in Microsoft Graph's shape (`error.code`, `error.message`, `error.innerError`). */
export function graphError(req: SimRequest, status: number, code: string, message: string): SimResponse {
  const requestId = randomUUID();
  return json(
    status,
    {
      error: {
        code,
        message,
        innerError: {
          date: req.now.toISOString().slice(0, 19),
          'request-id': requestId,
          'client-request-id': req.headers['client-request-id'] ?? requestId,
        },
      },
    },
    { 'request-id': requestId, 'client-request-id': req.headers['client-request-id'] ?? requestId },
  );
}
