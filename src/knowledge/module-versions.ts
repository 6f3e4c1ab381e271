/**
 * ExchangeOnlineManagement versions as data: the releases, the PowerShell 7 each one needs, the releases
 * with known problems, the module pairs reported to break each other in one session, and the
 * PowerShellGet/PackageManagement floor. Each entry carries its sources, marked `doc` (official Microsoft
 * documentation or the PowerShell Gallery) or `3p` (a third-party report: an observation, not a contract).
 * src/powershell/module-verdicts.ts reads a machine's modules against the table.
 *
 * Read in late 2026 (see {@link NEWEST_EXCHANGE_MODULE} for the dates). Left out for want of a source:
 * the msalruntime (WAM native DLL) failures, which no source ties to an ExchangeOnlineManagement version;
 * Graph versions outside the reported pairs; the Az.Accounts versions of the Az clash (its report names none).
 */

type EvidenceLevel = 'doc' | '3p';

export interface Source {
  readonly url: string;
  readonly level: EvidenceLevel;
  /** What the source says, paraphrased. */
  readonly says: string;
}

type Sources = readonly [Source, ...Source[]];

/**
 * Versions from `from` to `to`, both included; no `to` means "and later". A `to` with fewer parts covers
 * every version that starts with it (`to: '2'` includes 2.40.0). Only the numbers count: a preview of
 * 3.7.2 is in a range that holds 3.7.2.
 */
export interface VersionRange {
  readonly from: string;
  readonly to?: string;
}

export const EXO = 'ExchangeOnlineManagement';
export const GRAPH = 'Microsoft.Graph.Authentication';
export const AZ = 'Az.Accounts';
const MSALPS = 'MSAL.PS';
export const PSGET = 'PowerShellGet';
export const PACKAGEMANAGEMENT = 'PackageManagement';

export const MODULE_DOC = 'https://learn.microsoft.com/powershell/exchange/exchange-online-powershell-v2';
export const RELEASE_NOTES = `${MODULE_DOC}#release-notes`;
const SUPPORTED_OS = `${MODULE_DOC}#supported-operating-systems-for-the-exchange-online-powershell-module`;
const PSGET_REQUIRED = `${MODULE_DOC}#powershellget-required-in-windows`;
const WINRM_BASIC = `${MODULE_DOC}#basic-authentication-in-winrm`;
const CONNECT_DOC = 'https://learn.microsoft.com/powershell/module/exchangepowershell/connect-exchangeonline';
export const WAM_DOC = 'https://learn.microsoft.com/troubleshoot/exchange/administration/wam-integration-issues';
export const PSGET_UPDATE_51 = 'https://learn.microsoft.com/powershell/gallery/powershellget/update-powershell-51';
export const PSGET_INSTALL = 'https://learn.microsoft.com/powershell/scripting/gallery/installing-psget';
export const INSTALL_POWERSHELL = 'https://learn.microsoft.com/powershell/scripting/install/installing-powershell';

export const doc = (url: string, says: string): Source => ({ url, level: 'doc', says });
const thirdParty = (url: string, says: string): Source => ({ url, level: '3p', says });

// ---------------------------------------------------------------------------------------------------
// Releases

/** The newest general-availability release the doctor knows, and how that was confirmed. */
export const NEWEST_EXCHANGE_MODULE = {
  version: '3.10.1',
  /** The day a source last called it the current release. */
  confirmed: '2026-09-21',
  sources: [
    doc(RELEASE_NOTES, 'Release notes (page revised 2026-07-31, source read 2026-08-21): "Current release: Version 3.10.1".'),
    doc(
      'https://www.powershellgallery.com/packages/ExchangeOnlineManagement/3.10.1/Content/ExchangeOnlineManagement.psd1',
      'The Gallery manifest of 3.10.1: ModuleVersion 3.10.1, a General Availability release.',
    ),
    thirdParty(
      'https://github.com/microsoftgraph/msgraph-sdk-powershell/issues/3394',
      'Comment of 2026-09-21 tests "the current latest": PowerShell 7.6.6, Microsoft.Graph.Authentication 2.40.0, ExchangeOnlineManagement 3.10.1.',
    ),
  ] satisfies Sources,
} as const;

/** General-availability releases, oldest first, from the release notes ({@link RELEASE_NOTES}). */
export const EXCHANGE_MODULE_RELEASES: readonly string[] = [
  '1.0.1', '2.0.3', '2.0.4', '2.0.5', '3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.4.0', '3.5.0', '3.5.1', '3.6.0', '3.7.0', '3.7.1',
  '3.7.2', '3.8.0', '3.9.0', '3.9.2', '3.10.0', '3.10.1',
];

// ---------------------------------------------------------------------------------------------------
// PowerShell 7 floors (Windows PowerShell 5.1 runs every version)

export interface PowerShellFloor {
  readonly module: VersionRange;
  /** The oldest PowerShell 7 that loads these module versions. */
  readonly minPowerShell: string;
  readonly dotnet: string;
  readonly sources: Sources;
}

const FLOOR_SOURCE = (says: string) => doc(SUPPORTED_OS, says);

export const POWERSHELL_FLOORS: readonly PowerShellFloor[] = [
  {
    module: { from: '2.0.4', to: '2.0.5' },
    minPowerShell: '7.0.3',
    dotnet: '.NET Core 3.1',
    sources: [FLOOR_SOURCE('Support for the module in PowerShell 7 started with version 2.0.4 (February 2021) in PowerShell 7.0.3.')],
  },
  {
    module: { from: '3.0.0', to: '3.4.0' },
    minPowerShell: '7.2.0',
    dotnet: '.NET 6',
    sources: [FLOOR_SOURCE('Module versions 3.0.0 to 3.4.0 require PowerShell 7.2.0 or later (.NET 6.0 assembly dependencies).')],
  },
  {
    module: { from: '3.5.0', to: '3.9.2' },
    minPowerShell: '7.4.0',
    dotnet: '.NET 8',
    sources: [FLOOR_SOURCE('Module versions 3.5.0 (May 2024) to 3.9.2 (January 2026) require PowerShell 7.4.0 or later (.NET 8.0 assembly dependencies).')],
  },
  {
    module: { from: '3.10.0' },
    minPowerShell: '7.6.0',
    dotnet: '.NET 10',
    sources: [
      FLOOR_SOURCE('Module versions 3.10.0 (June 2026) or later require PowerShell 7.6.0 (March 2026) or later (.NET 10.0 assembly dependencies).'),
      doc(RELEASE_NOTES, '3.10.0: "the minimum required version of PowerShell 7 is 7.6. Windows PowerShell 5.1 isn\'t affected."'),
    ],
  },
];

// ---------------------------------------------------------------------------------------------------
// Releases with known problems of their own

export interface KnownIssue {
  readonly id: string;
  readonly versions: VersionRange;
  readonly severity: 'fail' | 'warn';
  /** WAM (the Windows sign-in broker) problems exist only on Windows. */
  readonly windowsOnly?: boolean;
  /** Completes "ExchangeOnlineManagement 2.0.5 …": what is wrong and why, one sentence. */
  readonly problem: string;
  /** After upgrading, also connect with `-DisableWAM` while the broker problem lasts. */
  readonly disableWam?: boolean;
  /** A version a source advises instead, for an admin who cannot upgrade. */
  readonly pin?: string;
  /** Said after the upgrade step, e.g. what not to do afterwards. */
  readonly after?: string;
  readonly sources: Sources;
}

/**
 * The "Exchange Online Remote PowerShell Module" (the MFA module, Connect-EXOPSSession): a ClickOnce
 * application, not a PowerShell Gallery module, that only ever spoke Remote PowerShell over WinRM with
 * Basic authentication (docs/legacy-mfa-module.md).
 */
export const LEGACY_MFA_MODULE = {
  name: 'Exchange Online Remote PowerShell Module',
  connect: 'Connect-EXOPSSession',
  sources: [
    doc(
      'https://learn.microsoft.com/powershell/exchange/v1-module-mfa-connect-to-exo-powershell',
      'The older Exchange Online Remote PowerShell Module (ClickOnce, Connect-EXOPSSession) sends the OAuth token in a Basic header over WinRM and will be retired; use the Exchange Online PowerShell module instead.',
    ),
    doc(WINRM_BASIC, 'As of October 2023, REST API connections replaced basic authentication (remote PowerShell) connections.'),
    doc(
      'https://techcommunity.microsoft.com/t5/exchange-team-blog/deprecation-of-remote-powershell-in-exchange-online-re-enabling/ba-p/3779692',
      'Remote PowerShell in Exchange Online is disabled for all tenants from 1 October 2023, with no re-enabling.',
    ),
  ] as Sources,
};

export const KNOWN_ISSUES: readonly KnownIssue[] = [
  {
    id: 'remote-powershell',
    versions: { from: '0', to: '2.0.5' },
    severity: 'fail',
    problem:
      'predates the V3 module, so most cmdlets still go over the retired Remote PowerShell (WinRM Basic) path: this is where "Create Powershell Session is failed using OAuth" comes from, and since October 2023 Exchange Online accepts REST connections only',
    after: 'Connect without -UseRPSSession: Remote PowerShell is retired and the switch is deprecated since 3.9.2; REST needs no WinRM Basic.',
    sources: [
      doc(SUPPORTED_OS, 'Version 2.0.5 (May 2021) only partially supports REST API cmdlets; version 3.0.0 (September 2022) or later fully supports them.'),
      doc(WINRM_BASIC, 'As of October 2023, REST API connections replaced basic authentication (remote PowerShell) connections; REST connections need no Basic authentication in WinRM.'),
      doc(`${CONNECT_DOC}#-userpssession`, 'UseRPSSession is deprecated in module version 3.9.2 or later: REST replaced Remote PowerShell in October 2023.'),
    ],
  },
  {
    id: 'wam-without-opt-out',
    versions: { from: '3.7.0', to: '3.7.1' },
    severity: 'warn',
    windowsOnly: true,
    disableWam: true,
    problem:
      'signs in through the Web Account Manager broker (WAM) by default but has no -DisableWAM switch, so sign-in under RunAs, from a scheduled task or with GDAP (-DelegatedOrganization) fails with no way around it',
    sources: [
      doc(RELEASE_NOTES, '3.7.0 integrated WAM in the authentication flows; 3.7.2 adds the DisableWAM switch for WAM-related connection errors.'),
      doc(WAM_DOC, 'From 3.7.0 WAM is the default broker; RunAs and Task Scheduler sign-in fail with "A specified logon session does not exist", GDAP tokens miss the wids claims; use -DisableWAM temporarily.'),
    ],
  },
  {
    id: 'sign-in-3.9.2',
    versions: { from: '3.9.2', to: '3.9.2' },
    severity: 'warn',
    pin: '3.9.0',
    problem:
      'is reported to fail interactive sign-in outright ("Object reference not set to an instance of an object" from its MSAL token provider)',
    sources: [
      thirdParty('https://github.com/maester365/maester/issues/1400', 'Maintainer, 2026-01-15: numerous people cannot connect at all with 3.9.2; downgrade to 3.9.0.'),
      thirdParty('https://github.com/maester365/maester/discussions/1827', 'Maintainer recommends 3.10.0 on PowerShell 7.6 (or Windows PowerShell 5.1) over 3.9.2.'),
    ],
  },
];

// ---------------------------------------------------------------------------------------------------
// Module pairs that break each other in one session

/**
 * What helps, per the sources: load ExchangeOnlineManagement first, load the other module first, or
 * keep them in separate PowerShell sessions (no order works, or the sources disagree).
 */
export type LoadOrder = 'exchange-first' | 'other-first' | 'separate-sessions';

export interface ModuleConflict {
  readonly id: string;
  readonly exchange: VersionRange;
  readonly other: { readonly name: string; readonly versions: VersionRange };
  /** The error the admin sees, quoted short. */
  readonly symptom: string;
  readonly order: LoadOrder;
  /** A version change a source reports fixes it. */
  readonly remedy?: { readonly module: string; readonly version: string; readonly why: string };
  readonly sources: Sources;
}

/** Why any two of these clash at all: .NET loads one Microsoft.Identity.Client per process; the first loaded wins. */
export const FIRST_LOADED_WINS = thirdParty(
  'https://github.com/AzureAD/MSAL.PS/issues/69',
  'MSAL maintainer: PowerShell and .NET do not allow two versions of the same DLL in memory at once.',
);

export const MODULE_CONFLICTS: readonly ModuleConflict[] = [
  {
    id: 'graph-azure-core-3.5',
    exchange: { from: '3.5.0', to: '3.5.1' },
    other: { name: GRAPH, versions: { from: '2.21.0', to: '2.22.0' } },
    symptom: 'IDX12729 "Unable to decode the header" in Connect-ExchangeOnline, or assembly load errors the other way round',
    order: 'separate-sessions',
    remedy: { module: EXO, version: '3.6.0', why: '3.6.0 "added fix for compatibility issue with the Microsoft.Graph module"' },
    sources: [
      thirdParty('https://github.com/microsoftgraph/msgraph-sdk-powershell/issues/2803', 'EXO 3.5.0/3.5.1 with Graph 2.21.0 and 2.22.0 fail in either import order; 3.6.0-Preview1 resolved it.'),
      thirdParty('https://github.com/timmcmic/DLConversionV2/issues/183', 'EXO 3.5.1 conflicts with Microsoft.Graph 2.21.1 (IDX12729 in certificate sign-in).'),
      doc(RELEASE_NOTES, '3.6.0: "Added fix for compatibility issue with the Microsoft.Graph module."'),
    ],
  },
  {
    id: 'graph-broker-method',
    exchange: { from: '3.7.2' },
    other: { name: GRAPH, versions: { from: '2.0.0', to: '2' } },
    symptom: '"Method not found: … BrokerExtension.WithBroker" from Connect-ExchangeOnline when Graph was loaded first',
    order: 'exchange-first',
    sources: [
      thirdParty('https://github.com/maester365/maester/issues/876', 'Connect fails with Method not found … WithBroker from 3.7.2 on (3.7.1 works); the import order can help.'),
      thirdParty('https://github.com/SamErde/DLLPickle/issues/156', '2026-04: Connect-MgGraph then Connect-ExchangeOnline 3.9.2 fails with Method not found … WithBroker.'),
      thirdParty('https://github.com/Galvnyz/M365-Assess/issues/231', 'EXO 3.8.0+ has an MSAL conflict with Microsoft.Graph SDK 2.x; EXO 3.9.2 works only if EXO is imported before Graph.'),
    ],
  },
  {
    id: 'az-broker-method',
    exchange: { from: '3.7.2' },
    other: { name: AZ, versions: { from: '0' } },
    symptom: '"Method not found: … BrokerExtension.WithBroker" from Connect-ExchangeOnline after Connect-AzAccount',
    order: 'exchange-first',
    sources: [
      thirdParty('https://github.com/microsoftgraph/msgraph-sdk-powershell/issues/3331', 'Connect-ExchangeOnline 3.7.2 fails after Connect-AzAccount (3.7.1 works); still reported with 3.10.0 in June 2026. The report names no Az.Accounts version.'),
    ],
  },
  {
    id: 'graph-with-logging',
    exchange: { from: '3.9.0' },
    other: { name: GRAPH, versions: { from: '2.30.0' } },
    symptom: '"Method not found: … WithLogging" from Connect-MgGraph after Connect-ExchangeOnline',
    order: 'other-first',
    sources: [
      thirdParty('https://github.com/microsoftgraph/msgraph-sdk-powershell/issues/3394', 'Graph 2.30.0 with EXO 3.9.0: Connect-MgGraph fails after Connect-ExchangeOnline; Connect-MgGraph first works.'),
    ],
  },
  {
    id: 'graph-gettokenasync-3.9.2',
    exchange: { from: '3.9.2', to: '3.9.2' },
    other: { name: GRAPH, versions: { from: '2.36.0' } },
    symptom: '"Method \'GetTokenAsync\' … does not have an implementation" when Graph is imported after Exchange',
    order: 'separate-sessions',
    remedy: { module: GRAPH, version: '2.35.1', why: 'Microsoft365DSC rolled Graph back to 2.35.1 for this conflict' },
    sources: [
      thirdParty('https://github.com/Microsoft365DSC/Microsoft365DSC/issues/7095', 'Windows PowerShell: after Connect-ExchangeOnline, Import-Module Microsoft.Graph.Authentication 2.36.1 fails (GetTokenAsync has no implementation).'),
      thirdParty('https://github.com/Microsoft365DSC/Microsoft365DSC/pull/7096', 'Rolls the Graph dependencies back to 2.35.1 because of a conflict with ExchangeOnlineManagement 3.9.2.'),
    ],
  },
  {
    id: 'graph-both-orders-3.10.1',
    exchange: { from: '3.10.1', to: '3.10.1' },
    other: { name: GRAPH, versions: { from: '2.40.0', to: '2.40.0' } },
    symptom: 'WithLogging "Method not found" with Exchange first, a RuntimeBroker NullReferenceException with Graph first',
    order: 'separate-sessions',
    sources: [
      thirdParty('https://github.com/microsoftgraph/msgraph-sdk-powershell/issues/3394', 'Comment of 2026-09-21: PowerShell 7.6.6, Graph.Authentication 2.40.0, EXO 3.10.1 fail in both orders although both ship MSAL 4.83.1 (an AssemblyLoadContext identity clash).'),
    ],
  },
  {
    id: 'msal-ps',
    exchange: { from: '3.1.0' },
    other: { name: MSALPS, versions: { from: '4.37.0.0', to: '4.37.0.0' } },
    symptom: 'Microsoft.Identity.Client load errors in whichever module comes second',
    order: 'separate-sessions',
    sources: [
      thirdParty('https://github.com/AzureAD/MSAL.PS/issues/69', 'MSAL.PS 4.37.0.0 conflicts with ExchangeOnlineManagement 3.1.0 (PowerShell 7.3.2); one user got past it by loading MSAL.PS first.'),
      FIRST_LOADED_WINS,
    ],
  },
];

// ---------------------------------------------------------------------------------------------------
// PowerShellGet and PackageManagement

/** The in-box version of both modules in Windows PowerShell 5.1: too old, per the PowerShell docs. */
export const INBOX_PACKAGING_VERSION = '1.0.0.1';
export const PACKAGING_SOURCES: Sources = [
  doc(PSGET_REQUIRED, 'REST connections in Windows require PowerShellGet and, by dependency, PackageManagement; without PowerShellGet: "Cannot find a cmdlet Update-Manifest". Preview versions of either might cause connection issues.'),
  doc(PSGET_INSTALL, 'Make sure PowerShellGet and PackageManagement are newer than 1.0.0.1; the latest stable versions are 2.2.5 and 1.4.8.1.'),
  doc(
    PSGET_UPDATE_51,
    'Windows PowerShell 5.1 ships PowerShellGet and PackageManagement 1.0.0.1, which must be updated to work with the PowerShell Gallery: in an elevated session enable TLS 1.2, Install-PackageProvider -Name NuGet -Force, Install-Module PowerShellGet -AllowClobber -Force, then open a new session.',
  ),
];
export const PACKAGING_PREVIEW_SOURCE = thirdParty('https://github.com/PowerShell/PSResourceGet/issues/876', 'PowerShellGet 3.0.17-beta17 breaks Connect-ExchangeOnline in PowerShell 5.1 (Update-ModuleManifest parameter error).');
export const PACKAGING_MISSING_ELSEWHERE = thirdParty('https://github.com/MicrosoftDocs/office-docs-powershell/issues/11179', 'In a host without PowerShellGet, Connect-ExchangeOnline fails: "The term \'Update-ModuleManifest\' is not recognized".');

/** Why the load order is per folder first: PSModulePath order beats version. */
export const LOAD_ORDER_SOURCE = thirdParty(
  'https://www.powershellgallery.com/packages/DLLPickle/0.5.1/Content/Private%5CGet-ModuleImportCandidate.ps1',
  'Import-Module takes the first PSModulePath folder that holds the module (CurrentUser before AllUsers); within a folder, the highest version.',
);
