// Bundles a TypeScript bench harness with esbuild (a dev dependency) into a temporary ESM file, so the
// benchmarks run the doctor's real checks and the simulated world without a TypeScript runtime.
// With `{ split: true }` the harness is built as scripts/build.mjs builds dist/ (an entry plus chunks for
// what is imported lazily), so a process running it loads modules the way `exo-doctor` does.
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const outdir = mkdtempSync(join(tmpdir(), 'exo-doctor-bench-'));

export async function buildHarness(name, { split = false } = {}) {
  const entry = new URL(`./harness/${name}.ts`, import.meta.url).pathname;
  const common = {
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    external: ['quickjs-wasi'],
    logLevel: 'warning',
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
    nodePaths: [new URL('../node_modules', import.meta.url).pathname],
  };
  if (split) {
    const dir = join(outdir, name);
    await build({ ...common, entryPoints: { [name]: entry }, outdir: dir, splitting: true, chunkNames: 'chunks/[name]-[hash]', outExtension: { '.js': '.mjs' } });
    return { outfile: join(dir, `${name}.mjs`), outdir };
  }
  const outfile = join(outdir, `${name}.mjs`);
  await build({ ...common, entryPoints: [entry], outfile });
  return { outfile, outdir };
}
