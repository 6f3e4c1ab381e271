import { describe, expect, it } from 'vitest';
import { EXCHANGE_MODULE_RELEASES, KNOWN_ISSUES, MODULE_CONFLICTS, NEWEST_EXCHANGE_MODULE, PACKAGING_SOURCES, POWERSHELL_FLOORS, type Source, type VersionRange } from '../../../src/knowledge/module-versions.js';
import { loadedModule } from '../../../src/powershell/discovery.js';
import { floorFor, inRange, newestReleaseFor } from '../../../src/powershell/module-verdicts.js';
import { compareParsedVersions as compareModuleVersions, parseModuleVersion } from '../../../src/powershell/version.js';
import type { InstalledModule, PowerShellClient } from '../../../src/powershell/types.js';

const v = (text: string) => {
  const parsed = parseModuleVersion(text);
  if (!parsed) throw new Error(`test: unreadable ${text}`);
  return parsed;
};
const cmp = (a: string, b: string) => Math.sign(compareModuleVersions(v(a), v(b)));

const allSources: Source[] = [
  ...NEWEST_EXCHANGE_MODULE.sources,
  ...POWERSHELL_FLOORS.flatMap((floor) => floor.sources),
  ...KNOWN_ISSUES.flatMap((issue) => issue.sources),
  ...MODULE_CONFLICTS.flatMap((conflict) => conflict.sources),
  ...PACKAGING_SOURCES,
];
const allRanges: VersionRange[] = [
  ...POWERSHELL_FLOORS.map((floor) => floor.module),
  ...KNOWN_ISSUES.map((issue) => issue.versions),
  ...MODULE_CONFLICTS.flatMap((conflict) => [conflict.exchange, conflict.other.versions]),
];

/** Two inclusive ranges share a version (open ends run to infinity). */
function overlaps(a: VersionRange, b: VersionRange): boolean {
  const aEndsBeforeB = a.to !== undefined && cmp(a.to, b.from) < 0;
  const bEndsBeforeA = b.to !== undefined && cmp(b.to, a.from) < 0;
  return !aEndsBeforeB && !bEndsBeforeA;
}

describe('module-versions table', () => {
  it('gives every entry at least one https source that says something, marked doc or 3p', () => {
    expect(allSources.length).toBeGreaterThan(20);
    for (const source of allSources) {
      expect(source.url, source.says).toMatch(/^https:\/\/\S+$/);
      expect(source.says.trim().length, source.url).toBeGreaterThan(20);
      expect(['doc', '3p'], source.url).toContain(source.level);
    }
    for (const entry of [...POWERSHELL_FLOORS, ...KNOWN_ISSUES, ...MODULE_CONFLICTS]) expect(entry.sources.length).toBeGreaterThan(0);
  });

  it('marks only Microsoft documentation and the PowerShell Gallery as doc', () => {
    for (const source of allSources.filter((s) => s.level === 'doc')) {
      expect(new URL(source.url).hostname, source.url).toMatch(/^(learn\.microsoft\.com|www\.powershellgallery\.com)$/);
    }
  });

  it('reads every version in the table', () => {
    for (const text of [...EXCHANGE_MODULE_RELEASES, NEWEST_EXCHANGE_MODULE.version, ...POWERSHELL_FLOORS.map((f) => f.minPowerShell)]) {
      expect(parseModuleVersion(text), text).toBeDefined();
    }
    for (const range of allRanges) {
      expect(parseModuleVersion(range.from), range.from).toBeDefined();
      if (range.to !== undefined) {
        expect(parseModuleVersion(range.to), range.to).toBeDefined();
        expect(cmp(range.from, range.to), `${range.from}..${range.to}`).toBeLessThanOrEqual(0);
      }
    }
  });

  it('lists the releases oldest first and ends with the newest known, confirmed late in 2026', () => {
    for (let i = 1; i < EXCHANGE_MODULE_RELEASES.length; i++) {
      expect(cmp(EXCHANGE_MODULE_RELEASES[i - 1] as string, EXCHANGE_MODULE_RELEASES[i] as string)).toBe(-1);
    }
    expect(EXCHANGE_MODULE_RELEASES.at(-1)).toBe(NEWEST_EXCHANGE_MODULE.version);
    expect(NEWEST_EXCHANGE_MODULE.confirmed).toMatch(/^2026-(0[7-9]|1[0-2])-\d\d$/);
  });

  it('gives every release from 2.0.4 on exactly one PowerShell 7 floor, floors rising with the module', () => {
    for (let i = 0; i < POWERSHELL_FLOORS.length; i++) {
      for (let j = i + 1; j < POWERSHELL_FLOORS.length; j++) {
        expect(overlaps(POWERSHELL_FLOORS[i]!.module, POWERSHELL_FLOORS[j]!.module)).toBe(false);
        expect(cmp(POWERSHELL_FLOORS[i]!.minPowerShell, POWERSHELL_FLOORS[j]!.minPowerShell)).toBe(-1);
      }
    }
    for (const release of EXCHANGE_MODULE_RELEASES.filter((r) => cmp(r, '2.0.4') >= 0)) {
      expect(POWERSHELL_FLOORS.filter((floor) => inRange(v(release), floor.module)), release).toHaveLength(1);
    }
    expect(floorFor(v('3.5.0'))?.minPowerShell).toBe('7.4.0');
    expect(floorFor(v('3.10.1'))?.minPowerShell).toBe('7.6.0');
  });

  it('keeps the known-issue ranges apart, the legacy one below 3.0, and the newest release clean', () => {
    for (let i = 0; i < KNOWN_ISSUES.length; i++) {
      for (let j = i + 1; j < KNOWN_ISSUES.length; j++) expect(overlaps(KNOWN_ISSUES[i]!.versions, KNOWN_ISSUES[j]!.versions)).toBe(false);
    }
    const legacy = KNOWN_ISSUES.find((issue) => issue.id === 'remote-powershell');
    expect(legacy?.severity).toBe('fail');
    expect(cmp(legacy?.versions.to ?? '99', '3.0.0')).toBe(-1);
    expect(KNOWN_ISSUES.filter((issue) => inRange(v(NEWEST_EXCHANGE_MODULE.version), issue.versions))).toEqual([]);
    expect(KNOWN_ISSUES.find((issue) => issue.id === 'wam-without-opt-out')?.versions).toEqual({ from: '3.7.0', to: '3.7.1' });
  });

  it('bounds every conflict on real Exchange releases and names the modules powershell-client reads', () => {
    for (const conflict of MODULE_CONFLICTS) {
      expect(EXCHANGE_MODULE_RELEASES, conflict.id).toContain(conflict.exchange.from);
      expect(['Microsoft.Graph.Authentication', 'Az.Accounts', 'MSAL.PS'], conflict.id).toContain(conflict.other.name);
    }
    expect(new Set(MODULE_CONFLICTS.map((c) => c.id)).size).toBe(MODULE_CONFLICTS.length);
  });
});

describe('module versions', () => {
  it('orders previews before their release and compares numerically', () => {
    expect(cmp('3.8.0-Preview1', '3.8.0')).toBe(-1);
    expect(cmp('3.8.0-Preview2', '3.8.0-Preview10')).toBe(-1);
    expect(cmp('3.10.0', '3.9.2')).toBe(1);
    expect(cmp('1.0.0.1', '1.0.0')).toBe(1);
    expect(parseModuleVersion('3.7')).toEqual({ parts: [3, 7] });
    expect(parseModuleVersion('latest')).toBeUndefined();
  });

  it('treats a short upper bound as a prefix and ignores the preview label in ranges', () => {
    expect(inRange(v('2.40.0'), { from: '2.0.0', to: '2' })).toBe(true);
    expect(inRange(v('3.0.0'), { from: '2.0.0', to: '2' })).toBe(false);
    expect(inRange(v('3.7.2-Preview1'), { from: '3.7.2', to: '3.7.2' })).toBe(true);
    expect(inRange(v('3.7.3'), { from: '3.7.0', to: '3.7.2' })).toBe(false);
  });

  it('picks the newest problem-free release each PowerShell 7 loads', () => {
    expect(newestReleaseFor(v('7.6.0'))).toBe('3.10.1');
    expect(newestReleaseFor(v('7.4.6'))).toBe('3.9.0'); // 3.9.2 carries a reported sign-in failure
    expect(newestReleaseFor(v('7.2.19'))).toBe('3.4.0');
    expect(newestReleaseFor(v('7.1.5'))).toBeUndefined(); // only 2.0.x, which cannot connect
  });
});

describe('loadedModule, as module-versions uses it', () => {
  const exo = (version: string, folder: string): InstalledModule => ({
    name: 'ExchangeOnlineManagement',
    version,
    path: `${folder}\\ExchangeOnlineManagement\\${version}\\ExchangeOnlineManagement.psd1`,
    scope: folder.includes('Users') ? 'CurrentUser' : 'AllUsers',
    editions: ['Desktop'],
  });
  const client = (modules: InstalledModule[]): PowerShellClient => ({
    editions: [{ edition: 'Desktop', version: '5.1.19041.4522', source: 'test' }],
    modules,
    modulePaths: { Desktop: ['C:\\Users\\alex\\Documents\\WindowsPowerShell\\Modules', 'C:\\Program Files\\WindowsPowerShell\\Modules'], Core: [] },
    ieProxyOptions: [],
  });

  it('takes the first folder of the module path over a higher version, folding case on Windows', () => {
    const modules = [exo('3.10.1', 'C:\\PROGRAM FILES\\WindowsPowerShell\\Modules'), exo('3.9.0', 'C:\\Users\\alex\\Documents\\WindowsPowerShell\\Modules')];
    expect(loadedModule(client(modules), 'win32', 'ExchangeOnlineManagement', 'Desktop')?.version).toBe('3.9.0');
  });

  it('ignores a copy outside every folder of the module path', () => {
    expect(loadedModule(client([exo('3.10.1', 'D:\\Tools\\Modules')]), 'win32', 'ExchangeOnlineManagement', 'Desktop')).toBeUndefined();
  });

  it('takes the highest version within one folder', () => {
    const folder = 'C:\\Program Files\\WindowsPowerShell\\Modules';
    expect(loadedModule(client([exo('3.7.2', folder), exo('3.10.1', folder)]), 'win32', 'ExchangeOnlineManagement', 'Desktop')?.version).toBe('3.10.1');
  });
});
