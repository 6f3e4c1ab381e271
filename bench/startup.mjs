// Start-up cost of the CLI: wall time of `exo-doctor --version` and `--help` against bare `node -e 0`,
// medians over interleaved runs. Goals (issue 2): --version <= 1.5x, --help <= 2x.
// Usage: npm run build && node bench/startup.mjs [runs]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { figure, isMain, median, printFigures } from './lib.mjs';

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const subjects = {
  'node -e 0': ['-e', '0'],
  'exo-doctor --version': [bin, '--version'],
  'exo-doctor --help': [bin, '--help'],
};

function time(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function startup({ runs = 40 } = {}) {
  const samples = Object.fromEntries(Object.keys(subjects).map((name) => [name, []]));
  for (const args of Object.values(subjects)) time(args); // warm the file cache
  for (let i = 0; i < runs; i++) for (const [name, args] of Object.entries(subjects)) samples[name].push(time(args));
  const base = median(samples['node -e 0']);
  if (process.env.BENCH_DETAIL) for (const [name, values] of Object.entries(samples)) console.error(`  ${name.padEnd(22)} ${median(values).toFixed(1).padStart(7)} ms`);
  return [
    figure('start-up: exo-doctor --version / node -e 0', median(samples['exo-doctor --version']) / base, '<= 1.5'),
    figure('start-up: exo-doctor --help / node -e 0', median(samples['exo-doctor --help']) / base, '<= 2'),
  ];
}

if (isMain(import.meta.url)) printFigures(startup({ runs: Number(process.argv[2] ?? 40) }));
