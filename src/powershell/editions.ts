/**
 * Which PowerShell editions a machine has, found from the registry and the files of their default homes,
 * never by running PowerShell. `pwsh --version` is the one command run, and only when the files could not
 * tell (a PowerShell 7 from the Microsoft Store or a .NET tool has no registry key and no fixed home).
 *
 * Sources:
 * - Windows PowerShell: `HKLM\SOFTWARE\Microsoft\PowerShell\3\PowerShellEngine` `PowerShellVersion`
 *   (the key of engines 3.0 to 5.1; recorded `reg query` outputs in fixtures/powershell/README.md), or
 *   `powershell.exe` in `%SystemRoot%\System32\WindowsPowerShell\v1.0`.
 * - PowerShell 7 on Windows: `HKLM\SOFTWARE\Microsoft\PowerShellCore\InstalledVersions\<GUID>` with
 *   `SemanticVersion` and `InstallLocation`, written by the MSI since 7.1 ("Registry keys created during
 *   installation", Installing PowerShell on Windows); `pwsh.exe` under `%ProgramFiles%\PowerShell\<n>`.
 * - Linux and macOS: the package homes `/opt/microsoft/powershell/7` (deb, rpm) and
 *   `/usr/local/microsoft/powershell/7` (macOS pkg, which the Homebrew cask installs), `-preview` beside them.
 */
import { posix, win32 } from 'node:path';
import type { CheckContext } from '../check.js';
import type { PowerShellEdition } from './types.js';
import { parseRegQuery } from '../platform/windows.js';

/** The members of the context discovery reads. */
export type DiscoveryContext = Pick<CheckContext, 'platform' | 'env' | 'exec' | 'readFile' | 'readDir' | 'config' | 'signal'>;

const ENGINE_KEY = 'HKLM\\SOFTWARE\\Microsoft\\PowerShell\\3\\PowerShellEngine';
const CORE_KEY = 'HKLM\\SOFTWARE\\Microsoft\\PowerShellCore\\InstalledVersions';
export const SHELL_FOLDERS_KEY = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\User Shell Folders';

const LINUX_HOMES = ['/opt/microsoft/powershell/7', '/opt/microsoft/powershell/7-preview'];
const MACOS_HOMES = ['/usr/local/microsoft/powershell/7', '/usr/local/microsoft/powershell/7-preview'];

/** An environment variable; on Windows its name is case-insensitive, whatever copy of the environment we hold. */
export function envValue(ctx: Pick<DiscoveryContext, 'env' | 'platform'>, name: string): string | undefined {
  const exact = ctx.env[name];
  if (exact !== undefined || ctx.platform !== 'win32') return exact || undefined;
  const key = Object.keys(ctx.env).find((k) => k.toLowerCase() === name.toLowerCase());
  return (key === undefined ? undefined : ctx.env[key]) || undefined;
}

/** `%USERPROFILE%\Documents` with every `%NAME%` the environment knows replaced; undefined if one is unknown. */
export function expandWindowsVariables(ctx: Pick<DiscoveryContext, 'env' | 'platform'>, text: string): string | undefined {
  let unknown = false;
  const expanded = text.replace(/%([^%]+)%/g, (_, name: string) => {
    const value = envValue(ctx, name);
    if (value === undefined) unknown = true;
    return value ?? '';
  });
  return unknown ? undefined : expanded;
}

/** Standard output of a program that exited 0, else undefined. */
export async function run(ctx: DiscoveryContext, command: string, args: readonly string[]): Promise<string | undefined> {
  const result = await ctx.exec(command, args, { timeoutMs: Math.min(ctx.config.timeoutMs, 10_000), signal: ctx.signal });
  return result.kind === 'exited' && result.exitCode === 0 ? result.stdout : undefined;
}

/** Whether a folder holds a file, by listing the folder (case-insensitive on Windows). */
async function holds(ctx: DiscoveryContext, folder: string, file: string): Promise<boolean> {
  const entries = await ctx.readDir(folder);
  const wanted = ctx.platform === 'win32' ? file.toLowerCase() : file;
  return (entries ?? []).some((e) => (ctx.platform === 'win32' ? e.toLowerCase() : e) === wanted);
}

/**
 * The values of each key a recursive `reg query <key> /s` printed, keyed by the key's path. parseRegQuery
 * reads one key at a time, so the output is cut at each key header (a line that does not start with a blank).
 */
export function parseRegQueryTree(output: string): Map<string, ReturnType<typeof parseRegQuery>> {
  const keys = new Map<string, ReturnType<typeof parseRegQuery>>();
  let header: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (header !== undefined) keys.set(header, parseRegQuery([header, ...lines].join('\n')));
  };
  for (const line of output.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    if (/^ERROR:/i.test(line.trim())) return new Map();
    if (!/^\s/.test(line)) {
      flush();
      header = line.trim();
      lines = [];
    } else {
      lines.push(line);
    }
  }
  flush();
  return keys;
}

/** The PowerShell 7 version `pwsh --version` prints (`PowerShell 7.4.6`, `PowerShell 7.5.0-preview.3`). */
export function parsePwshVersion(output: string): string | undefined {
  return /PowerShell\s+v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/.exec(output)?.[1];
}

const stringValue = (values: ReturnType<typeof parseRegQuery>, name: string): string | undefined => {
  const value = values.get(name);
  return value && typeof value.value === 'string' && value.value.trim() !== '' ? value.value.trim() : undefined;
};

async function windowsEditions(ctx: DiscoveryContext): Promise<PowerShellEdition[]> {
  const systemRoot = envValue(ctx, 'SystemRoot') ?? envValue(ctx, 'windir') ?? 'C:\\Windows';
  const programFiles = envValue(ctx, 'ProgramW6432') ?? envValue(ctx, 'ProgramFiles') ?? 'C:\\Program Files';
  const desktopHome = win32.join(systemRoot, 'System32', 'WindowsPowerShell', 'v1.0');
  const [engine, core, desktopExe, installs] = await Promise.all([
    run(ctx, 'reg', ['query', ENGINE_KEY, '/v', 'PowerShellVersion']),
    run(ctx, 'reg', ['query', CORE_KEY, '/s']),
    holds(ctx, desktopHome, 'powershell.exe'),
    ctx.readDir(win32.join(programFiles, 'PowerShell')),
  ]);
  const editions: PowerShellEdition[] = [];
  const desktopVersion = stringValue(parseRegQuery(engine ?? ''), 'powershellversion');
  if (desktopVersion) editions.push({ edition: 'Desktop', version: desktopVersion, home: desktopHome, source: 'registry PowerShellEngine\\PowerShellVersion' });
  else if (desktopExe) editions.push({ edition: 'Desktop', home: desktopHome, source: `powershell.exe in ${desktopHome}` });

  const same = (a: string, b: string) => win32.normalize(a).replace(/\\+$/, '').toLowerCase() === win32.normalize(b).replace(/\\+$/, '').toLowerCase();
  for (const values of parseRegQueryTree(core ?? '').values()) {
    const version = stringValue(values, 'semanticversion');
    const location = stringValue(values, 'installlocation');
    if (!version && !location) continue;
    const home = location ? win32.normalize(location).replace(/\\+$/, '') : undefined;
    if (home && editions.some((e) => e.home !== undefined && same(e.home, home))) continue;
    editions.push({ edition: 'Core', ...(version ? { version } : {}), ...(home ? { home } : {}), source: 'registry PowerShellCore\\InstalledVersions' });
  }
  // Homes without a registry key: a ZIP install, or an MSI from before 7.1.
  const candidates = (installs ?? []).filter((name) => /^\d/.test(name)).map((name) => win32.join(programFiles, 'PowerShell', name));
  const found = await Promise.all(candidates.map(async (home) => ((await holds(ctx, home, 'pwsh.exe')) ? home : undefined)));
  for (const home of found) {
    if (home && !editions.some((e) => e.home !== undefined && same(e.home, home))) editions.push({ edition: 'Core', home, source: `pwsh.exe in ${home}` });
  }
  return editions;
}

async function unixEditions(ctx: DiscoveryContext): Promise<PowerShellEdition[]> {
  const homes = ctx.platform === 'darwin' ? MACOS_HOMES : LINUX_HOMES;
  const found = await Promise.all(homes.map(async (home) => ((await holds(ctx, home, 'pwsh')) ? home : undefined)));
  return found.filter((h): h is string => h !== undefined).map((home) => ({ edition: 'Core', home, source: `pwsh in ${home}` }));
}

/**
 * Every edition installed. Where the files give no PowerShell 7 version (or no PowerShell 7 at all),
 * `pwsh --version` answers for the `pwsh` on the PATH: its version goes to the one home it can belong to
 * (a preview version to a `-preview` home), or it becomes an edition of its own with no known home.
 */
export async function findEditions(ctx: DiscoveryContext): Promise<PowerShellEdition[]> {
  const editions = ctx.platform === 'win32' ? await windowsEditions(ctx) : await unixEditions(ctx);
  const cores = editions.filter((e) => e.edition === 'Core');
  if (cores.length > 0 && cores.every((e) => e.version !== undefined)) return editions;
  const version = parsePwshVersion((await run(ctx, 'pwsh', ['--version'])) ?? '');
  if (!version) return editions;
  const preview = /preview|rc/i.test(version);
  const unversioned = cores.filter((e) => e.version === undefined && /preview/i.test(e.home ?? '') === preview);
  if (unversioned.length === 1) {
    const target = unversioned[0]!;
    return editions.map((e) => (e === target ? { ...e, version, source: `${e.source}; version from pwsh --version` } : e));
  }
  if (cores.some((e) => e.version === version)) return editions;
  return [...editions, { edition: 'Core', version, source: 'pwsh --version, the pwsh on the PATH' }];
}

/** The path module of the machine's platform. */
export function pathsOf(platform: NodeJS.Platform): typeof win32 {
  return platform === 'win32' ? win32 : posix;
}

/** Where {@link findEditions} looks, in words, for a report that found nothing. */
export function placesSearched(platform: NodeJS.Platform): string {
  if (platform === 'win32') {
    return `the registry (${ENGINE_KEY}, ${CORE_KEY}), %SystemRoot%\\System32\\WindowsPowerShell\\v1.0\\powershell.exe, %ProgramFiles%\\PowerShell\\<version>\\pwsh.exe, and pwsh on the PATH`;
  }
  return `${(platform === 'darwin' ? MACOS_HOMES : LINUX_HOMES).join(', ')}, and pwsh on the PATH`;
}
