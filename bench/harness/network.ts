// Runs the network checks against a world served by another process and prints each run's phase time.
// Usage: node network.mjs <world-server.mjs> <scenario.json> <runs> <timeoutMs>
import { spawn } from 'node:child_process';
import { registry } from '../../checks/index.js';
import { createContext } from '../../src/context.js';
import { runChecks } from '../../src/runner.js';

const [server, scenario, runsText, timeoutText] = process.argv.slice(2) as [string, string, string, string];
const child = spawn(process.execPath, [...(process.env['BENCH_WORLD_ARGS'] ? process.env['BENCH_WORLD_ARGS'].split(' ') : []), server, scenario], { stdio: ['ignore', 'pipe', 'inherit'] });
const world = await new Promise<{ ca: string; routes: Record<string, { address: string; port: number } | null> }>((resolve) => {
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    if (text.includes('\n')) resolve(JSON.parse(text));
  });
});
const network = ['proxy-config', 'endpoints', 'tls-inspection', 'clock-skew'];
const results: { phaseMs: number; statuses: string }[] = [];
for (let run = 0; run < Number(runsText); run++) {
  const ctx = createContext({
    config: { environment: 'O365Default', timeoutMs: Number(timeoutText), verbose: false, showSensitive: false },
    writeLog: () => undefined,
    world: {
      env: {},
      platform: 'linux',
      exec: async (command) => ({ kind: 'not-found', command }),
      trustedCAs: async () => [world.ca],
      resolve: async (host) => {
        const target = world.routes[host];
        if (!target) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
        return [{ ...target, family: 4 }];
      },
    },
  });
  const report = await runChecks(registry, ctx, { only: network, timeoutMs: Number(timeoutText) });
  const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
  // proxy-config runs first; the others start together after it.
  const phaseMs = (byId['proxy-config']?.durationMs ?? 0) + Math.max(...network.slice(1).map((id) => byId[id]?.durationMs ?? 0));
  results.push({ phaseMs, statuses: report.checks.map((c) => `${c.id}=${c.status}`).join(' ') });
  if (process.env['BENCH_DETAIL']) {
    process.stderr.write(`${network.map((id) => `${id} ${Math.round(byId[id]?.startedMs ?? 0)}+${Math.round(byId[id]?.durationMs ?? 0)}`).join(', ')}\n`);
    process.stderr.write(`${byId['endpoints']?.evidence.map((e) => e.value).join('\n')}\n`);
  }
}
child.kill('SIGTERM');
process.stdout.write(`${JSON.stringify(results)}\n`);
process.exit(0);
