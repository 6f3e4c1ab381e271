// The matcher on synthetic texts (the real-transcript corpus is test/unit/explain/corpus.test.ts).
import { describe, expect, it } from 'vitest';
import { looksBinary, toJson } from '../../../src/explain/command.js';
import { explain } from '../../../src/explain/explain.js';
import { extractSignals, prepare, requiredLiteral } from '../../../src/explain/signals.js';
import { judgeCauses } from '../../../src/explain/verdict.js';
import { CATEGORIES } from '../../../src/knowledge/aadsts.js';
import { CATEGORY_CHECKS, KNOWN_ERRORS } from '../../../src/knowledge/errors.js';
import { registry } from '../../../checks/index.js';

const TRACE = '0b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const CORRELATION = '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d';
/** The rules' own scores, without the similarity to known cases (which moves as the corpus grows). */
const RULES_ONLY = { tuning: { agree: 0, alone: 0.7, abstain: 0.25 } } as const;

describe('signals', () => {
  it('reads AADSTS codes, the ids support asks for, the cmdlet, the module version and edition', () => {
    const text = [
      'Connect-ExchangeOnline : AADSTS50076: Due to a configuration change made by your administrator, you must use multi-factor authentication.',
      `Trace ID: ${TRACE}`,
      `Correlation ID: ${CORRELATION}`,
      'Timestamp: 2026-11-25 20:01:02Z',
      'At C:\\Program Files\\WindowsPowerShell\\Modules\\ExchangeOnlineManagement\\3.4.0\\netFramework\\ExchangeOnlineManagement.psm1:733 char:21',
    ].join('\r\n');
    const signals = extractSignals(prepare(text));
    expect(signals).toMatchObject({
      aadsts: [50076],
      correlationIds: [CORRELATION],
      traceIds: [TRACE],
      timestamps: ['2026-11-25 20:01:02Z'],
      module: { version: '3.4.0', edition: 'Desktop' },
      cmdlets: ['Connect-ExchangeOnline'],
    });
  });

  it('reads HTTP statuses, exception types, network codes and the cloud', () => {
    const signals = extractSignals(
      prepare('System.Net.WebException: The remote server returned an error: (407) Proxy Authentication Required. connect ECONNREFUSED 10.0.0.1:8080 at https://outlook.office365.us/adminapi'),
    );
    expect(signals).toMatchObject({ httpStatuses: [407], exceptions: ['System.Net.WebException'], networkCodes: ['ECONNREFUSED'], cloud: 'O365USGovGCCHigh' });
  });

  it("undoes PowerShell 7's | error view and console wrapping in the middle of a word", () => {
    const text = 'Connect-ExchangeOnline: \n     | Create Powershell Session is failed us\n     | ing OAuth';
    expect(explain(text).causes[0]).toMatchObject({ id: 'rps-winrm-basic-off' });
    const wrapped = 'AADSTS500\n79: you must enroll';
    // A code split by the console is not guessed at: only whole codes count.
    expect(extractSignals(prepare(wrapped)).aadsts).toEqual([]);
  });

  it("reads Windows PowerShell's error record with its + CategoryInfo block", () => {
    const text = [
      'New-ExoPSSession : Create Powershell Session is failed using OAuth',
      'At C:\\Users\\admin\\AppData\\Local\\Apps\\2.0\\ABC\\microsoft.exchange.management.exopowershellmodule.dll',
      '+ ... PSSession = New-ExoPSSession -UserPrincipalName $UserPrincipalName ...',
      '+                 ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~',
      '    + CategoryInfo          : NotSpecified: (:) [New-ExoPSSession], Exception',
      '    + FullyQualifiedErrorId : System.Exception,Microsoft.Exchange.Management.ExoPowershellSnapin.NewExoPSSession',
    ].join('\n');
    const result = explain(text);
    expect(result.signals.cmdlets).toContain('New-ExoPSSession');
    expect(result.causes[0]).toMatchObject({ category: 'basic_auth_disabled', legacy: true });
  });

  it('finds the plain literal a pattern needs, and none when alternatives or short runs make it optional', () => {
    expect(requiredLiteral(/Method not found: .*Microsoft\.Identity\.Client/i)).toBe('microsoft.identity.client');
    expect(requiredLiteral(/a{2,3}bcdef/)).toBe('bcdef');
    expect(requiredLiteral(/foo|barbaz/)).toBeUndefined();
    expect(requiredLiteral(/\(429\)/)).toBe('(429)');
  });
});

describe('explain', () => {
  it('puts a known AADSTS code first, with its table entry and the checks that confirm it', () => {
    const result = explain(`AADSTS53003: Access has been blocked by Conditional Access policies. Trace ID: ${TRACE}`);
    expect(result.recognised).toBe(true);
    expect(result.causes[0]).toMatchObject({ category: 'conditional_access', confidence: 'high', checks: CATEGORY_CHECKS.conditional_access });
  });

  it('prefers the cause the extra phrases single out', () => {
    const basic = explain('New-ExoPSSession : Create Powershell Session is failed using OAuth. The WinRM client cannot process the request. Basic authentication is currently disabled in the client configuration.');
    expect(basic.causes[0]?.category).toBe('basic_auth_disabled');
    const proxy = explain('New-ExoPSSession : Create Powershell Session is failed using OAuth ... the proxy server ... ProxyAccessType IEConfig');
    expect(proxy.causes.map((c) => c.category)).toContain('proxy');
  });

  it('ranks the legacy causes lower when the text shows the current module', () => {
    const modern = explain('UnAuthorized At C:\\Program Files\\WindowsPowerShell\\Modules\\ExchangeOnlineManagement\\3.7.2\\netFramework\\ExchangeOnlineManagement.psm1:762');
    expect(modern.causes[0]).toMatchObject({ id: 'rest-unauthorized', legacy: false });
  });

  it('says "not recognised", category other, with what to collect, for text it does not know', () => {
    const result = explain('Everything is fine, thanks for asking.');
    expect(result).toMatchObject({ recognised: false, causes: [{ category: 'other', id: 'not-recognised' }] });
    expect(result.causes[0]?.fix.commands).toContain('$Error[0] | Format-List * -Force');
  });

  it('never echoes a token, a password or a client secret from the text', () => {
    const jwt = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL291dGxvb2sub2ZmaWNlMzY1LmNvbSJ9.c2lnbmF0dXJlX29mX3RoZV90b2tlbg';
    const text = `AADSTS50126: Error validating credentials due to invalid username or password. password=Hunter2! Authorization: Bearer ${jwt} secret Abc8Q~xY1z2W3v4U5t6S7r8Q9p0O1n2M3l4K5j6I $p = ConvertTo-SecureString "Sup3rSecret" -AsPlainText`;
    const json = JSON.stringify(toJson(explain(text)));
    for (const secret of ['Hunter2!', jwt, 'eyJ0eXAi', 'Abc8Q~xY1z2W3v4U5t6S7r8Q9p0O1n2M3l4K5j6I', 'Sup3rSecret']) expect(json).not.toContain(secret);
    expect(json).toContain('AADSTS50126');
  });

  it('handles a 10 MB transcript', () => {
    const noise = 'VERBOSE: Importing cmdlet Get-EXOMailbox.\n'.repeat(250_000);
    const result = explain(`${noise}Connect-ExchangeOnline : The remote server returned an error: (407) Proxy Authentication Required.\n${noise}`);
    expect(result.causes[0]).toMatchObject({ category: 'proxy', id: 'proxy-407' });
  });

  it('tells binary input from text', () => {
    expect(looksBinary('\u0000\u0001\u0002ELF\u0000\u0000\u0000')).toBe(true);
    expect(looksBinary('AADSTS50076: MFA required\n')).toBe(false);
  });
});

describe('the knowledge base', () => {
  const ids = new Set(registry.map((c) => c.id));
  it('names only categories from the fixed list and checks that exist', () => {
    for (const error of KNOWN_ERRORS) {
      expect(CATEGORIES).toContain(error.category);
      for (const check of error.checks) expect(ids.has(check), `${error.id}: ${check}`).toBe(true);
      expect(error.link).toMatch(/^https:\/\//);
      expect(error.likelihood).toBeGreaterThan(0);
      expect(error.likelihood).toBeLessThanOrEqual(1);
    }
    for (const checks of Object.values(CATEGORY_CHECKS)) for (const check of checks) expect(ids.has(check), check).toBe(true);
  });

  it('has unique ids', () => {
    expect(new Set(KNOWN_ERRORS.map((e) => e.id)).size).toBe(KNOWN_ERRORS.length);
  });
});

describe('judgeCauses', () => {
  const explanation = explain('New-ExoPSSession : Create Powershell Session is failed using OAuth');
  it('confirms a cause whose check failed, rules one out whose checks passed, and leaves the rest open', () => {
    const analysis = judgeCauses(explanation, [
      { id: 'winrm-basic', status: 'fail', remediation: [] },
      { id: 'proxy-config', status: 'pass', remediation: [] },
      { id: 'proxy-health', status: 'skip', remediation: [] },
      { id: 'endpoints', status: 'pass', remediation: [] },
      { id: 'exo-connection', status: 'skip', blockedBy: 'exo-token', remediation: [] },
    ]);
    const byCategory = Object.fromEntries(analysis.causes.map((c) => [c.category, c]));
    expect(byCategory['basic_auth_disabled']).toMatchObject({ verdict: 'confirmed', by: ['winrm-basic'] });
    expect(byCategory['proxy']).toMatchObject({ verdict: 'ruled-out', by: ['proxy-config', 'endpoints'] });
    expect(byCategory['powershell_access_disabled']).toMatchObject({ verdict: 'not-checked', by: [] });
  });
});

describe('the retired MFA module', () => {
  // The error of the article exo-doctor started from: the MFA module's own script under Apps\2.0.
  const SEED = [
    'New-ExoPSSession : Create Powershell Session is failed using OAuth',
    'At C:\\Users\\<local user name>\\AppData\\Local\\Apps\\2.0\\AN5BH7D1.Q5V\\Z9RHER5V.08Z\\micr..tion_c3bce3770c238a49_0010.0000_90fa60bba125a33a\\CreateExoPSSession.ps1:179',
    'char:22',
    '+ … PSSession = New-ExoPSSession -UserPrincipalName $UserPrincipalName -C …',
    '+                 ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~',
    '    + CategoryInfo          : NotSpecified: (:) [New-ExoPSSession], Exception',
    '    + FullyQualifiedErrorId : System.Exception,Microsoft.Exchange.Management.ExoPowershellSnapin.NewExoPSSession',
  ].join('\r\n');

  it('is named before any cause on the seed transcript, quoted without the user part of the path', () => {
    const result = explain(SEED);
    expect(result.notice).toMatchObject({ id: 'legacy-mfa-module', matched: '\\Apps\\2.0\\…\\CreateExoPSSession.ps1' });
    expect(result.notice?.fix.commands).toContain('Install-Module -Name ExchangeOnlineManagement -Scope CurrentUser');
    // The causes still read the machine: Basic off first, then the seed's own IE-proxy option.
    expect(result.causes.map((c) => c.id).slice(0, 2)).toEqual(['rps-winrm-basic-off', 'rps-ie-proxy-option-without-proxy']);
    const json = toJson(result);
    expect(Object.keys(json).indexOf('notice')).toBeLessThan(Object.keys(json).indexOf('causes'));
  });

  it('reads a wrapped path, and leaves current-module errors alone', () => {
    const wrapped = explain('New-ExoPSSession : Create Powershell Session is failed using OAuth\nAt C:\\Users\\x\\AppData\\Local\\Apps\\2.0\\A\\B\\micr..tion_c3bce3770c238a49_0010.0000_90fa60bba125a33a\\CreateExoPSS\nession.ps1:179 char:22');
    expect(wrapped.notice?.id).toBe('legacy-mfa-module');
    expect(explain('Connect-ExchangeOnline : UnAuthorized\nAt C:\\Program Files\\WindowsPowerShell\\Modules\\ExchangeOnlineManagement\\3.7.2\\netFramework\\ExchangeOnlineManagement.psm1:762').notice).toBeUndefined();
  });

  it('puts the IE proxy option first when the text shows it', () => {
    const result = explain('$ProxySetting = New-PSSessionOption -ProxyAccessType IEConfig\r\nConnect-EXOPSSession -PSSessionOption $ProxySetting\r\nNew-ExoPSSession : Create Powershell Session is failed using OAuth');
    expect(result.causes[0]?.id).toBe('rps-ie-proxy-option-without-proxy');
    expect(result.causes[0]?.fix.commands[0]).toBe('$ProxySetting = $null');
  });
});

describe('classes learned from the fresh train sample', () => {
  it.each([
    ['a user name and password sign-in refused (ROPC cannot do MFA)', 'Connect-AzAccount : UsernamePasswordCredential authentication failed: Response status code does not indicate success: 400 (BadRequest).', 'ropc-credential', 'mfa_required'],
    ['MSOnline refusing a cmdlet to a non-admin', 'Get-MsolUser : Access Denied. You do not have permissions to call this cmdlet.', 'no-permission-for-cmdlet', 'missing_admin_role'],
    ["Windows PowerShell 2.0's wording of the execution policy", 'Import-Module : File C:\\Temp\\tmp_x.psm1 cannot be loaded because the execution of scripts is disabled on this system.', 'execution-policy', 'module_or_dll_problem'],
    ['a module that is installed but fails to load', "Connect-MgGraph : The 'Connect-MgGraph' command was found in the module 'Microsoft.Graph.Authentication', but the module could not be loaded.", 'module-load-failed', 'module_or_dll_problem'],
    ['an interactive sign-in PowerShell 7 cannot do', 'Only loopback redirect uri is supported, but urn:ietf:wg:oauth:2.0:oob was found. Configure http://localhost or http://localhost:port both during app registration and when you create the PublicClientApplication object.', 'msal-loopback-redirect', 'module_or_dll_problem'],
    ["Entra's words for AADSTS50079 without the code", 'Add-AzureAccount : Strong authentication enrollment (proof-up) is required.', 'entra-text-enrollment-required', 'mfa_required'],
    ["Azure's mandatory MFA on create and update", 'Resource was disallowed by policy. Users must use MFA for Create operation.', 'azure-mandatory-mfa', 'mfa_required'],
    ["WinRM's shell quota, relayed by the legacy endpoint", 'New-PSSession : Connecting to remote server outlook.office365.com failed with the following error message : The WS-Management service cannot process the request. The maximum number of concurrent shells for this user has been exceeded.', 'runspace-limit', 'throttling'],
    ['a session whose commands need a newer Windows PowerShell', "Import-PSSession : Method not found: 'System.String System.Management.Automation.CommandMetadata.EscapeBlockComment(System.String)'.", 'powershell-runtime-too-old', 'module_or_dll_problem'],
    ['an exception inside the client, nothing refused', 'Connect-ExchangeOnline : Object reference not set to an instance of an object.\n    + CategoryInfo : NotSpecified: (:) [Connect-ExchangeOnline], NullReferenceException', 'client-exception', 'module_or_dll_problem'],
    ['an admin cmdlet no role of the account grants', "New-JournalRule : The term 'New-JournalRule' is not recognized as the name of a cmdlet, function, script file, or operable program.", 'cmdlet-not-in-role', 'missing_admin_role'],
    ["another module's Connect cmdlet, unknown in this PowerShell", "Connect-MsolService: The term 'Connect-MsolService' is not recognized as the name of a cmdlet, function, script file, or operable program.", 'connect-cmdlet-missing', 'module_or_dll_problem'],
    ['an assembly built for another bitness', "Import-Module : Could not load file or assembly 'file:///C:\\Program Files (x86)\\WindowsPowerShell\\Modules\\X\\X.dll' or one of its dependencies. An attempt was made to load a program with an incorrect format.", 'assembly-load-failed', 'module_or_dll_problem'],
    ['a .NET Framework too old for netstandard', "Could not load file or assembly 'netstandard, Version=2.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51' or one of its dependencies.", 'assembly-load-failed', 'module_or_dll_problem'],
    ['a Windows library missing where the module runs', "Unable to load DLL 'IEFRAME.dll': The specified module could not be found. (Exception from HRESULT: 0x8007007E)", 'assembly-load-failed', 'module_or_dll_problem'],
    ['a type this PowerShell has not loaded', 'Unable to find type [Microsoft.Exchange.Management.RestApiClient.ExchangeEnvironment].', 'type-not-found', 'module_or_dll_problem'],
    ['a cmdlet not recognised, quoted in double quotes', 'The term "Connect-EXOPSSession" is not recognized.', 'module-not-installed', 'module_or_dll_problem'],
    ['a parameter the module loaded lacks, retold without its quotes', 'a parameter cannot be found that matches userprincipalname', 'parameter-not-found', 'module_or_dll_problem'],
    ['a tool connecting with a certificate, refused', 'Extracting [O365AdminAuditLogConfig] using {CertificateThumbprint}...UnAuthorized', 'app-only-refused', 'app_only_misconfigured'],
    ["the Graph SDK's retries running out", 'Get-MgUser : More than 3 retries encountered while sending the request.', 'sdk-retries-exhausted', 'throttling'],
    ['a token from another national cloud', '{"error":{"code":"InvalidAuthenticationToken","message":"InvalidCloudInstance"}}', 'invalid-cloud-instance', 'wrong_cloud_environment'],
    ['a token handed to the module that Exchange refuses', 'VERBOSE: [ThreadID: 1] Returning the provided AccessToken\nOperationStopped: UnAuthorized', 'app-only-refused', 'app_only_misconfigured'],
    ['a script calling another ADAL version than the one loaded', 'Cannot find an overload for "AcquireTokenAsync" and the argument count: "5".', 'msal-assembly-conflict', 'module_or_dll_problem'],
    ['SharePoint\'s old credential sign-in on an MFA account', 'Connect-SPOService : The sign-in name or password does not match one in the Microsoft account system.', 'idcrl-credential', 'mfa_required'],
    ['parameters this version does not take together', 'Connect-MicrosoftTeams : Parameter set cannot be resolved using the specified named parameters.', 'parameter-set', 'module_or_dll_problem'],
    ["Python's requests failing to reach the proxy", "HTTPSConnectionPool(host='login.microsoftonline.com', port=443): Max retries exceeded with url: / (Caused by ProxyError('Cannot connect to proxy.', OSError('Tunnel connection failed: 403 Forbidden')))", 'proxy-refused-tunnel', 'proxy'],
    ['a token from the future: the clock is behind', 'RuntimeError: 0. The ID token is not yet valid. Current epoch = 1637592999.', 'token-not-yet-valid', 'clock_skew'],
    ['a name with no address', 'Failed to establish a new connection: [Errno -5] No address associated with hostname', 'dns-failure', 'dns'],
    ["one of MSAL.NET's own bugs", 'Connect-ExchangeOnline : Sequence contains no elements', 'client-exception', 'module_or_dll_problem'],
    ["MSAL's own timeout", 'MsalServiceException: ErrorCode: request_timeout', 'task-canceled', 'network_blocked'],
    ["Purview's limit on concurrent jobs", "New-ComplianceSearchAction : Your request can't be started because the maximum number of jobs for your organization are currently running.", 'throttled', 'throttling'],
    ['the legacy endpoint refusing an account without an RBAC role', "New-PSSession : [outlook.office365.com] Processing data from remote server outlook.office365.com failed with the following error message: The user 'ana@fabrikam.com' does not have permission to manage this tenant.", 'not-allowed-to-call', 'missing_admin_role'],
    ['remote PowerShell switched off', 'New-PSSession : Processing data from remote server failed with the following error message: The ability to connect to this tenant by using a remote PowerShell session has been disabled.', 'remote-powershell-disabled-text', 'powershell_access_disabled'],
    ["the sign-in page's words for a Conditional Access block", 'Your sign-in was successful but does not meet the criteria to access this resource.', 'entra-text-ca-blocked', 'conditional_access'],
    ['a policy that wants a managed device', 'Your sign-in was successful but your admin requires the device requesting access to be managed by Fabrikam to access this resource.', 'entra-text-ca-blocked', 'conditional_access'],
  ])('%s', (_name, text, id, category) => {
    expect(explain(text).causes[0]).toMatchObject({ id, category });
  });

  it("reads the Graph SDK's retries running out as throttling or a failing service, the status deciding between them", () => {
    const text = 'Too many retries performed. More than 3 retries encountered while sending the request. (HTTP request failed with status code: GatewayTimeout.)';
    expect(explain(text, RULES_ONLY).causes.slice(0, 2).map((c) => c.id)).toEqual(['sdk-retries-exhausted-outage', 'sdk-retries-exhausted']);
    expect(new Set(explain(text).causes.slice(0, 2).map((c) => c.category))).toEqual(new Set(['service_outage', 'throttling']));
  });

  it("reads Graph's 'Insufficient privileges' as a scope not asked for, or a role missing, a Graph cmdlet putting the scope first", () => {
    const text = 'Get-MgUser : Insufficient privileges to complete the operation.';
    expect(explain(text, RULES_ONLY).causes.slice(0, 2).map((c) => c.id)).toEqual(['graph-scope-not-consented', 'graph-insufficient-privileges']);
    expect(new Set(explain(text).causes.slice(0, 2).map((c) => c.category))).toEqual(new Set(['app_disabled_or_not_consented', 'missing_admin_role']));
  });

  it("reads the legacy endpoint's 'Access is denied' as Basic authentication first, the Exchange role among the others", () => {
    const text = 'New-PSSession : [outlook.office365.com] Connecting to remote server outlook.office365.com failed with the following error message : Access is denied.';
    const ids = explain(text, RULES_ONLY).causes.map((c) => c.id);
    expect(ids[0]).toBe('rps-access-denied-basic');
    expect(ids).toContain('rps-access-denied');
  });

  it('lets AADSTS70002, a wrapper, yield to the code that says why', () => {
    const result = explain('Add-AzureAccount : AADSTS70002: Error validating credentials. AADSTS50126: Invalid username or password.', RULES_ONLY);
    expect(result.causes[0]?.id).toBe('aadsts-50126');
    expect(result.causes.find((c) => c.id === 'aadsts-70002')?.score).toBe(0.5);
    // Alone, it is the cause.
    expect(explain('AADSTS70002: Error validating credentials.').causes[0]?.id).toBe('aadsts-70002');
  });

  it('lets a code that fails "for one of the following reasons" yield to the reason its message names', () => {
    const result = explain('AADSTS50012: Client assertion is not within its valid time range. Current time: 2026-12-05T10:00:00Z', RULES_ONLY);
    expect(result.causes[0]?.category).toBe('clock_skew');
    expect(result.causes.find((c) => c.id === 'aadsts-50012')?.score).toBe(0.5);
  });

  it('offers both readings of AADSTS700016: an app missing from the tenant, or a wrong app id', () => {
    const result = explain("AADSTS700016: Application with identifier '31359c7f-bd7e-475c-86db-fdb8c937548e' was not found in the directory 'Fabrikam'.");
    expect(result.causes.map((c) => c.category).slice(0, 2)).toEqual(['app_disabled_or_not_consented', 'app_only_misconfigured']);
  });
});

describe('a code with two readings', () => {
  it('gives AADSTS50079 as MFA required first and MFA not registered as the runner-up', () => {
    const result = explain('AADSTS50079: Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access this resource.');
    expect(result.causes.map((c) => c.category).slice(0, 2)).toEqual(['mfa_required', 'mfa_not_registered']);
    expect(result.causes[1]).toMatchObject({ id: 'aadsts-50079-as-mfa_not_registered', title: 'AADSTS50079, read as: MFA is required, but the account has no method registered' });
    expect(result.causes[1]?.fix.summary).toContain('https://aka.ms/mfasetup');
    expect(result.causes[1]?.why).toBe('The same code often has another cause: MFA is required, but the account has no method registered.');
  });
});

describe("the platform's own messages, the sign-in page's and Graph's (docs/errors.md)", () => {
  it.each([
    ['Resolve-DnsName : login.microsoftonline.com : The requested name is valid, but no data of the requested type was found', 'dns-failure', 'dns'],
    ['Connect-ExchangeOnline : The proxy name could not be resolved: \'proxy.fabrikam.local\'', 'proxy-name-unresolved', 'proxy'],
    ['Exception calling "GetResponse" with "0" argument(s): "Unable to connect to the remote server"', 'connect-failure', 'network_blocked'],
    ['New-PSSession : [outlook.office365.com] Connecting to remote server outlook.office365.com failed with the following error message : The WS-Management service cannot complete the operation within the time specified in OperationTimeout.', 'winrm-operation-timeout', 'network_blocked'],
    ['The SSL connection could not be established, see inner exception. The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot', 'tls-untrusted', 'tls_interception'],
    ['Connecting to remote server outlook.office365.com failed with the following error message : The server certificate on the destination computer (outlook.office365.com:443) has the following errors: The SSL certificate is signed by an unknown certificate authority.', 'tls-untrusted', 'tls_interception'],
    ['MsalClientException: User realm discovery failed. ErrorCode: user_realm_discovery_failed', 'msal-user-realm-discovery', 'network_blocked'],
    ['Microsoft.Identity.Client.MsalClientException: Unknown User Type', 'msal-unknown-user-type', 'user_not_found'],
    ['MsalClientException: Parsing WS-Trust response failed. ErrorCode: parsing_wstrust_response_failed', 'msal-federated-password', 'wrong_password'],
    ['ErrorCode: password_required_for_managed_user Microsoft.Identity.Client.MsalClientException: Password is required for managed user.', 'msal-password-missing', 'wrong_password'],
    ['MsalClientException: ROPC does not support MSA accounts. See https://aka.ms/msal-net-ropc for details.', 'entra-text-personal-account', 'guest_or_wrong_tenant'],
    ['Connect-ExchangeOnline : The certificate CN=exo-app does not have a private key.', 'certificate-not-found', 'app_only_misconfigured'],
    ['WAM Account Picker did not return an account. Either the user cancelled the authentication or the WAM Account Picker crashed because the app is running in an elevated process.', 'wam-timeout', 'module_or_dll_problem'],
    ['ManagedIdentityCredential authentication unavailable. The requested identity has not been assigned to this resource.', 'managed-identity-unavailable', 'app_only_misconfigured'],
    ["Connect-ExchangeOnline : Could not load type 'System.Runtime.InteropServices.OSPlatform' from assembly 'mscorlib'.", 'dotnet-framework-too-old', 'module_or_dll_problem'],
    ["Import-Module : Module 'C:\\Program Files\\WindowsPowerShell\\Modules\\MSOnline\\1.1.183.66\\MSOnline.psd1' does not support current PowerShell edition 'Core'. Its supported editions are 'Desktop'.", 'module-edition', 'module_or_dll_problem'],
    ["Install-Module : The specified module 'ExchangeOnlineManagement' with PowerShellGetFormatVersion '2.0' is not supported by the current version of PowerShellGet.", 'module-not-installed', 'module_or_dll_problem'],
    ['WARNING: Unable to download the list of available providers. Check your internet connection.', 'gallery-tls', 'other'],
    // Tools' own translations (fixtures/messages' sources: CIPP, ScubaGear, Graph PowerShell, the module).
    ["AADSTS900023: Specified tenant identifier 'fabrikam.onmicrosof.com' is neither a valid DNS name, nor a valid external domain.", 'aadsts-900023', 'guest_or_wrong_tenant'],
    ['AADSTS7000229: The client application 4c1b2d3e-0000-0000-0000-000000000000 is missing service principal in the tenant 72f988bf-0000-0000-0000-000000000000.', 'aadsts-7000229', 'app_disabled_or_not_consented'],
    ["Connect-MgGraph : Certificate with thumbprint 'ABC123' was not found in certificate store or has expired.", 'certificate-not-found', 'app_only_misconfigured'],
    ['Connect-MgGraph : Key not valid for use in specified state.', 'token-cache-unreadable', 'module_or_dll_problem'],
    ["Connect-ExchangeOnline : Invalid ConnectionUri parameter 'outlook.office365.us'", 'invalid-endpoint-parameter', 'wrong_cloud_environment'],
    ['X-AutoDiscovery-Error: LiveIdBasicAuth:BasicAuthBlockStatus - Deny: BlockBasicAuth - User blocked', 'basic-auth-blocked', 'basic_auth_disabled'],
    // The sign-in page, Exchange's RBAC and Microsoft Graph.
    ['It looks like your account has been blocked. Please contact your admin to unblock it.', 'entra-text-locked', 'account_disabled_or_locked'],
    ['You cannot access this right now. Your sign-in was successful, but does not meet the criteria to access this resource.', 'entra-text-ca-blocked', 'conditional_access'],
    ['More information required. Your organization needs more information to keep your account secure.', 'entra-text-mfa-registration', 'mfa_not_registered'],
    ['Need admin approval. Microsoft Graph Command Line Tools needs permission to access resources in your organization that only an admin can grant.', 'entra-text-consent', 'app_disabled_or_not_consented'],
    ['Get-AcceptedDomain : Some of the parameters specified with the "Get-AcceptedDomain" cmdlet aren\'t present in the role definition for the current user.', 'not-allowed-to-call', 'missing_admin_role'],
    ['Get-MgUser : Insufficient privileges to complete the operation. Status: 403 (Forbidden) ErrorCode: Authorization_RequestDenied', 'graph-insufficient-privileges', 'missing_admin_role'],
    ['Get-MgUser : The identity of the calling application could not be established. ErrorCode: Authorization_IdentityNotFound', 'graph-identity-not-found', 'app_disabled_or_not_consented'],
    ['Invoke-RestMethod : {"error":{"code":"InvalidAuthenticationToken","message":"Access token validation failure. Invalid audience."}}', 'graph-token-shape', 'app_only_misconfigured'],
    ['Status: 401 (Unauthorized) ErrorCode: InvalidAuthenticationToken WWW-Authenticate: Bearer error="insufficient_claims", claims="eyJhY2Nlc3MiOnt9fQ=="', 'claims-challenge', 'conditional_access'],
  ])('%s', (text, id, category) => {
    expect(explain(text).causes[0]).toMatchObject({ id, category });
  });
});

describe('network failures', () => {
  it('name a firewall that drops packets (Winsock 10060) before a known case that merely resembles it', () => {
    const result = explain('A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond 40.97.1.1:443');
    expect(result.causes[0]).toMatchObject({ id: 'connect-failure', category: 'network_blocked' });
  });

  it('fill the places no rule or known case took with the parts of the path that are often the cause', () => {
    const result = explain('The operation has timed out');
    expect(result.causes.map((c) => c.category)).toEqual(['network_blocked', 'proxy', 'tls_interception']);
    expect(result.causes[1]).toMatchObject({ id: 'network-proxy', confidence: 'low', matched: [] });
    // Never in place of a cause something named: here rules name three.
    const forcibly = explain('Connect-ExchangeOnline : An existing connection was forcibly closed by the remote host. The SSL connection could not be established');
    expect(forcibly.causes.map((c) => c.id)).toEqual(['tls-untrusted', 'connection-reset', 'connection-closed-proxy']);
  });
});
