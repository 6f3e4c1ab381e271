// A simulated world in a process of its own, as Microsoft's servers are on machines of their own: the
// benchmarks measure the doctor's time, not the simulation's. Prints one JSON line,
// {ca, routes, scenario, credentials}, and serves until stopped.
// Usage: node world-server.mjs <scenario.json> [--latency-all <ms>]
//   --latency-all: the scenario's faults plus <ms> added to every answer of every host the world serves.
// On stdin, the line `audit` prints the requests the world saw since the last `audit` (one JSON line).
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { createInterface } from 'node:readline';
import { loadScenario } from '../../src/sim/load.js';
import type { Scenario } from '../../src/sim/scenario.js';
import { startWorld, type World } from '../../src/sim/world.js';

const [path, flag, value] = process.argv.slice(2) as [string, string?, string?];
let scenario: Scenario = await loadScenario(path, async (file) => readFile(file, 'utf8').catch(() => undefined));
let world: World = await startWorld(scenario);
if (flag === '--latency-all') {
  // The world's host list comes from the scenario, so the first world tells which hosts to slow down
  // (keys are cached per process: the second start costs a server certificate at most).
  const latencyMs = Number(value);
  const faults = Object.fromEntries(world.hosts.map((host) => [host, { ...scenario.faults[host], latencyMs }]));
  await world.stop();
  scenario = { ...scenario, faults };
  world = await startWorld(scenario);
}
await warmUp(world);
// The simulated person completes device-code sign-ins as the scenario's account, as `demo` has it.
if (scenario.signIn.upn) world.signInAs(scenario.signIn.upn);
// Where each name leads in this world (a black-holed host has a listener of its own).
const routes: Record<string, { address: string; port: number } | null> = {};
for (const host of world.hosts) routes[host] = (await world.resolve(host, 443).catch(() => []))[0] ?? null;
// App credentials the world made (a certificate with its key, a secret), for app-only scenarios.
const credentials = Object.fromEntries(
  scenario.apps.map((app) => {
    const made = world.credentials(app.appId);
    return [app.appId, { ...(made?.certificate ? { certificate: `${made.certificate.certPem}${made.certificate.keyPem}` } : {}), ...(made?.secret ? { secret: made.secret } : {}) }];
  }),
);
process.stdout.write(`${JSON.stringify({ ca: world.caCertificate, routes, scenario, credentials })}\n`);

let mark = world.audit.length;
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'audit') return;
  process.stdout.write(`${JSON.stringify({ audit: world.audit.slice(mark) })}\n`);
  mark = world.audit.length;
});
process.on('SIGTERM', () => void world.stop().then(() => process.exit(0)));

/**
 * Microsoft's servers are warm when a diagnosis starts; a world that just started is not (its first TLS
 * handshakes and requests run cold code). A few rounds of requests to itself, each on a new connection,
 * under a name no scenario has, so that no host's counters or faults are touched. Left out of the audit.
 */
async function warmUp(started: World): Promise<void> {
  const once = () =>
    new Promise<void>((resolve) => {
      const req = request(
        { host: '127.0.0.1', port: started.port, path: '/', method: 'GET', ca: started.caCertificate, servername: 'login.microsoftonline.com', headers: { host: 'warm-up.invalid' }, agent: false, timeout: 5000 },
        (res) => res.resume().on('end', () => resolve()).on('error', () => resolve()),
      );
      req.on('error', () => resolve());
      req.on('timeout', () => req.destroy());
      req.end();
    });
  for (let round = 0; round < 6; round++) await Promise.all(Array.from({ length: 5 }, once));
}
