import { describe, expect, it } from 'vitest';
import { fakeContext } from '../support/fake-context.js';

describe('fakeContext', () => {
  it('throws on a member the test did not stub, naming it', () => {
    const ctx = fakeContext({ now: () => new Date(0) });
    expect(ctx.now().getTime()).toBe(0);
    expect(() => ctx.exec('reg', ['query'])).toThrow('fake context: this test did not stub ctx.exec');
    expect(() => ctx.env).toThrow('ctx.env');
  });

  it('throws through a derived check context too', () => {
    const derived = Object.create(fakeContext({}), { signal: { value: new AbortController().signal } });
    expect(() => derived.readFile('/etc/hosts')).toThrow('ctx.readFile');
  });

  it('leaves properties that are not context members alone, so it can be awaited and printed', async () => {
    const ctx = fakeContext({});
    expect((ctx as unknown as { then?: unknown }).then).toBeUndefined();
    await expect(Promise.resolve(ctx)).resolves.toBe(ctx);
  });
});
