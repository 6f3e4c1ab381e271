// `npm run bench`: every benchmark, one after another, then one table of figures. Each figure is a ratio
// (or a size) measured within one run, so a slow machine moves both sides of it; none is a test.
// The CLI is built first (start-up is measured on dist/). BENCH_DETAIL=1 prints each run as well.
import { spawnSync } from 'node:child_process';
import Table from 'cli-table3';
import { blackhole } from './blackhole.mjs';
import { diagnosis } from './diagnosis.mjs';
import { explainBench } from './explain.mjs';
import { explainAccuracy } from './explain-accuracy.mjs';
import { format } from './lib.mjs';
import { network } from './network.mjs';
import { preflightBench } from './preflight.mjs';
import { startup } from './startup.mjs';

const built = spawnSync(process.execPath, [new URL('../scripts/build.mjs', import.meta.url).pathname], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

const benches = [
  ['start-up', () => startup({ runs: 30 })],
  ['full diagnosis', () => diagnosis({ runs: 5 })],
  ['network phase', () => network({ runs: 10 })],
  ['black-holed endpoints', () => blackhole({ timeoutMs: 3000, runs: 3 })],
  ['pre-flight', () => preflightBench({ accounts: 1000, rate: 150 })],
  ['explain', () => explainBench()],
  ['explain accuracy', async () => (await explainAccuracy()).figures.filter((f) => f.name.includes('test'))],
];
const figures = [];
for (const [name, bench] of benches) {
  const started = Date.now();
  process.stderr.write(`${name}…`);
  figures.push(...(await bench()));
  process.stderr.write(` ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}
const table = new Table({ head: ['Figure', 'Measured', 'Goal', ''], style: { head: [], border: [] }, colAligns: ['left', 'right', 'left', 'left'] });
for (const f of figures) table.push([f.name, format(f), `${f.goal}${f.unit}`, f.met ? 'met' : 'NOT met']);
console.log(`exo-doctor benchmarks (node ${process.version}, ${process.platform} ${process.arch})`);
console.log(table.toString());
process.exitCode = figures.every((f) => f.met) ? 0 : 1;
