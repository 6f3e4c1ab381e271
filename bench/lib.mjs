// What the benchmarks share: the median, a simulated world in a process of its own, and the figures
// each benchmark returns ({ name, value, unit, goal, met }) so that `npm run bench` can print one table.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { buildHarness } from './build-harness.mjs';

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/** Whether a benchmark file is the script node was started with (run alone, not imported by all.mjs). */
export const isMain = (url) => process.argv[1] === fileURLToPath(url);

/** A figure: `value` against a goal such as `<= 1.3`. */
export function figure(name, value, goal, unit = '') {
  const [op, limitText] = goal.split(' ');
  const limit = Number(limitText);
  const met = op === '<=' ? value <= limit : op === '<' ? value < limit : op === '>=' ? value >= limit : value > limit;
  return { name, value, unit, goal, met };
}

export function printFigures(figures) {
  for (const f of figures) console.log(`${f.name}: ${format(f)} (goal ${f.goal}${f.unit}: ${f.met ? 'met' : 'NOT met'})`);
}

export const format = (f) => `${f.unit === ' ms' || f.unit === ' MB' ? f.value.toFixed(0) : f.value.toFixed(2)}${f.unit}`;

/**
 * A simulated world serving `scenario` (an object) from a process of its own, started and warm.
 * `audit()` returns the requests it saw since the last call; `file` holds its first line for harnesses.
 */
export async function startWorld(scenario, args = []) {
  const server = await buildHarness('world-server');
  const scenarioFile = join(server.outdir, `${scenario.name}.json`);
  writeFileSync(scenarioFile, JSON.stringify(scenario));
  const child = spawn(process.execPath, [server.outfile, scenarioFile, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error('the world server did not start');
  const file = join(server.outdir, `${scenario.name}.world.json`);
  writeFileSync(file, first.value);
  return {
    file,
    info: JSON.parse(first.value),
    async audit() {
      child.stdin.write('audit\n');
      const line = await lines.next();
      return JSON.parse(line.value).audit;
    },
    stop() {
      child.kill('SIGTERM');
    },
  };
}
