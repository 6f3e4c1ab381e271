/**
 * The seed's proxy case: a script hands Connect-EXOPSSession a session option that asks WinRM for the
 * Internet Explorer proxy (`New-PSSessionOption -ProxyAccessType IEConfig`, as Load-ExchangeMFA 1.1
 * does), on a machine whose Internet Options set none. Sign-in works; New-ExoPSSession then stops with
 * "Create Powershell Session is failed using OAuth", and passing no option cured it. It is the opposite
 * of the usual legacy case, where the network needs a proxy and the WinRM leg has none
 * (docs/legacy-mfa-module.md, "The seed's failure and its fixes").
 */
import { win32 } from 'node:path';
import { CAUSE } from '../causes.js';
import type { ProxySettings } from '../platform/proxy-settings.js';
import { type Finding, fix } from '../result.js';
import type { IeProxyOption } from './types.js';

const MODULE_DOC = 'https://learn.microsoft.com/powershell/exchange/exchange-online-powershell-v2';
const LEGACY_DOC = 'https://learn.microsoft.com/powershell/exchange/v1-module-mfa-connect-to-exo-powershell';

/** Whether Internet Options name a proxy WSMan could take: a manual one or a setup script. */
function hasIeProxy(wininet: ProxySettings | undefined): boolean {
  return wininet !== undefined && (wininet.https ?? wininet.http ?? wininet.pacUrl) !== undefined;
}

/** The finding, when a script asks for the IE proxy and Internet Options have none; undefined otherwise. */
export function ieProxyOptionProblem(options: readonly IeProxyOption[], wininet: ProxySettings | undefined, upn?: string): Finding | undefined {
  const first = options[0];
  if (!first || !wininet || hasIeProxy(wininet)) return undefined;
  const script = win32.basename(first.script);
  const none = wininet.autoDetect ? 'set no proxy, only automatic detection (WPAD)' : 'set no proxy at all';
  return {
    severity: 'warn',
    cause: CAUSE.ieProxyOptionWithoutProxy,
    summary:
      `${script} hands Connect-EXOPSSession a session option that asks WinRM for the Internet Explorer proxy (${first.line}), but the Internet Options ${none}. ` +
      'On such a machine the sign-in works, then New-ExoPSSession stops with "Create Powershell Session is failed using OAuth"; passing no proxy option is the known cure.',
    remediation: [
      fix({
        summary: `Pass no proxy option: in ${script}, set the option to nothing before Connect-EXOPSSession (or call Connect-EXOPSSession without -PSSessionOption); WinRM then goes the way WinHTTP says.`,
        runBy: 'admin',
        commands: ['$ProxySetting = $null', `Connect-EXOPSSession -UserPrincipalName ${upn ?? '<your admin UPN>'}`],
        links: [LEGACY_DOC],
      }),
      fix({
        summary: 'If this network does need a proxy, set it in Internet Options, then give WinHTTP the same one (from an elevated window).',
        runBy: 'admin',
        commands: ['inetcpl.cpl ,4', 'netsh winhttp import proxy source=ie'],
      }),
      fix({
        summary: 'Best: connect with ExchangeOnlineManagement 3.x, which needs no session option and no WinRM (the MFA module no longer connects at all).',
        runBy: 'admin',
        commands: ['Install-Module -Name ExchangeOnlineManagement -Scope CurrentUser', `Connect-ExchangeOnline -UserPrincipalName ${upn ?? '<your admin UPN>'}`],
        links: [MODULE_DOC],
      }),
    ],
  };
}
