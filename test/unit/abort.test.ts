import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { anySignal } from '../../src/abort.js';

describe('anySignal', () => {
  it('aborts with the reason of whichever source aborts first', () => {
    const a = new AbortController();
    const b = new AbortController();
    const { signal } = anySignal([a.signal, b.signal]);
    b.abort(new Error('second'));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('second');
    a.abort(new Error('first'));
    expect((signal.reason as Error).message).toBe('second');
  });

  it('is aborted at once when a source already is', () => {
    const a = new AbortController();
    a.abort(new Error('gone'));
    expect(anySignal([new AbortController().signal, a.signal]).signal.aborted).toBe(true);
  });

  it('lets go of a long-lived source when the work is done, so thousands of checks do not pile up on it', () => {
    const run = new AbortController();
    for (let i = 0; i < 1000; i++) anySignal([run.signal, new AbortController().signal]).dispose();
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
    const kept = anySignal([run.signal]);
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(1);
    kept.dispose();
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
  });
});
