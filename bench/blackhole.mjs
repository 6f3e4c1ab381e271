// Every Microsoft 365 endpoint black-holed (accepts the connection, never answers): the network checks
// must give up within about one probe time limit, not one per host or per stage. The world runs in a
// process of its own. Prints the network phase's wall time over the time limit; goal (issue 4): <= 1.2.
// Usage: node bench/blackhole.mjs [timeoutMs] [runs]
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildHarness } from './build-harness.mjs';
import { figure, isMain, median, printFigures } from './lib.mjs';

const hosts = ['login.microsoftonline.com', 'outlook.office365.com', 'graph.microsoft.com', 'aadcdn.msftauth.net', 'www.powershellgallery.com'];

export async function blackhole({ timeoutMs = 3000, runs = 3 } = {}) {
  const server = await buildHarness('world-server');
  const harness = await buildHarness('network');
  const scenario = join(server.outdir, 'blackhole.json');
  writeFileSync(scenario, JSON.stringify({ extends: 'healthy', name: 'blackhole', description: 'Every endpoint black-holed.', faults: Object.fromEntries(hosts.map((h) => [h, { blackHole: true }])) }));
  const out = spawnSync(process.execPath, [harness.outfile, server.outfile, scenario, String(runs), String(timeoutMs)], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(out.stderr);
  const results = JSON.parse(out.stdout.trim().split('\n').at(-1));
  if (process.env.BENCH_DETAIL) results.forEach((r, i) => console.error(`run ${i + 1}: network phase ${Math.round(r.phaseMs)} ms; ${r.statuses}`));
  return [figure(`all endpoints black-holed: network phase / probe time limit (${timeoutMs} ms, median of ${runs})`, median(results.map((r) => r.phaseMs / timeoutMs)), '<= 1.2')];
}

if (isMain(import.meta.url)) printFigures(await blackhole({ timeoutMs: Number(process.argv[2] ?? 3000), runs: Number(process.argv[3] ?? 3) }));
