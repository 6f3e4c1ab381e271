// A whole diagnosis of the healthy tenant, with the simulated world adding 50 ms to every answer of
// every host: the admin's wait should be the network's, not the doctor's. Critical path: 50 ms times
// the longest chain of requests the run made one after the other (read from the world's log: a request
// that arrived after the previous one's answer left), plus bare start-up (`node -e 0`). Each run is a
// fresh process, start-up included. Goal: wall time / critical path <= 1.3. And the same diagnosis with
// the compliance leg (--service all) over Exchange only: they share every layer but the last (goal <= 1.2).
// Usage: node bench/diagnosis.mjs [runs]
import { spawnSync } from 'node:child_process';
import { buildHarness } from './build-harness.mjs';
import { figure, isMain, median, printFigures, startWorld } from './lib.mjs';

const LATENCY_MS = 50;

/** The longest chain of requests each sent after the previous one's (delayed) answer. */
export function longestChain(audit, latencyMs) {
  const starts = audit.map((r) => Date.parse(r.at)).sort((a, b) => a - b);
  const chain = [];
  for (let i = 0; i < starts.length; i++) {
    let best = 0;
    for (let j = 0; j < i; j++) if (starts[j] + latencyMs <= starts[i] && chain[j] > best) best = chain[j];
    chain.push(best + 1);
  }
  return Math.max(0, ...chain);
}

function wallMs(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, result };
}

export async function diagnosis({ runs = 5 } = {}) {
  const harness = await buildHarness('diagnosis', { split: true });
  const world = await startWorld({ extends: 'healthy', name: 'latency-all', description: 'The healthy tenant, 50 ms on every answer.' }, ['--latency-all', String(LATENCY_MS)]);
  try {
    await world.audit();
    const samples = [];
    for (let run = 0; run < runs; run++) {
      const bare = wallMs(['-e', '0']).ms;
      const { ms, result } = wallMs([harness.outfile, world.file]);
      const timing = JSON.parse(result.stderr.trim().split('\n').at(-1));
      if (timing.exitCode !== 0) throw new Error(`the healthy diagnosis exited ${timing.exitCode}:\n${result.stdout}`);
      const chain = longestChain(await world.audit(), LATENCY_MS);
      samples.push({ ms, bare, chain, ratio: ms / (LATENCY_MS * chain + bare) });
      if (process.env.BENCH_DETAIL) console.error(`run ${run + 1}: ${ms.toFixed(0)} ms, chain ${chain} round trips, bare start-up ${bare.toFixed(0)} ms`);
    }
    const chain = median(samples.map((s) => s.chain));
    // The compliance leg shares the network, tenant and sign-in layers: both services should cost about one.
    const both = [];
    for (let run = 0; run < runs; run++) {
      const exchange = wallMs([harness.outfile, world.file]).ms;
      const all = wallMs([harness.outfile, world.file, '--service-all']).ms;
      await world.audit();
      both.push(all / exchange);
    }
    return [
      figure(`full diagnosis / critical path (${LATENCY_MS} ms x ${chain} round trips + node start-up)`, median(samples.map((s) => s.ratio)), '<= 1.3'),
      figure('full diagnosis with Security & Compliance (--service all) / Exchange only', median(both), '<= 1.2'),
    ];
  } finally {
    world.stop();
  }
}

if (isMain(import.meta.url)) printFigures(await diagnosis({ runs: Number(process.argv[2] ?? 5) }));
