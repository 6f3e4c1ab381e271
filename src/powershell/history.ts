/**
 * The PSReadLine history files (`$Env:APPDATA\Microsoft\Windows\PowerShell\PSReadLine\<host>_history.txt`,
 * about_PSReadLine): what was typed at this machine's PowerShell prompts. They may hold secrets: they are
 * only searched, never quoted.
 */
import { win32 } from 'node:path';
import type { CheckContext } from '../check.js';
import { windowsEnv } from '../platform/registry.js';

/** The first history file with a line that matches, or undefined. */
export async function findInHistory(ctx: Pick<CheckContext, 'env' | 'readDir' | 'readFile'>, pattern: RegExp): Promise<string | undefined> {
  const appData = windowsEnv(ctx.env, 'APPDATA');
  if (!appData) return undefined;
  const folder = win32.join(appData, 'Microsoft', 'Windows', 'PowerShell', 'PSReadLine');
  for (const name of (await ctx.readDir(folder)) ?? []) {
    if (!/_history\.txt$/i.test(name)) continue;
    const text = await ctx.readFile(win32.join(folder, name));
    if (text !== undefined && text.split(/\r?\n/).some((line) => pattern.test(line))) return win32.join(folder, name);
  }
  return undefined;
}

/** `-UseRPSSession` given (not as `-UseRPSSession:$false`): the legacy Remote PowerShell connection. */
export const USE_RPS_SESSION = /-UseRPSSession\b(?!\s*:\s*\$false)/i;
