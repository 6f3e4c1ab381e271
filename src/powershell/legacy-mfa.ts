/**
 * The retired "Exchange Online Remote PowerShell Module" (the MFA module, `Connect-EXOPSSession`), found
 * on a Windows machine without running anything: its ClickOnce application folder under
 * `%LOCALAPPDATA%\Apps\2.0`, its uninstall entry, its Start-menu shortcut, and the `Load-ExchangeMFA.ps1`
 * helper, which hands `Connect-EXOPSSession` a session option that takes the Internet Explorer proxy.
 * Layout, names and sources: docs/legacy-mfa-module.md.
 */
import { win32 } from 'node:path';
import { readRegistryTree, windowsEnv } from '../platform/registry.js';
import type { DiscoveryContext } from './editions.js';
import type { IeProxyOption, LegacyMfaModule } from './types.js';

const APP_FOLDER = /^micr\.\.tion_[0-9a-f]{16}_[0-9a-f]{4}\.[0-9a-f]{4}_[0-9a-f]{16}$/i;
const SCRIPT = 'CreateExoPSSession.ps1';
const DLL = 'Microsoft.Exchange.Management.ExoPowershellModule.dll';
const DISPLAY_NAME = /Microsoft Exchange Online (Remote )?Powershell Module/i;
const UNINSTALL_KEY = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall';
const LOADER = 'Load-ExchangeMFA.ps1';

/**
 * The MFA module, when anything of it is on this machine; undefined elsewhere (and on other systems).
 * `documents` is the user's Documents folder, where the Windows PowerShell profiles live.
 */
export async function findLegacyMfaModule(ctx: DiscoveryContext, documents: string | undefined): Promise<LegacyMfaModule | undefined> {
  if (ctx.platform !== 'win32') return undefined;
  const [appFolders, uninstall, shortcut] = await Promise.all([appFoldersOf(ctx), uninstallEntry(ctx), shortcutOf(ctx)]);
  if (appFolders.length === 0 && !uninstall && !shortcut) return undefined;
  const loaders = await loadersOf(ctx, documents);
  return { appFolders, ...(uninstall ? { uninstall } : {}), ...(shortcut ? { shortcut } : {}), loaders };
}

/** Load-ExchangeMFA.ps1 where Install-Script puts it, and the profiles of Windows PowerShell. */
function scriptsOf(ctx: DiscoveryContext, documents: string | undefined): string[] {
  const programFiles = windowsEnv(ctx.env, 'ProgramFiles') ?? 'C:\\Program Files';
  return [
    win32.join(programFiles, 'WindowsPowerShell', 'Scripts', LOADER),
    ...(documents ? ['Microsoft.PowerShell_profile.ps1', 'profile.ps1'].map((f) => win32.join(documents, 'WindowsPowerShell', f)) : []),
  ];
}

/** Scripts that load the module: Load-ExchangeMFA itself, and profiles that dot-source it or call Connect-EXOPSSession. */
async function loadersOf(ctx: DiscoveryContext, documents: string | undefined): Promise<string[]> {
  const found: string[] = [];
  for (const script of scriptsOf(ctx, documents)) {
    const text = await ctx.readFile(script);
    if (text === undefined) continue;
    if (win32.basename(script).toLowerCase() === LOADER.toLowerCase() || liveLines(text).some((l) => /CreateExoPSSession\.ps1|Connect-EXOPSSession|Load-ExchangeMFA/i.test(l))) found.push(script);
  }
  return found;
}

/** The lines PowerShell would run: trimmed, without comment lines or `<# … #>` blocks. */
function liveLines(text: string): string[] {
  return text
    .replace(/<#[\s\S]*?#>/g, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** `Apps\2.0\<r1>\<r2>\micr..tion_…`: a bounded walk, three levels deep, never a blind recursion. */
async function appFoldersOf(ctx: DiscoveryContext): Promise<string[]> {
  const local = windowsEnv(ctx.env, 'LOCALAPPDATA');
  if (!local) return [];
  const root = win32.join(local, 'Apps', '2.0');
  const found: string[] = [];
  for (const r1 of (await ctx.readDir(root)) ?? []) {
    for (const r2 of (await ctx.readDir(win32.join(root, r1))) ?? []) {
      for (const app of (await ctx.readDir(win32.join(root, r1, r2))) ?? []) {
        if (!APP_FOLDER.test(app)) continue;
        const folder = win32.join(root, r1, r2, app);
        const files = new Set(((await ctx.readDir(folder)) ?? []).map((f) => f.toLowerCase()));
        if (files.has(SCRIPT.toLowerCase()) && files.has(DLL.toLowerCase())) found.push(folder);
      }
    }
  }
  return found;
}

async function uninstallEntry(ctx: DiscoveryContext): Promise<LegacyMfaModule['uninstall']> {
  const tree = await readRegistryTree(ctx, UNINSTALL_KEY);
  for (const [key, values] of tree) {
    const name = values.get('displayname');
    if (name?.type !== 'REG_SZ' || !DISPLAY_NAME.test(name.value)) continue;
    const text = (value: string) => {
      const v = values.get(value);
      return v && typeof v.value === 'string' && v.value !== '' ? v.value : undefined;
    };
    const version = text('displayversion');
    const uninstall = text('uninstallstring');
    return { key, displayName: name.value, ...(version ? { displayVersion: version } : {}), ...(uninstall ? { uninstallString: uninstall } : {}) };
  }
  return undefined;
}

async function shortcutOf(ctx: DiscoveryContext): Promise<string | undefined> {
  const appData = windowsEnv(ctx.env, 'APPDATA');
  if (!appData) return undefined;
  const folder = win32.join(appData, 'Microsoft', 'Windows', 'Start Menu', 'Programs', 'Microsoft Corporation');
  const name = ((await ctx.readDir(folder)) ?? []).find((f) => /^Microsoft Exchange Online.*PowerShell Module\.appref-ms$/i.test(f));
  return name ? win32.join(folder, name) : undefined;
}

/**
 * The scripts that set up an Internet Explorer proxy option for Connect-EXOPSSession: Load-ExchangeMFA
 * (its version 1.1 ends with `$ProxySetting = New-PSSessionOption -ProxyAccessType IEConfig`) and the
 * admin's Windows PowerShell profiles, which often carry a copy. Commented lines do not count.
 */
export async function ieProxyOptions(ctx: DiscoveryContext, documents: string | undefined): Promise<IeProxyOption[]> {
  if (ctx.platform !== 'win32') return [];
  const found: IeProxyOption[] = [];
  for (const script of scriptsOf(ctx, documents)) {
    const text = await ctx.readFile(script);
    const line = text === undefined ? undefined : liveLines(text).find((l) => /New-PSSessionOption\b[^#]*-ProxyAccessType\s+IEConfig/i.test(l));
    if (line) found.push({ script, line });
  }
  return found;
}
