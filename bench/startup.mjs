// Start-up cost of the CLI: wall time of `exo-doctor --version` and `--help` against bare `node -e 0`,
// medians over interleaved runs. Goals (issue 2): --version <= 1.5x, --help <= 2x.
// Usage: npm run build && node bench/startup.mjs [runs]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 40);
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

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const samples = Object.fromEntries(Object.keys(subjects).map((name) => [name, []]));
for (const args of Object.values(subjects)) time(args); // warm the file cache
for (let i = 0; i < runs; i++) for (const [name, args] of Object.entries(subjects)) samples[name].push(time(args));

const base = median(samples['node -e 0']);
console.log(`startup, median of ${runs} runs (node ${process.version}, ${process.platform} ${process.arch})`);
for (const [name, values] of Object.entries(samples)) {
  const m = median(values);
  console.log(`  ${name.padEnd(22)} ${m.toFixed(1).padStart(7)} ms   ${(m / base).toFixed(2)}x node`);
}
