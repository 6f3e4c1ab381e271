// One full diagnosis, as `exo-doctor demo` runs it, against a world served by another process
// (bench/harness/world-server.ts): the process is started fresh for each run, so its wall time is what
// an admin waits for, start-up included. Built like dist/ (lazy chunks), and loading what the command
// line's diagnose path loads, in the same way (src/cli.ts runDiagnosis).
// Usage: node diagnosis.mjs <world.json> [--json] [--service-all]   (world.json: the world-server's first line)
// The report goes to stdout (text, as the demo prints it, or the JSON document with each check's start
// and duration); one JSON line of timings goes to stderr, last.
import { performance } from 'node:perf_hooks';
import { readWorld, worldContext } from './world-context.js';

const entered = performance.now();
if (process.env['BENCH_TRACE']) {
  // Where the time goes: every undici request and connection, with its time since the process started.
  const { subscribe } = await import('node:diagnostics_channel');
  const at = () => performance.now().toFixed(0).padStart(5);
  type Message = { request?: { origin?: unknown; path?: string; method?: string }; connectParams?: { host?: string }; error?: { code?: string } };
  for (const name of ['undici:request:create', 'undici:request:headers', 'undici:client:beforeConnect', 'undici:client:connected', 'undici:client:connectError']) {
    subscribe(name, (m) => {
      const msg = m as Message;
      process.stderr.write(`${at()} ${name.replace('undici:', '')} ${msg.request ? `${msg.request.method} ${String(msg.request.origin)}${msg.request.path?.slice(0, 60)}` : (msg.connectParams?.host ?? '')} ${msg.error?.code ?? ''}\n`);
    });
  }
}
const json = process.argv.includes('--json');
const world = readWorld(process.argv[2] as string);
const [{ diagnose }, { registry, LAYER_IDS }, { normalizeOptions }] = await Promise.all([import('../../src/diagnose.js'), import('../../checks/index.js'), import('../../src/options.js')]);
const loaded = performance.now();
const scenario = world.scenario;
const options = normalizeOptions({ environment: scenario.signIn.environment, timeout: 15_000, failOn: 'fail' });
const ctx = worldContext(world, options.timeout, process.argv.includes('--service-all') ? ['exchange', 'compliance'] : ['exchange']);

const started = performance.now();
const exitCode = await diagnose({
  registry,
  ctx,
  options: json ? { ...options, json: true } : options,
  output: { stdout: process.stdout, stderr: process.stderr },
  signal: new AbortController().signal,
  simulation: { name: scenario.name, description: scenario.description },
  layers: LAYER_IDS,
});
const ended = performance.now();
process.stderr.write(`\n${JSON.stringify({ exitCode, enteredMs: entered, loadMs: loaded - entered, diagnoseMs: ended - started, endedMs: ended })}\n`);
await new Promise((flushed) => process.stdout.write('', flushed));
process.exit(0);
