/**
 * What the PowerShell client checks hand each other: the editions of PowerShell on the machine and the
 * modules each one would load. Found without running PowerShell, from files, the registry and the
 * environment (issue: the admin's PowerShell client). Types only.
 */

/** Windows PowerShell 5.1 (`Desktop`) or PowerShell 6/7 (`Core`). */
export type PowerShellEditionName = 'Desktop' | 'Core';

export interface PowerShellEdition {
  readonly edition: PowerShellEditionName;
  /** `5.1.19041.4522`, `7.4.6`; absent when it could not be read. */
  readonly version?: string;
  /** Where it is installed (`C:\Program Files\PowerShell\7`), when known. */
  readonly home?: string;
  /** How it was found, in words ("registry PowerShellEngine\PowerShellVersion", "pwsh --version"). */
  readonly source: string;
}

/** Where a module folder belongs. */
export type ModuleScope = 'CurrentUser' | 'AllUsers' | 'System' | 'PSModulePath';

export interface InstalledModule {
  /** `ExchangeOnlineManagement`, `Microsoft.Graph.Authentication`, `Az.Accounts`, `MSAL.PS`, `PowerShellGet`, `PackageManagement`. */
  readonly name: string;
  /** `ModuleVersion` of its manifest (`3.7.2`); a preview adds its `Prerelease` (`3.8.0-Preview1`). */
  readonly version: string;
  /** The manifest's path. */
  readonly path: string;
  readonly scope: ModuleScope;
  /** The editions that load it from there (a folder on both editions' paths: both). */
  readonly editions: readonly PowerShellEditionName[];
}

/** The retired MFA module (Connect-EXOPSSession), found by src/powershell/legacy-mfa.ts. */
export interface LegacyMfaModule {
  /** ClickOnce application folders that hold both CreateExoPSSession.ps1 and the module's DLL. */
  readonly appFolders: readonly string[];
  /** The uninstall (Apps & features) entry ClickOnce wrote. */
  readonly uninstall?: { readonly key: string; readonly displayName: string; readonly displayVersion?: string; readonly uninstallString?: string };
  /** The Start-menu shortcut. */
  readonly shortcut?: string;
  /** Scripts that load it: Load-ExchangeMFA.ps1, profiles that dot-source CreateExoPSSession.ps1 or call Connect-EXOPSSession. */
  readonly loaders: readonly string[];
}

/** A PowerShell script that sets up a session option asking for the Internet Explorer proxy. */
export interface IeProxyOption {
  /** The script (Load-ExchangeMFA.ps1, or a profile). */
  readonly script: string;
  /** The line that asks for it, as written. */
  readonly line: string;
}

/** powershell-client's output. */
export interface PowerShellClient {
  readonly editions: readonly PowerShellEdition[];
  /** The retired MFA module, when anything of it is here (Windows only). */
  readonly legacyMfaModule?: LegacyMfaModule;
  /** Scripts that hand Connect-EXOPSSession a session option taking the Internet Explorer proxy. */
  readonly ieProxyOptions: readonly IeProxyOption[];
  /** Every installed version of the modules that matter, highest version first per name. */
  readonly modules: readonly InstalledModule[];
  /** The module folders searched, in order, per edition. */
  readonly modulePaths: Readonly<Record<PowerShellEditionName, readonly string[]>>;
}
