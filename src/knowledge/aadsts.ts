/**
 * Microsoft Entra AADSTS error codes an Exchange Online PowerShell admin can meet, as data: the official
 * name and meaning, the likely cause while connecting (Connect-ExchangeOnline, the legacy
 * Connect-EXOPSSession, app-only certificate sign-in, device code), the fix, who must act, and a category.
 *
 * Sources:
 * - Names and meanings: the official reference https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 *   (MicrosoftDocs/entra-docs docs/identity-platform/reference-error-codes.md, rev. 2025-02-03), paraphrased.
 *   Where that table gives no PascalCase name, `name` is the head of its official message.
 * - Codes absent from that table (500121, 530002, 530003, 700021, 700024, 130507) take their message from the
 *   text Entra returns, as quoted by MSAL's own test fixtures and other Microsoft product docs; their link is
 *   the error lookup page.
 * - Troubleshooting articles (MicrosoftDocs/SupportArticles-docs support/entra/entra-id/app-integration/),
 *   the Exchange connect and app-only docs, and docs/exchange-rest.md, docs/clouds-and-tenant-discovery.md, docs/powershell-access-and-roles.md, docs/mfa.md and docs/errors.md#aadsts-codes.
 * - The "cause" is the Exchange-specific synthesis of docs/errors.md#aadsts-codes, kept modest.
 *
 * Category notes: `app_only_misconfigured` covers any app registration of your own (an `-AppId` used for
 * app-only certificate sign-in, or for a custom delegated client), since the fix is made in the same place.
 * Session and token lifecycle codes (refresh token expired, sign in again) are `other`.
 */
import type { Remediation } from '../result.js';
import { type FixSpec, remediationOf } from './fixes.js';
import { AADSTS_REFERENCE } from './aadsts-reference.js';
import type { Category } from './categories.js';
import { ENTRA_ROLES } from './entra-roles.js';
import { MICROSOFT_APPS } from './microsoft-ids.js';

export { CATEGORIES, type Category } from './categories.js';

/** An entry as the table writes it. */
type RawEntry = Omit<AadstsEntry, 'fix'> & { readonly fix: FixSpec };

export interface AadstsEntry {
  readonly code: number;
  /** The official short name, e.g. "UserStrongAuthClientAuthNRequiredInterrupt". */
  readonly name: string;
  /** What Entra means, one sentence, paraphrased from the official reference. */
  readonly meaning: string;
  /** Why an Exchange Online PowerShell connection typically meets it. */
  readonly cause: string;
  readonly category: Category;
  /** What fixes it; commands name the account `<upn>`, which whoever shows the fix fills in. */
  readonly fix: Remediation;
  /** Official documentation (learn.microsoft.com), or the error lookup page. */
  readonly link: string;
  /** Not an error: part of a normal flow (70016 authorization_pending). */
  readonly benign?: boolean;
  /** Another category the code often turns out to be: explain offers it as a runner-up. */
  readonly also?: Category;
}

// ---------------------------------------------------------------------------------------------------
// Shared values. Placeholders only: <upn>, <app-id>, <thumbprint>, <tenant-id>, <object-id>.

/** "Microsoft Exchange REST API Based Powershell", the module's first-party public client (docs/exchange-rest.md#v3-module-authentication). */
const EXO_POWERSHELL_APP_ID = MICROSOFT_APPS.exchangePowerShell;
/** Exchange Administrator role template id (src/knowledge/entra-roles.ts). */
const EXCHANGE_ADMIN_ROLE_ID = ENTRA_ROLES.exchangeAdministrator.templateId;

const REFERENCE = 'https://learn.microsoft.com/entra/identity-platform/reference-error-codes';
const TROUBLESHOOT = 'https://learn.microsoft.com/troubleshoot/entra/entra-id/app-integration';
const lookup = (code: number): string => `https://login.microsoftonline.com/error?code=${code}`;

const LINK = {
  connect: 'https://learn.microsoft.com/powershell/exchange/connect-to-exchange-online-powershell',
  appOnly: 'https://learn.microsoft.com/powershell/exchange/app-only-auth-powershell-v2',
  perUserMfa: 'https://learn.microsoft.com/entra/identity/authentication/howto-mfa-userstates',
  registration: 'https://learn.microsoft.com/entra/identity/authentication/concept-registration-mfa-sspr-combined',
  conditionalAccess: 'https://learn.microsoft.com/entra/identity/conditional-access/troubleshoot-conditional-access',
  signInFrequency: 'https://learn.microsoft.com/entra/identity/conditional-access/concept-session-lifetime',
  securityDefaults: 'https://learn.microsoft.com/entra/fundamentals/security-defaults',
  tenantRestrictions: 'https://learn.microsoft.com/entra/identity/enterprise-apps/tenant-restrictions',
  certificateCredentials: 'https://learn.microsoft.com/entra/identity-platform/certificate-credentials',
  deviceCode: 'https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code',
  refreshTokens: 'https://learn.microsoft.com/entra/identity-platform/refresh-tokens',
  nationalClouds: 'https://learn.microsoft.com/entra/identity-platform/authentication-national-cloud',
  assignUsers: 'https://learn.microsoft.com/entra/identity/enterprise-apps/assign-user-or-group-access-portal',
  adminConsent: 'https://learn.microsoft.com/entra/identity/enterprise-apps/grant-admin-consent',
  disableSignIn: 'https://learn.microsoft.com/entra/identity/enterprise-apps/disable-user-sign-in-portal',
  smartLockout: 'https://learn.microsoft.com/entra/identity/authentication/howto-password-smart-lockout',
  riskRemediation: 'https://learn.microsoft.com/entra/id-protection/howto-identity-protection-remediate-unblock',
  resetPassword: 'https://learn.microsoft.com/entra/fundamentals/users-reset-password-azure-portal',
  b2bUsers: 'https://learn.microsoft.com/entra/external-id/add-users-administrator',
  crossTenantAccess: 'https://learn.microsoft.com/entra/external-id/cross-tenant-access-overview',
  gdap: 'https://learn.microsoft.com/partner-center/customers/gdap-introduction',
  tap: 'https://learn.microsoft.com/entra/identity/authentication/howto-authentication-temporary-access-pass',
  userCba: 'https://learn.microsoft.com/entra/identity/authentication/concept-certificate-based-authentication',
  pta: 'https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-connect-pass-through-authentication',
  deviceIdentity: 'https://learn.microsoft.com/entra/identity/devices/troubleshoot-device-dsregcmd',
  serviceHealth: 'https://learn.microsoft.com/microsoft-365/enterprise/view-service-health',
} as const;

const CONNECT_INTERACTIVE = 'Connect-ExchangeOnline -UserPrincipalName <upn>';
const CONNECT_DEVICE = 'Connect-ExchangeOnline -Device';
const CONNECT_CBA = 'Connect-ExchangeOnline -CertificateThumbprint <thumbprint> -AppId <app-id> -Organization <tenant>.onmicrosoft.com';
const DISCONNECT = 'Disconnect-ExchangeOnline -Confirm:$false';
const FIND_EXO_SP = `$sp = Get-MgServicePrincipal -Filter "appId eq '${EXO_POWERSHELL_APP_ID}'"`;
const SIGN_IN_LOG =
  `Get-MgAuditLogSignIn -Filter "userPrincipalName eq '<upn>' and appId eq '${EXO_POWERSHELL_APP_ID}'" -Top 5 | ` +
  'Format-List CreatedDateTime, Status, ConditionalAccessStatus, AppliedConditionalAccessPolicies';
const OPENID_CLOUD =
  'Invoke-RestMethod https://login.microsoftonline.com/contoso.com/v2.0/.well-known/openid-configuration | ' +
  'Select-Object cloud_instance_name, tenant_region_scope, tenant_region_sub_scope';
const CONNECT_GCC_HIGH = 'Connect-ExchangeOnline -ExchangeEnvironmentName O365USGovGCCHigh -UserPrincipalName <upn>';
const CONNECT_DOD = 'Connect-ExchangeOnline -ExchangeEnvironmentName O365USGovDoD -UserPrincipalName <upn>';
const CONNECT_CHINA = 'Connect-ExchangeOnline -ExchangeEnvironmentName O365China -UserPrincipalName <upn>';
const APP_KEYS = `(Get-MgApplication -Filter "appId eq '<app-id>'").KeyCredentials | Format-Table DisplayName, KeyId, StartDateTime, EndDateTime`;
const LOCAL_CERTS = 'Get-ChildItem Cert:\\CurrentUser\\My | Format-Table Thumbprint, Subject, NotAfter';
const NEW_CERT =
  '$mycert = New-SelfSignedCertificate -DnsName "<tenant>.onmicrosoft.com" -CertStoreLocation "cert:\\CurrentUser\\My" ' +
  '-NotAfter (Get-Date).AddYears(1) -KeySpec KeyExchange';
const EXPORT_CERT = '$mycert | Export-Certificate -FilePath mycert.cer';
const ADMIN_CONSENT_URL = 'https://login.microsoftonline.com/<tenant-id>/adminconsent?client_id=<app-id>';
const SSPR = 'https://passwordreset.microsoftonline.com';

const MFA_FIX = {
  summary:
    'Sign in interactively (browser or WAM) or with device code so the MFA prompt can be answered; ' +
    '-Credential (ROPC) cannot do MFA. For unattended scripts use app-only certificate sign-in instead.',
  runBy: 'admin',
  commands: [CONNECT_INTERACTIVE, CONNECT_DEVICE, CONNECT_CBA],
} as const;

const REGISTER_FIX = {
  summary: 'Register a sign-in method (Microsoft Authenticator, FIDO2 key or phone) at My Security Info, then connect interactively.',
  runBy: 'admin',
  commands: ['https://aka.ms/mysecurityinfo', CONNECT_INTERACTIVE],
} as const;

const SIGN_IN_AGAIN = {
  summary: 'Sign in again: disconnect to drop the cached tokens, then connect interactively.',
  runBy: 'admin',
  commands: [DISCONNECT, CONNECT_INTERACTIVE],
} as const;

const CA_FIX = {
  summary:
    'Read the failed sign-in in the Entra sign-in log (Conditional Access tab) to see which policy applied; ' +
    'meet its condition or have a Conditional Access administrator adjust or exclude it.',
  runBy: 'another-admin',
  commands: ['Connect-MgGraph -Scopes AuditLog.Read.All', SIGN_IN_LOG],
} as const;

const MANAGED_DEVICE_FIX = {
  summary:
    'Connect from a compliant, managed (Intune or hybrid-joined) device, signing in through the Windows broker (WAM, the default ' +
    'from module 3.7) so the device state reaches Entra; device code and -DisableWAM cannot carry it.',
  runBy: 'admin',
  commands: [CONNECT_INTERACTIVE, 'dsregcmd /status'],
} as const;

const RETRY_LATER = {
  summary: 'A transient Entra service problem: retry in a few minutes and check Microsoft 365 service health; if it persists, open a support case with the correlation ID, trace ID and timestamp.',
  runBy: 'admin',
  commands: [CONNECT_INTERACTIVE],
} as const;

const CLOUD_FIX = {
  summary:
    "Connect to the tenant's own cloud: read cloud_instance_name / tenant_region_sub_scope from its OpenID configuration, then pass the " +
    'matching -ExchangeEnvironmentName (GCC High, DoD or 21Vianet); GCC uses the default.',
  runBy: 'admin',
  commands: [OPENID_CLOUD, CONNECT_GCC_HIGH, CONNECT_DOD, CONNECT_CHINA],
} as const;

const DEVICE_CODE_RETRY = {
  summary: 'Start a new device-code sign-in and enter the new code promptly (it expires after about 15 minutes) at the page shown.',
  runBy: 'admin',
  commands: [CONNECT_DEVICE],
} as const;

const CAPTURE_REQUEST = {
  summary:
    'The token request is malformed: update the ExchangeOnlineManagement module, and for a custom script capture the request ' +
    '(Fiddler) and compare it with the OAuth documentation. A proxy that rewrites request bodies can also cause it.',
  runBy: 'admin',
  commands: ['Update-Module ExchangeOnlineManagement', CONNECT_INTERACTIVE],
} as const;

const APP_CERT_FIX = {
  summary:
    'Make the certificate the client signs with match one uploaded to the app registration (Certificates & secrets): compare thumbprints ' +
    'and dates, upload the public .cer if missing, and connect with the same thumbprint. Use a CSP key (-KeySpec KeyExchange), not CNG.',
  runBy: 'admin',
  commands: [LOCAL_CERTS, APP_KEYS, NEW_CERT, EXPORT_CERT, CONNECT_CBA],
} as const;

const CLOCK_FIX = {
  summary:
    'Resynchronise the clock of the machine that signs the assertion. Windows (elevated): w32tm; Linux: timedatectl/chrony; macOS: sntp. ' +
    'Then connect again.',
  runBy: 'admin',
  commands: [
    'w32tm /resync /force',
    'w32tm /stripchart /computer:time.windows.com /samples:3 /dataonly',
    'sudo timedatectl set-ntp true',
    'sudo chronyc makestep',
    'sudo sntp -sS time.apple.com',
    CONNECT_CBA,
  ],
} as const;

const SECRET_FIX = {
  summary:
    'Connect-ExchangeOnline does not use client secrets: move the automation to a certificate (upload it to the app registration). ' +
    'For a custom token script, create a new secret and use its Value, not its Secret ID.',
  runBy: 'admin',
  commands: [NEW_CERT, EXPORT_CERT, CONNECT_CBA],
} as const;

const TENANT_RESTRICTIONS_FIX = {
  summary:
    'A tenant-restrictions proxy inserts the Restrict-Access-To-Tenants header (or a TRv2 policy applies) and your tenant is not allowed: ' +
    "the network team adds this tenant's domain or ID to the allowed list, or you connect from a network without the restriction.",
  runBy: 'network-team',
  commands: [],
} as const;

const GUEST_FIX = {
  summary:
    'Sign in with an account that belongs to the tenant (a member or an invited guest); for partner administration use GDAP and ' +
    '-DelegatedOrganization. Another admin can invite the account as a guest.',
  runBy: 'another-admin',
  commands: [
    'Connect-MgGraph -Scopes User.Invite.All',
    'New-MgInvitation -InvitedUserEmailAddress <upn> -InviteRedirectUrl "https://myapps.microsoft.com" -SendInvitationMessage:$true',
    'Connect-ExchangeOnline -UserPrincipalName <upn> -DelegatedOrganization <tenant>.onmicrosoft.com',
  ],
} as const;

const PASSWORD_RESET_FIX = {
  summary: 'Change the password with self-service password reset (or ask an admin to reset it), then connect again.',
  runBy: 'admin',
  commands: [SSPR, CONNECT_INTERACTIVE],
} as const;

// ---------------------------------------------------------------------------------------------------

/** The table, one entry per code, as written: see {@link AADSTS} for the entries as the doctor uses them. */
const ENTRIES: readonly RawEntry[] = [
  // ----- MFA ------------------------------------------------------------------------------------------
  {
    code: 50076,
    name: 'UserStrongAuthClientAuthNRequired',
    meaning:
      'Because of an admin change (Conditional Access, per-user MFA) or a new location, the user must complete multifactor authentication; retry with a new interactive request.',
    cause:
      'A -Credential (ROPC) script, or a silent token refresh, meets a policy that now requires MFA: per-user MFA, security defaults or a Conditional Access policy.',
    category: 'mfa_required',
    fix: MFA_FIX,
    link: LINK.connect,
  },
  {
    code: 50074,
    name: 'UserStrongAuthClientAuthNRequiredInterrupt',
    meaning: 'Strong authentication is required and the user did not pass the MFA challenge.',
    cause: 'The MFA prompt was not answered, was denied or timed out, or the flow (ROPC, a silent refresh) cannot show it.',
    category: 'mfa_required',
    fix: MFA_FIX,
    link: LINK.connect,
  },
  {
    code: 50078,
    name: 'UserStrongAuthExpired',
    meaning: 'The multifactor authentication presented earlier has expired under the admin-configured policy and must be refreshed.',
    cause: 'A cached Exchange session or refresh token carries an MFA claim older than the policy allows.',
    category: 'mfa_required',
    fix: { ...MFA_FIX, commands: [DISCONNECT, CONNECT_INTERACTIVE] },
    link: LINK.signInFrequency,
  },
  {
    code: 500121,
    name: 'Authentication failed during strong authentication request',
    meaning: 'The second factor was not completed: the MFA request was denied, timed out or failed (sign-in log status; not in the reference table).',
    cause: 'The admin did not approve the Authenticator notification in time, denied it, or the phone method failed.',
    category: 'mfa_required',
    fix: MFA_FIX,
    link: lookup(500121),
  },
  {
    code: 50158,
    name: 'ExternalSecurityChallenge',
    meaning:
      'An external security challenge (a third-party MFA provider or terms of use) has to be satisfied; the code alone does not prove the sign-in failed.',
    cause: 'A Conditional Access custom control or external authentication method (third-party MFA) was required and not completed, typically in a non-interactive flow.',
    category: 'mfa_required',
    fix: { ...MFA_FIX, summary: 'Connect interactively and complete the external provider\'s challenge; check the sign-in log for whether it passed.' },
    link: REFERENCE,
  },
  {
    code: 50079,
    name: 'UserStrongAuthEnrollmentRequired',
    meaning:
      'MFA is now required; a managed user must first register security info, and a federated user must bring the MFA claim from the federated identity provider.',
    cause:
      'MFA is required and the sign-in could not do it: most often a password sign-in without a window (-Credential, a stored credential, ROPC), where Entra cannot ask the account to register or complete MFA; also an account that never registered a method, or a federated IdP (AD FS) that did not send the MFA claim.',
    // Named "enrollment required", but every train transcript carrying it (three sources) was a password
    // sign-in that could not do MFA; an interactive sign-in both registers and completes it.
    category: 'mfa_required',
    also: 'mfa_not_registered',
    fix: { ...REGISTER_FIX, summary: 'Connect interactively, without -Credential, so that MFA can be done (registering a method at My Security Info first if the account has none).' },
    link: LINK.registration,
  },
  {
    code: 50072,
    name: 'UserStrongAuthEnrollmentRequiredInterrupt',
    meaning: 'The user has to enrol for second-factor authentication (an interactive step).',
    cause: 'The admin account has no registered MFA method; a non-interactive flow cannot show the registration page.',
    category: 'mfa_not_registered',
    fix: REGISTER_FIX,
    link: LINK.registration,
  },
  {
    code: 53004,
    name: 'ProofUpBlockedDueToRisk',
    meaning: 'The user must complete MFA registration before access, but registration is blocked because of sign-in risk.',
    cause: 'Identity Protection flagged the admin sign-in as risky before any MFA method was registered, so self-registration is refused.',
    category: 'mfa_not_registered',
    fix: {
      summary:
        'An admin remediates the user risk (or issues a Temporary Access Pass); the user then registers a method from a trusted location.',
      runBy: 'another-admin',
      commands: [
        'Connect-MgGraph -Scopes IdentityRiskyUser.ReadWrite.All',
        "Invoke-MgDismissRiskyUser -BodyParameter @{ userIds = @('<user-object-id>') }",
        'https://aka.ms/mysecurityinfo',
      ],
    },
    link: LINK.riskRemediation,
  },
  {
    code: 53010,
    name: 'ProofUpBlockedDueToSecurityInfoAcr',
    meaning: 'MFA methods cannot be registered here because the organisation only allows registration from specific locations or devices.',
    cause: 'A Conditional Access policy on "Register security information" restricts where the admin may register MFA.',
    category: 'mfa_not_registered',
    fix: {
      summary: 'Register the MFA method from an allowed location or device (e.g. the office network), then connect.',
      runBy: 'admin',
      commands: ['https://aka.ms/mysecurityinfo', CONNECT_INTERACTIVE],
    },
    link: LINK.registration,
  },
  {
    code: 90072,
    name: 'PassThroughUserMfaError',
    meaning:
      'The external account used does not exist in the tenant signed into, so it cannot satisfy that tenant\'s MFA; synced users with an ImmutableID mismatch also hit it.',
    cause: 'A guest or partner account connects to a tenant it was not invited to, or a synced admin has a sourceAnchor mismatch between AD and Entra.',
    category: 'guest_or_wrong_tenant',
    fix: GUEST_FIX,
    link: LINK.b2bUsers,
  },

  // ----- Conditional Access, device state, security defaults ------------------------------------------------
  {
    code: 53003,
    name: 'BlockedByConditionalAccess',
    meaning: 'Conditional Access policies blocked the request and no token is issued.',
    cause:
      'A Conditional Access block for Exchange Online or Office 365: commonly the device-code flow is blocked (Connect-ExchangeOnline -Device), or a location, platform or client-app condition.',
    category: 'conditional_access',
    fix: {
      ...CA_FIX,
      summary:
        'Read the sign-in log (Conditional Access tab) to find the blocking policy. If it blocks the device-code flow, connect interactively ' +
        'instead of -Device; otherwise meet its condition or have a Conditional Access administrator adjust it.',
      commands: [...CA_FIX.commands, CONNECT_INTERACTIVE],
    },
    link: LINK.conditionalAccess,
  },
  {
    code: 53000,
    name: 'DeviceNotCompliant',
    meaning: 'A Conditional Access policy requires a compliant device and this device is not compliant (it must be enrolled with an MDM such as Intune).',
    cause: 'The policy covers Exchange Online; PowerShell runs on an unmanaged machine, or the device state is not passed (device code, -DisableWAM, Linux/macOS).',
    category: 'conditional_access',
    fix: MANAGED_DEVICE_FIX,
    link: LINK.conditionalAccess,
  },
  {
    code: 53001,
    name: 'DeviceNotDomainJoined',
    meaning: 'A Conditional Access policy requires a domain-joined (hybrid-joined) device and this one is not.',
    cause: 'PowerShell runs on a machine that is not hybrid Entra joined, or the sign-in path cannot present the device identity.',
    category: 'conditional_access',
    fix: MANAGED_DEVICE_FIX,
    link: LINK.conditionalAccess,
  },
  {
    code: 530002,
    name: 'Your device is required to be compliant to access this resource',
    meaning: 'Conditional Access requires a compliant device and the device used is not, or is no longer, compliant (not in the reference table).',
    cause: 'Same situation as 53000: a compliant-device policy on Exchange Online while the device is unmanaged or its state is not sent.',
    category: 'conditional_access',
    fix: MANAGED_DEVICE_FIX,
    link: lookup(530002),
  },
  {
    code: 530003,
    name: 'Your device is required to be managed to access this resource',
    meaning: 'Conditional Access requires a managed device and the device used is not managed (not in the reference table).',
    cause: 'A managed-device policy applies to Exchange Online and PowerShell runs on an unmanaged machine or without the broker.',
    category: 'conditional_access',
    fix: MANAGED_DEVICE_FIX,
    link: lookup(530003),
  },
  {
    code: 53002,
    name: 'ApplicationUsedIsNotAnApprovedApp',
    meaning: 'The app used is not one of the approved apps a Conditional Access policy requires.',
    cause: 'An "approved client app" or app-protection policy is scoped to all cloud apps or Exchange Online and catches the PowerShell client.',
    category: 'conditional_access',
    fix: CA_FIX,
    link: LINK.conditionalAccess,
  },
  {
    code: 50005,
    name: 'DevicePolicyError',
    meaning: 'The user signed in from a device platform that a Conditional Access policy does not support.',
    cause: 'A device-platform condition blocks the platform PowerShell runs on (often Linux or macOS, or an unknown platform reported by device code).',
    category: 'conditional_access',
    fix: CA_FIX,
    link: LINK.conditionalAccess,
  },
  {
    code: 50097,
    name: 'DeviceAuthenticationRequired',
    meaning: 'Device authentication is required for this sign-in.',
    cause: 'A device-based Conditional Access policy applies, and the sign-in did not present a device identity (no broker, no registered device).',
    category: 'conditional_access',
    fix: MANAGED_DEVICE_FIX,
    link: LINK.conditionalAccess,
  },
  {
    code: 50155,
    name: 'DeviceAuthenticationFailed',
    meaning: 'Device authentication failed for this user.',
    cause: "The machine's Entra device registration is broken (deleted, disabled or stale certificate), so a device-based policy cannot be evaluated.",
    category: 'conditional_access',
    fix: {
      summary: "Check the device's Entra registration (dsregcmd /status) and have it re-registered if needed, or connect from a healthy managed device.",
      runBy: 'admin',
      commands: ['dsregcmd /status', CONNECT_INTERACTIVE],
    },
    link: LINK.deviceIdentity,
  },
  {
    code: 50129,
    name: 'DeviceIsNotWorkplaceJoined',
    meaning: 'Workplace join (device registration) is required.',
    cause: 'A device-based Conditional Access policy expects a registered device and PowerShell runs on one that is not.',
    category: 'conditional_access',
    fix: MANAGED_DEVICE_FIX,
    link: LINK.conditionalAccess,
  },
  {
    code: 50127,
    name: 'BrokerAppNotInstalled',
    meaning: 'The user must install a broker app to get access to this content.',
    cause: 'A device-based policy needs a broker to present device state; on macOS this is usually Company Portal / the Enterprise SSO extension.',
    category: 'conditional_access',
    fix: MANAGED_DEVICE_FIX,
    link: LINK.conditionalAccess,
  },
  {
    code: 50131,
    name: 'ConditionalAccessFailed',
    meaning: 'A Conditional Access error: bad Windows device state, a request blocked for suspicious activity, or an access or security policy decision.',
    cause: 'A Conditional Access or security policy rejected the PowerShell sign-in; the sign-in log shows which.',
    category: 'conditional_access',
    fix: CA_FIX,
    link: LINK.conditionalAccess,
  },
  {
    code: 53005,
    name: 'ApplicationNeedsToEnforceIntuneProtectionPolicies',
    meaning: 'A Conditional Access policy requires an app protection (Intune MAM) policy, and the client is not an app that enforces one.',
    cause: 'A policy with the grant "require app protection policy" covers the resource; PowerShell and command-line tools cannot meet it.',
    category: 'conditional_access',
    fix: CA_FIX,
    link: LINK.conditionalAccess,
  },
  {
    code: 530084,
    name: 'BlockedByTokenProtection',
    meaning: 'A Conditional Access policy requires token protection (sign-in session tokens bound to the device), and this client or platform cannot bind them.',
    cause: 'Token protection applies to the resource or the client app; tools outside the supported Windows clients are blocked.',
    category: 'conditional_access',
    fix: CA_FIX,
    link: 'https://learn.microsoft.com/entra/identity/conditional-access/concept-token-protection',
  },
  {
    code: 530032,
    name: 'BlockedByConditionalAccessOnSecurityPolicy',
    meaning: 'A tenant-level security policy configured by the admin blocks this request.',
    cause: 'A tenant security policy (for example a block on authentication flows or risky sign-ins) applies to the PowerShell sign-in.',
    category: 'conditional_access',
    fix: CA_FIX,
    link: LINK.conditionalAccess,
  },
  {
    code: 530035,
    name: 'BlockedBySecurityDefaults',
    meaning: 'Security defaults blocked the sign-in because it used legacy authentication or was judged unsafe.',
    cause: 'Security defaults are on: a legacy Basic-auth session (New-PSSession -Authentication Basic) or another request deemed unsafe is refused.',
    category: 'conditional_access',
    fix: {
      summary: 'Use the current ExchangeOnlineManagement module with modern authentication and MFA (security defaults require MFA for admins).',
      runBy: 'admin',
      commands: ['Install-Module ExchangeOnlineManagement -Scope CurrentUser', CONNECT_INTERACTIVE],
    },
    link: LINK.securityDefaults,
  },
  {
    code: 70043,
    name: 'BadTokenDueToSignInFrequency',
    meaning: 'The refresh token expired or is invalid because of a Conditional Access sign-in frequency check.',
    cause: 'A sign-in frequency session control applies to Exchange Online; a long-running session or cached token is older than it allows.',
    category: 'conditional_access',
    fix: SIGN_IN_AGAIN,
    link: LINK.signInFrequency,
  },
  {
    code: 50142,
    name: 'Password change is required due to a Conditional Access policy',
    meaning: 'A Conditional Access policy requires the user to change the password before continuing.',
    cause: 'A user-risk policy with "require password change" applies to the admin account.',
    category: 'conditional_access',
    fix: PASSWORD_RESET_FIX,
    link: LINK.riskRemediation,
  },

  // ----- Account state and credentials ----------------------------------------------------------------------
  {
    code: 50034,
    name: 'UserAccountNotFound',
    meaning: 'The account is not in the directory: the username was mistyped, or the sign-in went to a tenant the user is not in.',
    cause: 'A typo in the UPN, or a UPN in a domain of another tenant (for example the on-premises UPN instead of the cloud one).',
    category: 'user_not_found',
    fix: {
      summary: 'Use the exact cloud UPN of the admin account (check it in the Microsoft 365 admin center), then connect.',
      runBy: 'admin',
      commands: [CONNECT_INTERACTIVE],
    },
    link: REFERENCE,
  },
  {
    code: 50128,
    name: 'Invalid domain name',
    meaning: 'No tenant-identifying information was found in the request or implied by the credentials.',
    cause: 'The UPN suffix is not a domain verified in any tenant (typo, or an on-premises-only suffix).',
    category: 'user_not_found',
    fix: {
      summary: 'Sign in with a UPN whose domain is verified in the tenant (or the contoso.onmicrosoft.com address).',
      runBy: 'admin',
      commands: [CONNECT_INTERACTIVE],
    },
    link: REFERENCE,
  },
  {
    code: 50057,
    name: 'UserDisabled',
    meaning: 'The user account is disabled (for a synced user, the on-premises AD object is disabled).',
    cause: 'The admin account was blocked from sign-in in Entra, or disabled in on-premises AD and synced.',
    category: 'account_disabled_or_locked',
    fix: {
      summary: 'Another admin re-enables the account in Entra (cloud user) or in on-premises AD followed by a sync (synced user).',
      runBy: 'another-admin',
      commands: [
        'Connect-MgGraph -Scopes User.ReadWrite.All',
        'Update-MgUser -UserId <upn> -AccountEnabled:$true',
        'Enable-ADAccount -Identity <sam-account-name>',
        'Start-ADSyncSyncCycle -PolicyType Delta',
      ],
    },
    link: `${TROUBLESHOOT}/error-code-aadsts50057-user-account-is-disabled`,
  },
  {
    code: 50053,
    name: 'IdsLocked',
    meaning:
      'Either the account is locked after too many wrong user ID or password attempts, or the sign-in came from an IP address with malicious activity.',
    cause: 'Smart lockout after repeated failures (often an old script retrying with a stale password), or the egress IP is flagged.',
    category: 'account_disabled_or_locked',
    fix: {
      summary:
        'Read the sign-in log failure reason. For a lockout, stop the failing script and wait for the lockout to expire (or unlock the synced AD account); ' +
        'for a flagged IP, connect from another network.',
      runBy: 'another-admin',
      commands: ['Connect-MgGraph -Scopes AuditLog.Read.All', SIGN_IN_LOG, 'Unlock-ADAccount -Identity <sam-account-name>'],
    },
    link: LINK.smartLockout,
  },
  {
    code: 53011,
    name: 'User blocked due to risk on home tenant',
    meaning: "The user is blocked because of risk detected in the user's home tenant.",
    cause: "A guest or partner admin's home tenant flagged the account as risky; the resource tenant inherits the block.",
    category: 'account_disabled_or_locked',
    fix: {
      summary: "An admin of the account's home tenant remediates the user risk (password change or dismiss risk).",
      runBy: 'another-admin',
      commands: ["Invoke-MgDismissRiskyUser -BodyParameter @{ userIds = @('<user-object-id>') }"],
    },
    link: LINK.riskRemediation,
  },
  {
    code: 530034,
    name: 'DelegatedAdminBlockedDueToSuspiciousActivity',
    meaning: "A delegated (partner) administrator was blocked from the tenant because of account risk in their home tenant.",
    cause: "Connecting with -DelegatedOrganization as a GDAP partner whose own account is flagged risky in the partner tenant.",
    category: 'account_disabled_or_locked',
    fix: {
      summary: "An admin of the partner tenant remediates the partner account's risk, then reconnect.",
      runBy: 'another-admin',
      commands: ["Invoke-MgDismissRiskyUser -BodyParameter @{ userIds = @('<user-object-id>') }"],
    },
    link: LINK.riskRemediation,
  },
  {
    code: 50126,
    name: 'InvalidUserNameOrPassword',
    meaning: 'The credentials could not be validated because the username or password is wrong.',
    cause: 'A wrong or outdated password, typically in a -Credential (ROPC) script; ROPC with federated users can also fail this way.',
    category: 'wrong_password',
    fix: {
      summary: 'Re-enter the password in an interactive sign-in; replace stored credentials in scripts with certificate-based app-only sign-in.',
      runBy: 'admin',
      commands: [CONNECT_INTERACTIVE, CONNECT_CBA],
    },
    link: REFERENCE,
  },
  {
    code: 50056,
    name: 'Invalid or null password',
    meaning: 'No password exists in the directory for this user; the user should enter the password again.',
    cause: 'The account has no cloud password (for example a passwordless or federated-to-managed transition) or the password was empty.',
    category: 'wrong_password',
    fix: PASSWORD_RESET_FIX,
    link: REFERENCE,
  },
  {
    code: 50064,
    name: 'CredentialAuthenticationError',
    meaning: 'Validating the username or password failed.',
    cause: 'Usually the same as 50126: the stored or typed password is wrong.',
    category: 'wrong_password',
    fix: { summary: 'Re-enter the credentials interactively.', runBy: 'admin', commands: [CONNECT_INTERACTIVE] },
    link: REFERENCE,
  },
  {
    code: 50055,
    name: 'InvalidPasswordExpiredPassword',
    meaning: "The user's password has expired; the user can reset it or ask an admin to.",
    cause: 'The admin account\'s cloud password expired; non-interactive flows cannot show the change-password page.',
    category: 'wrong_password',
    fix: PASSWORD_RESET_FIX,
    link: LINK.resetPassword,
  },
  {
    code: 50144,
    name: 'InvalidPasswordExpiredOnPremPassword',
    meaning: "The user's Active Directory password has expired and must be reset (new password or self-service reset).",
    cause: 'A synced admin account whose on-premises AD password expired (pass-through or federated authentication).',
    category: 'wrong_password',
    fix: { ...PASSWORD_RESET_FIX, summary: 'Change the on-premises AD password (or use SSPR with password writeback), then connect again.' },
    link: LINK.resetPassword,
  },
  {
    code: 50135,
    name: 'PasswordChangeCompromisedPassword',
    meaning: 'A password change is required because of account risk.',
    cause: 'Identity Protection considers the admin password leaked or the account risky.',
    category: 'wrong_password',
    fix: PASSWORD_RESET_FIX,
    link: LINK.riskRemediation,
  },
  {
    code: 130507,
    name: 'An access pass could not be found or verified for the user',
    meaning: 'The Temporary Access Pass entered could not be found or verified (not in the reference table).',
    cause: 'Signing in with a Temporary Access Pass that expired, was already used (one-time), or was mistyped.',
    category: 'wrong_password',
    fix: {
      summary: 'Another admin issues a new Temporary Access Pass; use it promptly to sign in and register a permanent method.',
      runBy: 'another-admin',
      commands: [
        'Connect-MgGraph -Scopes UserAuthenticationMethod.ReadWrite.All',
        'New-MgUserAuthenticationTemporaryAccessPassMethod -UserId <upn> -BodyParameter @{ lifetimeInMinutes = 60; isUsableOnce = $true }',
      ],
    },
    link: LINK.tap,
  },

  // ----- Guests, partners, wrong tenant -------------------------------------------------------------------
  {
    code: 50020,
    name: 'UserUnauthorized',
    meaning:
      'The account from the given identity provider does not exist in the tenant and cannot access the app there; it must be added as an external user first.',
    cause: 'A guest, personal Microsoft account or partner account without an invitation, or -DelegatedOrganization used without a GDAP relationship.',
    category: 'guest_or_wrong_tenant',
    fix: GUEST_FIX,
    link: `${TROUBLESHOOT}/error-code-aadsts50020-user-account-identity-provider-does-not-exist`,
  },
  {
    code: 16000,
    name: 'InteractionRequired',
    meaning: 'The account from the given identity provider does not exist in the tenant and must be added as an external user first.',
    cause: 'A personal Microsoft account, or a work account of another tenant, was picked in the account chooser.',
    category: 'guest_or_wrong_tenant',
    fix: { ...GUEST_FIX, summary: 'Sign out of the other account and sign in with the tenant\'s admin account.' },
    link: REFERENCE,
  },
  {
    code: 16003,
    name: 'SsoUserAccountNotFoundInResourceTenant',
    meaning: 'The user has not been explicitly added to the tenant.',
    cause: 'Single sign-on picked an account that is not a member or guest of the tenant being connected to.',
    category: 'guest_or_wrong_tenant',
    fix: GUEST_FIX,
    link: REFERENCE,
  },
  {
    code: 50107,
    name: 'InvalidRealmUri',
    meaning: 'The requested federation realm object does not exist; the sign-in request could not be matched to a known authentication endpoint.',
    cause: 'A guest redemption or federated sign-in points at a realm the tenant does not have (e.g. a removed federated domain).',
    category: 'guest_or_wrong_tenant',
    fix: GUEST_FIX,
    link: `${TROUBLESHOOT}/error-aadsts50107-guest-redemption-fails`,
  },
  {
    code: 500212,
    name: 'NotAllowedByOutboundPolicyTenant',
    meaning: "The user's own tenant has an outbound cross-tenant access policy that does not allow the resource tenant.",
    cause: "A partner or guest admin's home tenant blocks outbound access to the tenant being administered.",
    category: 'guest_or_wrong_tenant',
    fix: {
      summary: "An admin of the user's home tenant allows this tenant in the outbound cross-tenant access settings.",
      runBy: 'another-admin',
      commands: [],
    },
    link: LINK.crossTenantAccess,
  },
  {
    code: 500213,
    name: 'NotAllowedByInboundPolicyTenant',
    meaning: "The resource tenant's inbound cross-tenant access policy does not let this user in.",
    cause: 'The tenant being administered blocks inbound B2B access from the admin\'s home tenant.',
    category: 'guest_or_wrong_tenant',
    fix: {
      summary: 'An admin of the resource tenant allows the home tenant in the inbound cross-tenant access settings.',
      runBy: 'another-admin',
      commands: [],
    },
    link: LINK.crossTenantAccess,
  },
  {
    code: 90099,
    name: 'The application has not been authorized in the tenant',
    meaning: 'The application must be authorized (pre-consented) in the customer tenant before partner delegated administrators can use it.',
    cause: 'A partner admin uses -DelegatedOrganization (or a partner tool) with an app that was never consented in the customer tenant.',
    category: 'guest_or_wrong_tenant',
    fix: {
      summary: 'The partner pre-consents the application in the customer tenant (Partner Center API) or a customer admin grants consent.',
      runBy: 'another-admin',
      commands: [ADMIN_CONSENT_URL],
    },
    link: LINK.gdap,
  },

  // ----- The Exchange PowerShell app itself, consent, assignment -----------------------------------------
  {
    code: 7000229,
    name: 'MissingServicePrincipal',
    meaning: 'The client application has no service principal in the tenant asked (not in the reference table).',
    cause: 'App-only sign-in with an app that was never consented to (provisioned) in this tenant, or whose enterprise application was deleted: a retry does not help.',
    category: 'app_disabled_or_not_consented',
    fix: { summary: 'An admin of the tenant consents to the app, which creates its service principal, then the app signs in again.', runBy: 'another-admin', commands: [ADMIN_CONSENT_URL] },
    // Read so by CIPP-API's New-CippAuditLogSearchV2 (commit adf32422); Entra's own page gives the text.
    link: 'https://login.microsoftonline.com/error?code=7000229',
  },
  {
    code: 7000112,
    name: 'UnauthorizedClientApplicationDisabled',
    meaning: "The application is disabled: its service principal is disabled in the tenant.",
    cause:
      'An admin disabled the "Microsoft Exchange REST API Based Powershell" service principal (appId fb78d390-0c51-40cd-8e17-fdbfab77341b) to block PowerShell tenant-wide, or disabled the custom -AppId app.',
    category: 'app_disabled_or_not_consented',
    fix: {
      summary:
        'If the block was not intended, an admin (Application Administrator or higher) re-enables the service principal with Graph PowerShell ' +
        '(Enterprise apps > Microsoft Exchange REST API Based Powershell > Properties > Enabled for users to sign in).',
      runBy: 'another-admin',
      commands: [
        'Connect-MgGraph -Scopes Application.ReadWrite.All',
        FIND_EXO_SP,
        'Update-MgServicePrincipal -ServicePrincipalId $sp.Id -AccountEnabled:$true',
      ],
    },
    link: `${TROUBLESHOOT}/error-code-aadsts7000112-application-is-disabled`,
  },
  {
    code: 70001,
    name: 'UnauthorizedClient',
    meaning: 'The application is disabled.',
    cause: 'The client application (the module\'s or a custom -AppId) is disabled or not usable in this tenant.',
    category: 'app_disabled_or_not_consented',
    fix: {
      summary: 'An admin checks the enterprise application for the client ID and enables it (Enabled for users to sign in).',
      runBy: 'another-admin',
      commands: [
        'Connect-MgGraph -Scopes Application.ReadWrite.All',
        `$sp = Get-MgServicePrincipal -Filter "appId eq '<app-id>'"`,
        'Update-MgServicePrincipal -ServicePrincipalId $sp.Id -AccountEnabled:$true',
      ],
    },
    link: `${TROUBLESHOOT}/error-code-aadsts70001-app-not-found-in-directory`,
  },
  {
    code: 500014,
    name: 'InvalidResourceServicePrincipalDisabled',
    meaning: 'The service principal of the requested resource is disabled, because a subscription lapsed or an admin disabled it.',
    cause: 'The "Office 365 Exchange Online" service principal (appId 00000002-0000-0ff1-ce00-000000000000) is disabled, or the Exchange Online subscription expired.',
    category: 'app_disabled_or_not_consented',
    fix: {
      summary: 'Check the tenant\'s Exchange Online subscription; if the service principal was disabled by mistake, an admin re-enables it.',
      runBy: 'another-admin',
      commands: [
        'Connect-MgGraph -Scopes Application.ReadWrite.All',
        `$exo = Get-MgServicePrincipal -Filter "appId eq '${MICROSOFT_APPS.exchangeOnline}'"`,
        'Update-MgServicePrincipal -ServicePrincipalId $exo.Id -AccountEnabled:$true',
      ],
    },
    link: LINK.disableSignIn,
  },
  {
    code: 50105,
    name: 'EntitlementGrantsNotFound',
    meaning: 'The signed-in user is not assigned to a role for the application and must be assigned to it (directly or through a directly assigned group).',
    cause:
      'An admin turned on "Assignment required" for the Microsoft Exchange REST API Based Powershell enterprise app (appId fb78d390-0c51-40cd-8e17-fdbfab77341b) and this admin is not assigned.',
    category: 'app_disabled_or_not_consented',
    fix: {
      summary:
        'Another admin assigns the user (or a group it is directly in) to the enterprise app: Entra admin center > Enterprise apps > ' +
        'Microsoft Exchange REST API Based Powershell > Users and groups > Add user/group, or with Graph PowerShell.',
      runBy: 'another-admin',
      commands: [
        'Connect-MgGraph -Scopes AppRoleAssignment.ReadWrite.All, Application.Read.All, User.Read.All',
        FIND_EXO_SP,
        '$user = Get-MgUser -UserId <upn>',
        'New-MgServicePrincipalAppRoleAssignedTo -ServicePrincipalId $sp.Id -PrincipalId $user.Id -ResourceId $sp.Id -AppRoleId ([Guid]::Empty)',
      ],
    },
    link: `${TROUBLESHOOT}/error-code-aadsts50105-user-not-assigned-role`,
  },
  {
    code: 65001,
    name: 'DelegationDoesNotExist',
    meaning: 'The user or an administrator has not consented to the application; an interactive authorization request is needed.',
    cause: 'A custom -AppId registration without granted permissions on Office 365 Exchange Online; rare for the first-party Exchange PowerShell app.',
    category: 'app_disabled_or_not_consented',
    fix: {
      summary: 'An admin grants tenant-wide consent to the application (Enterprise apps > the app > Permissions > Grant admin consent).',
      runBy: 'another-admin',
      commands: [ADMIN_CONSENT_URL],
    },
    link: LINK.adminConsent,
  },
  {
    code: 65004,
    name: 'UserDeclinedConsent',
    meaning: 'The user declined consent to the app and must retry and consent.',
    cause: 'The consent prompt for a custom -AppId application was cancelled.',
    category: 'app_disabled_or_not_consented',
    fix: { summary: 'Connect again and accept the consent prompt, or ask an admin to grant consent for the tenant.', runBy: 'admin', commands: [ADMIN_CONSENT_URL] },
    link: LINK.adminConsent,
  },
  {
    code: 90094,
    name: 'AdminConsentRequired',
    meaning: 'Administrator consent is required.',
    cause: 'User consent is restricted in the tenant and the application (usually a custom -AppId) asks for permissions no admin has granted.',
    category: 'app_disabled_or_not_consented',
    fix: { summary: 'An admin grants tenant-wide consent to the application.', runBy: 'another-admin', commands: [ADMIN_CONSENT_URL] },
    link: LINK.adminConsent,
  },
  {
    code: 650052,
    name: "The app needs access to a service that your organization hasn't subscribed to or enabled",
    meaning: 'The app needs a service the organisation has not subscribed to or enabled.',
    cause: 'The tenant has no Exchange Online subscription (or it lapsed), so Office 365 Exchange Online is not available to grant.',
    category: 'app_disabled_or_not_consented',
    fix: { summary: 'Check that the tenant has an active Exchange Online licence/subscription in the Microsoft 365 admin center.', runBy: 'another-admin', commands: [] },
    link: REFERENCE,
  },

  // ----- Your own app registration (app-only certificate sign-in, custom -AppId) --------------------------------
  {
    // app_only_misconfigured, not wrong_cloud_environment: the module's own client (fb78d390-…) is first-party and present in
    // every tenant, so in practice this code means a custom -AppId (app-only CBA or own public client) that is wrong or registered
    // in another tenant. A wrong cloud shows first as 90038/500011; the cause text still names it.
    code: 700016,
    name: 'UnauthorizedClient_DoesNotMatchRequest',
    meaning:
      'The application was not found in the tenant: it was never installed or consented there, its identifier is wrong, or the request went to the wrong tenant.',
    cause:
      'The app is not in the tenant: a tool\'s or module\'s own app deleted or retired there (Intune PowerShell, PnP Management Shell), absent from a sovereign cloud, or never consented; with app-only sign-in, a wrong -AppId or another tenant\'s app.',
    // App missing from the tenant first: each of the four train transcripts carrying the code was a
    // tool's app deleted, retired or never consented; a wrong -AppId is the runner-up.
    category: 'app_disabled_or_not_consented',
    also: 'app_only_misconfigured',
    fix: {
      summary: 'Look the app up in the tenant: if it is missing, have an admin consent to it (or use the tool\'s current app); with -AppId, check it is the Application (client) ID of a registration in the tenant named by -Organization, in that tenant\'s cloud.',
      runBy: 'admin',
      commands: [`Get-MgServicePrincipal -Filter "appId eq '<app-id>'" | Format-List DisplayName, AppId, AccountEnabled, AppOwnerOrganizationId`, CONNECT_CBA],
    },
    link: LINK.appOnly,
  },
  {
    code: 700011,
    name: 'UnauthorizedClientAppNotFoundInOrgIdTenant',
    meaning: 'A client application asked for a token from the tenant but does not exist in it.',
    cause: 'Same as 700016: the -AppId is wrong or belongs to another tenant.',
    category: 'app_only_misconfigured',
    fix: {
      summary: 'Use the Application (client) ID of an app registered in (or consented to by) the target tenant.',
      runBy: 'admin',
      commands: [`Get-MgServicePrincipal -Filter "appId eq '<app-id>'"`, CONNECT_CBA],
    },
    link: LINK.appOnly,
  },
  {
    code: 650059,
    name: 'The application is not configured for use in the tenant',
    meaning: "The application's signInAudience (AzureADMyOrg) limits it to its own tenant.",
    cause: 'A single-tenant app registration used for app-only sign-in against another tenant (-Organization of a customer).',
    category: 'app_only_misconfigured',
    fix: {
      summary: 'Register the app in the target tenant, or make it multitenant and have the target tenant admin consent to it.',
      runBy: 'admin',
      commands: [ADMIN_CONSENT_URL],
    },
    link: LINK.appOnly,
  },
  {
    code: 700027,
    name: 'Client assertion failed signature validation',
    meaning: 'The signed client assertion did not validate: the app signed in without the necessary or correct credentials.',
    cause:
      'App-only sign-in with a certificate that is not uploaded to the app registration (wrong thumbprint, renewed or different certificate), or a key the module cannot use (CNG/KSP).',
    category: 'app_only_misconfigured',
    fix: APP_CERT_FIX,
    link: LINK.appOnly,
  },
  {
    code: 50012,
    name: 'AuthenticationFailed',
    meaning:
      'Authentication failed, for example because the signing certificate, its chain, subject or thumbprint is not valid or authorized, or the client assertion signature is invalid.',
    cause: 'App-only sign-in with a certificate that is expired, not yet valid, or not the one registered on the app.',
    category: 'app_only_misconfigured',
    fix: APP_CERT_FIX,
    link: REFERENCE,
  },
  {
    code: 700021,
    name: "Client assertion application identifier doesn't match 'client_id' parameter",
    meaning: 'The issuer/subject of the client assertion does not match the client_id sent with it (not in the reference table).',
    cause: 'A custom token script or connector signs the assertion with one app ID and sends another as client_id.',
    category: 'app_only_misconfigured',
    fix: {
      summary: 'Use the same Application (client) ID in the assertion and in -AppId / client_id.',
      runBy: 'admin',
      commands: [CONNECT_CBA],
    },
    link: lookup(700021),
  },
  {
    code: 700024,
    name: 'Client assertion is not within its valid time range',
    meaning: 'The client assertion was presented outside its validity window (nbf/exp); not in the reference table.',
    cause:
      'The clock of the machine running app-only (certificate) sign-in is wrong by several minutes, or a pre-built assertion was reused after it expired (MSAL assertions live about 10 minutes).',
    category: 'clock_skew',
    fix: CLOCK_FIX,
    link: LINK.certificateCredentials,
  },
  {
    code: 7000215,
    name: 'Invalid client secret is provided',
    meaning: 'The client secret sent is not valid for the application.',
    cause: 'A custom token script uses the secret\'s ID instead of its value, or an old secret; the module itself does not use secrets.',
    category: 'app_only_misconfigured',
    fix: SECRET_FIX,
    link: LINK.appOnly,
  },
  {
    code: 7000222,
    name: 'InvalidClientSecretExpiredKeysProvided',
    meaning: "The application's client secret has expired; create new keys or use a certificate credential.",
    cause: 'A custom token script authenticates with an expired client secret.',
    category: 'app_only_misconfigured',
    fix: SECRET_FIX,
    link: LINK.certificateCredentials,
  },
  {
    code: 7000218,
    name: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'",
    meaning: 'The token request carried no client credential, which this (confidential) client requires.',
    cause:
      'A custom -AppId registration used for device code or interactive sign-in without "Allow public client flows", or an app-only request without the certificate.',
    category: 'app_only_misconfigured',
    fix: {
      summary: 'For delegated sign-in with your own app, enable "Allow public client flows" on the registration; for app-only, pass the certificate.',
      runBy: 'admin',
      commands: ['Update-MgApplication -ApplicationId <object-id> -IsFallbackPublicClient:$true', CONNECT_CBA],
    },
    link: `${TROUBLESHOOT}/confidential-client-application-authentication-error-aadsts7000218`,
  },
  {
    code: 700025,
    name: 'InvalidClientPublicClientWithCredential',
    meaning: 'The client is public, so neither client_assertion nor client_secret may be sent.',
    cause: 'A certificate or secret is sent with a registration marked as a public client (or with the module\'s own public client ID).',
    category: 'app_only_misconfigured',
    fix: {
      summary: 'Use a separate confidential app registration for app-only sign-in (with Exchange.ManageAsApp), not a public client.',
      runBy: 'admin',
      commands: [CONNECT_CBA],
    },
    link: LINK.appOnly,
  },
  {
    code: 50011,
    name: 'InvalidReplyTo',
    meaning: "The reply (redirect) address is missing, misconfigured, or not one of the app's registered reply addresses.",
    cause: 'A custom -AppId registration lacks the redirect URI MSAL uses (http://localhost, the nativeclient URI, or the WAM broker URI).',
    category: 'app_only_misconfigured',
    fix: {
      summary: 'Add the redirect URIs the module uses to the app registration (Authentication > Mobile and desktop applications).',
      runBy: 'admin',
      commands: [
        'Update-MgApplication -ApplicationId <object-id> -PublicClient @{ RedirectUris = @("http://localhost", "https://login.microsoftonline.com/common/oauth2/nativeclient", "ms-appx-web://microsoft.aad.brokerplugin/<app-id>") }',
      ],
    },
    link: `${TROUBLESHOOT}/error-code-aadsts50011-reply-url-mismatch`,
  },
  {
    code: 50194,
    name: "Application isn't configured as a multitenant application",
    meaning: 'A single-tenant application was used with the /common endpoint, which newer single-tenant apps may not use.',
    cause: 'A custom -AppId single-tenant registration signs in without naming the tenant (no -Organization / tenant authority).',
    category: 'app_only_misconfigured',
    fix: { summary: 'Name the tenant (-Organization contoso.onmicrosoft.com) or make the app multitenant.', runBy: 'admin', commands: [CONNECT_CBA] },
    link: REFERENCE,
  },
  {
    code: 50059,
    name: 'MissingTenantRealmAndNoUserInformationProvided',
    meaning: 'No tenant-identifying information was found in the request or implied by the credentials.',
    cause: 'App-only or a custom token request sent to /common or /organizations without a tenant (for example a missing -Organization).',
    category: 'app_only_misconfigured',
    fix: { summary: 'Name the tenant: -Organization contoso.onmicrosoft.com (app-only) or a tenant-specific authority.', runBy: 'admin', commands: [CONNECT_CBA] },
    link: REFERENCE,
  },
  {
    code: 90019,
    name: 'MissingTenantRealm',
    meaning: 'Entra could not determine the tenant from the request.',
    cause: 'As 50059: a token request without a tenant, typical of app-only sign-in with no -Organization.',
    category: 'app_only_misconfigured',
    fix: { summary: 'Pass the tenant explicitly (-Organization contoso.onmicrosoft.com).', runBy: 'admin', commands: [CONNECT_CBA] },
    link: REFERENCE,
  },
  {
    code: 9001023,
    name: "The grant type isn't supported over the /common or /consumers endpoints",
    meaning: 'This grant type must use the /organizations or a tenant-specific endpoint.',
    cause: 'An app-only (client-credentials) request sent to /common, i.e. without the tenant.',
    category: 'app_only_misconfigured',
    fix: { summary: 'Send the request to the tenant (-Organization contoso.onmicrosoft.com).', runBy: 'admin', commands: [CONNECT_CBA] },
    link: REFERENCE,
  },
  {
    code: 70011,
    name: 'InvalidScope',
    meaning: 'The scope requested by the app is not valid.',
    cause:
      'A custom token request for Exchange uses a wrong scope: app-only needs https://outlook.office365.com/.default (the cloud\'s Exchange host in sovereign clouds).',
    category: 'app_only_misconfigured',
    fix: {
      summary: 'Request the scope https://outlook.office365.com/.default (or the sovereign-cloud equivalent); the module does this itself.',
      runBy: 'admin',
      commands: [CONNECT_CBA],
    },
    link: LINK.appOnly,
  },
  {
    code: 700023,
    name: 'InvalidResourcelessScope',
    meaning: 'The scope requested is not valid for an access token (it names no resource).',
    cause: 'A custom script requests a bare permission such as Exchange.ManageAsApp instead of https://outlook.office365.com/.default.',
    category: 'app_only_misconfigured',
    fix: { summary: 'Request https://outlook.office365.com/.default.', runBy: 'admin', commands: [CONNECT_CBA] },
    link: LINK.appOnly,
  },
  {
    code: 650056,
    name: 'Misconfigured application',
    meaning:
      'The client lists no permissions for the resource, or the admin has not consented, or the app identifier or certificate in the request does not match.',
    cause: 'The app registration used for app-only lacks the Office 365 Exchange Online Exchange.ManageAsApp application permission or its admin consent.',
    category: 'app_disabled_or_not_consented',
    fix: {
      summary:
        'Add API permission Office 365 Exchange Online > Application permissions > Exchange.ManageAsApp to the registration, grant admin consent, ' +
        'and assign the app an Exchange role (e.g. Exchange Administrator).',
      runBy: 'another-admin',
      commands: [
        ADMIN_CONSENT_URL,
        `New-MgRoleManagementDirectoryRoleAssignment -PrincipalId <sp-object-id> -RoleDefinitionId ${EXCHANGE_ADMIN_ROLE_ID} -DirectoryScopeId "/"`,
      ],
    },
    link: `${TROUBLESHOOT}/error-code-aadsts650056-misconfigured-app`,
  },
  {
    code: 650057,
    name: 'Invalid resource',
    meaning: "The client asked for a resource that is not in the requested permissions of its app registration.",
    cause: 'The app registration has no permission on Office 365 Exchange Online, yet requests an Exchange token.',
    category: 'app_only_misconfigured',
    fix: {
      summary: 'Add the Office 365 Exchange Online permission (Exchange.ManageAsApp for app-only) and grant admin consent.',
      runBy: 'another-admin',
      commands: [ADMIN_CONSENT_URL],
    },
    link: LINK.appOnly,
  },

  // ----- Clouds and tenants ----------------------------------------------------------------------------
  {
    code: 90002,
    name: 'InvalidTenantName',
    meaning: 'The tenant was not found: often an app used against the wrong cloud, or a tenant derived from a domain that is not registered.',
    cause: 'The tenant lives in a sovereign cloud (GCC High, DoD, 21Vianet) but the commercial login was used, or -Organization / the UPN domain is mistyped or unverified.',
    category: 'wrong_cloud_environment',
    fix: { ...CLOUD_FIX, summary: `${CLOUD_FIX.summary} If the domain itself is wrong, use the tenant's verified or contoso.onmicrosoft.com domain.` },
    link: LINK.nationalClouds,
  },
  {
    code: 900023,
    name: 'InvalidTenantIdentifier',
    meaning: 'The tenant identifier sent is neither a tenant id nor a domain Entra knows (not in the reference table).',
    cause: 'A mistyped -Organization, -DelegatedOrganization or tenant id, or a domain that is not a verified domain of any tenant (tools such as CIPP read it as "check the selected tenant").',
    category: 'guest_or_wrong_tenant',
    fix: { summary: "Pass the tenant's id or its verified domain (<tenant>.onmicrosoft.com) exactly.", runBy: 'admin', commands: ['Connect-ExchangeOnline -UserPrincipalName <upn> -DelegatedOrganization <tenant>.onmicrosoft.com'] },
    // Read so by CIPP-API's Get-NormalizedError (commit adf32422); Entra's own page gives the text.
    link: 'https://login.microsoftonline.com/error?code=900023',
  },
  {
    code: 90038,
    name: 'NationalCloudTenantRedirection',
    meaning: 'The tenant belongs to a national cloud that the cloud instance asked does not federate with.',
    cause: 'Connecting to a GCC High, DoD or 21Vianet tenant without the matching -ExchangeEnvironmentName.',
    category: 'wrong_cloud_environment',
    fix: CLOUD_FIX,
    link: LINK.connect,
  },
  {
    code: 500011,
    name: 'InvalidResourceServicePrincipalNotFound',
    meaning: 'The requested resource principal was not found in the tenant: not installed or consented there, or the request went to the wrong tenant.',
    cause:
      'An Exchange token (https://outlook.office365.com) requested in a tenant without Exchange Online, or for the commercial Exchange host in a sovereign-cloud tenant.',
    category: 'wrong_cloud_environment',
    fix: { ...CLOUD_FIX, summary: `${CLOUD_FIX.summary} Also check that the tenant has Exchange Online.` },
    link: `${TROUBLESHOOT}/error-code-aadsts500011-resource-principal-not-found`,
  },
  {
    code: 50001,
    name: 'InvalidResource',
    meaning: 'The resource is disabled or does not exist; the exact resource URL requested should be checked.',
    cause: 'The Exchange resource URL does not match the cloud (e.g. outlook.office365.us requested at the commercial login) or is mistyped.',
    category: 'wrong_cloud_environment',
    fix: CLOUD_FIX,
    link: REFERENCE,
  },
  {
    code: 900432,
    name: "Confidential Client isn't supported in Cross Cloud request",
    meaning: 'A confidential client (app-only) request cannot cross clouds.',
    cause: 'App-only sign-in for a sovereign-cloud tenant sent to the commercial login (no -ExchangeEnvironmentName).',
    category: 'wrong_cloud_environment',
    fix: {
      summary: "Register the app in the tenant's cloud and connect with its -ExchangeEnvironmentName.",
      runBy: 'admin',
      commands: [
        OPENID_CLOUD,
        'Connect-ExchangeOnline -ExchangeEnvironmentName O365USGovGCCHigh -CertificateThumbprint <thumbprint> -AppId <app-id> -Organization <tenant>.onmicrosoft.us',
      ],
    },
    link: LINK.nationalClouds,
  },
  {
    code: 1000104,
    name: 'XCB2BResourceCloudNotAllowedOnIdentityTenant',
    meaning: "The resource's cloud is not allowed for the cloud the signing-in identity comes from.",
    cause: 'A guest or partner from one cloud (e.g. commercial) administering a tenant in another (e.g. GCC High) without cross-cloud settings.',
    category: 'wrong_cloud_environment',
    fix: {
      summary: 'Use an account of the tenant\'s own cloud, or have both tenants configure cross-cloud B2B settings.',
      runBy: 'another-admin',
      commands: [CONNECT_GCC_HIGH],
    },
    link: LINK.crossTenantAccess,
  },
  {
    code: 90051,
    name: 'InvalidNationalCloudId',
    meaning: 'The national cloud identifier is not valid.',
    cause: 'A wrong or unsupported -ExchangeEnvironmentName / authority host combination.',
    category: 'wrong_cloud_environment',
    fix: CLOUD_FIX,
    link: LINK.nationalClouds,
  },
  {
    code: 50049,
    name: 'NoSuchInstanceForDiscovery',
    meaning: 'The cloud instance is unknown or invalid.',
    cause: 'A custom authority host that is not an Entra login host (typo, or a proxy/DNS answering for it).',
    category: 'wrong_cloud_environment',
    fix: CLOUD_FIX,
    link: LINK.nationalClouds,
  },

  // ----- Proxy and tenant restrictions; DNS ------------------------------------------------------------
  {
    code: 500021,
    name: "Access to '{tenant}' tenant is denied",
    meaning: 'Tenant restrictions are configured and the tenant is not in the allowed list of the Restrict-Access-To-Tenants header.',
    cause: 'The corporate proxy injects tenant-restriction headers that do not include the tenant being administered.',
    category: 'proxy',
    fix: TENANT_RESTRICTIONS_FIX,
    link: LINK.tenantRestrictions,
  },
  {
    code: 500022,
    name: "Access to '{tenant}' tenant is denied",
    meaning: 'Tenant restrictions are configured and the tenant is not in the allowed list of the Restrict-Access-To-Tenants header.',
    cause: 'As 500021: the proxy\'s tenant-restriction header (or a tenant restrictions v2 policy) does not allow this tenant.',
    category: 'proxy',
    fix: TENANT_RESTRICTIONS_FIX,
    link: LINK.tenantRestrictions,
  },
  {
    code: 50002,
    name: 'NotAllowedTenant',
    meaning: 'Sign-in failed because of restricted proxy access on the tenant; a tenant that set it can change its restricted-tenant settings.',
    cause: 'A tenant-restriction proxy policy on the network blocks sign-in to this tenant.',
    category: 'proxy',
    fix: TENANT_RESTRICTIONS_FIX,
    link: LINK.tenantRestrictions,
  },
  {
    code: 50192,
    name: 'RawCredentialExpectedNotFound',
    meaning: 'No credential was included: for example, in certificate-based user sign-in no certificate was sent, or a proxy removed it.',
    cause: "A TLS-inspecting proxy strips the admin's client certificate (smart card / Entra certificate-based sign-in) on certauth.login.microsoftonline.com.",
    category: 'tls_interception',
    fix: {
      summary: 'Exempt *.certauth.login.microsoftonline.com (and the other Entra sign-in hosts) from TLS inspection, or use another sign-in method.',
      runBy: 'network-team',
      commands: [],
    },
    link: LINK.userCba,
  },
  {
    code: 230109,
    name: 'CachedCredentialNonGWAuthNRequestsNotSupported',
    meaning: 'The backup authentication service only accepts requests through the Entra gateway, and this traffic reached it directly.',
    cause: 'A hosts-file entry, DNS override or proxy rule pins an Entra login name to a fixed address instead of the normal gateway.',
    category: 'dns',
    fix: {
      summary: 'Remove hosts-file or DNS overrides for login.microsoftonline.com and let it resolve normally.',
      runBy: 'network-team',
      commands: ['Resolve-DnsName login.microsoftonline.com', 'Get-Content $env:SystemRoot\\System32\\drivers\\etc\\hosts'],
    },
    link: REFERENCE,
  },

  // ----- Device code flow -------------------------------------------------------------------------------
  {
    code: 70016,
    name: 'AuthorizationPending',
    meaning: 'Device flow: the user has not finished authorizing yet; the client keeps polling.',
    cause: 'Normal while Connect-ExchangeOnline -Device (or the doctor) waits for the code to be entered.',
    category: 'other',
    fix: { summary: 'Nothing to fix: enter the code at the device login page; polling continues until then.', runBy: 'admin', commands: [] },
    link: LINK.deviceCode,
    benign: true,
  },
  {
    code: 70018,
    name: 'BadVerificationCode',
    meaning: 'Device flow: the user typed a wrong user code, so authorization was not approved.',
    cause: 'The code shown by Connect-ExchangeOnline -Device was mistyped.',
    category: 'other',
    fix: DEVICE_CODE_RETRY,
    link: LINK.deviceCode,
  },
  {
    code: 70019,
    name: 'CodeExpired',
    meaning: 'Device flow: the verification code expired; the user must start again.',
    cause: 'The device code was not entered before it expired.',
    category: 'other',
    fix: DEVICE_CODE_RETRY,
    link: LINK.deviceCode,
  },
  {
    code: 90119,
    name: 'InvalidUserCode',
    meaning: 'Device flow: the user code is null or empty.',
    cause: 'The device-code page was submitted without a code.',
    category: 'other',
    fix: DEVICE_CODE_RETRY,
    link: LINK.deviceCode,
  },
  {
    code: 90120,
    name: 'InvalidDeviceFlowRequest',
    meaning: 'Device flow: the request was already authorized or declined.',
    cause: 'The same device code was used twice, or the sign-in was declined on the device-code page.',
    category: 'other',
    fix: DEVICE_CODE_RETRY,
    link: LINK.deviceCode,
  },
  {
    code: 50134,
    name: 'DeviceFlowAuthorizeWrongDatacenter',
    meaning: 'Device flow: the authorizing party must be in the same data centre as the original request.',
    cause: 'The device code was entered in a session served by another region or cloud (e.g. a sovereign-cloud login page).',
    category: 'other',
    fix: { ...DEVICE_CODE_RETRY, summary: 'Start again and enter the code at the device login URL printed for the same cloud.' },
    link: LINK.deviceCode,
  },

  // ----- Token and session lifecycle ----------------------------------------------------------------------
  {
    code: 50173,
    name: 'FreshTokenNeeded',
    meaning: 'The grant was revoked (by an admin or the user, e.g. after a password change or reset) and a fresh sign-in is needed.',
    cause: "The admin's password changed or sessions were revoked while an Exchange session or cached refresh token was still in use: the cached sign-in is no longer good, the new password is needed.",
    category: 'wrong_password',
    fix: SIGN_IN_AGAIN,
    link: `${TROUBLESHOOT}/error-code-aadsts50173-grant-expired-revoked`,
  },
  {
    code: 70008,
    name: 'ExpiredOrRevokedGrant',
    meaning: 'The refresh token expired because it was not used for a long time.',
    cause: 'A cached token of a previous Exchange session was reused after a long idle period.',
    category: 'other',
    fix: SIGN_IN_AGAIN,
    link: LINK.refreshTokens,
  },
  {
    code: 700082,
    name: 'ExpiredOrRevokedGrantInactiveToken',
    meaning: 'The refresh token expired through inactivity, an expected part of the token lifecycle.',
    cause: 'As 70008: the cached refresh token was idle too long (about 90 days by default).',
    category: 'other',
    fix: SIGN_IN_AGAIN,
    link: LINK.refreshTokens,
  },
  {
    code: 70000,
    name: 'InvalidGrant',
    meaning: 'Authentication failed: the refresh token (or other grant) is not valid.',
    cause: 'A cached or replayed grant that is no longer valid, or scopes the grant does not cover.',
    category: 'other',
    fix: SIGN_IN_AGAIN,
    link: REFERENCE,
  },
  {
    code: 50132,
    name: 'SsoArtifactInvalidOrExpired',
    meaning: 'The session is not valid because the password expired or changed recently.',
    cause: 'The single sign-on session used by the module predates a password change.',
    category: 'other',
    fix: SIGN_IN_AGAIN,
    link: REFERENCE,
  },
  {
    code: 50133,
    name: 'SsoArtifactRevoked',
    meaning: 'The session is not valid because the password expired or changed recently.',
    cause: 'The single sign-on session or refresh token used by the module was revoked by a password change.',
    category: 'other',
    fix: SIGN_IN_AGAIN,
    link: REFERENCE,
  },
  {
    code: 50089,
    name: 'Authentication failed due to flow token expired',
    meaning: 'The sign-in flow token expired; auth codes, refresh tokens and sessions expire over time or are revoked.',
    cause: 'The interactive sign-in window was left open too long before finishing.',
    category: 'other',
    fix: SIGN_IN_AGAIN,
    link: REFERENCE,
  },
  {
    code: 50058,
    name: 'UserInformationNotProvided',
    meaning: 'The session information is not enough for single sign-on: the user is not signed in (expected for silent requests).',
    cause: 'A silent (prompt=none) token request without a usable session, e.g. a script reusing a module session that ended.',
    category: 'other',
    fix: { summary: 'Sign in interactively.', runBy: 'admin', commands: [CONNECT_INTERACTIVE] },
    link: REFERENCE,
  },
  {
    code: 54005,
    name: 'OAuth2 authorization code was already redeemed',
    meaning: 'The authorization code was already used; retry with a new code or an existing refresh token.',
    cause: 'The same authorization code was redeemed twice, e.g. a retried interactive sign-in.',
    category: 'other',
    fix: SIGN_IN_AGAIN,
    link: REFERENCE,
  },
  {
    code: 501481,
    name: "The Code_Verifier doesn't match the code_challenge",
    meaning: 'The PKCE code_verifier does not match the code_challenge of the authorization request.',
    cause: 'An interactive sign-in mixed up two attempts (two windows), or a client bug.',
    category: 'other',
    fix: SIGN_IN_AGAIN,
    link: REFERENCE,
  },
  {
    code: 9002341,
    name: 'V2Error: invalid_grant - user is required to permit single sign-on',
    meaning: 'The user has not allowed the application to use single sign-on and must be sent to the consent screen.',
    cause: 'Windows SSO (WAM, the default broker from module 3.7) needs the user to permit SSO first.',
    category: 'other',
    fix: {
      summary: 'Connect interactively and allow sign-in when Windows asks; if it keeps failing, connect with -DisableWAM.',
      runBy: 'admin',
      commands: [CONNECT_INTERACTIVE, 'Connect-ExchangeOnline -UserPrincipalName <upn> -DisableWAM'],
    },
    link: REFERENCE,
  },
  {
    code: 50125,
    name: 'PasswordResetRegistrationRequiredInterrupt',
    meaning: 'Sign-in was interrupted for a password reset or password-reset registration step.',
    cause: 'SSPR registration is enforced for the admin; a non-interactive flow cannot show it.',
    category: 'other',
    fix: { summary: 'Sign in interactively and complete the registration.', runBy: 'admin', commands: ['https://aka.ms/mysecurityinfo', CONNECT_INTERACTIVE] },
    link: LINK.registration,
  },
  {
    code: 50140,
    name: 'KmsiInterrupt',
    meaning: 'The "Keep me signed in" prompt interrupted the sign-in: an expected part of the flow.',
    cause: 'Normal during an interactive browser sign-in; it is logged, not a failure.',
    category: 'other',
    fix: { summary: 'Nothing to fix: answer the "Stay signed in?" prompt.', runBy: 'admin', commands: [] },
    link: REFERENCE,
    benign: true,
  },
  {
    code: 50199,
    name: 'CmsiInterrupt',
    meaning: 'For security, the user is asked to confirm the app they are signing into; no action is required.',
    cause: 'Normal when a native client (the module) signs in through a system webview; it is logged, not a failure.',
    category: 'other',
    fix: { summary: 'Nothing to fix: confirm the prompt and continue.', runBy: 'admin', commands: [] },
    link: REFERENCE,
    benign: true,
  },

  // ----- Device registration keys (WAM / primary refresh token) -----------------------------------------------
  {
    code: 135010,
    name: 'KeyNotFound',
    meaning: 'A key needed for the sign-in was not found.',
    cause: "On Windows with WAM, the device's Entra registration key is missing or the device object was deleted, so the broker cannot sign in.",
    category: 'other',
    fix: {
      summary: "Check the device's registration (dsregcmd /status) and re-register it; meanwhile connect with -DisableWAM.",
      runBy: 'admin',
      commands: ['dsregcmd /status', 'Connect-ExchangeOnline -UserPrincipalName <upn> -DisableWAM'],
    },
    link: LINK.deviceIdentity,
  },
  {
    code: 135011,
    name: 'Device used during the authentication is disabled',
    meaning: 'The device used during authentication is disabled.',
    cause: "The Windows device's object in Entra was disabled, so the WAM broker's device-based sign-in fails.",
    category: 'other',
    fix: {
      summary: 'Have the device re-enabled in Entra (Devices), or connect with -DisableWAM or from another device.',
      runBy: 'another-admin',
      commands: ['dsregcmd /status', 'Connect-ExchangeOnline -UserPrincipalName <upn> -DisableWAM'],
    },
    link: LINK.deviceIdentity,
  },

  // ----- Certificate-based user sign-in, federation, pass-through -------------------------------------------
  {
    code: 50017,
    name: 'CertificateValidationFailed',
    meaning: 'Certificate validation failed: issuing CA not trusted, or the CRL could not be found, retrieved or downloaded in time.',
    cause: "Entra certificate-based (smart card) sign-in for the admin, with the tenant's CA configuration or CRL publishing broken.",
    category: 'other',
    fix: { summary: "A tenant admin checks the certificate authorities and CRL URLs configured for certificate-based authentication.", runBy: 'another-admin', commands: [] },
    link: `${TROUBLESHOOT}/error-code-aadsts50017-certificate-based-authentication-failed`,
  },
  {
    code: 220501,
    name: 'InvalidCrlDownload',
    meaning: 'The certificate revocation list could not be downloaded.',
    cause: "Certificate-based (smart card) sign-in where the CA's CRL URL is unreachable from Entra or too large.",
    category: 'other',
    fix: { summary: 'A tenant admin makes the CRL distribution point publicly reachable, or updates the CA configuration.', runBy: 'another-admin', commands: [] },
    link: `${TROUBLESHOOT}/error-code-aadsts220501-unable-to-download-certificate-revocation-list`,
  },
  {
    code: 50008,
    name: 'InvalidSamlToken',
    meaning: 'The SAML assertion from the federation provider is missing or misconfigured.',
    cause: 'A federated admin domain (AD FS or third-party IdP) issues a bad token, e.g. a wrong ImmutableID/UPN claim or expired signing certificate.',
    category: 'other',
    fix: { summary: 'The federation (AD FS / IdP) administrators fix the relying party trust, claims or signing certificate.', runBy: 'another-admin', commands: [] },
    link: REFERENCE,
  },
  {
    code: 20001,
    name: 'WsFedSignInResponseError',
    meaning: 'There is an issue with the federated identity provider.',
    cause: "The admin's domain is federated and the IdP (AD FS) returned an error; legacy -Credential (WS-Trust) sign-ins are most affected.",
    category: 'other',
    fix: { summary: 'Contact the IdP / AD FS administrators; sign in interactively in the meantime.', runBy: 'another-admin', commands: [CONNECT_INTERACTIVE] },
    link: REFERENCE,
  },
  {
    code: 90123,
    name: 'IdentityProviderAccessDenied',
    meaning: 'The identity or claim issuance provider denied the request, so no token can be issued.',
    cause: 'The federated IdP (AD FS access-control policy or third-party IdP) refused the admin sign-in.',
    category: 'other',
    fix: { summary: 'The IdP administrators check their access-control policy for this user and relying party.', runBy: 'another-admin', commands: [] },
    link: REFERENCE,
  },
  {
    code: 80001,
    name: 'OnPremiseStoreIsNotAvailable',
    meaning: 'The pass-through Authentication Agent cannot connect to Active Directory.',
    cause: "The admin account uses pass-through authentication and the tenant's on-premises agents cannot reach a domain controller.",
    category: 'other',
    fix: { summary: 'The identity team checks the pass-through authentication agents and their connectivity to AD.', runBy: 'another-admin', commands: [] },
    link: LINK.pta,
  },
  {
    code: 80002,
    name: 'OnPremisePasswordValidatorRequestTimedout',
    meaning: 'The pass-through password validation request timed out.',
    cause: "Pass-through authentication agents or domain controllers are slow or unavailable.",
    category: 'other',
    fix: { summary: 'The identity team checks AD availability and the pass-through authentication agents.', runBy: 'another-admin', commands: [] },
    link: LINK.pta,
  },

  // ----- Throttling, client loops, service problems -------------------------------------------------------
  {
    code: 50196,
    name: 'LoopDetected',
    meaning: 'A client loop was detected: the app made too many identical requests in a short time and should cache tokens and handle errors.',
    cause: 'A script calls Connect-ExchangeOnline in a loop (per item or per retry) instead of connecting once and reusing the session.',
    category: 'throttling',
    fix: {
      summary: 'Connect once per script and reuse the session; add back-off to retries.',
      runBy: 'admin',
      commands: ['Get-ConnectionInformation', CONNECT_INTERACTIVE],
    },
    link: REFERENCE,
  },
  {
    code: 90055,
    name: 'TenantThrottlingError',
    meaning: 'Too many incoming requests; the tenant is being throttled.',
    cause: 'Many parallel scripts or jobs in the tenant request tokens at once.',
    category: 'throttling',
    fix: { summary: 'Reduce parallel sign-ins, reuse tokens and sessions, and retry later with back-off.', runBy: 'admin', commands: [] },
    link: REFERENCE,
  },
  {
    code: 50088,
    name: 'Limit on telecom MFA calls reached',
    meaning: 'The limit of telephone MFA calls was reached; try again in a few minutes.',
    cause: 'Repeated connection attempts triggered many phone-call MFA prompts.',
    category: 'throttling',
    fix: { summary: 'Wait a few minutes, then use the Authenticator app rather than phone calls.', runBy: 'admin', commands: ['https://aka.ms/mysecurityinfo'] },
    link: REFERENCE,
  },
  {
    code: 50087,
    name: 'SasRetryableError',
    meaning: 'A transient error happened during strong authentication; try again.',
    cause: 'A temporary MFA service problem.',
    category: 'service_outage',
    fix: RETRY_LATER,
    link: LINK.serviceHealth,
  },
  {
    code: 50000,
    name: 'TokenIssuanceError',
    meaning: 'There is an issue with the sign-in service; open a support ticket if it persists.',
    cause: 'An Entra sign-in service fault, not the admin\'s configuration.',
    category: 'service_outage',
    fix: RETRY_LATER,
    link: `${TROUBLESHOOT}/error-code-aadsts50000-issuing-token-sign-in-service`,
  },
  {
    code: 50033,
    name: 'RetryableError',
    meaning: 'A transient error unrelated to database operations.',
    cause: 'A temporary Entra service fault.',
    category: 'service_outage',
    fix: RETRY_LATER,
    link: LINK.serviceHealth,
  },
  {
    code: 90006,
    name: 'ExternalServerRetryableError',
    meaning: 'The service is temporarily unavailable.',
    cause: 'A temporary Entra back-end fault.',
    category: 'service_outage',
    fix: RETRY_LATER,
    link: LINK.serviceHealth,
  },
  {
    code: 90012,
    name: 'RequestTimeout',
    meaning: 'The request timed out.',
    cause: 'A slow Entra back end, or a slow federated or pass-through dependency.',
    category: 'service_outage',
    fix: RETRY_LATER,
    link: LINK.serviceHealth,
  },
  {
    code: 90033,
    name: 'MsodsServiceUnavailable',
    meaning: 'The Microsoft Online Directory Service (MSODS) is not available.',
    cause: 'A temporary directory service outage on the Microsoft side.',
    category: 'service_outage',
    fix: RETRY_LATER,
    link: LINK.serviceHealth,
  },
  {
    code: 90036,
    name: 'MsodsServiceUnretryableFailure',
    meaning: 'An unexpected, non-retryable error came from the directory service; open a support ticket.',
    cause: 'A directory service fault on the Microsoft side.',
    category: 'service_outage',
    fix: { ...RETRY_LATER, summary: 'Open a Microsoft support case with the correlation ID, trace ID and timestamp.' },
    link: LINK.serviceHealth,
  },

  // ----- Malformed requests ------------------------------------------------------------------------------
  {
    code: 90014,
    name: 'MissingRequiredField',
    meaning: 'An expected field is missing from the credential or request.',
    cause: 'A client bug or an outdated module build, or a custom token script missing a parameter.',
    category: 'other',
    fix: CAPTURE_REQUEST,
    link: REFERENCE,
  },
  {
    code: 900144,
    name: 'The request body must contain the following parameter',
    meaning: 'A required parameter is missing from the request body (a developer error).',
    cause: 'A custom token request without client_id, scope or grant_type, or a body altered on the way.',
    category: 'other',
    fix: CAPTURE_REQUEST,
    link: REFERENCE,
  },
  {
    code: 9002313,
    name: 'InvalidRequest',
    meaning: 'The request is malformed or invalid; capture a trace to see what is wrong with it.',
    cause: 'A malformed token request: a client bug, an unencoded scope, or a proxy altering the request.',
    category: 'other',
    fix: CAPTURE_REQUEST,
    link: REFERENCE,
  },
  {
    code: 90023,
    name: 'InvalidRequest',
    meaning: 'The authentication service request is not valid.',
    cause: 'A malformed or unsupported request from a custom client or an outdated module.',
    category: 'other',
    fix: CAPTURE_REQUEST,
    link: REFERENCE,
  },
  // Codes met in the public transcripts of fixtures/transcripts/ (their sources are in its indexes).
  {
    code: 50052,
    name: 'InvalidPasswordExceedsMaxLength',
    meaning: 'The password entered exceeds the maximum length (256 characters).',
    cause:
      'Something that is not a password was passed as one: most often an access token or a certificate given in a PSCredential to -Credential, which the module sends as a user password.',
    category: 'app_only_misconfigured',
    fix: {
      summary: 'Pass a token with -AccessToken, or sign in app-only with the certificate (-CertificateThumbprint / -CertificateFilePath) instead of a PSCredential.',
      runBy: 'admin',
      commands: ['Connect-ExchangeOnline -AccessToken $token -Organization <tenant>.onmicrosoft.com', CONNECT_CBA],
    },
    link: lookup(50052),
  },
  {
    code: 700007,
    name: 'The grant was issued for a different client id',
    meaning: 'A refresh token or authorization code was redeemed by another application than the one it was issued to.',
    cause:
      'A script or partner tool exchanges a refresh token it got for its own app registration while naming another client (the Exchange PowerShell client, say): the token must be obtained for the client that redeems it.',
    category: 'app_only_misconfigured',
    fix: {
      summary: 'Obtain the refresh token with the same client id that redeems it (for the Exchange client, consent and sign in with that client), or connect with the module itself.',
      runBy: 'admin',
      commands: [CONNECT_INTERACTIVE, CONNECT_CBA],
    },
    link: lookup(700007),
  },
  {
    code: 500571,
    name: 'The guest user account is disabled',
    meaning: 'The guest account signing in is disabled in the resource tenant.',
    cause: 'The account used is a guest in the tenant being managed, and its guest user object there is disabled.',
    category: 'account_disabled_or_locked',
    fix: {
      summary: 'An admin of the resource tenant re-enables the guest user (if that was not intended), or sign in with an account of that tenant.',
      runBy: 'another-admin',
      commands: ['Update-MgUser -UserId <object-id> -AccountEnabled:$true'],
    },
    link: `${TROUBLESHOOT}/error-code-aadsts500571-guest-user-account-disabled`,
  },
  {
    code: 530004,
    name: 'AcceptCompliantDevice setting is not configured',
    meaning: "A Conditional Access policy of the resource tenant requires a compliant device, and its cross-tenant settings do not trust the guest's home-tenant device claims.",
    cause: 'An admin signing in as a guest (B2B) meets the managed tenant\'s compliant-device policy, which cannot see the home tenant\'s device compliance.',
    category: 'conditional_access',
    fix: {
      summary: 'The resource tenant trusts compliant devices of the home tenant in its cross-tenant access settings (inbound trust), or excludes the guest from the policy.',
      runBy: 'another-admin',
      commands: [SIGN_IN_LOG],
    },
    link: LINK.crossTenantAccess,
  },
  {
    code: 900382,
    name: 'Confidential Client is not supported in Cross Cloud request',
    meaning: 'An application asked one Microsoft cloud for a token for a tenant that lives in another (for example the worldwide cloud for a GCC High tenant).',
    cause: 'A script or app signs in at login.microsoftonline.com for a US Government (GCC High, DoD) tenant, which must use login.microsoftonline.us.',
    category: 'wrong_cloud_environment',
    fix: {
      summary: "Sign in at the tenant's own cloud: the authority, the Exchange endpoint and the scope of that cloud.",
      runBy: 'admin',
      commands: [OPENID_CLOUD, CONNECT_GCC_HIGH],
    },
    link: LINK.nationalClouds,
  },
  {
    code: 900439,
    name: 'USGClientNotSupportedOnPublicEndpoint',
    meaning: 'An application registered in the US Government cloud signed in through the worldwide endpoint.',
    cause: 'A GCC High or DoD app or tenant is used against login.microsoftonline.com instead of login.microsoftonline.us.',
    category: 'wrong_cloud_environment',
    fix: { summary: "Use the US Government cloud's endpoints.", runBy: 'admin', commands: [CONNECT_GCC_HIGH] },
    link: LINK.nationalClouds,
  },
  {
    code: 1002016,
    name: 'TLS 1.0/1.1 or 3DES is deprecated',
    meaning: 'The client used TLS 1.0 or 1.1, or a 3DES cipher, which Entra ID no longer accepts; TLS 1.2 is required.',
    cause: 'Windows PowerShell 5.1 on a .NET Framework without strong cryptography offers TLS 1.0 only.',
    category: 'other',
    fix: {
      summary: 'Turn on TLS 1.2 for .NET Framework (strong cryptography) on this machine, as admin, then open a new session.',
      runBy: 'admin',
      commands: [
        'reg add HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319 /v SchUseStrongCrypto /t REG_DWORD /d 1 /f',
        'reg add HKLM\\SOFTWARE\\Wow6432Node\\Microsoft\\.NETFramework\\v4.0.30319 /v SchUseStrongCrypto /t REG_DWORD /d 1 /f',
      ],
    },
    link: 'https://learn.microsoft.com/troubleshoot/azure/active-directory/enable-support-tls-environment',
  },
];

/** The AADSTS codes the doctor knows, by code, with their fixes as remediations. */
export const AADSTS: Readonly<Record<number, AadstsEntry>> = Object.freeze(
  Object.fromEntries(ENTRIES.map((entry) => [entry.code, { ...entry, fix: remediationOf(entry.fix, entry.link) }])),
);

/** The entry for a code, or a generic one that still links https://login.microsoftonline.com/error?code=N. */
const REFERENCE_BY_CODE = new Map(AADSTS_REFERENCE.map((entry) => [entry.code, entry]));

export function describeAadsts(code: number): AadstsEntry {
  const known = AADSTS[code];
  if (known) return known;
  // Microsoft's whole reference, for the codes with no Exchange-specific entry here.
  const reference = REFERENCE_BY_CODE.get(code);
  if (reference) {
    return {
      code,
      name: reference.name || `AADSTS${code}`,
      meaning: reference.message,
      cause: 'No Exchange-specific cause is known for this code; Microsoft\'s reference gives the meaning above.',
      category: reference.category,
      fix: remediationOf({ summary: reference.fix, runBy: reference.runBy, commands: [] }, REFERENCE),
      link: REFERENCE,
    };
  }
  return {
    code,
    name: `AADSTS${code}`,
    meaning: 'A Microsoft Entra sign-in error the doctor has no entry for.',
    cause: 'Not in the doctor\'s table; the Entra error lookup page and the sign-in log give the details.',
    category: 'other',
    fix: remediationOf(
      {
        summary:
          'Look the code up on the Entra error page and read the failed sign-in in the Entra sign-in log; keep the correlation ID, trace ID and timestamp for support.',
        runBy: 'admin',
        commands: [],
      },
      lookup(code),
    ),
    link: lookup(code),
  };
}
