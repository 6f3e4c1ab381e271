// A pre-flight, as `exo-doctor preflight` runs it, against a world served by another process
// (bench/harness/world-server.ts), so that the memory measured is the doctor's alone.
// Usage: node preflight.mjs <world.json> <users.csv> <results.csv> <concurrency>
// Prints one JSON line to stderr, last: exit code, wall time of the pre-flight, peak RSS (bytes).
import { performance } from 'node:perf_hooks';
import { registry, LAYER_IDS } from '../../checks/index.js';
import { preflight } from '../../src/preflight/run.js';
import { readWorld, worldContext } from './world-context.js';

const [worldFile, users, output, concurrency] = process.argv.slice(2) as [string, string, string, string];
const world = readWorld(worldFile);
const ctx = worldContext(world, 30_000);
const started = performance.now();
const exitCode = await preflight({
  registry,
  layers: LAYER_IDS,
  ctx,
  options: { users, output, resume: false, concurrency: Number(concurrency), json: false, timeout: 30_000, verbose: false },
  output: { stdout: process.stdout, stderr: process.stderr },
  signal: new AbortController().signal,
});
const ms = performance.now() - started;
process.stderr.write(`\n${JSON.stringify({ exitCode, ms, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
process.exit(0);
