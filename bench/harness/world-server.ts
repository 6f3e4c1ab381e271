// A simulated world in a process of its own, as Microsoft's servers are on machines of their own: the
// benchmarks measure the doctor's time, not the simulation's. Prints {port, ca, hosts} and serves until
// stopped. Usage: node world-server.mjs <scenario.json>
import { readFile } from 'node:fs/promises';
import { loadScenario } from '../../src/sim/load.js';
import { startWorld } from '../../src/sim/world.js';

const scenario = await loadScenario(process.argv[2] as string, async (path) => readFile(path, 'utf8').catch(() => undefined));
const world = await startWorld(scenario);
// Where each name leads in this world (a black-holed host has a listener of its own).
const routes: Record<string, { address: string; port: number } | null> = {};
for (const host of world.hosts) routes[host] = (await world.resolve(host, 443).catch(() => []))[0] ?? null;
process.stdout.write(`${JSON.stringify({ ca: world.caCertificate, routes })}\n`);
process.on('SIGTERM', () => void world.stop().then(() => process.exit(0)));
