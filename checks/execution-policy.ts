/**
 * execution-policy: the PowerShell execution policy each edition on this Windows machine applies, worked
 * out as PowerShell does, from the registry, PowerShell 7's powershell.config.json files and the
 * environment. Restricted runs no scripts, so ExchangeOnlineManagement cannot even load; AllSigned loads
 * the signed module but refuses the temporary module Connect-ExchangeOnline writes at connect time, which
 * is not signed (3.0.0 added -SigningCertificate for that very reason: "sign the format files or script
 * module files in the temporary module that Connect-ExchangeOnline creates … to use in all PowerShell
 * execution policies", release notes in exchange-online-powershell-v2.md; the failure with 2.0.5:
 * MicrosoftDocs/office-docs-powershell#9526, #8529).
 *
 * Precedence (about_Execution_Policies; PowerShell's SecuritySupport.cs): MachinePolicy, UserPolicy
 * (Group Policy "Turn on Script Execution": EnableScripts 0 = Restricted, 1 = the ExecutionPolicy value),
 * Process ($Env:PSExecutionPolicyPreference), CurrentUser, LocalMachine; the first scope that sets one wins.
 * - Windows PowerShell 5.1: policy keys `HK{LM,CU}\SOFTWARE\Policies\Microsoft\Windows\PowerShell`,
 *   preferences `HK{CU,LM}\SOFTWARE\Microsoft\PowerShell\1\ShellIds\Microsoft.PowerShell` ExecutionPolicy.
 *   Nothing set: Restricted on Windows clients, RemoteSigned on Windows Server.
 * - PowerShell 7: policy keys `HK{LM,CU}\SOFTWARE\Policies\Microsoft\PowerShellCore` (or the Windows
 *   PowerShell keys when UseWindowsPowerShellPolicySetting = 1, Utils.cs GetPolicySettingFromGPOImpl), then
 *   PowerShellPolicies.ScriptExecution in the powershell.config.json files; preferences in
 *   `$PSHOME\powershell.config.json` (LocalMachine, RemoteSigned as shipped by PowerShell's build) and the
 *   user's `Documents\PowerShell\powershell.config.json` (CurrentUser), key
 *   "Microsoft.PowerShell:ExecutionPolicy" (about_PowerShell_Config). Nothing set: Restricted.
 */
import { win32 } from 'node:path';
import { defineCheck, type CheckContext } from '../src/check.js';
import type { PowerShellClient, PowerShellEditionName } from '../src/powershell/types.js';
import { dwordOf, expandEnvironment, readRegistry, type RegistryRead, stringOf, windowsEnv } from '../src/platform/registry.js';
import { type Evidence, type Finding, type Remediation, evidence, fix, notApplicable, sensitive, verdict } from '../src/result.js';
import { powershellClient } from './powershell-client.js';

const POLICY_DOC = 'https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_execution_policies';
const MODULE_DOC = 'https://learn.microsoft.com/powershell/exchange/exchange-online-powershell-v2';
const GPO_DOC = 'https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_group_policy_settings';
const WINDOWS_POLICY = 'SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell';
const CORE_POLICY = 'SOFTWARE\\Policies\\Microsoft\\PowerShellCore';
const SHELL_IDS = 'SOFTWARE\\Microsoft\\PowerShell\\1\\ShellIds\\Microsoft.PowerShell';
const CONFIG_KEY = 'Microsoft.PowerShell:ExecutionPolicy';
const FIX_COMMAND = 'Set-ExecutionPolicy RemoteSigned -Scope CurrentUser';

export type ExecutionPolicy = 'Restricted' | 'AllSigned' | 'RemoteSigned' | 'Unrestricted' | 'Bypass';
type PolicyScope = 'MachinePolicy' | 'UserPolicy' | 'Process' | 'CurrentUser' | 'LocalMachine' | 'Default';

/** One scope that sets a policy, and where it is stored. */
interface Setting {
  readonly scope: PolicyScope;
  readonly policy: ExecutionPolicy;
  readonly where: string;
  /** The place names the user (a path under the profile). */
  readonly personal?: boolean;
  /** A MachinePolicy/UserPolicy from PowerShellPolicies in a powershell.config.json, not from Group Policy. */
  readonly configFile?: string;
}

const EDITION_LABEL: Readonly<Record<PowerShellEditionName, string>> = { Desktop: 'Windows PowerShell 5.1', Core: 'PowerShell 7' };

export const executionPolicy = defineCheck({
  id: 'execution-policy',
  title: 'PowerShell execution policy (whether the module may run its scripts)',
  dependsOn: [],
  uses: [powershellClient],
  async run(ctx, deps) {
    if (ctx.platform !== 'win32') {
      return notApplicable(`Not applicable: execution policies are enforced only on Windows; on ${ctx.platform} PowerShell runs every script.`);
    }
    ctx.step('reading the execution policy settings');
    const client = deps['powershell-client'];
    const facts: Evidence[] = [];
    const editions = await editionsToRead(ctx, client);
    const results = await Promise.all(editions.map(async (edition) => ({ edition, settings: await settingsOf(ctx, edition, client, facts) })));
    const server = stringOf(await readRegistry(ctx, 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion', 'InstallationType'), 'InstallationType')?.startsWith('Server') ?? false;

    const verdicts = results.map(({ edition, settings }) => {
      const effective = settings[0] ?? defaultFor(edition, server);
      facts.push((effective.personal ? sensitive : evidence)(EDITION_LABEL[edition], describe(effective)));
      for (const s of settings.slice(1)) facts.push((s.personal ? sensitive : evidence)(`${EDITION_LABEL[edition]} ${s.scope} (overridden)`, `${s.policy} (${s.where})`));
      return { edition, effective };
    });
    const relevant = moduleEditions(client);
    const blocked = verdicts.filter((v) => v.effective.policy === 'Restricted' || v.effective.policy === 'AllSigned');
    const blocking = blocked.filter((v) => relevant.length === 0 || relevant.includes(v.edition));
    // A blocked edition that does not load the module only warns: scripts run where the module is.
    const elsewhere = ` ExchangeOnlineManagement is installed only for ${relevant.map((e) => EDITION_LABEL[e]).join(' and ')}, where scripts may run.`;
    const findings = blocked.map(
      (v): Finding =>
        blocking.includes(v)
          ? { severity: 'fail', summary: consequence(v.edition, v.effective), remediation: remedies(v.edition, v.effective) }
          : { severity: 'warn', summary: `${consequence(v.edition, v.effective)}${elsewhere}`, remediation: remedies(v.edition, v.effective) },
    );
    return verdict(findings, {
      pass: `Scripts may run: ${verdicts.map((v) => `${EDITION_LABEL[v.edition]} ${v.effective.policy} (${v.effective.scope})`).join(', ')}.`,
      evidence: facts,
      output: undefined,
    });
  },
});

/** The editions present: powershell-client's answer, else Windows PowerShell (inbox) and PowerShell 7 when its config is found. */
async function editionsToRead(ctx: CheckContext, client: PowerShellClient | undefined): Promise<PowerShellEditionName[]> {
  if (client) return [...new Set(client.editions.map((e) => e.edition))];
  const pwsh7 = await ctx.readFile(win32.join(pwshHome(ctx, undefined), 'powershell.config.json'));
  return pwsh7 === undefined ? ['Desktop'] : ['Desktop', 'Core'];
}

/** What both editions read: the Windows PowerShell policy keys (PowerShell 7 may defer to them) and the Process scope. */
interface Shared {
  readonly windowsMachine: RegistryRead;
  readonly windowsUser: RegistryRead;
  readonly process?: string;
}

/** Every scope that sets a policy for `edition`, highest precedence first. */
async function settingsOf(ctx: CheckContext, edition: PowerShellEditionName, client: PowerShellClient | undefined, facts: Evidence[]): Promise<Setting[]> {
  const [windowsMachine, windowsUser] = await Promise.all([readRegistry(ctx, `HKLM\\${WINDOWS_POLICY}`), readRegistry(ctx, `HKCU\\${WINDOWS_POLICY}`)]);
  const process = windowsEnv(ctx.env, 'PSExecutionPolicyPreference');
  const shared: Shared = { windowsMachine, windowsUser, ...(process ? { process } : {}) };
  const settings = edition === 'Desktop' ? await desktopSettings(ctx, shared) : await coreSettings(ctx, shared, client, facts);
  return settings.filter((s): s is Setting => s !== undefined);
}

async function desktopSettings(ctx: CheckContext, shared: Shared): Promise<(Setting | undefined)[]> {
  const [user, machine] = await Promise.all([readRegistry(ctx, `HKCU\\${SHELL_IDS}`), readRegistry(ctx, `HKLM\\${SHELL_IDS}`)]);
  return [
    atScope('MachinePolicy', groupPolicy(shared.windowsMachine), `Group Policy, HKLM\\${WINDOWS_POLICY}`),
    atScope('UserPolicy', groupPolicy(shared.windowsUser), `Group Policy, HKCU\\${WINDOWS_POLICY}`),
    atScope('Process', shared.process && parsePolicy(shared.process), 'environment variable PSExecutionPolicyPreference'),
    atScope('CurrentUser', preference(stringOf(user, 'ExecutionPolicy')), `HKCU\\${SHELL_IDS}`),
    atScope('LocalMachine', preference(stringOf(machine, 'ExecutionPolicy')), `HKLM\\${SHELL_IDS}`),
  ];
}

async function coreSettings(ctx: CheckContext, shared: Shared, client: PowerShellClient | undefined, facts: Evidence[]): Promise<(Setting | undefined)[]> {
  const [coreMachine, coreUser] = await Promise.all([readRegistry(ctx, `HKLM\\${CORE_POLICY}`), readRegistry(ctx, `HKCU\\${CORE_POLICY}`)]);
  const machinePath = win32.join(pwshHome(ctx, client), 'powershell.config.json');
  const userPath = win32.join(await documentsFolder(ctx), 'PowerShell', 'powershell.config.json');
  const [machineConfig, userConfig] = await Promise.all([readConfig(ctx, machinePath, facts, false), readConfig(ctx, userPath, facts, true)]);
  // With "Use Windows PowerShell Policy setting" ticked, PowerShell 7 reads the Windows PowerShell key instead.
  const policyKey = (core: RegistryRead, windows: RegistryRead, hive: string) =>
    dwordOf(core, 'UseWindowsPowerShellPolicySetting') === 1 ? { read: windows, where: `Group Policy, ${hive}\\${WINDOWS_POLICY}` } : { read: core, where: `Group Policy, ${hive}\\${CORE_POLICY}` };
  const machineKey = policyKey(coreMachine, shared.windowsMachine, 'HKLM');
  const userKey = policyKey(coreUser, shared.windowsUser, 'HKCU');
  return [
    atScope('MachinePolicy', groupPolicy(machineKey.read), machineKey.where) ?? fromConfig('MachinePolicy', scriptExecution(machineConfig), machinePath, false),
    atScope('UserPolicy', groupPolicy(userKey.read), userKey.where) ?? fromConfig('UserPolicy', scriptExecution(userConfig), userPath, true),
    atScope('Process', shared.process && parsePolicy(shared.process), 'environment variable PSExecutionPolicyPreference'),
    atScope('CurrentUser', preference(stringField(userConfig, CONFIG_KEY)), userPath, true),
    atScope('LocalMachine', preference(stringField(machineConfig, CONFIG_KEY)), machinePath),
  ];
}

function atScope(scope: PolicyScope, policy: ExecutionPolicy | undefined | '', where: string, personal = false): Setting | undefined {
  return policy ? { scope, policy, where, ...(personal ? { personal } : {}) } : undefined;
}

function fromConfig(scope: PolicyScope, policy: ExecutionPolicy | undefined, path: string, personal: boolean): Setting | undefined {
  const setting = atScope(scope, policy, `PowerShellPolicies in ${path}`, personal);
  return setting && { ...setting, configFile: path };
}

/** "Turn on Script Execution": EnableScripts 0 is Restricted, 1 takes ExecutionPolicy; absent sets nothing. */
function groupPolicy(read: RegistryRead): ExecutionPolicy | undefined {
  const enabled = dwordOf(read, 'EnableScripts');
  if (enabled === 0) return 'Restricted';
  // Enabled without a policy name sets nothing (GetGroupPolicyValue returns null).
  const name = enabled === 1 ? stringOf(read, 'ExecutionPolicy') : undefined;
  return name ? parsePolicy(name) : undefined;
}

/** PowerShellPolicies.ScriptExecution (or ScriptExecution at the root) of a powershell.config.json. */
function scriptExecution(config: Record<string, unknown> | undefined): ExecutionPolicy | undefined {
  const policies = config?.['PowerShellPolicies'];
  const nested = isObject(policies) ? policies['ScriptExecution'] : undefined;
  const setting = isObject(nested) ? nested : isObject(config?.['ScriptExecution']) ? (config['ScriptExecution'] as Record<string, unknown>) : undefined;
  if (setting?.['EnableScripts'] === false) return 'Restricted';
  const name = setting?.['EnableScripts'] === true ? setting['ExecutionPolicy'] : undefined;
  return typeof name === 'string' && name !== '' ? parsePolicy(name) : undefined;
}

/** A preference value: `Undefined` or empty sets nothing. */
function preference(value: string | undefined): ExecutionPolicy | undefined {
  return value === undefined || value === '' || value.toLowerCase() === 'undefined' ? undefined : parsePolicy(value);
}

/** As PowerShell's ParseExecutionPolicy: an unknown name counts as Restricted. */
export function parsePolicy(value: string): ExecutionPolicy {
  const known: readonly ExecutionPolicy[] = ['Bypass', 'Unrestricted', 'RemoteSigned', 'AllSigned', 'Restricted'];
  return known.find((p) => p.toLowerCase() === value.trim().toLowerCase()) ?? 'Restricted';
}

function defaultFor(edition: PowerShellEditionName, server: boolean): Setting {
  if (edition === 'Desktop' && server) return { scope: 'Default', policy: 'RemoteSigned', where: 'no scope sets a policy: the default on Windows Server' };
  return { scope: 'Default', policy: 'Restricted', where: edition === 'Desktop' ? 'no scope sets a policy: the default on Windows clients' : 'no scope sets a policy: the PowerShell 7 default' };
}

/** The editions an ExchangeOnlineManagement module is installed for. */
function moduleEditions(client: PowerShellClient | undefined): PowerShellEditionName[] {
  const exo = (client?.modules ?? []).filter((m) => m.name.toLowerCase() === 'exchangeonlinemanagement');
  return [...new Set(exo.flatMap((m) => m.editions))];
}

function pwshHome(ctx: CheckContext, client: PowerShellClient | undefined): string {
  const home = client?.editions.find((e) => e.edition === 'Core')?.home;
  return home ?? win32.join(windowsEnv(ctx.env, 'ProgramFiles') ?? 'C:\\Program Files', 'PowerShell', '7');
}

/** The Documents folder as Windows knows it (it may be redirected to OneDrive), where PowerShell 7 keeps the user's config. */
async function documentsFolder(ctx: CheckContext): Promise<string> {
  const folders = await readRegistry(ctx, 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\User Shell Folders', 'Personal');
  const personal = stringOf(folders, 'Personal');
  if (personal) return expandEnvironment(personal, ctx.env);
  return win32.join(windowsEnv(ctx.env, 'USERPROFILE') ?? 'C:\\Users\\Default', 'Documents');
}

async function readConfig(ctx: CheckContext, path: string, facts: Evidence[], personal: boolean): Promise<Record<string, unknown> | undefined> {
  const text = await ctx.readFile(path);
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    return isObject(parsed) ? parsed : undefined;
  } catch {
    // Not JSON: PowerShell 7 itself refuses it, so no policy from it can be in force.
    facts.push((personal ? sensitive : evidence)('Unreadable config', `${path} is not valid JSON: PowerShell 7 cannot start an interactive session until it is fixed`));
    return undefined;
  }
}

function stringField(config: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = config?.[name];
  return typeof value === 'string' ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(setting: Setting): string {
  return `${setting.policy} (${setting.scope === 'Default' ? setting.where : `${setting.scope}: ${setting.where}`})`;
}

function consequence(edition: PowerShellEditionName, setting: Setting): string {
  const by =
    setting.scope === 'Default'
      ? 'nothing else is set'
      : setting.configFile
        ? 'set by PowerShellPolicies in a powershell.config.json'
        : setting.scope === 'MachinePolicy' || setting.scope === 'UserPolicy'
          ? 'set by Group Policy'
          : `set in the ${setting.scope} scope`;
  if (setting.policy === 'Restricted') {
    return `${EDITION_LABEL[edition]} runs no scripts (execution policy Restricted, ${by}): importing ExchangeOnlineManagement fails with "running scripts is disabled on this system".`;
  }
  return `${EDITION_LABEL[edition]} runs only signed scripts (execution policy AllSigned, ${by}): Connect-ExchangeOnline writes a temporary module that is not signed, so connecting fails unless it is given -SigningCertificate.`;
}

function remedies(edition: PowerShellEditionName, setting: Setting): Remediation[] {
  const label = EDITION_LABEL[edition];
  const signing = fix({
    summary: `Or keep AllSigned and have Connect-ExchangeOnline (3.0.0 or later) sign its temporary module with a code-signing certificate you hold, in ${label}.`,
    runBy: 'admin',
    commands: ['$cert = Get-ChildItem Cert:\\CurrentUser\\My -CodeSigningCert | Select-Object -First 1', 'Connect-ExchangeOnline -SigningCertificate $cert'],
    links: [MODULE_DOC],
  });
  const also = setting.policy === 'AllSigned' ? [signing] : [];
  if (setting.configFile) {
    const machineWide = setting.scope === 'MachinePolicy';
    return [
      fix({
        summary: `PowerShellPolicies.ScriptExecution in ${machineWide ? "PowerShell 7's own" : 'your'} powershell.config.json sets ${setting.policy}, above every Set-ExecutionPolicy scope: remove "ScriptExecution" or set its "ExecutionPolicy" to "RemoteSigned"${machineWide ? ' (an elevated editor: the file is under Program Files)' : ''}.`,
        runBy: 'admin',
        commands: [machineWide ? 'notepad "$PSHOME\\powershell.config.json"' : "notepad (Join-Path (Split-Path $PROFILE.CurrentUserCurrentHost) 'powershell.config.json')"],
        links: ['https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_powershell_config', POLICY_DOC],
      }),
      ...also,
    ];
  }
  if (setting.scope === 'MachinePolicy' || setting.scope === 'UserPolicy') {
    const node = setting.scope === 'MachinePolicy' ? 'Computer Configuration' : 'User Configuration';
    const folder = edition === 'Desktop' ? 'Windows Components > Windows PowerShell' : 'PowerShell Core (or the Windows PowerShell setting, when "Use Windows PowerShell Policy setting" is ticked)';
    return [
      fix({
        summary: `Group Policy decides the ${label} execution policy, and Set-ExecutionPolicy cannot override it. The owner of the policy sets "Turn on Script Execution" (${node} > Administrative Templates > ${folder}) to "Allow local scripts and remote signed scripts"; then refresh the policy here.`,
        runBy: 'another-admin',
        commands: ['gpupdate /force', 'Get-ExecutionPolicy -List'],
        links: [GPO_DOC, POLICY_DOC],
      }),
      ...also,
    ];
  }
  if (setting.scope === 'Process') {
    return [
      fix({
        summary: `The PSExecutionPolicyPreference environment variable sets ${setting.policy} for ${label} started from this environment; remove it (or start PowerShell from a clean one), then set the user's policy.`,
        runBy: 'admin',
        commands: ['Remove-Item Env:PSExecutionPolicyPreference', FIX_COMMAND],
        links: [POLICY_DOC],
      }),
      ...also,
    ];
  }
  return [
    fix({
      summary: `Allow local and signed scripts for your account, in ${label} (each edition keeps its own setting; no elevation needed).`,
      runBy: 'admin',
      commands: [FIX_COMMAND],
      links: [POLICY_DOC, MODULE_DOC],
    }),
    ...also,
  ];
}
