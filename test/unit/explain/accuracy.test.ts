// The decoder on the held-out `test` split of the corpus (fixtures/transcripts/split.json): read here and
// by bench/explain-accuracy.mjs only, never to write a rule. Prints the figures; fails when they fall
// below the floors: the level the decoder reached when they were last set (2026-12-05: top-1 0.65,
// top-3 0.82), less what a later train-driven change cost. Such a cost is recorded rather than undone,
// since undoing it because of this figure would tune the decoder on test: top-3 was 0.75 until 43 fresh
// train items joined the similarity signal's known cases; top-1 was 0.61 until AADSTS50079 became
// mfa_required first (every train item carrying it was labelled so); both came back with later train
// rounds. Top-1 went to 0.59 (34 of 57) when round eight's 17 train items joined the known cases, and
// came back with the rules learned from rounds seven to nine. Top-3 went from 0.82 to 0.81 (46 of 57)
// when the legacy endpoint's "Access is denied" came to read as Basic authentication first (four of
// five train items). The project's goal is top-1 0.85 and top-3 0.95: not reached yet; raise the floors
// as the decoder gets there.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explain } from '../../../src/explain/explain.js';

const FLOOR = { top1: 0.64, top3: 0.8 };
const DIR = new URL('../../../fixtures/transcripts/', import.meta.url);
const split = JSON.parse(readFileSync(new URL('split.json', DIR), 'utf8')) as { made: string; test: string[] };
const items = readdirSync(DIR)
  .filter((f) => /^index-.*\.json$/.test(f))
  .flatMap((f) => JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) as { file: string; category: string }[])
  .filter((item) => split.test.includes(item.file));

describe('the held-out test split', () => {
  it('is what the split says, made before the decoder saw it', () => {
    expect(split.made).toBe('2026-12-04');
    expect(items).toHaveLength(split.test.length);
    expect(items.length).toBeGreaterThanOrEqual(50);
  });

  it(`is decoded at least as well as when the guard was set (top-1 ${FLOOR.top1}, top-3 ${FLOOR.top3})`, () => {
    let top1 = 0;
    let top3 = 0;
    for (const item of items) {
      const causes: string[] = explain(readFileSync(new URL(item.file, DIR), 'utf8')).causes.map((c) => c.category);
      if (causes[0] === item.category) top1++;
      if (causes.slice(0, 3).includes(item.category)) top3++;
    }
    // Figures only: the items themselves are not printed, so that no rule is written from them.
    console.log(`explain, held-out test split: ${items.length} transcripts, top-1 ${(top1 / items.length).toFixed(2)}, top-3 ${(top3 / items.length).toFixed(2)}`);
    expect(top1 / items.length).toBeGreaterThanOrEqual(FLOOR.top1);
    expect(top3 / items.length).toBeGreaterThanOrEqual(FLOOR.top3);
  });
});
