/**
 * What to say of a category of cause when no rule names a specific error of it, but the pasted text
 * resembles known cases of it (explain's similarity signal): the cause in general, and the first step
 * that tells whether it is the one. The specific fixes are in ./errors.ts and ./aadsts.ts; these are
 * the general steps their entries share, with the same sources (docs/errors.md).
 */
import type { Category } from './categories.js';
import type { FixSpec } from './fixes.js';

interface CategoryAdvice {
  /** The cause, as a heading. */
  readonly title: string;
  readonly fix: FixSpec;
}

const CONNECT = 'Connect-ExchangeOnline -UserPrincipalName <upn>';

export const CATEGORY_ADVICE: Readonly<Record<Exclude<Category, 'other'>, CategoryAdvice>> = {
  proxy: {
    title: 'A proxy between this machine and Microsoft 365',
    fix: { summary: 'Check which proxy each client uses (WinINET, WinHTTP, the environment) and that it lets Microsoft 365 through; the doctor shows both.', runBy: 'admin', commands: ['netsh winhttp show proxy', 'exo-doctor --upn <upn> --only proxy-config,proxy-health'] },
  },
  tls_interception: {
    title: 'TLS inspection: a proxy or security product replaces Microsoft\'s certificates',
    fix: { summary: 'Have the network team exempt the Microsoft 365 endpoints from TLS inspection (Microsoft does not support inspecting them).', runBy: 'network-team', commands: ['exo-doctor --upn <upn> --only tls-inspection'] },
  },
  network_blocked: {
    title: 'The network blocks or cuts the connection to Microsoft 365',
    fix: { summary: 'Check that this machine reaches the Microsoft 365 endpoints on 443 (firewall, proxy rules), then connect again.', runBy: 'network-team', commands: ['Test-NetConnection outlook.office365.com -Port 443', 'exo-doctor --upn <upn> --only endpoints'] },
  },
  dns: {
    title: 'Microsoft\'s host names do not resolve on this machine',
    fix: { summary: 'Check name resolution of the Microsoft 365 hosts (DNS server, VPN split DNS, a proxy that resolves for you).', runBy: 'network-team', commands: ['Resolve-DnsName outlook.office365.com', 'Resolve-DnsName login.microsoftonline.com'] },
  },
  clock_skew: {
    title: 'This machine\'s clock is off',
    fix: { summary: 'Set the clock right (sync with time.windows.com or the domain), then sign in again.', runBy: 'admin', commands: ['w32tm /resync', 'exo-doctor --upn <upn> --only clock-skew'] },
  },
  mfa_required: {
    title: 'The sign-in needs MFA, and this way of connecting cannot do it',
    fix: { summary: 'Connect interactively (or with -Device) so that MFA can be completed; for automation, use app-only authentication with a certificate.', runBy: 'admin', commands: [CONNECT, 'Connect-ExchangeOnline -Device'] },
  },
  mfa_not_registered: {
    title: 'MFA is required, but the account has no method registered',
    fix: { summary: 'The user registers a method at https://aka.ms/mfasetup, then connects again.', runBy: 'admin', commands: [CONNECT] },
  },
  conditional_access: {
    title: 'A Conditional Access policy blocks this sign-in',
    fix: { summary: 'Find the policy in the account\'s sign-in log (Entra admin centre → Sign-in logs → Conditional Access) and connect in the way it allows, or have the policy\'s owner exclude this case.', runBy: 'another-admin', commands: ['exo-doctor --upn <upn> --only mfa-state,sign-in-log'] },
  },
  account_disabled_or_locked: {
    title: 'The account is disabled or locked',
    fix: { summary: 'Another admin re-enables or unlocks the account (Entra, or on-premises AD for a synced account).', runBy: 'another-admin', commands: ['Update-MgUser -UserId <upn> -AccountEnabled:$true'] },
  },
  wrong_password: {
    title: 'The user name or password is wrong',
    fix: { summary: 'Sign in with the right user principal name and password (or reset the password), interactively so that MFA can be done.', runBy: 'admin', commands: [CONNECT] },
  },
  user_not_found: {
    title: 'The account is not found in the tenant signed in to',
    fix: { summary: 'Check the user principal name and the tenant: the account must be a user of the tenant the connection goes to.', runBy: 'admin', commands: ['exo-doctor --upn <upn> --only tenant-discovery'] },
  },
  guest_or_wrong_tenant: {
    title: 'The sign-in goes to the wrong tenant (or as a guest)',
    fix: { summary: 'Name the tenant to manage (-DelegatedOrganization or -Organization with its .onmicrosoft.com domain), or sign in with an account of that tenant.', runBy: 'admin', commands: ['Connect-ExchangeOnline -UserPrincipalName <upn> -DelegatedOrganization <tenant>.onmicrosoft.com'] },
  },
  powershell_access_disabled: {
    title: 'Exchange Online PowerShell access is off for the account',
    fix: { summary: 'Another admin turns PowerShell access back on (EXOModuleEnabled); it takes effect within about 20 minutes.', runBy: 'another-admin', commands: ['Set-User -Identity <upn> -EXOModuleEnabled $true'] },
  },
  missing_admin_role: {
    title: 'The account lacks the Exchange role for what it runs',
    fix: { summary: 'Another admin grants an Exchange admin role (or the role group that holds the cmdlet); allow up to an hour, then connect again.', runBy: 'another-admin', commands: ['Add-RoleGroupMember -Identity "Organization Management" -Member <upn>'] },
  },
  app_only_misconfigured: {
    title: 'App-only authentication is set up incompletely',
    fix: { summary: 'Check the app: Exchange.ManageAsApp granted with admin consent, an Entra role such as Exchange Administrator assigned to it, and the certificate it signs in with uploaded to it.', runBy: 'another-admin', commands: ['exo-doctor --app-id <app-id> --certificate <file> --tenant <tenant>.onmicrosoft.com'] },
  },
  app_disabled_or_not_consented: {
    title: 'The application is disabled, not consented, or not assigned to the account',
    fix: { summary: 'An Application Administrator checks the enterprise app the sign-in uses: enabled for users to sign in, admin consent granted, the account assigned where assignment is required.', runBy: 'another-admin', commands: ['exo-doctor --upn <upn> --only exo-app-principal'] },
  },
  oauth_org_setting: {
    title: 'An organisation setting of Exchange Online blocks modern authentication',
    fix: { summary: 'Check OAuth2ClientProfileEnabled and the authentication policies that apply to the account.', runBy: 'admin', commands: ['Get-OrganizationConfig | Format-List OAuth2ClientProfileEnabled'] },
  },
  basic_auth_disabled: {
    title: 'Basic authentication is off for WinRM, which the legacy connection needs',
    fix: { summary: 'Use ExchangeOnlineManagement 3 (REST, no WinRM Basic needed); for the legacy path, allow WinRM Basic on the client.', runBy: 'admin', commands: ['Install-Module ExchangeOnlineManagement -Scope CurrentUser -Force', 'winrm get winrm/config/client/auth'] },
  },
  module_or_dll_problem: {
    title: 'The module (or a library it loads) is broken, outdated or conflicts with another',
    fix: { summary: 'Update ExchangeOnlineManagement in a fresh PowerShell session, and load it before other modules that bring their own MSAL.', runBy: 'admin', commands: ['Install-Module ExchangeOnlineManagement -Scope CurrentUser -Force', 'Get-Module ExchangeOnlineManagement -ListAvailable'] },
  },
  wrong_cloud_environment: {
    title: 'The connection goes to the wrong Microsoft cloud',
    fix: { summary: 'Connect with the -ExchangeEnvironmentName of the tenant\'s cloud (O365USGovGCCHigh, O365USGovDoD, O365China).', runBy: 'admin', commands: ['Connect-ExchangeOnline -UserPrincipalName <upn> -ExchangeEnvironmentName O365USGovGCCHigh'] },
  },
  throttling: {
    title: 'Exchange Online is throttling the requests',
    fix: { summary: 'Wait as the service asks, reduce parallel sessions, and retry; long scripts should page and pause.', runBy: 'admin', commands: ['Get-ConnectionInformation'] },
  },
  service_outage: {
    title: 'A Microsoft 365 service problem',
    fix: { summary: 'Check the service health in the Microsoft 365 admin centre, and try again later.', runBy: 'admin', commands: ['exo-doctor --upn <upn> --only endpoints,exo-connection'] },
  },
};
