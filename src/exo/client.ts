/**
 * A thin client for the Exchange admin API the ExchangeOnlineManagement module's cmdlets call:
 * `POST https://{exchangeHost}/adminapi/beta/{tenant}/InvokeCommand` with a `CmdletInput` body and the
 * module's routing headers (docs/exchange-rest.md#the-rest-transport). Microsoft does not document this API
 * for third parties; the shapes here are the ones every community client and the module agree on.
 *
 * The doctor only reads: the client refuses any cmdlet that is not a `Get-` cmdlet.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from '../context.js';
import type { ExoSession } from '../auth/identity.js';
import { sendThrottled } from '../throttle.js';
import { HttpClient, type HttpResponse } from '../net/http.js';
import { describeHop, type ProxyPlan } from '../net/routes.js';
import { serviceRoute, type ServiceRoute } from '../net/service-route.js';

/** The system mailbox app-only calls are anchored to (the module's and CIPP's choice). */
const APP_ANCHOR_MAILBOX = 'SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}';

/** Pages followed by `@odata.nextLink` before the client stops: the doctor reads single objects. */
const MAX_PAGES = 5;

/** Time a retry after `Retry-After` needs on top of the wait itself. */
const RETRY_ROOM_MS = 2000;

/** One object a cmdlet returned. */
export type ExchangeRow = Readonly<Record<string, unknown>>;

/** One entry of `error.details[]`: its `message` is `<code>|<.NET exception type>|<text>`. */
export interface ExchangeErrorDetail {
  /** `Ex6F9304`, or empty (observed). */
  readonly code: string;
  readonly type: string;
  readonly text: string;
}

/** What one `invoke` did, for evidence. */
export interface ExchangeCall {
  readonly cmdlet: string;
  /** The `client-request-id` of the last request sent (a fresh GUID per request): quote it to Microsoft support. */
  readonly clientRequestId: string;
  /** The server's `request-id`, when it sent one. */
  readonly requestId?: string;
  readonly status: number;
  readonly pages: number;
  /** More pages were offered than the client follows. */
  readonly truncated: boolean;
  /** `@adminapi.warnings`. */
  readonly warnings: readonly string[];
}

interface ErrorFacts {
  readonly cmdlet: string;
  readonly status: number;
  /** `error.code`, or `HTTP <status>` when the body has none. */
  readonly code: string;
  readonly message: string;
  readonly details: readonly ExchangeErrorDetail[];
  /** `innererror.internalexception.message`, where some refusals keep their only useful text. */
  readonly innerMessage?: string;
  /** `json`, or what else came back: an empty body, NUL bytes (app-only 403, observed), HTML from a gateway. */
  readonly body: 'json' | 'empty' | 'not-json';
  readonly diagnostics?: string;
  readonly wwwAuthenticate?: string;
  readonly requestId?: string;
  readonly clientRequestId: string;
}

/** Exchange answered, and not with a result. */
export class ExchangeError extends Error {
  override readonly name: string = 'ExchangeError';
  readonly cmdlet: string;
  readonly status: number;
  readonly code: string;
  readonly details: readonly ExchangeErrorDetail[];
  readonly innerMessage?: string;
  readonly body: ErrorFacts['body'];
  /** The `x-ms-diagnostics` header: Exchange's own reason code and text. */
  readonly diagnostics?: string;
  readonly wwwAuthenticate?: string;
  readonly requestId?: string;
  readonly clientRequestId: string;
  /** `error.message` as Exchange sent it ("UnAuthorized", "User is not allowed to call Get-User"), or what the body was. */
  readonly exchangeMessage: string;

  constructor(facts: ErrorFacts) {
    super(`${facts.cmdlet}: HTTP ${facts.status} ${facts.code}: ${facts.message}`);
    this.exchangeMessage = facts.message;
    this.cmdlet = facts.cmdlet;
    this.status = facts.status;
    this.code = facts.code;
    this.details = facts.details;
    this.body = facts.body;
    this.clientRequestId = facts.clientRequestId;
    if (facts.innerMessage !== undefined) this.innerMessage = facts.innerMessage;
    if (facts.diagnostics !== undefined) this.diagnostics = facts.diagnostics;
    if (facts.wwwAuthenticate !== undefined) this.wwwAuthenticate = facts.wwwAuthenticate;
    if (facts.requestId !== undefined) this.requestId = facts.requestId;
  }

  /** The most specific text Exchange gave: the first detail, the inner exception, or the message. */
  get reason(): string {
    return this.details.find((d) => d.text)?.text ?? this.innerMessage ?? this.exchangeMessage;
  }

  /** Every text of the answer, for matching known refusals. */
  get texts(): readonly string[] {
    return [this.exchangeMessage, ...this.details.map((d) => d.text), ...(this.innerMessage ? [this.innerMessage] : [])];
  }
}

/** HTTP 429, with a wait too long for the time left (or a second 429 after waiting once). */
export class ExchangeThrottledError extends ExchangeError {
  override readonly name = 'ExchangeThrottledError';
  /** `Retry-After`, in seconds, when the server sent one. */
  readonly retryAfterSeconds?: number;
  /** The `Rate-Limit-*` headers, lower-case names. */
  readonly rateLimit: Readonly<Record<string, string>>;

  constructor(facts: ErrorFacts, retryAfterSeconds: number | undefined, rateLimit: Readonly<Record<string, string>>) {
    super(facts);
    if (retryAfterSeconds !== undefined) this.retryAfterSeconds = retryAfterSeconds;
    this.rateLimit = rateLimit;
  }
}

export interface ExchangeClientOptions {
  /** Time limit of one request. */
  readonly timeoutMs: number;
  /** The way to the Exchange host; direct when absent. */
  readonly route?: ServiceRoute;
  /** When the caller's time runs out: a `Retry-After` wait is honoured only if it ends well before. Default: `timeoutMs` from now. */
  readonly deadline?: Date;
  readonly signal?: AbortSignal;
  /** Another host with the same API: Security & Compliance PowerShell's (the cloud's Exchange host when absent). */
  readonly host?: string;
}

/** Reads Exchange Online through InvokeCommand, as the signed-in admin or app. */
export class ExchangeClient {
  private readonly http: HttpClient;
  private readonly deadline: Date;
  /** What the last `invoke` did (also after it failed with an {@link ExchangeError}). */
  lastCall: ExchangeCall | undefined;

  constructor(
    private readonly ctx: Context,
    private readonly session: ExoSession,
    private readonly options: ExchangeClientOptions,
  ) {
    this.http = new HttpClient(ctx, {
      timeoutMs: options.timeoutMs,
      ...(options.route?.proxy ? { proxy: options.route.proxy } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    this.deadline = options.deadline ?? new Date(ctx.now().getTime() + options.timeoutMs);
  }

  /** A client on the route the doctor takes to the session's Exchange host. */
  static async open(ctx: Context, plan: ProxyPlan, session: ExoSession, options: Omit<ExchangeClientOptions, 'route'>): Promise<ExchangeClient> {
    const route = await serviceRoute(ctx, plan, session.cloud.exchangeHost);
    return new ExchangeClient(ctx, session, { ...options, route });
  }

  /** The host the client calls. */
  get host(): string {
    return this.options.host ?? this.session.cloud.exchangeHost;
  }

  /** `direct`, or the proxy (without credentials). */
  get route(): string {
    return this.options.route?.proxy ? describeHop({ kind: 'proxy', url: this.options.route.proxy }) : 'direct';
  }

  /** The InvokeCommand URL of the session's tenant. */
  get endpoint(): string {
    return `https://${this.host}/adminapi/beta/${encodeURIComponent(this.session.tenantId)}/InvokeCommand`;
  }

  /**
   * `X-AnchorMailbox`: the signed-in user for delegated tokens, the tenant's system mailbox for
   * app-only (the value CIPP and ExoHelper send; fixtures/microsoft/exchange/invokecommand-request.json).
   */
  get anchorMailbox(): string | undefined {
    if (this.session.appOnly) return `APP:${APP_ANCHOR_MAILBOX}@${this.session.tenantId}`;
    return this.session.upn ? `UPN:${this.session.upn}` : undefined;
  }

  /**
   * Runs a `Get-` cmdlet and returns its objects (`value`), following `@odata.nextLink` for a few
   * pages. Throws {@link ExchangeError} when Exchange refuses, {@link ExchangeThrottledError} on 429,
   * and `HttpFailure` when no answer came.
   */
  async invoke(cmdlet: string, parameters: Readonly<Record<string, unknown>> = {}, options: { readonly select?: readonly string[] } = {}): Promise<ExchangeRow[]> {
    if (!/^Get-[A-Za-z0-9]+$/i.test(cmdlet)) throw new Error(`exo-doctor only reads: it does not run ${cmdlet}.`);
    const body = JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: parameters } });
    const first = new URL(this.endpoint);
    if (options.select?.length) first.searchParams.set('$select', options.select.join(','));
    const rows: ExchangeRow[] = [];
    const warnings: string[] = [];
    let url: string | undefined = first.toString();
    let pages = 0;
    while (url !== undefined && pages < MAX_PAGES) {
      const { response, clientRequestId } = await this.send(url, cmdlet, body);
      const requestId = response.headers['request-id'];
      this.lastCall = { cmdlet, clientRequestId, ...(requestId ? { requestId } : {}), status: response.status, pages, truncated: false, warnings };
      const page = this.page(cmdlet, response, clientRequestId);
      rows.push(...page.value.filter((row): row is ExchangeRow => typeof row === 'object' && row !== null));
      if (Array.isArray(page['@adminapi.warnings'])) warnings.push(...page['@adminapi.warnings'].map(String));
      pages += 1;
      url = this.nextLink(page['@odata.nextLink']);
      this.lastCall = { ...this.lastCall, pages, truncated: url !== undefined && pages >= MAX_PAGES };
    }
    return rows;
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /**
   * One request; on 429, again when Exchange says (the run's gate holds every other request to Exchange
   * meanwhile) while the wait ends before the deadline, with room left for the answer.
   */
  private async send(url: string, cmdlet: string, body: string): Promise<{ response: HttpResponse; clientRequestId: string }> {
    let clientRequestId = '';
    const { response } = await sendThrottled(
      this.ctx,
      this.host,
      async () => {
        const sent = await this.post(url, cmdlet, body);
        clientRequestId = sent.clientRequestId;
        return sent.response;
      },
      { budgetMs: this.deadline.getTime() - this.ctx.now().getTime() - RETRY_ROOM_MS, signal: this.options.signal },
    );
    return { response, clientRequestId };
  }

  /** A successful InvokeCommand page, or the error the answer amounts to. */
  private page(cmdlet: string, response: HttpResponse, clientRequestId: string): { value: unknown[]; '@odata.nextLink'?: unknown; '@adminapi.warnings'?: unknown } {
    if (response.status < 200 || response.status >= 300) throw this.error(cmdlet, response, clientRequestId);
    const page = response.json as { value?: unknown; '@odata.nextLink'?: unknown; '@adminapi.warnings'?: unknown } | undefined;
    if (page && typeof page === 'object' && Array.isArray(page.value)) return page as { value: unknown[] };
    const requestId = response.headers['request-id'];
    throw new ExchangeError({
      cmdlet,
      status: response.status,
      code: 'InvalidResponse',
      message: `the answer is not an InvokeCommand result (${response.json === undefined ? 'not JSON' : 'no value array'}): ${preview(response.text)}`,
      details: [],
      body: response.json === undefined ? (response.text === '' ? 'empty' : 'not-json') : 'json',
      clientRequestId,
      ...(requestId ? { requestId } : {}),
    });
  }

  /** One request, with a fresh `client-request-id`. */
  private async post(url: string, cmdlet: string, body: string): Promise<{ response: HttpResponse; clientRequestId: string }> {
    const anchor = this.anchorMailbox;
    const clientRequestId = randomUUID();
    const response = await this.http.send({
      method: 'POST',
      url,
      headers: {
        authorization: `Bearer ${this.session.accessToken}`,
        'content-type': 'application/json',
        accept: 'application/json',
        'client-request-id': clientRequestId,
        prefer: 'odata.maxpagesize=1000',
        'x-cmdletname': cmdlet,
        'x-responseformat': 'json',
        'user-agent': `exo-doctor/${this.ctx.runtime.doctorVersion}`,
        ...(anchor ? { 'x-anchormailbox': anchor } : {}),
      },
      body,
    });
    return { response, clientRequestId };
  }

  /** The next page, only on the same Exchange host: the token must not go anywhere else. */
  private nextLink(link: unknown): string | undefined {
    if (typeof link !== 'string') return undefined;
    try {
      const next = new URL(link, this.endpoint);
      return next.protocol === 'https:' && next.host.toLowerCase() === this.host.toLowerCase() ? next.toString() : undefined;
    } catch {
      // Not a URL: there is no next page to follow.
      return undefined;
    }
  }

  private error(cmdlet: string, response: HttpResponse, clientRequestId: string): ExchangeError {
    const facts = errorFacts(cmdlet, response, clientRequestId);
    if (response.status !== 429) return new ExchangeError(facts);
    const retryAfter = response.headers['retry-after']?.trim();
    const rateLimit = Object.fromEntries(Object.entries(response.headers).filter(([name]) => name.startsWith('rate-limit-')));
    return new ExchangeThrottledError(facts, retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) : this.retryAfterSecondsFromDate(retryAfter), rateLimit);
  }

  private retryAfterSecondsFromDate(value: string | undefined): number | undefined {
    const at = value ? Date.parse(value) : Number.NaN;
    return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - this.ctx.now().getTime()) / 1000));
  }
}

/** `<code>|<type>|<text>`; a message without bars is all text. */
export function parseDetail(message: string): ExchangeErrorDetail {
  const parts = message.split('|');
  if (parts.length < 3) return { code: '', type: '', text: message };
  const [code, type, ...text] = parts as [string, string, ...string[]];
  return { code, type, text: text.join('|') };
}

function errorFacts(cmdlet: string, response: HttpResponse, clientRequestId: string): ErrorFacts {
  const error = (response.json as { error?: unknown } | undefined)?.error as
    | { code?: unknown; message?: unknown; details?: unknown; innererror?: { internalexception?: { message?: unknown } } }
    | undefined;
  const details = Array.isArray(error?.details)
    ? error.details.flatMap((d: unknown) => {
        const message = (d as { message?: unknown } | null)?.message;
        return typeof message === 'string' && message ? [parseDetail(message)] : [];
      })
    : [];
  const inner = error?.innererror?.internalexception?.message;
  const headers = response.headers;
  const body: ErrorFacts['body'] = response.json !== undefined ? 'json' : response.text === '' ? 'empty' : 'not-json';
  return {
    cmdlet,
    status: response.status,
    code: typeof error?.code === 'string' && error.code ? error.code : `HTTP ${response.status}`,
    message: typeof error?.message === 'string' && error.message ? error.message : describeBody(response),
    details,
    ...(typeof inner === 'string' && inner ? { innerMessage: inner } : {}),
    body,
    ...(headers['x-ms-diagnostics'] ? { diagnostics: headers['x-ms-diagnostics'] } : {}),
    ...(headers['www-authenticate'] ? { wwwAuthenticate: headers['www-authenticate'] } : {}),
    ...(headers['request-id'] ? { requestId: headers['request-id'] } : {}),
    clientRequestId,
  };
}

function describeBody(response: HttpResponse): string {
  if (response.text === '') return 'no body';
  // eslint-disable-next-line no-control-regex
  if (/^\u0000+$/.test(response.text)) return `a body of ${response.text.length} NUL bytes instead of JSON`;
  return response.json === undefined ? `not JSON: ${preview(response.text)}` : 'no error object';
}

function preview(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/\u0000/g, '').replace(/\s+/g, ' ').trim();
  return clean.length > 120 ? `${clean.slice(0, 117)}...` : clean || `${text.length} bytes`;
}
