// Builds dist/: one ESM entry (dist/cli.js) plus chunks for what is imported lazily (MSAL, undici,
// the checks), so that --version and --help load only commander and the option table.
import { build } from 'esbuild';
import { chmod, rm } from 'node:fs/promises';

await rm(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  chunkNames: 'chunks/[name]-[hash]',
  // QuickJS loads its WebAssembly from its own package folder, so it stays outside the bundle.
  external: ['quickjs-wasi'],
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
  // Some dependencies are CommonJS and call require() for Node built-ins.
  banner: {
    js: [
      '#!/usr/bin/env node',
      "import { createRequire as __exoCreateRequire } from 'node:module';",
      'const require = __exoCreateRequire(import.meta.url);',
    ].join('\n'),
  },
});
await chmod(new URL('../dist/cli.js', import.meta.url), 0o755);
