/**
 * The verdict on a machine's Exchange module: {@link judgeModules} reads a {@link PowerShellClient}
 * against the version table of src/knowledge/module-versions.ts. Pure.
 */
import type { InstalledModule, PowerShellClient, PowerShellEdition } from './types.js';
import type { Actor } from '../result.js';
import {
  AZ,
  EXCHANGE_MODULE_RELEASES,
  EXO,
  FIRST_LOADED_WINS,
  GRAPH,
  INBOX_PACKAGING_VERSION,
  INSTALL_POWERSHELL,
  KNOWN_ISSUES,
  type KnownIssue,
  LEGACY_MFA_MODULE,
  LOAD_ORDER_SOURCE,
  type LoadOrder,
  MODULE_CONFLICTS,
  MODULE_DOC,
  type ModuleConflict,
  NEWEST_EXCHANGE_MODULE,
  PACKAGEMANAGEMENT,
  PACKAGING_MISSING_ELSEWHERE,
  PACKAGING_PREVIEW_SOURCE,
  PACKAGING_SOURCES,
  POWERSHELL_FLOORS,
  PSGET,
  PSGET_INSTALL,
  PSGET_UPDATE_51,
  type PowerShellFloor,
  RELEASE_NOTES,
  type Source,
  type VersionRange,
  WAM_DOC,
  doc,
} from '../knowledge/module-versions.js';
import { loadedModule } from './discovery.js';
import { compareParsedVersions, parseModuleVersion, type ParsedVersion } from './version.js';

// ---------------------------------------------------------------------------------------------------
// Versions

/** A module or PowerShell version, parsed (src/powershell/version.ts). */
export type ModuleVersion = ParsedVersion;

function compareParts(a: readonly number[], b: readonly number[], length = Math.max(a.length, b.length)): number {
  for (let i = 0; i < length; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

const must = (text: string): ModuleVersion => {
  const parsed = parseModuleVersion(text);
  if (!parsed) throw new Error(`module-versions: unreadable version ${text}`);
  return parsed;
};

export function inRange(version: ModuleVersion, range: VersionRange): boolean {
  if (compareParts(version.parts, must(range.from).parts) < 0) return false;
  if (range.to === undefined) return true;
  const to = must(range.to).parts;
  return compareParts(version.parts, to, to.length) <= 0;
}

/** The PowerShell 7 floor of a module version: the entry with the highest `from` at or below it. */
export function floorFor(version: ModuleVersion): PowerShellFloor | undefined {
  return [...POWERSHELL_FLOORS].reverse().find((floor) => compareParts(version.parts, must(floor.module.from).parts) >= 0);
}

function issuesFor(version: ModuleVersion, windows: boolean): KnownIssue[] {
  return KNOWN_ISSUES.filter((issue) => inRange(version, issue.versions) && (windows || !issue.windowsOnly));
}

/** The newest release (3.0.0 or later, no known issue of its own) that the given PowerShell 7 loads. */
export function newestReleaseFor(powershell: ModuleVersion): string | undefined {
  return [...EXCHANGE_MODULE_RELEASES].reverse().find((release) => {
    const version = must(release);
    const floor = floorFor(version);
    return (
      compareParts(version.parts, [3]) >= 0 &&
      floor !== undefined &&
      compareParts(powershell.parts, must(floor.minPowerShell).parts) >= 0 &&
      issuesFor(version, true).length === 0
    );
  });
}

// ---------------------------------------------------------------------------------------------------
// Judging a machine

type FindingSeverity = 'fail' | 'warn' | 'note';

interface ModuleFix {
  readonly summary: string;
  readonly runBy: Actor;
  readonly commands: readonly string[];
  readonly links: readonly string[];
}

export interface ModuleFinding {
  readonly id: string;
  readonly severity: FindingSeverity;
  /** Fix this first: PowerShellGet must work before any Install-Module of the other fixes. */
  readonly prerequisite?: boolean;
  readonly edition: PowerShellEdition;
  /** Full sentences: what is wrong and why. */
  readonly message: string;
  /** What to do about it, as a sentence of its own, for when the finding is mentioned on its own. */
  readonly advice?: string;
  readonly fixes: readonly ModuleFix[];
  readonly sources: readonly Source[];
}

/** What each PowerShell edition loads, and what is wrong with it. */
export interface ModuleJudgement {
  readonly loaded: readonly { readonly edition: PowerShellEdition; readonly module: InstalledModule }[];
  /** Worst first. */
  readonly findings: readonly ModuleFinding[];
}

const SEVERITY_ORDER: Readonly<Record<FindingSeverity, number>> = { fail: 0, warn: 1, note: 2 };

export function editionLabel(edition: PowerShellEdition): string {
  return edition.edition === 'Desktop' ? `Windows PowerShell ${edition.version ?? '5.1'}` : `PowerShell ${edition.version ?? '7'}`;
}


const INSTALL = `Install-Module ${EXO} -Scope CurrentUser -Force`;
const shellOf = (edition: PowerShellEdition) => (edition.edition === 'Desktop' ? 'powershell -NoProfile' : 'pwsh -NoProfile');
const inEdition = (edition: PowerShellEdition) => `In ${editionLabel(edition)}`;
export const linksOf = (sources: readonly Source[]) => [...new Set(sources.map((source) => source.url))];

/** The newest release an edition can load: PowerShell 7 below the newest floor needs an older one. */
function releaseFor(edition: PowerShellEdition): string | undefined {
  const powershell = edition.edition === 'Core' && edition.version !== undefined ? parseModuleVersion(edition.version) : undefined;
  if (!powershell) return undefined;
  const newest = newestReleaseFor(powershell);
  return newest === NEWEST_EXCHANGE_MODULE.version ? undefined : newest;
}

function upgradeFix(edition: PowerShellEdition, installed: InstalledModule, extra: readonly string[] = [], after = ''): ModuleFix {
  const remove = `Uninstall-Module ${EXO} -RequiredVersion ${installed.version}${installed.version.includes('-') ? ' -AllowPrerelease' : ''}`;
  const pinned = releaseFor(edition);
  const what = pinned ? `${EXO} ${pinned} (the newest without known problems that ${editionLabel(edition)} loads)` : `the current ${EXO}`;
  return {
    summary: `${inEdition(edition)}, install ${what} for your account, then remove ${installed.version} so it cannot load first (an AllUsers copy needs an elevated window).${after ? ` ${after}` : ''}`,
    runBy: 'admin',
    commands: [pinned ? `Install-Module ${EXO} -RequiredVersion ${pinned} -Scope CurrentUser -Force` : INSTALL, remove, ...extra],
    links: [`${MODULE_DOC}#install-and-update-the-exchange-online-powershell-module`],
  };
}

function pinFix(edition: PowerShellEdition, installed: InstalledModule, version: string, why: string, sources: readonly Source[] = []): ModuleFix {
  return {
    summary: `Or stay on ${editionLabel(edition)} and pin ${EXO} ${version}, ${why}.`,
    runBy: 'admin',
    commands: [`Install-Module ${EXO} -RequiredVersion ${version} -Scope CurrentUser -Force`, `Uninstall-Module ${EXO} -RequiredVersion ${installed.version}`],
    links: [RELEASE_NOTES, ...linksOf(sources)],
  };
}

function upgradePowerShellFix(platform: NodeJS.Platform, minimum: string): ModuleFix {
  const command =
    platform === 'win32' ? ['winget install --id Microsoft.PowerShell --source winget'] : platform === 'darwin' ? ['brew upgrade --cask powershell'] : ['sudo apt-get update', 'sudo apt-get install --only-upgrade powershell'];
  return {
    summary: `Upgrade PowerShell 7 to ${minimum} or later${platform === 'linux' ? ' (the apt commands assume Microsoft\'s package repository; other distributions: see the link)' : ''}.`,
    runBy: 'admin',
    commands: command,
    links: [INSTALL_POWERSHELL],
  };
}

/**
 * Judges what each PowerShell edition would load. `platform` is the machine's (`ctx.platform`): it picks
 * the path style and says whether PowerShell 7 runs on Windows.
 */
export function judgeModules(client: PowerShellClient, platform: NodeJS.Platform): ModuleJudgement {
  const loaded: { edition: PowerShellEdition; module: InstalledModule }[] = [];
  const findings: ModuleFinding[] = [];
  for (const edition of client.editions) {
    const module = loadedModule(client, platform, EXO, edition.edition);
    if (!module) continue;
    loaded.push({ edition, module });
    findings.push(...judgeEdition(client, edition, module, platform));
  }
  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  return { loaded, findings };
}

function judgeEdition(client: PowerShellClient, edition: PowerShellEdition, module: InstalledModule, platform: NodeJS.Platform): ModuleFinding[] {
  const windows = edition.edition === 'Desktop' || platform === 'win32';
  const version = parseModuleVersion(module.version);
  const where = `${editionLabel(edition)} loads ${EXO} ${module.version}`;
  if (!version) {
    return [{ id: 'unreadable', severity: 'warn', edition, message: `${where}, a version the doctor cannot read.`, fixes: [upgradeFix(edition, module)], sources: [] }];
  }
  const findings: ModuleFinding[] = [];
  const add = (finding: Omit<ModuleFinding, 'edition'>) => findings.push({ ...finding, edition });

  for (const issue of issuesFor(version, windows)) {
    const fixes = [upgradeFix(edition, module, issue.disableWam ? ['Connect-ExchangeOnline -DisableWAM'] : [], issue.after)];
    if (issue.pin && issue.pin !== releaseFor(edition)) fixes.push(pinFix(edition, module, issue.pin, 'which the reports say works', issue.sources));
    add({ id: issue.id, severity: issue.severity, message: `${where}, which ${issue.problem}.`, fixes, sources: issue.sources });
  }
  findings.push(...judgeFloor(edition, module, version, platform));
  if (version.prerelease) {
    add({
      id: 'preview',
      severity: 'warn',
      message: `${where}, a preview release: previews are for testing and can break sign-in; use the current general release.`,
      fixes: [upgradeFix(edition, module)],
      sources: [doc(`${MODULE_DOC}#install-and-update-the-exchange-online-powershell-module`, 'Typically you want the latest public version; -AllowPrerelease installs a Preview version.')],
    });
  }
  findings.push(...judgeShadowing(client, edition, module, version));
  findings.push(...judgeConflicts(client, edition, module, version, platform));
  findings.push(...judgePackaging(client, edition, windows, platform));
  if (findings.length === 0) findings.push(...notes(edition, module, version, windows));
  return findings;
}

function judgeFloor(edition: PowerShellEdition, module: InstalledModule, version: ModuleVersion, platform: NodeJS.Platform): ModuleFinding[] {
  if (edition.edition !== 'Core' || edition.version === undefined) return [];
  const powershell = parseModuleVersion(edition.version);
  const floor = floorFor(version);
  if (!powershell || !floor || compareParts(powershell.parts, must(floor.minPowerShell).parts) >= 0) return [];
  const fixes = [upgradePowerShellFix(platform, floor.minPowerShell)];
  const pin = newestReleaseFor(powershell);
  if (pin) fixes.push(pinFix(edition, module, pin, `the newest release without known problems that PowerShell ${edition.version} loads`));
  return [
    {
      id: 'powershell-floor',
      severity: 'fail',
      edition,
      message: `PowerShell ${edition.version} loads ${EXO} ${module.version}, which needs PowerShell ${floor.minPowerShell} or later (${floor.dotnet}): the module does not load or cannot connect on this PowerShell.`,
      fixes,
      sources: floor.sources,
    },
  ];
}

function judgeShadowing(client: PowerShellClient, edition: PowerShellEdition, module: InstalledModule, version: ModuleVersion): ModuleFinding[] {
  const newer = client.modules.find((other) => {
    const otherVersion = parseModuleVersion(other.version);
    return other.name === module.name && other.editions.includes(edition.edition) && otherVersion !== undefined && !otherVersion.prerelease && compareParsedVersions(otherVersion, version) > 0;
  });
  if (!newer) return [];
  return [
    {
      id: 'shadowed',
      severity: 'warn',
      edition,
      message: `${editionLabel(edition)} loads ${EXO} ${module.version} (${module.scope}), not the newer ${newer.version} (${newer.scope}) also installed: the older copy's folder comes first in the module path, so the update is not used.`,
      fixes: [
        {
          summary: `Remove the older copy so ${newer.version} loads (an AllUsers copy needs an elevated window).`,
          runBy: 'admin',
          commands: [`Uninstall-Module ${EXO} -RequiredVersion ${module.version}${module.version.includes('-') ? ' -AllowPrerelease' : ''}`],
          links: [`${MODULE_DOC}#uninstall-the-exchange-online-powershell-module`],
        },
      ],
      sources: [LOAD_ORDER_SOURCE],
    },
  ];
}

function judgeConflicts(client: PowerShellClient, edition: PowerShellEdition, module: InstalledModule, version: ModuleVersion, platform: NodeJS.Platform): ModuleFinding[] {
  const findings: ModuleFinding[] = [];
  const byModule = new Map<InstalledModule, ModuleConflict[]>();
  for (const conflict of MODULE_CONFLICTS) {
    if (!inRange(version, conflict.exchange)) continue;
    const other = loadedModule(client, platform, conflict.other.name, edition.edition);
    const otherVersion = other && parseModuleVersion(other.version);
    if (!other || !otherVersion || !inRange(otherVersion, conflict.other.versions)) continue;
    byModule.set(other, [...(byModule.get(other) ?? []), conflict]);
  }
  for (const [other, conflicts] of byModule) {
    const orders = new Set(conflicts.map((conflict) => conflict.order));
    const order: LoadOrder = orders.size === 1 ? (conflicts[0] as ModuleConflict).order : 'separate-sessions';
    const fixes = [orderFix(edition, other.name, order)];
    for (const conflict of conflicts) {
      if (conflict.remedy) fixes.push(remedyFix(conflict.remedy, conflict.sources));
    }
    const sources = conflicts.flatMap((conflict) => conflict.sources);
    findings.push({
      id: `conflict:${other.name}`,
      severity: 'warn',
      edition,
      message: `${editionLabel(edition)} loads ${EXO} ${module.version} and ${other.name} ${other.version}, reported to break each other in one session: ${conflicts.map((conflict) => conflict.symptom).join('; ')}. Whichever loads first fixes the sign-in library for the whole session.`,
      fixes,
      sources: [...sources, FIRST_LOADED_WINS],
    });
  }
  return findings;
}

const CONNECT: Readonly<Record<string, string>> = { [GRAPH]: 'Connect-MgGraph', [AZ]: 'Connect-AzAccount' };

function orderFix(edition: PowerShellEdition, other: string, order: LoadOrder): ModuleFix {
  const shell = shellOf(edition);
  const otherImport = `Import-Module ${other}`;
  const otherConnect = CONNECT[other];
  const exchange = ['Import-Module ExchangeOnlineManagement', 'Connect-ExchangeOnline'];
  const otherSteps = otherConnect ? [otherImport, otherConnect] : [otherImport];
  switch (order) {
    case 'exchange-first':
      return { summary: `Load ${EXO} first, in a fresh session without your profile, then ${other}.`, runBy: 'admin', commands: [shell, ...exchange, ...otherSteps], links: [] };
    case 'other-first':
      return { summary: `Load ${other} first, in a fresh session without your profile, then ${EXO}.`, runBy: 'admin', commands: [shell, ...otherSteps, ...exchange], links: [] };
    default:
      return {
        summary: `No load order is reported to work for these versions: keep Exchange Online in its own session (a fresh window without your profile) and run ${otherConnect ?? other} in another window.`,
        runBy: 'admin',
        commands: [shell, ...exchange],
        links: [],
      };
  }
}

function remedyFix(remedy: NonNullable<ModuleConflict['remedy']>, sources: readonly Source[]): ModuleFix {
  const command = remedy.module === EXO ? INSTALL : `Install-Module ${remedy.module} -RequiredVersion ${remedy.version} -Scope CurrentUser -Force`;
  return {
    summary: remedy.module === EXO ? `Or update ${EXO} to ${remedy.version} or later: ${remedy.why}.` : `Or pin ${remedy.module} ${remedy.version}: ${remedy.why}.`,
    runBy: 'admin',
    commands: [command],
    links: linksOf(sources),
  };
}

/** Windows PowerShell's in-box PowerShellGet needs the NuGet provider and TLS 1.2 first ({@link PSGET_UPDATE_51}). */
function packagingFix(edition: PowerShellEdition): ModuleFix {
  if (edition.edition === 'Desktop') {
    return {
      summary: `In an elevated ${editionLabel(edition)} window, install the current ${PSGET} (it brings ${PACKAGEMANAGEMENT}), then open a new window before anything else.`,
      runBy: 'admin',
      commands: [
        '[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12',
        'Install-PackageProvider -Name NuGet -Force',
        `Install-Module ${PSGET} -AllowClobber -Force`,
      ],
      links: [PSGET_UPDATE_51],
    };
  }
  return {
    summary: `${inEdition(edition)}, install the current ${PSGET} (it brings ${PACKAGEMANAGEMENT}), then open a new window before anything else.`,
    runBy: 'admin',
    commands: [`Install-Module ${PSGET} -Scope CurrentUser -Force -AllowClobber`],
    links: [PSGET_INSTALL],
  };
}

/**
 * PowerShellGet and PackageManagement are gone, so Install-Module cannot bring them back: PowerShell 7
 * is repaired by installing it again (they ship in $PSHOME), Windows PowerShell by copying them from a
 * machine that has them.
 */
function restoreFix(edition: PowerShellEdition, platform: NodeJS.Platform): ModuleFix {
  if (edition.edition === 'Core') {
    const reinstall: Partial<Record<NodeJS.Platform, string>> = {
      win32: 'winget install --id Microsoft.PowerShell --source winget --force',
      darwin: 'brew reinstall --cask powershell',
      linux: 'sudo apt-get install --reinstall powershell',
    };
    return {
      summary: `PowerShell 7 ships ${PSGET} and ${PACKAGEMANAGEMENT} in $PSHOME${platform === 'win32' ? '\\' : '/'}Modules and they are gone: repair PowerShell 7 by installing it again${platform === 'linux' ? ' (with dnf or zypper on RPM-based systems)' : ''}.`,
      runBy: 'admin',
      commands: [reinstall[platform] ?? (reinstall.linux as string)],
      links: [INSTALL_POWERSHELL],
    };
  }
  return {
    summary:
      `Windows PowerShell ships ${PSGET} and ${PACKAGEMANAGEMENT} in C:\\Program Files\\WindowsPowerShell\\Modules and they are gone, so Install-Module cannot run. On a machine that has ${PSGET}, save both modules (Save-Module brings ${PACKAGEMANAGEMENT} with it), copy the two folders into C:\\Program Files\\WindowsPowerShell\\Modules here (as administrator), and check; or connect from PowerShell 7, which ships its own.`,
    runBy: 'admin',
    commands: [`Save-Module -Name ${PSGET} -Path C:\\Temp\\PSGet -Repository PSGallery`, `Get-Module -ListAvailable ${PSGET}, ${PACKAGEMANAGEMENT}`],
    links: [MODULE_DOC, INSTALL_POWERSHELL],
  };
}

function judgePackaging(client: PowerShellClient, edition: PowerShellEdition, windows: boolean, platform: NodeJS.Platform): ModuleFinding[] {
  const findings: ModuleFinding[] = [];
  // PowerShell 7 found only as `pwsh --version` has no known home: its bundled modules were not seen.
  const seen = edition.edition === 'Desktop' || edition.home !== undefined;
  const missing = [PSGET, PACKAGEMANAGEMENT].filter((name) => seen && !loadedModule(client, platform, name, edition.edition));
  if (missing.length > 0) {
    findings.push({
      id: `missing:${missing.join('+')}`,
      severity: windows ? 'fail' : 'warn',
      prerequisite: true,
      edition,
      message: `${editionLabel(edition)} has no ${missing.join(' and no ')}: Connect-ExchangeOnline builds its cmdlets as a temporary module with ${PSGET}'s Update-ModuleManifest and stops with "Cannot find a cmdlet Update-Manifest".`,
      fixes: [restoreFix(edition, platform)],
      sources: windows ? PACKAGING_SOURCES : [...PACKAGING_SOURCES, PACKAGING_MISSING_ELSEWHERE],
    });
  }
  for (const name of [PSGET, PACKAGEMANAGEMENT]) {
    const installed = loadedModule(client, platform, name, edition.edition);
    const version = installed && parseModuleVersion(installed.version);
    if (!installed || !version) continue;
    const fix = packagingFix(edition);
    if (version.prerelease) {
      findings.push({
        id: `preview:${name}`,
        severity: 'warn',
        prerequisite: true,
        edition,
        message: `${editionLabel(edition)} loads ${name} ${installed.version}, a preview: preview versions of ${PSGET} or ${PACKAGEMANAGEMENT} are known to break Connect-ExchangeOnline.`,
        fixes: [{ ...fix, commands: [`Uninstall-Module ${name} -RequiredVersion ${installed.version} -AllowPrerelease`, ...fix.commands] }],
        sources: [...PACKAGING_SOURCES, PACKAGING_PREVIEW_SOURCE],
      });
    } else if (compareParsedVersions(version, must(INBOX_PACKAGING_VERSION)) <= 0) {
      findings.push({
        id: `old:${name}`,
        severity: 'warn',
        prerequisite: true,
        edition,
        message: `${editionLabel(edition)} loads ${name} ${installed.version}, the version built into Windows PowerShell 5.1, which cannot install or update modules from the PowerShell Gallery today.`,
        fixes: [fix],
        sources: PACKAGING_SOURCES,
      });
    }
  }
  return findings;
}

/**
 * The retired MFA module (Connect-EXOPSSession). It cannot connect at all since Exchange Online turned
 * Remote PowerShell off: a failure when it is this machine's only way in, a warning when a REST-era
 * ExchangeOnlineManagement is installed too (the old Start-menu shortcut or a script may still be what
 * the admin runs). `upn` goes into the suggested Connect-ExchangeOnline.
 */
export function judgeLegacyMfaModule(client: PowerShellClient, platform: NodeJS.Platform, upn?: string): ModuleFinding | undefined {
  const legacy = client.legacyMfaModule;
  if (!legacy) return undefined;
  const edition = client.editions.find((e) => e.edition === 'Desktop') ?? { edition: 'Desktop', source: 'the MFA module runs in Windows PowerShell only' };
  const modern = client.editions.flatMap((e) => {
    const module = loadedModule(client, platform, EXO, e.edition);
    const version = module && parseModuleVersion(module.version);
    return module && version && compareParts(version.parts, [3]) >= 0 ? [{ edition: e, module }] : [];
  });
  const version = legacy.uninstall?.displayVersion ? ` ${legacy.uninstall.displayVersion}` : '';
  const copies = legacy.appFolders.length > 1 ? `, in ${legacy.appFolders.length} copies side by side (Load-ExchangeMFA then stops with "No or Multiple Modules found")` : '';
  const what = `The ${LEGACY_MFA_MODULE.name}${version} (the MFA module, ${LEGACY_MFA_MODULE.connect}) is installed${copies}.`;
  const why =
    'It connects only through Remote PowerShell over WinRM, with its token in a Basic header, and Exchange Online turned Remote PowerShell off for every tenant in October 2023: it fails with "New-ExoPSSession : Create Powershell Session is failed using OAuth" whatever the proxy, WinRM or account settings.';
  const instead = modern[0]
    ? ` ${EXO} ${modern[0].module.version} is installed too (${editionLabel(modern[0].edition)}): connect with Connect-ExchangeOnline there, not with the old Start-menu shortcut or ${LEGACY_MFA_MODULE.connect}.`
    : '';
  const fixes: ModuleFix[] = [];
  if (!modern[0]) fixes.push(installModernFix(client, platform, upn));
  fixes.push(removeLegacyFix(legacy));
  return { id: 'legacy-mfa-module', severity: modern[0] ? 'warn' : 'fail', edition, message: `${what} ${why}${instead}`, fixes, sources: LEGACY_MFA_MODULE.sources };
}

function installModernFix(client: PowerShellClient, platform: NodeJS.Platform, upn: string | undefined): ModuleFix {
  const connect = `Connect-ExchangeOnline -UserPrincipalName ${upn ?? '<your admin UPN>'}`;
  const core = client.editions.find((e) => e.edition === 'Core');
  if (core) {
    return {
      summary: `In ${editionLabel(core)}, install the current ${EXO} for your account (no administrator rights needed) and connect with it: it connects over REST and needs neither WinRM Basic authentication nor a proxy session option.`,
      runBy: 'admin',
      commands: [`Install-Module -Name ${EXO} -Scope CurrentUser`, connect],
      links: [`${MODULE_DOC}#install-and-update-the-exchange-online-powershell-module`],
    };
  }
  // Windows PowerShell's own PowerShellGet reaches the Gallery only with TLS 1.2 and the NuGet provider.
  const inbox = loadedModule(client, platform, PSGET, 'Desktop');
  const inboxVersion = inbox && parseModuleVersion(inbox.version);
  const old = !inboxVersion || compareParsedVersions(inboxVersion, must(INBOX_PACKAGING_VERSION)) <= 0;
  return {
    summary: `In Windows PowerShell, install the current ${EXO} for your account (no administrator rights needed) and connect with it: it connects over REST and needs neither WinRM Basic authentication nor a proxy session option.`,
    runBy: 'admin',
    commands: [
      ...(old ? ['[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12', 'Install-PackageProvider -Name NuGet -Scope CurrentUser -Force'] : []),
      `Install-Module -Name ${EXO} -Scope CurrentUser`,
      connect,
    ],
    links: [`${MODULE_DOC}#install-and-update-the-exchange-online-powershell-module`, ...(old ? [PSGET_UPDATE_51] : [])],
  };
}

/** The ClickOnce app goes through Apps & features (its uninstall entry); its loader and profile lines by hand. */
function removeLegacyFix(legacy: NonNullable<PowerShellClient['legacyMfaModule']>): ModuleFix {
  const name = legacy.uninstall?.displayName ?? 'Microsoft Exchange Online Powershell Module';
  const loader = legacy.loaders.find((path) => /\\Load-ExchangeMFA\.ps1$/i.test(path));
  const profiles = legacy.loaders.filter((path) => path !== loader);
  const commands = [
    ...(legacy.uninstall?.uninstallString ? [legacy.uninstall.uninstallString] : []),
    ...(loader ? ['Uninstall-Script -Name Load-ExchangeMFA'] : []),
    ...profiles.map((path) => (/\\profile\.ps1$/i.test(path) ? 'notepad $PROFILE.CurrentUserAllHosts' : 'notepad $PROFILE')),
  ];
  const steps = [
    `remove "${name}" in Settings > Apps > Installed apps (Uninstall; the ClickOnce dialog that opens asks to "Remove the application")${legacy.uninstall?.uninstallString ? ', or run its uninstall command below' : ''}`,
    ...(loader ? ['uninstall the Load-ExchangeMFA script (from an elevated window: it sits in Program Files)'] : []),
    ...(profiles.length > 0 ? ['delete the profile lines that load CreateExoPSSession.ps1 or call Connect-EXOPSSession'] : []),
  ];
  return {
    summary: `Then retire the old module for this user: ${steps.join('; ')}. The doctor changes nothing itself.`,
    runBy: 'admin',
    commands,
    links: ['https://learn.microsoft.com/powershell/exchange/v1-module-mfa-connect-to-exo-powershell'],
  };
}

function notes(edition: PowerShellEdition, module: InstalledModule, version: ModuleVersion, windows: boolean): ModuleFinding[] {
  const result: ModuleFinding[] = [];
  const newest = must(NEWEST_EXCHANGE_MODULE.version);
  const order = compareParsedVersions(version, newest);
  const where = `${editionLabel(edition)} loads ${EXO} ${module.version}`;
  if (order < 0) {
    const floor = floorFor(newest);
    const powershell = edition.edition === 'Core' && edition.version ? parseModuleVersion(edition.version) : undefined;
    const blocked = powershell && floor && compareParts(powershell.parts, must(floor.minPowerShell).parts) < 0;
    const newer = blocked
      ? `${NEWEST_EXCHANGE_MODULE.version} is newer but needs PowerShell ${floor.minPowerShell}.`
      : `${NEWEST_EXCHANGE_MODULE.version} is newer (current on ${NEWEST_EXCHANGE_MODULE.confirmed}): ${INSTALL}.`;
    result.push({
      id: 'update-available',
      severity: 'note',
      edition,
      message: `${where}; ${newer}`,
      advice: `${newer.charAt(0).toUpperCase()}${newer.slice(1)}`,
      fixes: [],
      sources: NEWEST_EXCHANGE_MODULE.sources,
    });
  } else if (order > 0) {
    result.push({
      id: 'newer-than-known',
      severity: 'note',
      edition,
      message: `${where}, newer than ${NEWEST_EXCHANGE_MODULE.version}, the newest release the doctor knows: its known problems are not in the doctor's table.`,
      fixes: [],
      sources: NEWEST_EXCHANGE_MODULE.sources,
    });
  }
  if (windows && compareParts(version.parts, [3, 7, 2]) >= 0) {
    result.push({
      id: 'wam-default',
      severity: 'note',
      edition,
      message: `${where}, which signs in through WAM on Windows; under RunAs or a scheduled task, connect with Connect-ExchangeOnline -DisableWAM.`,
      fixes: [],
      sources: [doc(WAM_DOC, 'RunAs, Task Scheduler and GDAP sign-in fail with WAM; -DisableWAM is the temporary workaround.')],
    });
  }
  return result;
}
