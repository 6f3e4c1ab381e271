/**
 * Tenant discovery without credentials: reading Entra ID's unauthenticated answers (the tenant's OpenID
 * configuration, getuserrealm.srf, userrealm v2.0) and telling which cloud they point to.
 *
 * These endpoints are not a contract: fields come and go, and tools that relied on one shape broke
 * (AADInternals #114, #117). So every reader here accepts what it recognises, returns `undefined` for a
 * shape it does not, and never fills a gap with a guess; the tenant-discovery check falls back on the
 * other source. Field meanings: docs/clouds-and-tenant-discovery.md#tenant-discovery-without-credentials.
 */
import { CLOUDS, ENVIRONMENT_NAMES, type EnvironmentName, SUB_SCOPE_ENVIRONMENT } from '../clouds.js';
import { HttpFailure, type HttpRequest, type HttpResponse } from '../net/http.js';

const GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** `https://login.microsoftonline.com/{tid}/v2.0`, `https://sts.windows.net/{tid}/`, or an endpoint under the tenant. */
const TENANT_IN_URL = new RegExp(`^https://[^/]+/(${GUID})(?:[/?#]|$)`, 'i');

/** What a tenant's OpenID configuration says about it. */
export interface OpenIdFacts {
  /** The directory id, when the document names one. */
  readonly tenantId?: string;
  /** Where the id was read: the issuer, or (when the issuer has another shape) the token endpoint. */
  readonly tenantIdFrom?: 'issuer' | 'token endpoint';
  readonly issuer?: string;
  /** `tenant_region_scope`: NA, EU, WW, USGov, … */
  readonly region?: string;
  /** `tenant_region_sub_scope`: GCC, DODCON (GCC High), DOD. */
  readonly subScope?: string;
  readonly cloudInstanceName?: string;
  readonly msgraphHost?: string;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The facts of an OpenID configuration document; `undefined` when the body is not one. */
export function readOpenIdConfiguration(body: unknown): OpenIdFacts | undefined {
  if (!isRecord(body)) return undefined;
  const issuer = text(body['issuer']);
  const tokenEndpoint = text(body['token_endpoint']);
  if (!issuer && !tokenEndpoint && !text(body['authorization_endpoint'])) return undefined;
  const fromIssuer = issuer ? TENANT_IN_URL.exec(issuer)?.[1] : undefined;
  const fromToken = tokenEndpoint ? TENANT_IN_URL.exec(tokenEndpoint)?.[1] : undefined;
  const tenantId = (fromIssuer ?? fromToken)?.toLowerCase();
  const optional = (key: keyof OpenIdFacts, field: string) => (text(body[field]) ? { [key]: text(body[field]) } : {});
  return {
    ...(tenantId ? { tenantId, tenantIdFrom: fromIssuer ? 'issuer' : 'token endpoint' } : {}),
    ...(issuer ? { issuer } : {}),
    ...optional('region', 'tenant_region_scope'),
    ...optional('subScope', 'tenant_region_sub_scope'),
    ...optional('cloudInstanceName', 'cloud_instance_name'),
    ...optional('msgraphHost', 'msgraph_host'),
  };
}

/** The cloud some facts point to: one environment, or the ones still possible, with how it was told. */
export interface CloudVerdict {
  /** Set only when the facts leave exactly one cloud. */
  readonly environment?: EnvironmentName;
  /** The clouds the facts allow (one when decided; several when GCC High and DoD cannot be told apart; none when the facts are unknown or disagree). */
  readonly candidates: readonly EnvironmentName[];
  /** How the facts were read, for evidence: "cloud_instance_name microsoftonline.us", … */
  readonly signals: readonly string[];
}

const byInstance = (name: string) => ENVIRONMENT_NAMES.filter((e) => CLOUDS[e].cloudInstanceName === name.toLowerCase());
const byGraph = (host: string) => ENVIRONMENT_NAMES.filter((e) => CLOUDS[e].graphHost === host.toLowerCase());

/**
 * Which `-ExchangeEnvironmentName` the facts name. `cloud_instance_name` tells the cloud family;
 * `tenant_region_sub_scope` tells GCC High (DODCON) from DoD (DOD), and GCC (GCC, in the worldwide
 * cloud); `msgraph_host` is used only to narrow what those two leave open, or when both are missing.
 * An unknown cloud instance, or facts that contradict each other, decide nothing.
 */
export function cloudOf(facts: { readonly cloudInstanceName?: string; readonly subScope?: string; readonly msgraphHost?: string }): CloudVerdict {
  const signals: string[] = [];
  let candidates: readonly EnvironmentName[] | undefined;
  const narrow = (allowed: readonly EnvironmentName[]) => {
    candidates = candidates === undefined ? allowed : candidates.filter((e) => allowed.includes(e));
  };
  if (facts.cloudInstanceName) {
    signals.push(`cloud_instance_name ${facts.cloudInstanceName}`);
    narrow(byInstance(facts.cloudInstanceName));
  }
  const subScopeEnvironment = facts.subScope ? SUB_SCOPE_ENVIRONMENT[facts.subScope.toUpperCase()] : undefined;
  if (facts.subScope) {
    signals.push(`tenant_region_sub_scope ${facts.subScope}${subScopeEnvironment ? '' : ' (not a sub-scope the doctor knows)'}`);
    if (subScopeEnvironment) narrow([subScopeEnvironment]);
  }
  if (facts.msgraphHost && (candidates === undefined || candidates.length > 1)) {
    const graph = byGraph(facts.msgraphHost);
    signals.push(`msgraph_host ${facts.msgraphHost}`);
    if (graph.length > 0) narrow(graph);
  }
  const found = candidates ?? [];
  return { ...(found.length === 1 ? { environment: found[0] as EnvironmentName } : {}), candidates: found, signals };
}

/** How a domain signs in, as the realm endpoints tell it. */
export interface Realm {
  readonly namespace: 'Managed' | 'Federated' | 'Unknown';
  /** Federated: where users are sent to sign in. */
  readonly authUrl?: string;
  /** The host of {@link authUrl}, when it is an https URL. */
  readonly federationHost?: string;
  readonly brand?: string;
  readonly cloudInstanceName?: string;
}

const NAMESPACES = new Set(['Managed', 'Federated', 'Unknown']);

/**
 * A getuserrealm.srf (`json=1`) or userrealm v2.0 answer; `undefined` when `NameSpaceType` is missing or
 * has a value the doctor does not know. The two spell the cloud differently (`CloudInstanceName`,
 * `cloud_instance_name`); both are read.
 */
export function readUserRealm(body: unknown): Realm | undefined {
  if (!isRecord(body)) return undefined;
  const namespace = text(body['NameSpaceType']);
  if (!namespace || !NAMESPACES.has(namespace)) return undefined;
  const authUrl = text(body['AuthURL']);
  let federationHost: string | undefined;
  if (authUrl) {
    try {
      const url = new URL(authUrl);
      if (url.protocol === 'https:' && url.hostname) federationHost = url.hostname.toLowerCase();
    } catch {
      // Not a URL: the realm names no usable host, which the check reports.
    }
  }
  const brand = text(body['FederationBrandName']);
  const cloudInstanceName = text(body['CloudInstanceName']) ?? text(body['cloud_instance_name']);
  return {
    namespace: namespace as Realm['namespace'],
    ...(namespace === 'Federated' && authUrl ? { authUrl } : {}),
    ...(namespace === 'Federated' && federationHost ? { federationHost } : {}),
    ...(brand ? { brand } : {}),
    ...(cloudInstanceName ? { cloudInstanceName } : {}),
  };
}

/** An error as Entra ID sends it: codes, message and the ids Microsoft support asks for. */
export interface EntraError {
  readonly error?: string;
  readonly codes: readonly number[];
  /** The description without its `AADSTSnnnn:` prefix and its trace lines. */
  readonly message?: string;
  readonly traceId?: string;
  readonly correlationId?: string;
  readonly timestamp?: string;
}

/** Reads Entra's error shape (`error`, `error_description`, `error_codes`, `trace_id`, …); `undefined` when it is not one. */
export function readEntraError(body: unknown): EntraError | undefined {
  if (!isRecord(body)) return undefined;
  const description = text(body['error_description']);
  const listed = Array.isArray(body['error_codes']) ? body['error_codes'].filter((c): c is number => typeof c === 'number') : [];
  const codes = listed.length > 0 ? listed : [...(description?.matchAll(/AADSTS(\d+)/g) ?? [])].map((m) => Number(m[1]));
  const error = text(body['error']);
  if (!error && codes.length === 0) return undefined;
  const fromDescription = (label: string) => (description ? new RegExp(`${label}:\\s*(\\S+)`).exec(description)?.[1] : undefined);
  const traceId = text(body['trace_id']) ?? fromDescription('Trace ID');
  const correlationId = text(body['correlation_id']) ?? fromDescription('Correlation ID');
  const timestamp = text(body['timestamp']);
  const message = description
    ?.split(/\s*Trace ID:/)[0]
    ?.replace(/^AADSTS\d+:\s*/, '')
    .trim();
  return {
    ...(error ? { error } : {}),
    codes,
    ...(message ? { message } : {}),
    ...(traceId ? { traceId } : {}),
    ...(correlationId ? { correlationId } : {}),
    ...(timestamp ? { timestamp } : {}),
  };
}

/** What one question to Entra ID gave. */
export type Answer<T> =
  | { readonly kind: 'read'; readonly value: T; readonly status: number }
  | { readonly kind: 'entra-error'; readonly error: EntraError; readonly status: number }
  /** Throttled (429) or failing on Microsoft's side (5xx), without an Entra error code. */
  | { readonly kind: 'service'; readonly status: number; readonly retryAfterSeconds?: number; readonly requestId?: string }
  /** An answer the doctor cannot use: HTML, a shape it does not know. */
  | { readonly kind: 'unusable'; readonly reason: string }
  | { readonly kind: 'unreachable'; readonly failure: HttpFailure };

/** Anything that sends a request: an {@link import('../net/http.js').HttpClient}. */
export interface Sender {
  send(request: HttpRequest): Promise<HttpResponse>;
}

/** GETs `url` and reads the answer with `read`; never throws for an answer or a network failure. */
export async function ask<T>(client: Sender, url: string, read: (body: unknown) => T | undefined, what: string): Promise<Answer<T>> {
  let response: HttpResponse;
  try {
    response = await client.send({ method: 'GET', url, headers: { accept: 'application/json' } });
  } catch (err) {
    if (err instanceof HttpFailure) return { kind: 'unreachable', failure: err };
    throw err;
  }
  const value = response.status === 200 ? read(response.json) : undefined;
  if (value !== undefined) return { kind: 'read', value, status: response.status };
  const error = response.status >= 400 ? readEntraError(response.json) : undefined;
  if (error) return { kind: 'entra-error', error, status: response.status };
  // Entra answers its own errors in JSON; an HTML page comes from something in between (a gateway, a proxy).
  if ((response.status === 429 || response.status >= 500) && (response.json !== undefined || response.text === '')) {
    const retry = response.headers['retry-after'];
    const requestId = response.headers['x-ms-request-id'] ?? response.headers['request-id'];
    return {
      kind: 'service',
      status: response.status,
      ...(retry !== undefined && /^\d+$/.test(retry.trim()) ? { retryAfterSeconds: Number(retry) } : {}),
      ...(requestId ? { requestId } : {}),
    };
  }
  const kind = response.json === undefined ? `${response.headers['content-type']?.split(';')[0] ?? 'a body'} that is not JSON` : `JSON that is not ${what}`;
  return { kind: 'unusable', reason: `HTTP ${response.status} with ${response.text === '' ? 'no body' : kind}` };
}

/** One line of "what was tried": `HTTP 200`, `AADSTS90002 (HTTP 400)`, `no answer: …`. */
export function describeAnswer(answer: Answer<unknown>): string {
  switch (answer.kind) {
    case 'read':
      return `HTTP ${answer.status}, read`;
    case 'entra-error':
      return `HTTP ${answer.status}, ${answer.error.codes.map((c) => `AADSTS${c}`).join(', ') || answer.error.error}`;
    case 'service':
      return `HTTP ${answer.status} (${answer.status === 429 ? `throttled${answer.retryAfterSeconds !== undefined ? `, Retry-After ${answer.retryAfterSeconds} s` : ''}` : "failing on Microsoft's side"})${answer.requestId ? `, request id ${answer.requestId}` : ''}`;
    case 'unusable':
      return answer.reason;
    case 'unreachable':
      return `no answer (${answer.failure.code}: ${answer.failure.message})`;
  }
}

/**
 * How the UPN's domain signs in: getuserrealm.srf, then userrealm v2.0 when getuserrealm answers something
 * the doctor cannot read (not when it gives no answer at all: the host would not answer the second either).
 * `tried` hears about each request as it completes.
 */
export async function askRealm(client: Sender, host: string, upn: string, tried: (source: string, answer: Answer<Realm>) => void): Promise<Answer<Realm>> {
  const login = encodeURIComponent(upn);
  const first = await ask(client, `https://${host}/getuserrealm.srf?login=${login}&json=1`, readUserRealm, 'a user realm');
  tried('getuserrealm.srf', first);
  if (first.kind === 'read' || first.kind === 'unreachable') return first;
  const second = await ask(client, `https://${host}/common/userrealm/${login}?api-version=2.0`, readUserRealm, 'a user realm');
  tried('userrealm v2.0', second);
  if (second.kind === 'read') return second;
  return { kind: 'unusable', reason: `getuserrealm.srf: ${describeAnswer(first)}; userrealm v2.0: ${describeAnswer(second)}` };
}
