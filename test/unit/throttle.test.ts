import { describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, retryAfterMs, sendThrottled, throttleGate, throttleStats } from '../../src/throttle.js';
import { baseStubs, fakeContext } from '../support/fake-context.js';

const ctx = () => fakeContext(baseStubs());
const answer = (status: number, headers: Record<string, string> = {}) => ({ status, headers });

describe('retryAfterMs', () => {
  it('reads seconds, and an HTTP date against the answer\'s own Date', () => {
    expect(retryAfterMs('3', undefined)).toBe(3000);
    expect(retryAfterMs('Wed, 25 Nov 2026 12:00:05 GMT', 'Wed, 25 Nov 2026 12:00:00 GMT')).toBe(5000);
    expect(retryAfterMs('Wed, 25 Nov 2026 11:59:00 GMT', 'Wed, 25 Nov 2026 12:00:00 GMT')).toBe(0);
    expect(retryAfterMs('soon', undefined)).toBeUndefined();
    expect(retryAfterMs(undefined, undefined)).toBeUndefined();
  });
});

describe('sendThrottled', () => {
  it('sends again after the wait a 429 asks for, and the host\'s gate holds other requests meanwhile', async () => {
    const c = ctx();
    const answers = [answer(429, { 'retry-after': '1' }), answer(200)];
    const sentAt: number[] = [];
    const started = Date.now();
    const first = sendThrottled(c, 'graph.microsoft.com', async () => (sentAt.push(Date.now() - started), answers.shift() ?? answer(200)), { budgetMs: 5000 });
    // Another request to the same host, sent while the first is told to wait, waits too.
    await new Promise((resolve) => setTimeout(resolve, 50));
    let otherAt = 0;
    await sendThrottled(c, 'graph.microsoft.com', async () => ((otherAt = Date.now() - started), answer(200)), { budgetMs: 5000 });
    const { response, waited } = await first;
    expect(response.status).toBe(200);
    expect(waited).toBe(true);
    expect(sentAt).toHaveLength(2);
    expect(sentAt[1]).toBeGreaterThanOrEqual(950);
    expect(otherAt).toBeGreaterThanOrEqual(950);
    expect(await throttleStats(c)).toEqual([{ host: 'graph.microsoft.com', refusals: 1, closedMs: expect.any(Number) }]);
  });

  it('returns the refusal when the wait would outlast the budget, or the host names no wait', async () => {
    const c = ctx();
    let sent = 0;
    const long = await sendThrottled(c, 'outlook.office365.com', async () => (sent++, answer(429, { 'retry-after': '30' })), { budgetMs: 2000 });
    expect(long.response.status).toBe(429);
    expect(sent).toBe(1);
    const unnamed = await sendThrottled(c, 'graph.microsoft.com', async () => (sent++, answer(503)), { budgetMs: 2000 });
    expect(unnamed.response.status).toBe(503);
    expect(sent).toBe(2);
  });

  it(`tries ${MAX_ATTEMPTS} times at most when the host keeps refusing without a wait`, async () => {
    let sent = 0;
    const { response } = await sendThrottled(ctx(), 'graph.microsoft.com', async () => (sent++, answer(429, { 'retry-after': '0' })), { budgetMs: 5000 });
    expect(response.status).toBe(429);
    expect(sent).toBe(MAX_ATTEMPTS);
  });

  it('spaces requests to the limit the host states', async () => {
    const c = ctx();
    const gate = await throttleGate(c, 'graph.microsoft.com');
    gate.observe(200, { 'rate-limit-limit': '20', 'rate-limit-remaining': '19' });
    const started = Date.now();
    for (let i = 0; i < 4; i++) await gate.wait(5000);
    // Four requests at 20 a second: the fourth starts 150 ms after the first.
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(await throttleStats(c)).toEqual([{ host: 'graph.microsoft.com', limit: 20, refusals: 0, closedMs: 0 }]);
  });

  it('waits for the next window when an answer used the last request of this one', async () => {
    const c = ctx();
    const gate = await throttleGate(c, 'outlook.office365.com');
    gate.observe(200, { 'rate-limit-remaining': '0', 'rate-limit-reset': 'Wed, 25 Nov 2026 12:00:01 GMT', date: 'Wed, 25 Nov 2026 12:00:00 GMT' });
    const started = Date.now();
    await gate.wait(5000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    // A wait longer than the caller's time left is not waited: the request goes and its refusal is reported.
    gate.observe(429, { 'retry-after': '60' });
    const again = Date.now();
    await gate.wait(1000);
    expect(Date.now() - again).toBeLessThan(500);
  });
});
