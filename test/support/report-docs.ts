/**
 * Report documents of real runs, for the renderers' tests: a built-in scenario diagnosed in process the
 * way `exo-doctor demo --scenario X` runs it (the production registry, the real MSAL library, real HTTPS
 * against the simulated world), then built into the document the renderers draw. Cached per scenario
 * and masking mode within one test file.
 */
import { LAYER_IDS, registry } from '../../checks/index.js';
import { demoContext } from '../../src/demo.js';
import { normalizeOptions } from '../../src/options.js';
import { buildDocument, metaOf, type ReportDocument } from '../../src/report/document.js';
import { runChecks } from '../../src/runner.js';
import { loadScenario } from '../../src/sim/load.js';
import { startWorld } from '../../src/sim/world.js';

const cache = new Map<string, Promise<ReportDocument>>();

/** The report document of a scenario; `showSensitive` as `--show-sensitive` would set it. */
export function reportOf(name: string, options: { readonly showSensitive?: boolean } = {}): Promise<ReportDocument> {
  const key = `${name}\n${options.showSensitive === true}`;
  let doc = cache.get(key);
  if (!doc) {
    doc = diagnosed(name, options.showSensitive === true);
    cache.set(key, doc);
  }
  return doc;
}

async function diagnosed(name: string, showSensitive: boolean): Promise<ReportDocument> {
  const scenario = await loadScenario(name, async () => undefined);
  const world = await startWorld(scenario);
  try {
    const options = normalizeOptions({ environment: 'O365Default', timeout: 4000, failOn: 'fail', ...(showSensitive ? { showSensitive: true } : {}) });
    const ctx = demoContext(world, options);
    const run = await runChecks(registry, ctx, { timeoutMs: options.timeout });
    return buildDocument(
      run,
      metaOf(ctx, { failOn: 'fail', verbose: false, simulation: scenario, layers: LAYER_IDS }),
      ctx.redactor,
    );
  } finally {
    await world.stop();
  }
}
