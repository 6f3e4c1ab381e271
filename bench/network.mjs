// 50 ms added by the simulated world to every answer: the network phase should cost about one added
// latency per round trip on its longest chain of dependent round trips, not one per endpoint. Each probe
// makes one request the world delays (DNS and TLS are not delayed), so the chain is one round trip.
// The world runs in a process of its own, like Microsoft's servers. Prints the phase's wall time over
// 50 ms x 1, for the first (cold) run and the median of the warm runs; goal (issue 4): <= 1.3.
// Usage: node bench/network.mjs [runs]
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildHarness } from './build-harness.mjs';
import { figure, isMain, median, printFigures } from './lib.mjs';

const latencyMs = 50;
const chain = 1;
const hosts = ['login.microsoftonline.com', 'outlook.office365.com', 'graph.microsoft.com', 'aadcdn.msftauth.net', 'www.powershellgallery.com'];

export async function network({ runs = 10 } = {}) {
  const server = await buildHarness('world-server');
  const harness = await buildHarness('network');
  const scenario = join(server.outdir, 'latency.json');
  writeFileSync(scenario, JSON.stringify({ extends: 'healthy', name: 'latency', description: '50 ms on every answer.', faults: Object.fromEntries(hosts.map((h) => [h, { latencyMs }])) }));
  const out = spawnSync(process.execPath, [harness.outfile, server.outfile, scenario, String(runs), '15000'], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(out.stderr);
  if (process.env.BENCH_DETAIL) process.stderr.write(out.stderr);
  const results = JSON.parse(out.stdout.trim().split('\n').at(-1));
  if (process.env.BENCH_DETAIL) results.forEach((r, i) => console.error(`run ${i + 1}${i === 0 ? ' (cold)' : ''}: network phase ${Math.round(r.phaseMs)} ms; ${r.statuses}`));
  const ratio = (ms) => ms / (latencyMs * chain);
  return [
    figure(`network phase, cold / (${latencyMs} ms x ${chain} round trip)`, ratio(results[0].phaseMs), '<= 1.3'),
    figure(`network phase, warm (median of ${runs - 1}) / (${latencyMs} ms x ${chain} round trip)`, ratio(median(results.slice(1).map((r) => r.phaseMs))), '<= 1.3'),
  ];
}

if (isMain(import.meta.url)) printFigures(await network({ runs: Number(process.argv[2] ?? 10) }));
