// Pre-flight of 1,000 accounts against a world whose Microsoft Graph allows R requests a second (a token
// bucket, as src/sim/world.ts `rateLimit` serves it, with Rate-Limit-* headers and 429 Retry-After).
// The doctor should use what the service allows, no more (it backs off) and not much less: achieved
// rate of answered Graph requests over R, goal >= 0.9; and keep memory flat: peak RSS, goal < 200 MB.
// The world runs in a process of its own, so the RSS is the doctor's.
// Usage: node bench/preflight.mjs [accounts] [R]
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildHarness } from './build-harness.mjs';
import { figure, isMain, printFigures, startWorld } from './lib.mjs';

const STATES = ['ready', 'powershell-off', 'no-exchange-role', 'mfa-not-registered', 'per-user-mfa-off', 'disabled', 'not-assigned', 'guest'];

export async function preflightBench({ accounts = 1000, rate = 150, concurrency = 16 } = {}) {
  const harness = await buildHarness('preflight');
  const world = await startWorld({
    extends: 'rollout',
    name: 'rollout-large',
    description: `${accounts} generated accounts; Graph allows ${rate} requests a second.`,
    generatedUsers: { count: accounts },
    faults: { 'graph.microsoft.com': { rateLimit: { requestsPerSecond: rate } } },
  });
  try {
    const users = join(harness.outdir, 'users.csv');
    const lines = ['UserPrincipalName'];
    for (let i = 0; i < accounts; i++) {
      const state = STATES[i % STATES.length];
      const n = String(i + 1).padStart(4, '0');
      lines.push(state === 'guest' ? `guest-${n}_fabrikam.example#EXT#@contoso.onmicrosoft.com` : `${state}-${n}@contoso.com`);
    }
    writeFileSync(users, `${lines.join('\n')}\n`);
    const results = join(harness.outdir, `results-${Date.now()}.csv`);
    await world.audit();
    const run = spawnSync(process.execPath, [harness.outfile, world.file, users, results, String(concurrency)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const timing = JSON.parse(run.stderr.trim().split('\n').at(-1));
    if (timing.exitCode !== 1) throw new Error(`the pre-flight exited ${timing.exitCode} (expected 1: some accounts are not ready):\n${run.stdout}\n${run.stderr}`);
    const graph = (await world.audit()).filter((r) => r.host === 'graph.microsoft.com');
    const answered = graph.filter((r) => r.status !== 429);
    // The rate in the middle of the run (from 10 % to 90 % of its span): the bucket starts full (one
    // second's worth, a burst no service sustains) and the last accounts trickle out.
    const times = answered.map((r) => Date.parse(r.at)).sort((a, b) => a - b);
    const first = times[0];
    const span = times.at(-1) - first;
    const inside = times.filter((t) => t >= first + span * 0.1 && t <= first + span * 0.9).length;
    const seconds = span / 1000;
    const achieved = inside / (seconds * 0.8);
    if (process.env.BENCH_DETAIL) console.error(`${accounts} accounts in ${(timing.ms / 1000).toFixed(1)} s; ${graph.length} Graph requests (${graph.length - answered.length} refused) over ${seconds.toFixed(1)} s; ${run.stdout.split('\n').find((l) => l.includes('slow down')) ?? ''}`);
    return [
      figure(`pre-flight of ${accounts} accounts: Graph requests answered a second / R (R = ${rate})`, achieved / rate, '>= 0.9'),
      figure(`pre-flight of ${accounts} accounts: peak RSS`, timing.maxRssBytes / 1024 / 1024, '< 200', ' MB'),
    ];
  } finally {
    world.stop();
  }
}

if (isMain(import.meta.url)) printFigures(await preflightBench({ accounts: Number(process.argv[2] ?? 1000), rate: Number(process.argv[3] ?? 150) }));
