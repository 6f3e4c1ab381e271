// Bundles a TypeScript bench harness with esbuild (a dev dependency) into a temporary ESM file, so the
// benchmarks run the doctor's real checks and the simulated world without a TypeScript runtime.
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const outdir = mkdtempSync(join(tmpdir(), 'exo-doctor-bench-'));

export async function buildHarness(name) {
  const outfile = join(outdir, `${name}.mjs`);
  await build({
    entryPoints: [new URL(`./harness/${name}.ts`, import.meta.url).pathname],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    external: ['quickjs-wasi'],
    logLevel: 'warning',
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
    nodePaths: [new URL('../node_modules', import.meta.url).pathname],
  });
  return { outfile, outdir };
}
