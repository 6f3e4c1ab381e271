/**
 * What the admin's PowerShell would load: the editions installed, the module folders each one searches
 * in order, and every installed version of the modules that matter to Exchange Online. Files, the
 * registry and the environment only (see editions.ts for the one command).
 *
 * Module folders, from about_PSModulePath (https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_psmodulepath):
 * - Windows PowerShell 5.1: `<Documents>\WindowsPowerShell\Modules` (CurrentUser),
 *   `%ProgramFiles%\WindowsPowerShell\Modules` (AllUsers), `$PSHOME\Modules` =
 *   `%SystemRoot%\System32\WindowsPowerShell\v1.0\Modules`. At start-up it takes the inherited
 *   PSModulePath, inserts AllUsers before `$PSHOME\Modules` and prefixes CurrentUser; started from
 *   PowerShell 7 it drops PowerShell 7's own folders.
 * - PowerShell 7 on Windows: `<Documents>\PowerShell\Modules`, `%ProgramFiles%\PowerShell\Modules`,
 *   `$PSHOME\Modules`, in that order, then the inherited PSModulePath (which carries the machine's
 *   `%ProgramFiles%\WindowsPowerShell\Modules` and `System32\WindowsPowerShell\v1.0\Modules`, so
 *   PowerShell 7 also loads modules installed for all users of Windows PowerShell, but not the 5.1
 *   CurrentUser folder unless it was started from Windows PowerShell).
 * - PowerShell 7 on Linux and macOS: `$XDG_DATA_HOME/powershell/Modules` (default
 *   `~/.local/share/powershell/Modules`), `/usr/local/share/powershell/Modules`, `$PSHOME/Modules`, then
 *   the inherited PSModulePath (`:`-separated).
 * `<Documents>` is the user's Documents folder, which folder redirection or OneDrive may move: it is read
 * from `HKCU\…\Explorer\User Shell Folders` `Personal`. The doctor's own PSModulePath is what the
 * launching shell gave it; folders that only another edition adds are left out of each edition's list.
 *
 * PowerShell loads a module by name from the first folder in this order that has it, and within that
 * folder the highest version (about_PSModulePath, "Module search behavior"); see {@link loadedModule}.
 */
import type { InstalledModule, ModuleScope, PowerShellClient, PowerShellEdition, PowerShellEditionName } from './types.js';
import { type DiscoveryContext, envValue, expandWindowsVariables, findEditions, pathsOf, run, SHELL_FOLDERS_KEY } from './editions.js';
import { readManifestVersion } from './manifest.js';
import { parseRegQuery } from '../platform/windows.js';
import { compareModuleVersions, isVersionFolder } from './version.js';

import { findLegacyMfaModule, ieProxyOptions } from './legacy-mfa.js';

export type { DiscoveryContext } from './editions.js';
export { placesSearched } from './editions.js';

/** The modules the PowerShell checks look for: the Exchange module, the ones that clash with it, and what it needs. */
export const MODULE_NAMES = [
  'ExchangeOnlineManagement',
  'Microsoft.Graph.Authentication',
  'Az.Accounts',
  'MSAL.PS',
  'PowerShellGet',
  'PackageManagement',
] as const;

type ModuleName = (typeof MODULE_NAMES)[number];

/** What discovery found, beyond the contract output. */
export interface Discovery {
  readonly client: PowerShellClient;
  /** Folders under which a path names the user (home, Documents): their paths are sensitive. */
  readonly personalRoots: readonly string[];
  /** Editions whose own `$PSHOME\Modules` could not be located (a PowerShell 7 known only from `pwsh --version`). */
  readonly unknownHomes: readonly PowerShellEditionName[];
  /** Things met while reading that the report should say (an unreadable manifest, a moved Documents folder). */
  readonly notes: readonly string[];
}

interface Folder {
  readonly path: string;
  readonly scope: ModuleScope;
}

/** Finds the editions, their module folders and the modules in them. */
export async function discoverPowerShell(ctx: DiscoveryContext): Promise<Discovery> {
  const [editions, documents] = await Promise.all([findEditions(ctx), ctx.platform === 'win32' ? documentsFolder(ctx) : Promise.resolve(undefined)]);
  const [legacy, ieProxy] = await Promise.all([findLegacyMfaModule(ctx, documents), ieProxyOptions(ctx, documents)]);
  const layout = ctx.platform === 'win32' ? windowsLayout(ctx, editions, documents) : unixLayout(ctx, editions);
  const p = pathsOf(ctx.platform);
  const key = (path: string) => folderKey(ctx.platform, path);
  const onPath = (edition: PowerShellEditionName) => new Set(layout.paths[edition].map(key));
  const desktop = onPath('Desktop');
  const core = onPath('Core');

  const found = await Promise.all(layout.folders.map((folder) => scanFolder(ctx, folder)));
  const notes = [...layout.notes, ...found.flatMap((f) => f.notes)];
  const modules: InstalledModule[] = found.flatMap((f, i) => {
    const folderPath = key(layout.folders[i]!.path);
    const loadedBy: PowerShellEditionName[] = [...(desktop.has(folderPath) ? (['Desktop'] as const) : []), ...(core.has(folderPath) ? (['Core'] as const) : [])];
    return f.modules.map((m) => ({ ...m, editions: loadedBy }));
  });
  modules.sort((a, b) => moduleRank(a.name) - moduleRank(b.name) || compareModuleVersions(b.version, a.version));
  for (const module of modules) {
    if (module.editions.length === 0) notes.push(`${module.name} ${module.version} is installed in ${p.dirname(p.dirname(module.path))}, a folder no installed edition of PowerShell loads modules from.`);
  }
  return {
    client: { editions, modules: dedupeModules(modules, key), modulePaths: layout.paths, ...(legacy ? { legacyMfaModule: legacy } : {}), ieProxyOptions: ieProxy },
    personalRoots: layout.personalRoots,
    unknownHomes: editions.some((e) => e.edition === 'Core' && e.home === undefined) ? ['Core'] : [],
    notes,
  };
}

/**
 * The module PowerShell loads for `Import-Module <name>` in an edition: the first folder of its path
 * that has the module, and the highest version there. Undefined when the edition finds none.
 */
export function loadedModule(client: PowerShellClient, platform: NodeJS.Platform, name: string, edition: PowerShellEditionName): InstalledModule | undefined {
  const p = pathsOf(platform);
  for (const folder of client.modulePaths[edition]) {
    const here = client.modules.filter(
      (m) => sameName(m.name, name) && m.editions.includes(edition) && moduleFolderOf(p, m) !== undefined && folderKey(platform, moduleFolderOf(p, m)!) === folderKey(platform, folder),
    );
    if (here.length > 0) return [...here].sort((a, b) => compareModuleVersions(b.version, a.version))[0];
  }
  return undefined;
}

/** `<folder>\<Name>\<Version>\<Name>.psd1` or `<folder>\<Name>\<Name>.psd1` → `<folder>`. */
function moduleFolderOf(p: ReturnType<typeof pathsOf>, module: InstalledModule): string | undefined {
  const base = p.dirname(module.path);
  const parent = p.dirname(base);
  if (sameName(p.basename(base), module.name)) return parent;
  return sameName(p.basename(parent), module.name) ? p.dirname(parent) : undefined;
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const moduleRank = (name: string) => MODULE_NAMES.findIndex((n) => sameName(n, name));

/** A comparable form of a folder path: normalized, no trailing separator, case-folded on Windows. */
function folderKey(platform: NodeJS.Platform, path: string): string {
  const p = pathsOf(platform);
  const normal = p.normalize(platform === 'win32' ? path.replace(/\//g, '\\') : path);
  const trimmed = normal.length > p.parse(normal).root.length ? normal.replace(/[\\/]+$/, '') : normal;
  return platform === 'win32' ? trimmed.toLowerCase() : trimmed;
}

function dedupeModules(modules: readonly InstalledModule[], key: (path: string) => string): InstalledModule[] {
  const seen = new Set<string>();
  return modules.filter((m) => !seen.has(key(m.path)) && seen.add(key(m.path)) !== undefined);
}

/** The user's Documents folder: the registry's (redirection, OneDrive), else `%USERPROFILE%\Documents`. */
export async function documentsFolder(ctx: DiscoveryContext): Promise<string | undefined> {
  const personal = parseRegQuery((await run(ctx, 'reg', ['query', SHELL_FOLDERS_KEY, '/v', 'Personal'])) ?? '').get('personal');
  const fromRegistry = personal && typeof personal.value === 'string' ? expandWindowsVariables(ctx, personal.value.trim()) : undefined;
  if (fromRegistry) return fromRegistry;
  const profile = userProfile(ctx);
  return profile ? pathsOf('win32').join(profile, 'Documents') : undefined;
}

function userProfile(ctx: DiscoveryContext): string | undefined {
  const drive = envValue(ctx, 'HOMEDRIVE');
  const path = envValue(ctx, 'HOMEPATH');
  return envValue(ctx, 'USERPROFILE') ?? (drive && path ? `${drive}${path}` : undefined);
}

interface Layout {
  readonly paths: Record<PowerShellEditionName, string[]>;
  /** Every folder to read, with its scope: both editions' paths and folders no edition loads. */
  readonly folders: readonly Folder[];
  readonly personalRoots: readonly string[];
  readonly notes: readonly string[];
}

function unique(platform: NodeJS.Platform, paths: readonly (string | undefined)[]): string[] {
  const seen = new Set<string>();
  return paths.filter((p): p is string => p !== undefined && p.trim() !== '' && !seen.has(folderKey(platform, p)) && seen.add(folderKey(platform, p)) !== undefined);
}

function windowsLayout(ctx: DiscoveryContext, editions: readonly PowerShellEdition[], documents: string | undefined): Layout {
  const p = pathsOf('win32');
  const key = (path: string) => folderKey('win32', path);
  const programFiles = envValue(ctx, 'ProgramW6432') ?? envValue(ctx, 'ProgramFiles') ?? 'C:\\Program Files';
  const systemRoot = envValue(ctx, 'SystemRoot') ?? envValue(ctx, 'windir') ?? 'C:\\Windows';
  const profile = userProfile(ctx);
  const desktopUser = documents && p.join(documents, 'WindowsPowerShell', 'Modules');
  const desktopAll = p.join(programFiles, 'WindowsPowerShell', 'Modules');
  const desktopSystem = p.join(systemRoot, 'System32', 'WindowsPowerShell', 'v1.0', 'Modules');
  const coreUser = documents && p.join(documents, 'PowerShell', 'Modules');
  const coreAll = p.join(programFiles, 'PowerShell', 'Modules');
  const coreHomes = editions.filter((e) => e.edition === 'Core' && e.home).map((e) => p.join(e.home!, 'Modules'));
  const variable = envValue(ctx, 'PSModulePath');
  // Without a PSModulePath the machine's default applies (%ProgramFiles%\WindowsPowerShell\Modules and System32).
  const inherited = variable === undefined ? [desktopAll, desktopSystem] : variable.split(';').map((s) => s.trim()).filter((s) => s !== '');
  const not = (...excluded: (string | undefined)[]) => (path: string) => !excluded.some((e) => e !== undefined && key(e) === key(path));

  const hasDesktop = editions.some((e) => e.edition === 'Desktop');
  const hasCore = editions.some((e) => e.edition === 'Core');
  let desktop: string[] = [];
  if (hasDesktop) {
    desktop = inherited.filter(not(coreUser, coreAll, ...coreHomes));
    const system = desktop.findIndex((d) => key(d) === key(desktopSystem));
    if (system >= 0 && !desktop.some((d) => key(d) === key(desktopAll))) desktop.splice(system, 0, desktopAll);
    desktop = unique('win32', [desktopUser, ...desktop]);
  }
  const core = hasCore ? unique('win32', [coreUser, coreAll, ...coreHomes, ...inherited.filter(not(desktopUser))]) : [];

  const scopes = new Map<string, ModuleScope>();
  for (const path of [desktopUser, coreUser]) if (path) scopes.set(key(path), 'CurrentUser');
  for (const path of [desktopAll, coreAll]) scopes.set(key(path), 'AllUsers');
  for (const path of [desktopSystem, ...coreHomes]) scopes.set(key(path), 'System');

  // A Documents folder that moved (OneDrive) often still holds modules installed before the move.
  const notes: string[] = [];
  const stale: string[] = [];
  const defaultDocuments = profile ? p.join(profile, 'Documents') : undefined;
  if (documents && defaultDocuments && key(documents) !== key(defaultDocuments)) {
    notes.push(`The Documents folder is redirected to ${documents}: CurrentUser modules load from there, not from ${defaultDocuments}.`);
    stale.push(p.join(defaultDocuments, 'WindowsPowerShell', 'Modules'), p.join(defaultDocuments, 'PowerShell', 'Modules'));
    for (const path of stale) scopes.set(key(path), 'CurrentUser');
  }
  const folders = unique('win32', [...desktop, ...core, ...stale]).map((path) => ({ path, scope: scopes.get(key(path)) ?? 'PSModulePath' }));
  return { paths: { Desktop: desktop, Core: core }, folders, personalRoots: unique('win32', [profile, documents]), notes };
}

function unixLayout(ctx: DiscoveryContext, editions: readonly PowerShellEdition[]): Layout {
  const p = pathsOf(ctx.platform);
  const key = (path: string) => folderKey(ctx.platform, path);
  const home = envValue(ctx, 'HOME');
  const dataHome = envValue(ctx, 'XDG_DATA_HOME') ?? (home ? p.join(home, '.local', 'share') : undefined);
  const user = dataHome ? p.join(dataHome, 'powershell', 'Modules') : undefined;
  const allUsers = '/usr/local/share/powershell/Modules';
  const homes = editions.filter((e) => e.home).map((e) => p.join(e.home!, 'Modules'));
  const inherited = (envValue(ctx, 'PSModulePath') ?? '').split(':').map((s) => s.trim()).filter((s) => s !== '');
  const core = editions.length > 0 ? unique(ctx.platform, [user, allUsers, ...homes, ...inherited]) : [];
  const scopes = new Map<string, ModuleScope>([[key(allUsers), 'AllUsers'], ...homes.map((h): [string, ModuleScope] => [key(h), 'System'])]);
  if (user) scopes.set(key(user), 'CurrentUser');
  const folders = core.map((path) => ({ path, scope: scopes.get(key(path)) ?? 'PSModulePath' }));
  return { paths: { Desktop: [], Core: core }, folders, personalRoots: unique(ctx.platform, [home, dataHome]), notes: [] };
}

interface FolderScan {
  readonly modules: Omit<InstalledModule, 'editions'>[];
  readonly notes: string[];
}

/** The modules that matter in one module folder; nothing when the folder does not exist. */
async function scanFolder(ctx: DiscoveryContext, folder: Folder): Promise<FolderScan> {
  const entries = await ctx.readDir(folder.path);
  const wanted = (entries ?? []).flatMap((entry) => {
    const name = MODULE_NAMES.find((n) => sameName(n, entry));
    return name ? [{ entry, name }] : [];
  });
  const scans = await Promise.all(wanted.map(({ entry, name }) => scanModule(ctx, folder, entry, name)));
  return { modules: scans.flatMap((s) => s.modules), notes: scans.flatMap((s) => s.notes) };
}

/** `<folder>\<Name>`: each `<Version>\<Name>.psd1`, and a `<Name>.psd1` directly inside. */
async function scanModule(ctx: DiscoveryContext, folder: Folder, entry: string, name: ModuleName): Promise<FolderScan> {
  const p = pathsOf(ctx.platform);
  const base = p.join(folder.path, entry);
  const children = (await ctx.readDir(base)) ?? [];
  const manifestName = children.find((c) => sameName(c, `${name}.psd1`));
  const places: { dir: string; folderVersion?: string; manifest?: string }[] = children
    .filter(isVersionFolder)
    .map((v) => ({ dir: p.join(base, v), folderVersion: v }));
  if (manifestName) places.push({ dir: base, manifest: manifestName });
  const results = await Promise.all(
    places.map(async (place) => {
      const read = await readManifest(ctx, place.dir, place.manifest ?? `${name}.psd1`);
      if (!read) return { note: `${place.dir} has no ${name}.psd1: PowerShell ignores that folder.` };
      const found = readManifestVersion(read.text);
      const version = found.moduleVersion ?? place.folderVersion;
      if (!version) return { note: `The version of ${read.path} could not be read.` };
      const full = found.prerelease ? `${version}-${found.prerelease}` : version;
      return { module: { name, version: full, path: read.path, scope: folder.scope } };
    }),
  );
  return {
    modules: results.flatMap((r) => ('module' in r && r.module ? [r.module] : [])),
    notes: results.flatMap((r) => ('note' in r && r.note ? [r.note] : [])),
  };
}

/** A manifest's path and text: by its expected name, else (a case-sensitive file system) by listing the folder. */
async function readManifest(ctx: DiscoveryContext, dir: string, file: string): Promise<{ path: string; text: string } | undefined> {
  const p = pathsOf(ctx.platform);
  const direct = await ctx.readFile(p.join(dir, file));
  if (direct !== undefined) return { path: p.join(dir, file), text: direct };
  const actual = ((await ctx.readDir(dir)) ?? []).find((c) => sameName(c, file));
  const text = actual === undefined ? undefined : await ctx.readFile(p.join(dir, actual));
  return actual !== undefined && text !== undefined ? { path: p.join(dir, actual), text } : undefined;
}
