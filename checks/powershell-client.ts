/**
 * powershell-client: which PowerShell editions this machine has (Windows PowerShell 5.1, PowerShell 7)
 * and which versions of ExchangeOnlineManagement, of the modules that clash with it in one session
 * (Microsoft.Graph.Authentication, Az.Accounts, MSAL.PS) and of the ones it needs (PowerShellGet,
 * PackageManagement) each edition would load, and from which folder; and the retired MFA module
 * (Connect-EXOPSSession, a ClickOnce app) with the scripts that load it (src/powershell/legacy-mfa.ts). Read from files, the registry and
 * the environment; PowerShell never runs (only `pwsh --version`, when the files cannot tell the version).
 *
 * "Create Powershell Session is failed using OAuth" is most often the admin's machine, not the tenant;
 * the checks after this one judge what it found (module versions, WinRM Basic, execution policy, TLS).
 */
import { defineCheck } from '../src/check.js';
import { CAUSE } from '../src/causes.js';
import type { InstalledModule, PowerShellClient, PowerShellEdition, PowerShellEditionName } from '../src/powershell/types.js';
import { type Discovery, discoverPowerShell, loadedModule, MODULE_NAMES, placesSearched } from '../src/powershell/discovery.js';
import type { Evidence, Remediation } from '../src/result.js';
import { evidence, fix, notApplicable, pass, sensitive, warn } from '../src/result.js';

const EXO = 'ExchangeOnlineManagement';
const MODULE_DOC = 'https://learn.microsoft.com/powershell/exchange/exchange-online-powershell-v2';
const LABEL: Readonly<Record<PowerShellEditionName, string>> = { Desktop: 'Windows PowerShell', Core: 'PowerShell 7' };

export const powershellClient = defineCheck({
  id: 'powershell-client',
  title: 'PowerShell editions and the Exchange Online module they load',
  dependsOn: [],
  async run(ctx) {
    ctx.step('reading the PowerShell installations and module folders');
    const found = await discoverPowerShell(ctx);
    const { client } = found;
    const facts = describe(found, ctx.platform);

    if (client.editions.length === 0) {
      // Nothing to check on this machine; where Connect-ExchangeOnline fails, the doctor runs there.
      return notApplicable(
        "No PowerShell is installed on this machine, so there is no PowerShell client to check. Run the doctor on the computer where Connect-ExchangeOnline fails: there these checks read that machine's PowerShell, modules and registry.",
        { evidence: [evidence('Looked for PowerShell in', placesSearched(ctx.platform)), ...facts] },
      );
    }

    const installed = `${editionsText(client.editions)} ${client.editions.length > 1 ? 'are' : 'is'} installed`;
    const editions = [...new Set(client.editions.map((e) => e.edition))];
    const exo = editions.flatMap((edition) => {
      const module = loadedModule(client, ctx.platform, EXO, edition);
      return module ? [{ edition, module }] : [];
    });
    if (exo.length === 0) {
      const stranded = client.modules.filter((m) => m.name === EXO).map((m) => m.version);
      const where = stranded.length > 0 ? ` It is installed (${stranded.join(', ')}) only in folders no edition loads modules from.` : '';
      const retired = client.legacyMfaModule ? ' Only the retired MFA module (Connect-EXOPSSession) is here, and it cannot connect any more (module-versions says why).' : '';
      return warn(
        `${installed}, but no edition can load ${EXO}.${where}${retired} Connect-ExchangeOnline cannot run from this machine until the module is installed. If you connect to Exchange Online from another computer, run the doctor there instead: this finding is about this machine only.`,
        { evidence: facts, output: client, remediation: installExo(editions), ...(client.legacyMfaModule ? { cause: CAUSE.legacyMfaModule } : {}) },
      );
    }

    // Missing PowerShellGet or PackageManagement is module-versions' finding, with the module it breaks;
    // so is the retired MFA module beside a current one.
    const retired = client.legacyMfaModule ? '; the retired MFA module (Connect-EXOPSSession) is installed too' : '';
    return pass(`${installed}; ${exo.map(({ edition, module }) => loadsText(client, edition, module)).join('; ')}${withoutExo(editions, exo)}${retired}.`, { evidence: facts, output: client });
  },
});

/** "Windows PowerShell 5.1.19041.1 and PowerShell 7.4.6". */
function editionsText(editions: readonly PowerShellEdition[]): string {
  const names = editions.map((e) =>
    e.version ? `${e.edition === 'Desktop' ? 'Windows PowerShell' : 'PowerShell'} ${e.version}` : `${LABEL[e.edition]} (version unknown)`,
  );
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** "PowerShell 7 loads ExchangeOnlineManagement 3.5.0 (CurrentUser), before 3.8.0-Preview1 (AllUsers)". */
function loadsText(client: PowerShellClient, edition: PowerShellEditionName, module: InstalledModule): string {
  const shadowed = client.modules.filter((m) => m.name === EXO && m !== module && m.editions.includes(edition));
  const others = shadowed.length > 0 ? `, which comes first on its module path (also installed there: ${shadowed.map((m) => `${m.version} (${m.scope})`).join(', ')})` : '';
  return `${LABEL[edition]} loads ${EXO} ${module.version} (${module.scope})${others}`;
}

function withoutExo(editions: readonly PowerShellEditionName[], exo: readonly { edition: PowerShellEditionName }[]): string {
  const missing = editions.filter((e) => !exo.some((x) => x.edition === e));
  return missing.length > 0 ? `; ${missing.map((e) => LABEL[e]).join(' and ')} cannot load it, so connect from ${exo.map((x) => LABEL[x.edition]).join(' or ')}` : '';
}

function installExo(editions: readonly PowerShellEditionName[]): Remediation {
  const where = editions.length > 1 ? 'in the PowerShell you connect from (PowerShell 7 is the one Microsoft recommends)' : `in ${LABEL[editions[0]!]}`;
  return fix({
    summary: `Install the Exchange Online module for your own account (no administrator rights needed), ${where}, then connect.`,
    runBy: 'admin',
    commands: [`Install-Module -Name ${EXO} -Scope CurrentUser`, 'Connect-ExchangeOnline -UserPrincipalName <your admin UPN>'],
    links: [MODULE_DOC],
  });
}

/** Evidence: each edition, what each loads, each module version with its scope and editions, the folders, notes. */
function describe(found: Discovery, platform: NodeJS.Platform): Evidence[] {
  const { client } = found;
  const fold = (text: string) => (platform === 'win32' ? text.toLowerCase() : text);
  const personal = (text: string) => found.personalRoots.some((root) => fold(text).includes(fold(root)));
  const facts: Evidence[] = client.editions.map((e) =>
    evidence(LABEL[e.edition], `${e.version ?? 'version unknown'}${e.home ? ` at ${e.home}` : ''} (${e.source})`),
  );
  for (const edition of ['Desktop', 'Core'] as const) {
    if (client.modulePaths[edition].length === 0) continue;
    const loaded = MODULE_NAMES.map((name) => loadedModule(client, platform, name, edition)).filter((m): m is InstalledModule => m !== undefined);
    facts.push(evidence(`${LABEL[edition]} loads`, loaded.length > 0 ? loaded.map((m) => `${m.name} ${m.version}`).join(', ') : 'none of the modules that matter'));
  }
  for (const module of client.modules) {
    const by = module.editions.length > 0 ? module.editions.map((e) => LABEL[e]).join(' and ') : 'no edition';
    const label = `${module.name} ${module.version} (${module.scope}, seen by ${by})`;
    facts.push(personal(module.path) ? sensitive(label, module.path) : evidence(label, module.path));
  }
  for (const edition of ['Desktop', 'Core'] as const) {
    const paths = client.modulePaths[edition];
    if (paths.length > 0) facts.push(sensitive(`Module folders, ${LABEL[edition]}, in order`, paths.join('; ')));
  }
  for (const note of found.notes) facts.push(personal(note) ? sensitive('Note', note) : evidence('Note', note));
  const legacy = client.legacyMfaModule;
  if (legacy) {
    const traces = [
      ...(legacy.appFolders.length > 0 ? [`${legacy.appFolders.length} ClickOnce application folder${legacy.appFolders.length > 1 ? 's' : ''} under %LOCALAPPDATA%\\Apps\\2.0`] : []),
      ...(legacy.uninstall ? [`"${legacy.uninstall.displayName}"${legacy.uninstall.displayVersion ? ` ${legacy.uninstall.displayVersion}` : ''} in Apps & features`] : []),
      ...(legacy.shortcut ? ['its Start-menu shortcut'] : []),
    ];
    facts.push(evidence('Exchange Online Remote PowerShell Module (MFA module, retired)', traces.join('; ')));
    for (const folder of legacy.appFolders) facts.push(sensitive('MFA module folder', folder));
    for (const script of legacy.loaders) facts.push(sensitive('Script that loads the MFA module', script));
  }
  for (const option of client.ieProxyOptions) facts.push(sensitive('Session option taking the Internet Explorer proxy', `${option.script}: ${option.line}`));
  return facts;
}
