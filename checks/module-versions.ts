/**
 * module-versions: the ExchangeOnlineManagement each PowerShell edition would load, judged against the
 * table in src/knowledge/module-versions.ts: versions before 3.0 (the retired Remote PowerShell path),
 * the PowerShell 7 floor of each release, releases with sign-in broker problems, previews, module pairs
 * that break each other in one session (Microsoft.Graph.Authentication, Az.Accounts, MSAL.PS), and
 * PowerShellGet/PackageManagement, which the module needs to build its cmdlets at connect time.
 * It also judges the retired "Exchange Online Remote PowerShell Module" (the MFA module of
 * Connect-EXOPSSession), which no setting can make connect any more.
 * Reads only powershell-client's output: no files, no PowerShell.
 */
import { defineCheck } from '../src/check.js';
import { NEWEST_EXCHANGE_MODULE } from '../src/knowledge/module-versions.js';
import { loadedModule } from '../src/powershell/discovery.js';
import { CAUSE } from '../src/causes.js';
import { editionLabel, judgeLegacyMfaModule, judgeModules, linksOf, type ModuleFinding, type ModuleJudgement } from '../src/powershell/module-verdicts.js';
import type { InstalledModule, PowerShellClient } from '../src/powershell/types.js';
import { type Evidence, type Finding, type Remediation, evidence, fix, notApplicable, sensitive, verdict } from '../src/result.js';
import { powershellClient } from './powershell-client.js';

const EXO = 'ExchangeOnlineManagement';
/** The modules whose loaded copy matters beside the Exchange module. */
const PACKAGING = ['PowerShellGet', 'PackageManagement'];
const NEIGHBOURS = ['Microsoft.Graph.Authentication', 'Az.Accounts', 'MSAL.PS', ...PACKAGING];

export const moduleVersions = defineCheck({
  id: 'module-versions',
  title: 'ExchangeOnlineManagement version, its PowerShell and the modules loaded beside it',
  dependsOn: [powershellClient],
  async run(ctx, deps) {
    const client = deps['powershell-client'];
    const legacy = judgeLegacyMfaModule(client, ctx.platform, ctx.config.upn);
    if (!client.modules.some((module) => module.name === EXO) && !legacy) {
      return notApplicable(`${EXO} is not installed, so there is no module version to judge (powershell-client says where to install it).`);
    }
    const judgement = judgeModules(client, ctx.platform);
    if (judgement.loaded.length === 0 && !legacy) {
      return notApplicable(`${EXO} is installed, but in no module folder of an installed PowerShell edition, so no edition loads it (powershell-client says more).`, {
        evidence: installedEvidence(client),
      });
    }
    const facts = [...legacyEvidence(client), ...loadedEvidence(judgement), ...installedEvidence(client), ...neighbourEvidence(client, judgement, ctx.platform)];
    facts.push(evidence('Newest release known', `${NEWEST_EXCHANGE_MODULE.version} (current on ${NEWEST_EXCHANGE_MODULE.confirmed})`));
    const notes = judgement.findings.filter((finding) => finding.severity === 'note');
    facts.push(...notes.map((note) => evidence('Note', note.message)));

    const problems = judgement.findings.filter((finding) => finding.severity !== 'note');
    const loaded = judgement.loaded.map(({ edition, module }) => `${module.version} in ${editionLabel(edition)}`).join(', ');
    const update = notes.find((note) => note.id === 'update-available');
    // The retired MFA module is a cause of its own, which winrm-basic and explain name too.
    const retired: Finding[] = legacy
      ? [{ severity: legacy.severity === 'fail' ? 'fail' : 'warn', summary: legacy.message, remediation: fixesOf(legacy), cause: CAUSE.legacyMfaModule }]
      : [];
    // The worst problem leads, said as what it means for the connection; the others follow under "Also".
    const findings = problems.map((problem, i): Finding => ({
      severity: problem.severity === 'fail' ? 'fail' : 'warn',
      summary:
        i > 0
          ? problem.message
          : problem.severity === 'fail'
            ? `PowerShell cannot connect to Exchange Online with the modules installed here. ${problem.message}`
            : `The Exchange Online module loads, but a known problem can stop the connection. ${problem.message}`,
      remediation: fixesOf(problem),
      ...(problem.prerequisite ? { prerequisite: true } : {}),
    }));
    return verdict([...retired, ...findings], {
      pass: `The ${EXO} that PowerShell loads has no known problem: ${loaded}.${update?.advice ? ` ${update.advice}` : ''}`,
      evidence: facts,
      output: judgement,
    });
  },
});

/** A finding's fixes; its sources back the first step, alternatives carry their own. */
function fixesOf(finding: ModuleFinding): Remediation[] {
  return finding.fixes.map((step, index) => fix({ ...step, links: [...new Set(index === 0 ? [...step.links, ...linksOf(finding.sources)] : step.links)] }));
}

/** A path under a user's profile names the user. */
function describe(module: InstalledModule, label: string, value: string): Evidence {
  const personal = module.scope === 'CurrentUser' || /[\\/](users|home)[\\/]/i.test(module.path);
  return personal ? sensitive(label, value) : evidence(label, value);
}

/** The MFA module's traces; its folders are under the user's profile. */
function legacyEvidence(client: PowerShellClient): Evidence[] {
  const legacy = client.legacyMfaModule;
  if (!legacy) return [];
  return [
    ...(legacy.uninstall ? [evidence('MFA module in Apps & features', `${legacy.uninstall.displayName}${legacy.uninstall.displayVersion ? ` ${legacy.uninstall.displayVersion}` : ''}`)] : []),
    ...legacy.appFolders.map((folder) => sensitive('MFA module (ClickOnce)', folder)),
    ...legacy.loaders.map((script) => sensitive('Loads the MFA module', script)),
  ];
}

function loadedEvidence(judgement: ModuleJudgement): Evidence[] {
  return judgement.loaded.map(({ edition, module }) => evidence(editionLabel(edition), `loads ${EXO} ${module.version} (${module.scope})`));
}

function installedEvidence(client: PowerShellClient): Evidence[] {
  return client.modules
    .filter((module) => module.name === EXO)
    .map((module) => {
      const editions = module.editions.length > 0 ? module.editions.join(' and ') : 'no edition';
      return describe(module, `${EXO} ${module.version}`, `${module.scope}, seen by ${editions}: ${module.path}`);
    });
}

/** The copies of the neighbour modules each edition would load (the ones the verdict is about). */
function neighbourEvidence(client: PowerShellClient, judgement: ModuleJudgement, platform: NodeJS.Platform): Evidence[] {
  const facts: Evidence[] = [];
  for (const name of NEIGHBOURS) {
    for (const { edition } of judgement.loaded) {
      const copy = loadedModule(client, platform, name, edition.edition);
      // Absent sign-in modules are the normal case; absent packaging modules are a finding, so say so.
      if (copy || PACKAGING.includes(name)) facts.push(evidence(`${name} in ${editionLabel(edition)}`, copy ? `${copy.version} (${copy.scope})` : 'not installed'));
    }
  }
  return facts;
}
