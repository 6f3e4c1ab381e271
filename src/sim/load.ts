/** Finding a scenario by name or path, resolving `extends`, and validating the result. */
import { parseScenario, type Scenario, ScenarioError } from './scenario.js';
import { BUILT_IN_MACHINES } from './machines/index.js';
import { BUILT_IN_SCENARIOS } from './scenarios/index.js';

export type ReadText = (path: string) => Promise<string | undefined>;

/** A built-in scenario by name, or a JSON file by path (anything with a slash or ending in .json). */
export async function loadScenario(reference: string, read: ReadText): Promise<Scenario> {
  const { json, source } = await resolveRaw(reference, read, []);
  return parseScenario(withMachine(json, source), source);
}

export function builtInScenarioNames(): string[] {
  return Object.keys(BUILT_IN_SCENARIOS);
}

function isPath(reference: string): boolean {
  return /[\\/]/.test(reference) || reference.endsWith('.json');
}

async function resolveRaw(reference: string, read: ReadText, chain: readonly string[]): Promise<{ json: unknown; source: string }> {
  if (chain.includes(reference)) throw new ScenarioError(`Scenarios extend each other in a cycle: ${[...chain, reference].join(' → ')}.`);
  let raw: unknown;
  let source: string;
  if (isPath(reference)) {
    source = reference;
    const textContent = await read(reference);
    if (textContent === undefined) throw new ScenarioError(`${reference}: no such file.`);
    try {
      raw = JSON.parse(textContent);
    } catch (err) {
      throw new ScenarioError(`${reference}: not valid JSON (${(err as Error).message}).`);
    }
  } else {
    raw = BUILT_IN_SCENARIOS[reference];
    source = `built-in scenario "${reference}"`;
    if (raw === undefined) {
      throw new ScenarioError(`There is no scenario "${reference}"; the built-in ones are: ${builtInScenarioNames().join(', ')}.`);
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ScenarioError(`${source}: the file: expected an object.`);
  const { extends: base, ...own } = raw as Record<string, unknown>;
  if (base === undefined) return { json: own, source };
  if (typeof base !== 'string') throw new ScenarioError(`${source}: extends: expected the name of a scenario.`);
  const parent = await resolveRaw(base, read, [...chain, reference]);
  return { json: merge(parent.json, own), source };
}

function builtInMachineNames(): string[] {
  return Object.keys(BUILT_IN_MACHINES);
}

/** A scenario's `machine` may extend a built-in machine (src/sim/machines) by name, the way scenarios extend. */
function withMachine(json: unknown, source: string): unknown {
  if (!isObject(json) || !isObject(json['machine'])) return json;
  const resolve = (machine: Record<string, unknown>, chain: readonly string[]): Record<string, unknown> => {
    const { extends: base, ...own } = machine;
    if (base === undefined) return own;
    if (typeof base !== 'string' || !isObject(BUILT_IN_MACHINES[base])) {
      throw new ScenarioError(`${source}: machine.extends: expected one of the built-in machines (${builtInMachineNames().join(', ')}), got ${JSON.stringify(base)}.`);
    }
    if (chain.includes(base)) throw new ScenarioError(`${source}: machines extend each other in a cycle: ${[...chain, base].join(' → ')}.`);
    return merge(resolve(BUILT_IN_MACHINES[base], [...chain, base]), own) as Record<string, unknown>;
  };
  return { ...json, machine: resolve(json['machine'], []) };
}

/** Objects merge key by key; lists and values replace. */
function merge(base: unknown, override: unknown): unknown {
  if (!isObject(base) || !isObject(override)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = key in base ? merge(base[key], value) : value;
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
