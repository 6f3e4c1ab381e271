/**
 * `exo-doctor demo`: the full diagnosis, with the production checks, against a simulated Microsoft 365
 * tenant served on 127.0.0.1. Nothing leaves the machine; the world is entered through the context only.
 */
import type { AnyCheck } from './check.js';
import type { Config, Context } from './context.js';
import { diagnose, type Output, write } from './diagnose.js';
import type { DiagnoseOptions } from './options.js';
import { EXIT } from './report/document.js';
import { builtInScenarioNames, loadScenario } from './sim/load.js';
import { type Scenario, ScenarioError } from './sim/scenario.js';
import { startWorld } from './sim/world.js';

export interface DemoRun {
  readonly registry: readonly AnyCheck[];
  readonly options: DiagnoseOptions;
  /** A built-in scenario name or a scenario file. */
  readonly scenario: string;
  /** Options the user set explicitly, which win over the scenario's. */
  readonly explicit: { readonly environment: boolean };
  /** The machine's context: reads the scenario file. */
  readonly machine: Context;
  readonly output: Output;
  readonly signal: AbortSignal;
}

/** `demo --list`: one line per scenario. */
export async function listScenarios(machine: Context, json: boolean, output: Output): Promise<number> {
  const scenarios = await Promise.all(builtInScenarioNames().map((name) => loadScenario(name, machine.readFile)));
  if (json) {
    await write(output.stdout, `${JSON.stringify(scenarios.map((s) => ({ name: s.name, description: s.description })), null, 2)}\n`);
    return EXIT.ok;
  }
  const width = Math.max(...scenarios.map((s) => s.name.length));
  await write(output.stdout, `${scenarios.map((s) => `${s.name.padEnd(width)}  ${s.description}`).join('\n')}\n`);
  return EXIT.ok;
}

export async function demo(run: DemoRun): Promise<number> {
  let scenario: Scenario;
  try {
    scenario = await loadScenario(run.scenario, run.machine.readFile);
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    await write(run.output.stderr, `exo-doctor: ${err.message}\n`);
    return EXIT.usage;
  }
  const world = await startWorld(scenario);
  try {
    const { options } = run;
    const upn = options.upn ?? scenario.signIn.upn;
    const config: Config = {
      ...(upn ? { upn } : {}),
      ...(options.tenant !== undefined ? { tenant: options.tenant } : scenario.signIn.upn ? {} : { tenant: scenario.tenant.domains[0] as string }),
      environment: run.explicit.environment ? options.environment : scenario.signIn.environment,
      timeoutMs: options.timeout,
      verbose: options.verbose,
      showSensitive: options.showSensitive,
      ...(options.proxy !== undefined ? { proxy: options.proxy } : {}),
      ...(options.ca !== undefined ? { caFile: options.ca } : {}),
    };
    const ctx = world.context(config);
    await write(
      run.output.stderr,
      `Simulated tenant "${scenario.name}" on 127.0.0.1:${world.port}: ${scenario.description}\n` +
        'Every Microsoft host below is answered by the simulation; nothing leaves this machine.\n\n',
    );
    return await diagnose({ registry: run.registry, ctx, options, output: run.output, signal: run.signal, simulation: scenario });
  } finally {
    await world.stop();
  }
}
