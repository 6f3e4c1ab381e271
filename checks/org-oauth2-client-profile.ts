/**
 * org-oauth2-client-profile: the organisation's OAuth2ClientProfileEnabled, read from the
 * Get-OrganizationConfig result of exo-connection. It switches modern authentication for Outlook for
 * Windows. It is NOT a prerequisite of Exchange Online PowerShell: no Microsoft prerequisite list for
 * any module version names it, yet old advice (2017 forum answers about "Create Powershell Session is
 * failed using OAuth") does. The check says so, so that nobody changes it to fix PowerShell.
 * See docs/powershell-access-and-roles.md#oauth2clientprofileenabled.
 */
import { defineCheck } from '../src/check.js';
import { error, evidence, fix, pass, warn } from '../src/result.js';
import { exoConnection } from './exo-connection.js';

const MODERN_AUTH_DOC = 'https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/enable-or-disable-modern-authentication-in-exchange-online';

export const orgOauth2ClientProfile = defineCheck({
  id: 'org-oauth2-client-profile',
  title: 'Modern authentication for Outlook (OAuth2ClientProfileEnabled)',
  dependsOn: [exoConnection],
  async run(_ctx, deps) {
    const value = deps['exo-connection'].organization['OAuth2ClientProfileEnabled'];
    if (typeof value !== 'boolean') {
      return error('Get-OrganizationConfig did not return OAuth2ClientProfileEnabled, so the setting could not be read. It does not affect PowerShell either way.', {
        evidence: [evidence('OAuth2ClientProfileEnabled', value === undefined ? 'absent' : JSON.stringify(value))],
      });
    }
    const facts = [evidence('OAuth2ClientProfileEnabled', value ? 'True' : 'False')];
    if (value) {
      return pass('Modern authentication is on for Outlook for Windows (OAuth2ClientProfileEnabled is True). This setting does not affect PowerShell.', { evidence: facts, output: { enabled: true } });
    }
    return warn(
      'Modern authentication is off for the organisation (OAuth2ClientProfileEnabled is False): Outlook for Windows cannot sign in with modern authentication, and with Basic authentication retired in Exchange Online it cannot fall back. This is NOT the cause of a PowerShell failure: Exchange Online PowerShell does not depend on it, whatever older advice says.',
      {
        evidence: facts,
        remediation: fix({
          summary: 'For Outlook, an Exchange admin turns modern authentication back on. It changes nothing for PowerShell.',
          runBy: 'admin',
          commands: ['Set-OrganizationConfig -OAuth2ClientProfileEnabled $true', 'Get-OrganizationConfig | Format-Table Name,OAuth2ClientProfileEnabled'],
          links: [MODERN_AUTH_DOC],
        }),
        output: { enabled: false },
      },
    );
  },
});
