// The decoder against real error transcripts copied from public sources (fixtures/transcripts/), each with
// the cause its source established. Prints top-1 and top-3 accuracy; fails below 90 % top-1.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explain } from '../../../src/explain/explain.js';
import { CATEGORIES } from '../../../src/knowledge/aadsts.js';

interface Item {
  readonly file: string;
  readonly url: string;
  readonly source: string;
  readonly cause: string;
  readonly quote_of_cause: string;
  readonly category: string;
  readonly legacy: boolean;
}

const DIR = new URL('../../../fixtures/transcripts/', import.meta.url);
const items: Item[] = readdirSync(DIR)
  // The held-out items (index-heldout-*) are split into train and test before the decoder sees them.
  .filter((f) => /^index-(github|microsoft)\.json$/.test(f))
  .sort()
  .flatMap((f) => JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) as Item[]);

describe('the transcript corpus', () => {
  it('has at least 60 transcripts, each with its public source, established cause and a fixed category', () => {
    expect(items.length).toBeGreaterThanOrEqual(60);
    for (const item of items) {
      expect(item.url, item.file).toMatch(/^https:\/\//);
      expect(CATEGORIES as readonly string[], item.file).toContain(item.category);
      expect(item.cause.length, item.file).toBeGreaterThan(10);
      expect(readFileSync(new URL(item.file, DIR), 'utf8').trim().length, item.file).toBeGreaterThan(0);
    }
    expect(new Set(items.map((i) => i.file)).size).toBe(items.length);
  });

  it('is decoded with at least 90 % top-1 accuracy', () => {
    const misses: string[] = [];
    let top1 = 0;
    let top3 = 0;
    for (const item of items) {
      const causes: string[] = explain(readFileSync(new URL(item.file, DIR), 'utf8')).causes.map((c) => c.category);
      if (causes[0] === item.category) top1++;
      else misses.push(`${item.file}: expected ${item.category}, got ${causes.join(' > ')}`);
      if (causes.slice(0, 3).includes(item.category)) top3++;
    }
    const pct = (n: number) => `${((100 * n) / items.length).toFixed(1)} %`;
    console.log(`explain corpus: ${items.length} transcripts, top-1 ${top1} (${pct(top1)}), top-3 ${top3} (${pct(top3)})${misses.length ? `\nmisses:\n  ${misses.join('\n  ')}` : ''}`);
    expect(top1 / items.length).toBeGreaterThanOrEqual(0.9);
  });
});
