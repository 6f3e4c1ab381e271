/**
 * The Microsoft 365 clouds, named as the Exchange module names them (`-ExchangeEnvironmentName`), and
 * the hosts each one uses.
 * Sources: https://learn.microsoft.com/powershell/exchange/connect-to-exchange-online-powershell (names),
 * https://learn.microsoft.com/graph/deployments (login and Graph hosts), msal-common AuthorityMetadata.ts
 * (cloud instance names). See docs/clouds-and-tenant-discovery.md#sovereign-clouds-and-exchangeenvironmentname;
 * the compliance hosts: docs/compliance-powershell.md#1-endpoints-per-cloud.
 */

export const ENVIRONMENT_NAMES = ['O365Default', 'O365USGovGCCHigh', 'O365USGovDoD', 'O365China'] as const;

export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

export interface Cloud {
  readonly environment: EnvironmentName;
  readonly description: string;
  /** Entra ID sign-in host. */
  readonly loginHost: string;
  /** Other names of the login host (the same service). */
  readonly loginAliases: readonly string[];
  /** The Exchange Online host the module talks to (REST and, legacy, Remote PowerShell). */
  readonly exchangeHost: string;
  /** The resource whose `/.default` scope the Exchange token is requested for. */
  readonly exchangeResource: string;
  /** Security & Compliance PowerShell (`Connect-IPPSSession`): the host of `-ConnectionUri`. */
  readonly complianceHost: string;
  /** The resource of the compliance token (the host without DoD's `l5.`). */
  readonly complianceResource: string;
  readonly graphHost: string;
  /** `cloud_instance_name` in the tenant's OpenID configuration. */
  readonly cloudInstanceName: string;
  /** Where a device-code sign-in is completed. */
  readonly deviceLoginUrl: string;
}

export const CLOUDS: Readonly<Record<EnvironmentName, Cloud>> = {
  O365Default: {
    environment: 'O365Default',
    description: 'Microsoft 365 worldwide (commercial and GCC)',
    loginHost: 'login.microsoftonline.com',
    loginAliases: ['login.microsoft.com', 'login.windows.net'],
    exchangeHost: 'outlook.office365.com',
    exchangeResource: 'https://outlook.office365.com',
    complianceHost: 'ps.compliance.protection.outlook.com',
    complianceResource: 'https://ps.compliance.protection.outlook.com',
    graphHost: 'graph.microsoft.com',
    cloudInstanceName: 'microsoftonline.com',
    deviceLoginUrl: 'https://microsoft.com/devicelogin',
  },
  O365USGovGCCHigh: {
    environment: 'O365USGovGCCHigh',
    description: 'Microsoft 365 US Government GCC High',
    loginHost: 'login.microsoftonline.us',
    loginAliases: [],
    exchangeHost: 'outlook.office365.us',
    exchangeResource: 'https://outlook.office365.us',
    complianceHost: 'ps.compliance.protection.office365.us',
    complianceResource: 'https://ps.compliance.protection.office365.us',
    graphHost: 'graph.microsoft.us',
    cloudInstanceName: 'microsoftonline.us',
    deviceLoginUrl: 'https://microsoft.com/deviceloginus',
  },
  O365USGovDoD: {
    environment: 'O365USGovDoD',
    description: 'Microsoft 365 US Government DoD',
    loginHost: 'login.microsoftonline.us',
    loginAliases: [],
    // The module connects to webmail.apps.mil; the token resource is reported as outlook-dod.office365.us
    // by third-party modules only (unverified, see docs/clouds-and-tenant-discovery.md#facts-most-likely-to-be-wrong-or-changed).
    exchangeHost: 'webmail.apps.mil',
    exchangeResource: 'https://outlook-dod.office365.us',
    complianceHost: 'l5.ps.compliance.protection.office365.us',
    complianceResource: 'https://ps.compliance.protection.office365.us',
    graphHost: 'dod-graph.microsoft.us',
    cloudInstanceName: 'microsoftonline.us',
    deviceLoginUrl: 'https://microsoft.com/deviceloginus',
  },
  O365China: {
    environment: 'O365China',
    description: 'Microsoft 365 operated by 21Vianet (China)',
    loginHost: 'login.chinacloudapi.cn',
    loginAliases: ['login.partner.microsoftonline.cn'],
    exchangeHost: 'partner.outlook.cn',
    exchangeResource: 'https://partner.outlook.cn',
    complianceHost: 'ps.compliance.protection.partner.outlook.cn',
    complianceResource: 'https://ps.compliance.protection.partner.outlook.cn',
    graphHost: 'microsoftgraph.chinacloudapi.cn',
    cloudInstanceName: 'partner.microsoftonline.cn',
    deviceLoginUrl: 'https://microsoft.com/deviceloginchina',
  },
};

export const ENVIRONMENT_DESCRIPTION: Readonly<Record<EnvironmentName, string>> = Object.fromEntries(
  ENVIRONMENT_NAMES.map((name) => [name, CLOUDS[name].description]),
) as Record<EnvironmentName, string>;

/** `tenant_region_sub_scope` in a tenant's OpenID configuration, per cloud (absent for commercial). */
export const SUB_SCOPE_ENVIRONMENT: Readonly<Record<string, EnvironmentName>> = {
  GCC: 'O365Default',
  DODCON: 'O365USGovGCCHigh',
  DOD: 'O365USGovDoD',
};
