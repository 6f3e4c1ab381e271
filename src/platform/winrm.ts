/**
 * The WinRM client's Basic authentication setting and the WinRM service state, from the registry and
 * `sc query`. Pure: reads in, decisions out.
 *
 * Where the setting lives:
 * - Group Policy "Allow Basic authentication" (Computer Configuration > Administrative Templates >
 *   Windows Components > Windows Remote Management (WinRM) > WinRM Client) writes REG_DWORD `AllowBasic`
 *   under `HKLM\SOFTWARE\Policies\Microsoft\Windows\WinRM\Client` (ADMX mapping in the RemoteManagement
 *   Policy CSP, https://learn.microsoft.com/windows/client-management/mdm/policy-csp-remotemanagement).
 *   A policy value wins over the local configuration.
 * - `winrm set winrm/config/client/auth @{Basic="true"}` keeps the local setting as REG_DWORD
 *   `auth_basic` under `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\WSMAN\Client` (the key scripts and
 *   configuration tools write, e.g. Chef's winrm-config cookbook sets `auth_basic` there).
 * - Neither present: the client default, Basic = true ("WinRM client default configuration settings",
 *   https://learn.microsoft.com/windows/win32/winrm/installation-and-configuration-for-windows-remote-management).
 */
import type { RegistryRead } from './registry.js';
import { dwordOf } from './registry.js';

export const WINRM_POLICY_KEY = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Client';
export const WINRM_CLIENT_KEY = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WSMAN\\Client';

/** Whether the WinRM client may use Basic authentication, and what decided it. */
export interface WinRmBasic {
  /** undefined when the deciding value could not be read. */
  readonly allowed: boolean | undefined;
  readonly source: 'group-policy' | 'local' | 'default' | 'unknown';
  /** In words, for evidence: `AllowBasic = 0 (Group Policy)`. */
  readonly detail: string;
}

/** The effective Basic setting from the policy key and the local WSMAN client key. */
export function winRmBasic(policy: RegistryRead, local: RegistryRead): WinRmBasic {
  const allowBasic = dwordOf(policy, 'AllowBasic');
  if (allowBasic !== undefined) {
    return { allowed: allowBasic !== 0, source: 'group-policy', detail: `AllowBasic = ${allowBasic} (Group Policy, ${WINRM_POLICY_KEY})` };
  }
  if (policy.kind === 'unreadable') return { allowed: undefined, source: 'unknown', detail: `the policy key could not be read (${policy.reason})` };
  const authBasic = dwordOf(local, 'auth_basic');
  if (authBasic !== undefined) {
    return { allowed: authBasic !== 0, source: 'local', detail: `auth_basic = ${authBasic} (local WinRM client configuration, ${WINRM_CLIENT_KEY})` };
  }
  if (local.kind === 'unreadable') return { allowed: undefined, source: 'unknown', detail: `the WinRM client key could not be read (${local.reason})` };
  return { allowed: true, source: 'default', detail: 'not configured: the WinRM client default, Basic = true' };
}

/** The states `sc query` prints; the constant names are the same in every display language. */
export type ServiceState = 'STOPPED' | 'START_PENDING' | 'STOP_PENDING' | 'RUNNING' | 'CONTINUE_PENDING' | 'PAUSE_PENDING' | 'PAUSED';

// `        STATE              : 4  RUNNING`. The label is translated (ÉTAT, STATUS, ESTADO…), the number
// and the SERVICE_STATUS constant after it are not, so the line is found by the constant.
const STATE_LINE = /:\s*([1-7])\s+(STOPPED|START_PENDING|STOP_PENDING|RUNNING|CONTINUE_PENDING|PAUSE_PENDING|PAUSED)\b/;

/** The service state in `sc query <name>` output, in any display language; undefined when none is found. */
export function parseScQueryState(output: string): ServiceState | undefined {
  for (const line of output.split(/\r?\n/)) {
    const match = STATE_LINE.exec(line);
    if (match) return match[2] as ServiceState;
  }
  return undefined;
}
