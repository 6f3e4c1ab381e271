// How well `exo-doctor explain` names the cause of real error transcripts (fixtures/transcripts/): top-1
// and top-3 accuracy on `train` (the items the knowledge base may learn from) and on `test` (held out,
// read only here and by its guarding test), and a confusion table of the categories it gets wrong.
// The split is fixtures/transcripts/split.json (made before the decoder saw a held-out item).
// Train items are measured leaving their own thread out of the similarity signal's known cases.
// Usage: node bench/explain-accuracy.mjs [--misses train] [--split train]
//   --misses train  lists train's misses (never test's: rules are written from train only)
//   --split train   measures train alone: for trying changes without looking at test each time
import { readFileSync, readdirSync } from 'node:fs';
import Table from 'cli-table3';
import { buildHarness } from './build-harness.mjs';
import { figure, isMain, printFigures } from './lib.mjs';

const DIR = new URL('../fixtures/transcripts/', import.meta.url);

/** Every item of the corpus with its split: `train` or `test`. */
export function corpus() {
  const split = JSON.parse(readFileSync(new URL('split.json', DIR), 'utf8'));
  const test = new Set(split.test);
  return readdirSync(DIR)
    .filter((f) => /^index-.*\.json$/.test(f))
    .sort()
    .flatMap((f) => JSON.parse(readFileSync(new URL(f, DIR), 'utf8')))
    .map((item) => ({ ...item, split: test.has(item.file) ? 'test' : 'train', text: readFileSync(new URL(item.file, DIR), 'utf8') }));
}

/** Top-1, top-3 and the confusions of one split. */
export function score(explain, items, options = {}) {
  let top1 = 0;
  let top3 = 0;
  const confusions = new Map();
  const misses = [];
  // How often the first cause is right at each confidence it states (calibration).
  const byConfidence = new Map();
  for (const item of items) {
    // A train item is compared with the other threads only (leave one out): it would find itself.
    const source = item.thread ?? item.url;
    const explanation = explain(item.text, item.split === 'train' ? { exclude: (known) => known.source === source, ...options } : options);
    const causes = explanation.causes.map((c) => c.category);
    const stated = explanation.recognised ? explanation.causes[0].confidence : 'not recognised';
    const band = byConfidence.get(stated) ?? { n: 0, right: 0 };
    band.n += 1;
    if (causes[0] === item.category) band.right += 1;
    byConfidence.set(stated, band);
    if (causes[0] === item.category) top1++;
    else {
      const key = `${item.category} → ${causes[0]}`;
      confusions.set(key, (confusions.get(key) ?? 0) + 1);
      misses.push(`${item.file}: expected ${item.category}, got ${causes.join(' > ')}`);
    }
    if (causes.slice(0, 3).includes(item.category)) top3++;
  }
  return { n: items.length, top1: top1 / items.length, top3: top3 / items.length, confusions, misses, byConfidence };
}

export async function explainAccuracy({ showMisses, splits = ['train', 'test'] } = {}) {
  const { outfile } = await buildHarness('explain');
  const { explain } = await import(outfile);
  const items = corpus();
  const figures = [];
  const tables = [];
  for (const split of splits) {
    const result = score(explain, items.filter((i) => i.split === split));
    figures.push(figure(`explain accuracy, ${split} (${result.n} transcripts): top-1`, result.top1, split === 'test' ? '>= 0.85' : '>= 0'), figure(`explain accuracy, ${split} (${result.n} transcripts): top-3`, result.top3, split === 'test' ? '>= 0.95' : '>= 0'));
    const table = new Table({ head: [`${split}: expected → named first`, 'items'], style: { head: [], border: [] } });
    for (const [key, n] of [...result.confusions.entries()].sort((a, b) => b[1] - a[1])) table.push([key, String(n)]);
    tables.push(table.toString());
    const calibration = new Table({ head: [`${split}: confidence stated`, 'items', 'first cause right'], style: { head: [], border: [] }, colAligns: ['left', 'right', 'right'] });
    for (const stated of ['high', 'medium', 'low', 'not recognised']) {
      const band = result.byConfidence.get(stated);
      if (band) calibration.push([stated, String(band.n), `${Math.round((100 * band.right) / band.n)} %`]);
    }
    tables.push(calibration.toString());
    if (showMisses === split) console.error(result.misses.join('\n'));
  }
  return { figures, tables };
}

if (isMain(import.meta.url)) {
  const at = process.argv.indexOf('--misses');
  const showMisses = at > 0 ? process.argv[at + 1] : undefined;
  if (showMisses === 'test') throw new Error('The test split is never looked at item by item: rules are written from train only.');
  const only = process.argv.indexOf('--split');
  const splits = only > 0 ? [process.argv[only + 1]] : undefined;
  if (splits && !['train', 'test'].includes(splits[0])) throw new Error('--split takes train or test.');
  const { figures, tables } = await explainAccuracy({ showMisses, ...(splits ? { splits } : {}) });
  for (const table of tables) console.log(table);
  printFigures(figures);
}
