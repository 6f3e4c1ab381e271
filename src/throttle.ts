/**
 * One gate per service host for the whole run: when Microsoft Graph or Exchange Online says "slow down"
 * (429 with `Retry-After`, or `Rate-Limit-Remaining: 0` with `Rate-Limit-Reset`), every request to that
 * host waits until the time it named, not only the one that was refused. A pre-flight of thousands of
 * accounts then backs off and resumes as one client, instead of eight workers hammering a throttled
 * service. A single diagnosis meets the gate open.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from './context.js';

/** Never wait longer than this on the say-so of one answer (a malformed or hostile header). */
const MAX_WAIT_MS = 120_000;

export interface ThrottleGate {
  /**
   * Waits while the host asked to be left alone, if that ends within `budgetMs` (the caller's time
   * left); returns at once otherwise, so the request goes out and its refusal is reported.
   */
  wait(budgetMs: number, signal?: AbortSignal): Promise<void>;
  /**
   * Learns from an answer. For a 429 it returns how long the host asked to wait, in milliseconds (from
   * `Retry-After`, seconds or an HTTP date), when it said.
   */
  observe(status: number, headers: Readonly<Record<string, string | undefined>>): number | undefined;
}

/** What a host's throttling cost the run: how often it refused, and how long its gate was closed. */
export interface ThrottleStats {
  readonly host: string;
  /** Requests a second the host said it allows (Rate-Limit-Limit), when it said. */
  readonly limit?: number;
  readonly refusals: number;
  /** How long the host's gate was closed after a refusal or an exhausted window. */
  readonly closedMs: number;
}

type Gates = Map<string, ThrottleGate & { stats(): ThrottleStats }>;

/** The gate of a host, shared by every client of the run. */
export async function throttleGate(ctx: Pick<Context, 'memo'>, host: string): Promise<ThrottleGate> {
  const gates = await ctx.memo<Gates>('throttle-gates', async () => new Map());
  const name = host.toLowerCase();
  let gate = gates.get(name);
  if (!gate) {
    gate = createGate(name);
    gates.set(name, gate);
  }
  return gate;
}

/** Every host that throttled the run so far, for the run's summary. */
export async function throttleStats(ctx: Pick<Context, 'memo'>): Promise<ThrottleStats[]> {
  const gates = await ctx.memo<Gates>('throttle-gates', async () => new Map());
  return [...gates.values()].map((gate) => gate.stats()).filter((stats) => stats.limit !== undefined || stats.refusals > 0 || stats.closedMs > 0);
}

function createGate(host: string): ThrottleGate & { stats(): ThrottleStats } {
  let openAt = 0;
  let refusals = 0;
  let closedMs = 0;
  // Pacing, once the host has said its limit: the time the next request may start.
  let limit: number | undefined;
  let intervalMs = 0;
  let nextSlot = 0;
  const close = (ms: number) => {
    const now = Date.now();
    const until = now + Math.min(Math.max(ms, 0), MAX_WAIT_MS);
    if (until > openAt) closedMs += until - Math.max(openAt, now);
    openAt = Math.max(openAt, until);
  };
  return {
    async wait(budgetMs, signal) {
      const now = Date.now();
      // A slot in the pace the host allows, after the gate opens; taken even when not waited for.
      const slot = Math.max(now, openAt, nextSlot);
      if (intervalMs > 0) nextSlot = slot + intervalMs;
      const left = slot - now;
      if (left > 0 && left <= budgetMs) await sleep(left, undefined, signal ? { signal } : {}).catch(() => undefined);
    },
    observe(status, headers) {
      // Rate-Limit-Limit, read as requests a second (the window is not documented): requests are spaced
      // to it, so that a run uses what the host allows without being refused. A wrong guess costs 429s,
      // which are waited out as asked.
      const said = Number(headers['rate-limit-limit']?.trim());
      if (Number.isFinite(said) && said > 0) {
        limit = said;
        intervalMs = 1000 / said;
      }
      const retryAfter = retryAfterMs(headers['retry-after'], headers['date']);
      if (status === 429 || status === 503) {
        refusals += 1;
        if (retryAfter !== undefined) close(retryAfter);
        return retryAfter;
      }
      // A client that used the last request of the window waits for the next one instead of being refused.
      if (headers['rate-limit-remaining']?.trim() === '0') {
        const reset = untilDate(headers['rate-limit-reset'], headers['date']);
        if (reset !== undefined) close(reset);
      }
      return undefined;
    },
    stats: () => ({ host, ...(limit !== undefined ? { limit } : {}), refusals, closedMs }),
  };
}

/** `Retry-After`: seconds, or an HTTP date read against the answer's own `Date` (the server's clock). */
export function retryAfterMs(value: string | undefined, date: string | undefined): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  return untilDate(text, date);
}

/**
 * Milliseconds until a date an answer names. Measured from this machine's clock when the answer's `Date`
 * agrees with it (a `Date` is whole seconds: up to a second too long a wait), else from that `Date` (this
 * machine's clock is off), or from this machine's clock when the answer has no `Date`.
 */
function untilDate(value: string | undefined, date: string | undefined): number | undefined {
  const at = value ? Date.parse(value) : Number.NaN;
  const local = Date.now();
  const said = date ? Date.parse(date) : Number.NaN;
  const now = Number.isNaN(said) || Math.abs(said - local) < 2000 ? local : said;
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Tries of one request, the first included, while its host keeps refusing. */
export const MAX_ATTEMPTS = 10;

/** What {@link sendThrottled} needs of an answer. */
interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/**
 * Sends a request through its host's gate. When the host refuses (429 or 503) and names a wait that
 * ends within `budgetMs` of the first try, the gate closes for that long (for every request of the run
 * to that host) and the request goes again, {@link MAX_ATTEMPTS} tries at most. The last answer is
 * returned either way: a refusal that outlasts the budget is the caller's to report.
 */
export async function sendThrottled<T extends Answer>(
  ctx: Pick<Context, 'memo'>,
  host: string,
  send: () => Promise<T>,
  options: { readonly budgetMs: number; readonly signal?: AbortSignal | undefined },
): Promise<{ readonly response: T; readonly waited: boolean }> {
  const gate = await throttleGate(ctx, host);
  const deadline = Date.now() + options.budgetMs;
  let waited = false;
  for (let attempt = 1; ; attempt++) {
    await gate.wait(deadline - Date.now(), options.signal);
    const response = await send();
    const askedMs = gate.observe(response.status, response.headers);
    const refused = response.status === 429 || response.status === 503;
    if (!refused || askedMs === undefined || attempt >= MAX_ATTEMPTS || Date.now() + askedMs > deadline || options.signal?.aborted) return { response, waited };
    waited = true;
    // The gate is closed until the host's time; a wait of 0 goes again at once.
    if (askedMs > 0) await gate.wait(askedMs, options.signal);
  }
}
