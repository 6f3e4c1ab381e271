/**
 * `exo-doctor demo`: the full diagnosis, with the production checks, against a simulated Microsoft 365
 * tenant served on 127.0.0.1. Nothing leaves the machine; the world is entered through the context only.
 */
import { dirname } from 'node:path';
import type { AnyCheck } from './check.js';
import type { Config, Context } from './context.js';
import { diagnose, type Output, unusableFileOption, write } from './diagnose.js';
import type { DiagnoseOptions } from './options.js';
import { EXIT } from './exit.js';
import { wrap } from './report/text.js';
import { planChecks, SelectionError } from './runner.js';
import { builtInScenarioNames, loadScenario } from './sim/load.js';
import { type Scenario, ScenarioError } from './sim/scenario.js';
import { simulatedBrowser } from './sim/browser.js';
import { machineMembers } from './sim/machine.js';
import { startWorld, type World } from './sim/world.js';
import { servicesOf } from './services.js';

export interface DemoRun {
  readonly registry: readonly AnyCheck[];
  /** The pipeline's layers, by check id (checks/index.ts). */
  readonly layers?: readonly ScenarioLayer[];
  readonly options: DiagnoseOptions;
  /** A built-in scenario name or a scenario file. */
  readonly scenario: string;
  /** Options the user set explicitly, which win over the scenario's. */
  readonly explicit: { readonly environment: boolean; readonly service?: boolean };
  /** The machine's context: reads the scenario file. */
  readonly machine: Context;
  readonly output: Output;
  readonly signal: AbortSignal;
}

/** A layer of the diagnosis (checks/index.ts LAYERS), by the ids of its checks. */
export interface ScenarioLayer {
  readonly name: string;
  readonly title: string;
  readonly checks: readonly string[];
}

/** What `demo --list` says of one scenario. */
interface ListedScenario {
  readonly name: string;
  readonly description: string;
  /** The layer its top finding is in; `none` for a world where everything works. */
  readonly layer: string;
  readonly topFinding: string | null;
  readonly accounts: readonly string[];
  /** The account or app the demo signs in as. */
  readonly signsInAs: string;
  readonly machine: string;
}

/** `demo --list`: the scenarios grouped by the layer their trouble is in, with the accounts each world holds. */
export async function listScenarios(machine: Context, json: boolean, output: Output, layers: readonly ScenarioLayer[], width = 100): Promise<number> {
  const scenarios = await Promise.all(builtInScenarioNames().map((name) => loadScenario(name, machine.readFile)));
  const listed = scenarios.map((s): ListedScenario => {
    const top = s.expect.topFinding;
    const app = s.apps.find((a) => a.appId === s.signIn.appId);
    return {
      name: s.name,
      description: s.description,
      layer: top ? (layers.find((l) => l.checks.includes(top.check))?.name ?? 'other') : 'none',
      topFinding: top ? `${top.check} ${top.status}` : null,
      accounts: s.users.map((u) => u.upn),
      signsInAs: s.signIn.mode === 'device-code' ? (s.signIn.upn as string) : `${app?.displayName ?? s.signIn.appId} (app, ${s.signIn.mode})`,
      machine: describeMachine(s),
    };
  });
  if (json) {
    await write(output.stdout, `${JSON.stringify(listed, null, 2)}\n`);
    return EXIT.ok;
  }
  const nameWidth = Math.max(...listed.map((s) => s.name.length));
  const indent = ' '.repeat(2 + nameWidth + 2);
  const groups = [{ name: 'none', title: 'Nothing wrong' }, ...layers, { name: 'other', title: 'Elsewhere' }];
  const lines: string[] = ['Scenarios, by the layer where the trouble is. Run one with: exo-doctor demo --scenario <name>'];
  for (const group of groups) {
    const members = listed.filter((s) => s.layer === group.name);
    if (members.length === 0) continue;
    lines.push('', group.title);
    for (const s of members) {
      lines.push(...wrap(`  ${s.name.padEnd(nameWidth)}  ${s.description}`, width, indent));
      const others = s.accounts.filter((a) => a !== s.signsInAs);
      lines.push(...wrap(`${indent}Signs in as ${s.signsInAs}${others.length > 0 ? `; also holds ${others.join(', ')}` : ''}. Machine: ${s.machine}.`, width, indent));
    }
  }
  await write(output.stdout, `${lines.join('\n')}\n`);
  return EXIT.ok;
}

/** "Windows (win32)", or what the scenario's machine is. */
function describeMachine(scenario: Scenario): string {
  const m = scenario.machine;
  if (m.platform !== 'win32') return `${m.platform === 'darwin' ? 'macOS' : 'Linux'}, nothing the client checks read`;
  const versions = (name: string) => Object.keys(m.files ?? {}).some((path) => path.toLowerCase().endsWith(name));
  const shells = [versions('\\powershell.exe') ? 'Windows PowerShell' : undefined, versions('\\pwsh.exe') ? 'PowerShell 7' : undefined].filter(Boolean);
  return `Windows${shells.length > 0 ? ` with ${shells.join(' and ')}` : ''}`;
}

export async function demo(run: DemoRun): Promise<number> {
  return inWorld(run, (ctx, scenario) =>
    diagnose({ registry: run.registry, ctx, options: run.options, output: run.output, signal: run.signal, simulation: scenario, ...(run.layers ? { layers: run.layers } : {}) }),
  );
}

/** `exo-doctor demo --scenario NAME preflight --users FILE`: a pre-flight inside the simulated world. */
export async function demoPreflight(run: DemoRun & { readonly preflight: import('./preflight/run.js').PreflightOptions }): Promise<number> {
  return inWorld(run, async (ctx, scenario) => {
    const { preflight } = await import('./preflight/run.js');
    return preflight({ registry: run.registry, ...(run.layers ? { layers: run.layers } : {}), ctx, options: run.preflight, output: run.output, signal: run.signal, simulation: scenario });
  });
}

/**
 * Loads the scenario, refuses what cannot work before the world starts (an account the world does not
 * hold would wait for a sign-in that can never come; a check id that does not exist would waste the
 * start), starts the world, says so, and runs `body` in it.
 */
async function inWorld(run: DemoRun, body: (ctx: Context, scenario: Scenario) => Promise<number>): Promise<number> {
  let scenario: Scenario;
  try {
    scenario = await loadScenario(run.scenario, run.machine.readFile);
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    await write(run.output.stderr, `exo-doctor: ${err.message}\n`);
    return EXIT.usage;
  }
  const problem = demoUsageProblem(run, scenario) ?? (await unusableFileOption({ certificate: run.options.certificate, ca: run.options.ca, tokenCache: run.options.tokenCache }, run.machine));
  if (problem) {
    await write(run.output.stderr, `exo-doctor: ${problem}\n`);
    return EXIT.usage;
  }
  const world = await startWorld(scenario);
  try {
    const ctx = demoContext(world, run.options, { environment: run.explicit.environment, service: run.explicit.service === true, invocation: `${run.machine.config.invocation ?? 'exo-doctor'} demo --scenario ${run.scenario}` });
    await write(
      run.output.stderr,
      `Simulated tenant "${scenario.name}" on 127.0.0.1:${world.port}: ${ctx.redactor.apply(scenario.description)}\n` +
        'Every Microsoft host below is answered by the simulation; nothing leaves this machine.\n\n',
    );
    return await body(ctx, scenario);
  } finally {
    await world.stop();
  }
}

/** Why the demo cannot run as asked, in a sentence with the way out; undefined when it can. */
function demoUsageProblem(run: DemoRun, scenario: Scenario): string | undefined {
  try {
    planChecks(run.registry, run.options.only, run.options.skip);
  } catch (err) {
    if (err instanceof SelectionError) return err.message;
    throw err;
  }
  const upn = run.options.upn;
  if (upn !== undefined && !scenario.users.some((u) => u.upn.toLowerCase() === upn.trim().toLowerCase())) {
    return `the simulated tenant "${scenario.name}" has no account ${upn}, so no one could complete its sign-in. Its accounts are: ${scenario.users.map((u) => u.upn).join(', ')}. Give one of them with --upn, or leave --upn out.`;
  }
  return undefined;
}

/**
 * The doctor's context inside a running world, configured as the scenario says the admin runs it
 * (its account, cloud and sign-in), with the user's explicit options winning.
 */
export function demoContext(
  world: World,
  options: DiagnoseOptions,
  explicit: { readonly environment: boolean; readonly service?: boolean; readonly invocation?: string } = { environment: false },
): Context {
  const scenario = world.scenario;
  const upn = options.upn ?? scenario.signIn.upn;
  const signIn = scenario.signIn;
  // App-only scenarios sign in with the app's credentials, which the world made when it started: the
  // certificate is handed to the doctor as a file only this demo's machine has.
  const certificateFile = `/simulated/${signIn.appId ?? 'app'}.pem`;
  const credentials = signIn.appId ? world.credentials(signIn.appId) : undefined;
  const appOnly =
    options.appId === undefined && signIn.appId && (signIn.mode === 'certificate' || signIn.mode === 'secret')
      ? signIn.mode === 'certificate'
        ? { appId: signIn.appId, certificateFile }
        : { appId: signIn.appId, ...(credentials?.secret ? { clientSecret: credentials.secret } : {}) }
      : {};
  const config: Config = {
    ...(upn && !('appId' in appOnly) ? { upn } : {}),
    ...(options.tenant !== undefined ? { tenant: options.tenant } : upn && !('appId' in appOnly) ? {} : { tenant: scenario.tenant.domains[0] as string }),
    environment: explicit.environment ? options.environment : scenario.signIn.environment,
    services: servicesOf(explicit.service ? options.service : scenario.signIn.service),
    // Commands the report suggests stay in this simulated world.
    invocation: explicit.invocation ?? `exo-doctor demo --scenario ${scenario.name}`,
    timeoutMs: options.timeout,
    verbose: options.verbose,
    showSensitive: options.showSensitive,
    ...(options.proxy !== undefined ? { proxy: options.proxy } : {}),
    ...(options.ca !== undefined ? { caFile: options.ca } : {}),
    // The simulated user completes device-code sign-ins by themselves, so the demo signs in even when
    // no one is at the terminal.
    signIn: options.signIn ?? 'device-code',
    ...appOnly,
    ...(options.appId !== undefined ? { appId: options.appId } : {}),
    ...(options.certificate !== undefined ? { certificateFile: options.certificate } : {}),
    ...(options.clientSecret !== undefined ? { clientSecret: options.clientSecret } : {}),
    ...(options.accessToken !== undefined ? { accessToken: options.accessToken } : {}),
    ...(options.tokenCache !== undefined ? { tokenCache: options.tokenCache } : {}),
    ...(options.target !== undefined ? { target: options.target } : {}),
  };
  // The simulated person at the browser is the account the doctor was told to sign in as.
  if (upn) world.signInAs(upn);
  // Every app's certificate is on the machine, at /simulated/<appId>.pem (a `preflight --tenants` file names them).
  const files = Object.fromEntries(
    scenario.apps.flatMap((app) => {
      const certificate = world.credentials(app.appId)?.certificate;
      return certificate ? [[`/simulated/${app.appId}.pem`, `${certificate.certPem}${certificate.keyPem}`]] : [];
    }),
  );
  // The scenario's machine, and nothing of the computer the demo runs on; it also has a browser, in
  // which the simulated user completes `--sign-in browser`.
  const machine = machineMembers(scenario.machine);
  const ctx: Context = world.context(config, undefined, {
    ...machine,
    files,
    exec: simulatedBrowser(() => ctx, machine.exec),
    // The files the user named are this computer's: the error to explain, the reports to write.
    ownFiles: [options.errorFile, options.html, options.markdown, options.junit, options.bundle].flatMap((file) => (file === undefined ? [] : [file, dirname(file)])),
  });
  return ctx;
}
