/**
 * The Microsoft Graph reads the doctor needs, with Graph's permission model: the token's scopes (or
 * app roles), the Entra roles a delegated caller needs to read about someone else, and the Entra ID P1
 * licence some reports require. Refusals use Graph's real 403 shape. Examples: fixtures/microsoft/graph/.
 */
import { type Role, ROLES, roleNamed } from './roles.js';
import { graphError, json, type SimRequest, type SimResponse } from './http.js';
import { FIRST_PARTY, stableGuid } from './ids.js';
import type { ScenarioUser } from './scenario.js';
import type { Tenant } from './tenant.js';
import type { TokenIssuer } from './tokens.js';

/** Who called: a user through a client, or an app. */
type Caller =
  | { readonly kind: 'user'; readonly user: ScenarioUser; readonly scopes: ReadonlySet<string> }
  | { readonly kind: 'app'; readonly appId: string; readonly roles: ReadonlySet<string> };

interface Permission {
  /** Delegated scopes, any of which will do. */
  readonly delegated: readonly string[];
  /** Application permissions, any of which will do. */
  readonly application: readonly string[];
  /** Entra roles a delegated caller needs when reading about another user (any of them). */
  readonly rolesForOthers?: readonly Role[];
  /** Entra roles a delegated caller always needs (tenant-wide policy reads). */
  readonly roles?: readonly Role[];
  /** Needs Entra ID P1. */
  readonly premium?: boolean;
}

const R = ROLES;
const POLICY_READERS = [R.globalAdministrator, R.globalReader, R.securityAdministrator, R.securityReader, R.conditionalAccessAdministrator];
const AUTH_METHOD_READERS = [
  R.globalAdministrator,
  R.globalReader,
  R.privilegedAuthenticationAdministrator,
  R.authenticationAdministrator,
  R.authenticationPolicyAdministrator,
  R.securityReader,
];
const REPORT_READERS = [R.globalAdministrator, R.globalReader, R.reportsReader, R.securityAdministrator, R.securityReader, R.securityOperator];

const PERMISSIONS = {
  user: { delegated: ['User.Read.All', 'User.ReadBasic.All', 'Directory.Read.All'], application: ['User.Read.All', 'Directory.Read.All'] },
  me: { delegated: ['User.Read', 'User.Read.All', 'Directory.Read.All'], application: [] },
  requirements: {
    delegated: ['Policy.Read.All', 'Policy.ReadWrite.AuthenticationMethod'],
    application: ['Policy.Read.All', 'Policy.ReadWrite.AuthenticationMethod'],
    rolesForOthers: AUTH_METHOD_READERS,
  },
  methods: {
    delegated: ['UserAuthenticationMethod.Read', 'UserAuthenticationMethod.Read.All', 'UserAuthenticationMethod.ReadWrite.All'],
    application: ['UserAuthenticationMethod.Read.All', 'UserAuthenticationMethod.ReadWrite.All'],
    rolesForOthers: AUTH_METHOD_READERS,
  },
  registration: {
    delegated: ['AuditLog.Read.All', 'UserAuthenticationMethod.Read.All'],
    application: ['AuditLog.Read.All', 'UserAuthenticationMethod.Read.All'],
    roles: REPORT_READERS,
    premium: true,
  },
  policy: { delegated: ['Policy.Read.All'], application: ['Policy.Read.All'], roles: POLICY_READERS },
  servicePrincipals: {
    delegated: ['Application.Read.All', 'Directory.Read.All'],
    application: ['Application.Read.All', 'Directory.Read.All'],
  },
  roleAssignments: {
    delegated: ['RoleManagement.Read.Directory', 'RoleManagement.Read.All', 'Directory.Read.All'],
    application: ['RoleManagement.Read.Directory', 'RoleManagement.Read.All', 'Directory.Read.All'],
  },
  roleEligibility: {
    delegated: ['RoleEligibilitySchedule.Read.Directory', 'RoleManagement.Read.Directory'],
    application: ['RoleManagement.Read.Directory'],
    premium: true,
  },
  signIns: { delegated: ['AuditLog.Read.All'], application: ['AuditLog.Read.All'], roles: REPORT_READERS, premium: true },
} satisfies Record<string, Permission>;

export class GraphService {
  constructor(
    private readonly tenant: Tenant,
    private readonly issuer: TokenIssuer,
  ) {}

  private get base(): string {
    return `https://${this.tenant.cloud.graphHost}`;
  }

  handle(req: SimRequest): SimResponse {
    const caller = this.authenticate(req);
    if ('status' in caller) return caller;
    req.note({ clientId: caller.kind === 'app' ? caller.appId : undefined });
    if (req.method !== 'GET') return graphError(req, 405, 'Request_BadRequest', 'The simulated Graph only answers reads.');
    const path = req.path.replace(/\/+$/, '');
    let m: RegExpExecArray | null;
    if ((m = /^\/(v1\.0|beta)\/me$/.exec(path))) return this.userObject(req, caller, undefined, m[1] as string);
    if ((m = /^\/(v1\.0|beta)\/users\/([^/]+)$/.exec(path))) return this.userObject(req, caller, decodeURIComponent(m[2] as string), m[1] as string);
    if ((m = /^\/beta\/(?:me|users\/([^/]+))\/authentication\/requirements$/.exec(path))) return this.requirements(req, caller, m[1]);
    if ((m = /^\/(?:v1\.0|beta)\/(?:me|users\/([^/]+))\/authentication\/methods$/.exec(path))) return this.methods(req, caller, m[1]);
    if ((m = /^\/(?:v1\.0|beta)\/reports\/authenticationMethods\/userRegistrationDetails\/([^/]+)$/.exec(path))) {
      return this.registration(req, caller, decodeURIComponent(m[1] as string));
    }
    if (/^\/(v1\.0|beta)\/policies\/identitySecurityDefaultsEnforcementPolicy$/.test(path)) return this.securityDefaults(req, caller);
    if (/^\/(v1\.0|beta)\/identity\/conditionalAccess\/policies$/.test(path)) return this.conditionalAccess(req, caller);
    if (/^\/(v1\.0|beta)\/servicePrincipals$/.test(path)) return this.servicePrincipals(req, caller);
    if ((m = /^\/(?:v1\.0|beta)\/servicePrincipals\/([^/]+)\/appRoleAssignedTo$/.exec(path))) return this.assignedTo(req, caller, m[1] as string);
    if (/^\/(v1\.0|beta)\/roleManagement\/directory\/roleAssignments$/.test(path)) return this.roleAssignments(req, caller, 'active');
    if (/^\/(v1\.0|beta)\/roleManagement\/directory\/roleEligibilitySchedules$/.test(path)) return this.roleAssignments(req, caller, 'eligible');
    if (/^\/(v1\.0|beta)\/auditLogs\/signIns$/.test(path)) return this.signIns(req, caller);
    return graphError(req, 400, 'BadRequest', `Resource not found for the segment '${path.split('/').pop() ?? ''}'.`);
  }

  private authenticate(req: SimRequest): Caller | SimResponse {
    const header = req.headers['authorization'] ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) return graphError(req, 401, 'InvalidAuthenticationToken', 'Access token is empty.');
    const check = this.issuer.verifyAccessToken(token, [FIRST_PARTY.microsoftGraph.appId, this.base], req.now);
    if (!check.ok) {
      const message = {
        malformed: 'IDX14100: JWT is not well formed.',
        signature: 'Access token validation failure. Invalid signature.',
        expired: 'Lifetime validation failed, the token is expired.',
        'not-yet-valid': 'Lifetime validation failed, the token is not yet valid.',
        audience: 'Access token validation failure. Invalid audience.',
        tenant: 'Access token validation failure. Invalid issuer.',
      }[check.reason];
      return graphError(req, 401, 'InvalidAuthenticationToken', message);
    }
    const claims = check.claims;
    if (claims['idtyp'] === 'app') {
      const roles = Array.isArray(claims['roles']) ? (claims['roles'] as string[]) : [];
      return { kind: 'app', appId: String(claims['appid']), roles: new Set(roles.map((r) => r.toLowerCase())) };
    }
    const user = this.tenant.user(String(claims['oid']));
    if (!user) return graphError(req, 401, 'InvalidAuthenticationToken', 'Access token validation failure.');
    const scopes = String(claims['scp'] ?? '').split(' ').filter(Boolean);
    return { kind: 'user', user, scopes: new Set(scopes.map((s) => s.toLowerCase())) };
  }

  /** Graph's refusal when the token lacks the permission, the caller a role, or the tenant a licence. */
  private authorize(req: SimRequest, caller: Caller, permission: Permission, subject?: ScenarioUser): SimResponse | undefined {
    const denied = () => graphError(req, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    if (caller.kind === 'app') {
      if (!permission.application.some((p) => caller.roles.has(p.toLowerCase()))) return denied();
    } else {
      if (!permission.delegated.some((p) => caller.scopes.has(p.toLowerCase()))) return denied();
      const holds = (roles: readonly Role[]) => roles.some((r) => caller.user.roles.includes(r.name));
      if (permission.roles && !holds(permission.roles)) return denied();
      const other = subject !== undefined && subject.id !== caller.user.id;
      if (other && permission.rolesForOthers && !holds(permission.rolesForOthers)) return denied();
    }
    if (permission.premium && !this.tenant.scenario.tenant.entraP1) {
      return graphError(
        req,
        403,
        'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
        "Neither tenant is B2C or tenant doesn't have premium license",
      );
    }
    return undefined;
  }

  /** The subject of a per-user read: the id or UPN in the path, or the caller for /me. */
  private subject(req: SimRequest, caller: Caller, idOrUpn: string | undefined): ScenarioUser | SimResponse {
    if (idOrUpn === undefined) {
      if (caller.kind === 'app') return graphError(req, 400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
      return caller.user;
    }
    return (
      this.tenant.user(decodeURIComponent(idOrUpn)) ??
      graphError(req, 404, 'Request_ResourceNotFound', `Resource '${idOrUpn}' does not exist or one of its queried reference-property objects are not present.`)
    );
  }

  private userObject(req: SimRequest, caller: Caller, idOrUpn: string | undefined, version: string): SimResponse {
    const subject = this.subject(req, caller, idOrUpn);
    if ('status' in subject) return subject;
    const self = caller.kind === 'user' && caller.user.id === subject.id;
    const refused = this.authorize(req, caller, self ? PERMISSIONS.me : PERMISSIONS.user);
    if (refused) return refused;
    const [given, ...family] = subject.displayName.split(' ');
    return json(200, {
      '@odata.context': `${this.base}/${version}/$metadata#users/$entity`,
      id: subject.id,
      displayName: subject.displayName,
      givenName: given,
      surname: family.join(' '),
      userPrincipalName: subject.upn,
      mail: subject.hasMailbox ? subject.upn : null,
      accountEnabled: subject.enabled,
      userType: subject.userType,
      businessPhones: [],
      jobTitle: null,
      mobilePhone: null,
      officeLocation: null,
      preferredLanguage: 'en-US',
    });
  }

  private requirements(req: SimRequest, caller: Caller, idOrUpn: string | undefined): SimResponse {
    const subject = this.subject(req, caller, idOrUpn);
    if ('status' in subject) return subject;
    const refused = this.authorize(req, caller, PERMISSIONS.requirements, subject);
    return refused ?? json(200, { '@odata.context': `${this.base}/beta/$metadata#users('${subject.id}')/authentication/requirements`, perUserMfaState: subject.perUserMfa });
  }

  private methods(req: SimRequest, caller: Caller, idOrUpn: string | undefined): SimResponse {
    const subject = this.subject(req, caller, idOrUpn);
    if ('status' in subject) return subject;
    const refused = this.authorize(req, caller, PERMISSIONS.methods, subject);
    if (refused) return refused;
    const created = '2024-03-01T09:00:00Z';
    const method = (type: string, extra: Record<string, unknown> = {}) => ({
      '@odata.type': `#microsoft.graph.${type}AuthenticationMethod`,
      id: stableGuid(`${subject.id}/${type}`),
      ...extra,
    });
    const registered = subject.methods.map((m) => {
      switch (m) {
        case 'microsoftAuthenticator':
          return method(m, { displayName: 'iPhone 15', deviceTag: 'SoftwareTokenActivated', phoneAppVersion: '6.8.9', createdDateTime: created });
        case 'phone':
          return method(m, { phoneNumber: '+1 4255550100', phoneType: 'mobile', smsSignInState: 'notEnabled' });
        case 'fido2':
          return method(m, {
            displayName: 'Security key',
            createdDateTime: created,
            creationDateTime: created,
            aaGuid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8',
            model: 'YubiKey 5 NFC',
            attestationCertificates: [],
            attestationLevel: 'attested',
          });
        case 'email':
          return method(m, { emailAddress: 'backup@example.com' });
        case 'windowsHelloForBusiness':
          return method(m, { displayName: `${subject.displayName}'s laptop`, createdDateTime: created, keyStrength: 'normal' });
        default:
          return method(m, { createdDateTime: created });
      }
    });
    return json(200, {
      '@odata.context': `${this.base}/v1.0/$metadata#users('${subject.id}')/authentication/methods`,
      value: [method('password', { password: null, createdDateTime: created }), ...registered],
    });
  }

  private registration(req: SimRequest, caller: Caller, idOrUpn: string): SimResponse {
    const subject = this.subject(req, caller, idOrUpn);
    if ('status' in subject) return subject;
    const refused = this.authorize(req, caller, PERMISSIONS.registration, subject);
    if (refused) return refused;
    const reportName: Record<string, string> = {
      microsoftAuthenticator: 'microsoftAuthenticatorPush',
      phone: 'mobilePhone',
      fido2: 'fido2SecurityKey',
      softwareOath: 'softwareOneTimePasscode',
      windowsHelloForBusiness: 'windowsHelloForBusiness',
      email: 'email',
      temporaryAccessPass: 'temporaryAccessPass',
    };
    const methods = subject.methods.map((m) => reportName[m] ?? m);
    const capable = subject.methods.some((m) => m !== 'email');
    return json(200, {
      '@odata.context': `${this.base}/v1.0/$metadata#reports/authenticationMethods/userRegistrationDetails/$entity`,
      id: subject.id,
      userPrincipalName: subject.upn,
      userDisplayName: subject.displayName,
      userType: subject.userType === 'Guest' ? 'guest' : 'member',
      isAdmin: this.tenant.isAdmin(subject),
      isSsprRegistered: capable,
      isSsprEnabled: false,
      isSsprCapable: false,
      isMfaRegistered: capable,
      isMfaCapable: capable,
      isPasswordlessCapable: subject.methods.includes('fido2') || subject.methods.includes('windowsHelloForBusiness'),
      methodsRegistered: methods,
      isSystemPreferredAuthenticationMethodEnabled: true,
      systemPreferredAuthenticationMethods: methods.slice(0, 1),
      userPreferredMethodForSecondaryAuthentication: methods[0] ?? 'none',
      lastUpdatedDateTime: '2026-11-01T08:00:00Z',
    });
  }

  private securityDefaults(req: SimRequest, caller: Caller): SimResponse {
    const refused = this.authorize(req, caller, PERMISSIONS.policy);
    return (
      refused ??
      json(200, {
        '@odata.context': `${this.base}/v1.0/$metadata#policies/identitySecurityDefaultsEnforcementPolicy/$entity`,
        id: '00000000-0000-0000-0000-000000000005',
        displayName: 'Security Defaults',
        description:
          'Security defaults is a set of basic identity security mechanisms recommended by Microsoft. When enabled, these recommendations will be automatically enforced in your organization. Administrators and users will be better protected from common identity related attacks.',
        isEnabled: this.tenant.scenario.securityDefaults,
      })
    );
  }

  private conditionalAccess(req: SimRequest, caller: Caller): SimResponse {
    const refused = this.authorize(req, caller, PERMISSIONS.policy);
    if (refused) return refused;
    const ids = (upns: readonly string[]) => upns.map((u) => (u === 'All' ? 'All' : (this.tenant.user(u)?.id ?? u)));
    const value = this.tenant.scenario.conditionalAccess.map((p) => ({
      id: p.id,
      templateId: null,
      displayName: p.displayName,
      createdDateTime: '2025-06-01T10:00:00Z',
      modifiedDateTime: null,
      state: p.state,
      conditions: {
        userRiskLevels: [],
        signInRiskLevels: [],
        clientAppTypes: ['all'],
        platforms: null,
        locations: null,
        devices: null,
        clientApplications: null,
        applications: { includeApplications: p.includeApplications, excludeApplications: [], includeUserActions: [], includeAuthenticationContextClassReferences: [] },
        users: {
          includeUsers: ids(p.includeUsers),
          excludeUsers: ids(p.excludeUsers),
          includeGroups: [],
          excludeGroups: [],
          includeRoles: p.includeRoles.map((r) => roleNamed(r)?.templateId ?? r),
          excludeRoles: [],
        },
        ...(p.transferMethods.length > 0 ? { authenticationFlows: { transferMethods: p.transferMethods.join(',') } } : {}),
      },
      grantControls: {
        operator: 'OR',
        builtInControls: p.grant,
        customAuthenticationFactors: [],
        termsOfUse: [],
        authenticationStrength: null,
      },
      sessionControls: null,
    }));
    return json(200, { '@odata.context': `${this.base}/v1.0/$metadata#identity/conditionalAccess/policies`, value });
  }

  private servicePrincipalObjects(): Record<string, unknown>[] {
    const { scenario } = this.tenant;
    const microsoftTenant = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';
    const common = (appId: string, displayName: string, publisher: string) => ({
      deletedDateTime: null,
      appDisplayName: displayName,
      homepage: null,
      logoutUrl: null,
      publisherName: publisher,
      replyUrls: [],
      servicePrincipalNames: [appId],
      tags: [],
      addIns: [],
      appRoles: [],
      info: { logoUrl: null, marketingUrl: null, privacyStatementUrl: null, supportUrl: null, termsOfServiceUrl: null },
      keyCredentials: [],
      oauth2PermissionScopes: [],
      passwordCredentials: [],
    });
    const firstParty = [FIRST_PARTY.exchangePowerShell, FIRST_PARTY.graphPowerShell, FIRST_PARTY.exchangeOnline, FIRST_PARTY.microsoftGraph];
    return [
      ...firstParty.map((app) => ({
        ...common(app.appId, app.displayName, 'Microsoft Services'),
        id: this.tenant.servicePrincipalId(app.appId),
        appId: app.appId,
        displayName: app.displayName,
        accountEnabled: app.appId === FIRST_PARTY.exchangePowerShell.appId ? scenario.exchangePowerShellApp.enabled : true,
        appRoleAssignmentRequired: app.appId === FIRST_PARTY.exchangePowerShell.appId ? scenario.exchangePowerShellApp.assignmentRequired : false,
        appOwnerOrganizationId: microsoftTenant,
        servicePrincipalType: 'Application',
      })),
      ...scenario.apps.map((app) => ({
        ...common(app.appId, app.displayName, scenario.tenant.displayName),
        id: this.tenant.servicePrincipalId(app.appId),
        appId: app.appId,
        displayName: app.displayName,
        accountEnabled: app.enabled,
        appRoleAssignmentRequired: false,
        appOwnerOrganizationId: this.tenant.id,
        servicePrincipalType: 'Application',
      })),
    ];
  }

  private servicePrincipals(req: SimRequest, caller: Caller): SimResponse {
    const refused = this.authorize(req, caller, PERMISSIONS.servicePrincipals);
    if (refused) return refused;
    const filter = parseFilter(req.query.get('$filter'));
    if (filter === undefined) return graphError(req, 400, 'BadRequest', 'Invalid filter clause');
    const value = this.servicePrincipalObjects().filter((sp) => matches(sp, filter));
    return json(200, { '@odata.context': `${this.base}/v1.0/$metadata#servicePrincipals`, value });
  }

  private assignedTo(req: SimRequest, caller: Caller, spId: string): SimResponse {
    const refused = this.authorize(req, caller, PERMISSIONS.servicePrincipals);
    if (refused) return refused;
    const exoSp = this.tenant.servicePrincipalId(FIRST_PARTY.exchangePowerShell.appId);
    if (!this.servicePrincipalObjects().some((sp) => sp['id'] === spId)) {
      return graphError(req, 404, 'Request_ResourceNotFound', `Resource '${spId}' does not exist or one of its queried reference-property objects are not present.`);
    }
    const assigned = spId === exoSp ? this.tenant.scenario.exchangePowerShellApp.assignedUsers : [];
    const value = assigned
      .map((upn) => this.tenant.user(upn))
      .filter((u): u is ScenarioUser => u !== undefined)
      .map((u) => ({
        id: stableGuid(`${spId}/${u.id}`),
        appRoleId: '00000000-0000-0000-0000-000000000000',
        createdDateTime: '2025-06-01T10:00:00Z',
        principalDisplayName: u.displayName,
        principalId: u.id,
        principalType: 'User',
        resourceDisplayName: FIRST_PARTY.exchangePowerShell.displayName,
        resourceId: spId,
      }));
    return json(200, { '@odata.context': `${this.base}/v1.0/$metadata#servicePrincipals('${spId}')/appRoleAssignedTo`, value });
  }

  private roleAssignments(req: SimRequest, caller: Caller, kind: 'active' | 'eligible'): SimResponse {
    const refused = this.authorize(req, caller, kind === 'active' ? PERMISSIONS.roleAssignments : PERMISSIONS.roleEligibility);
    if (refused) return refused;
    const filter = parseFilter(req.query.get('$filter'));
    if (filter === undefined) return graphError(req, 400, 'BadRequest', 'Invalid filter clause');
    const expand = (req.query.get('$expand') ?? '').includes('roleDefinition');
    const principals: { id: string; roles: readonly string[] }[] = [
      ...this.tenant.scenario.users.map((u) => ({ id: u.id, roles: kind === 'active' ? u.roles : u.eligibleRoles })),
      ...this.tenant.scenario.apps.map((a) => ({ id: this.tenant.servicePrincipalId(a.appId), roles: kind === 'active' ? a.roles : [] })),
    ];
    const value = principals
      .flatMap((p) =>
        p.roles.map((name) => {
          const role = roleNamed(name) as Role;
          return {
            id: stableGuid(`${kind}/${p.id}/${role.templateId}`),
            principalId: p.id,
            roleDefinitionId: role.templateId,
            directoryScopeId: '/',
            resourceScope: '/',
            ...(kind === 'eligible' ? { memberType: 'Direct', status: 'Provisioned', scheduleInfo: { startDateTime: '2025-06-01T10:00:00Z', expiration: { type: 'noExpiration' } } } : {}),
            ...(expand ? { roleDefinition: { id: role.templateId, displayName: role.name, templateId: role.templateId, isBuiltIn: true } } : {}),
          };
        }),
      )
      .filter((a) => matches(a, filter));
    const set = kind === 'active' ? 'roleAssignments' : 'roleEligibilitySchedules';
    return json(200, { '@odata.context': `${this.base}/v1.0/$metadata#roleManagement/directory/${set}`, value });
  }

  private signIns(req: SimRequest, caller: Caller): SimResponse {
    const refused = this.authorize(req, caller, PERMISSIONS.signIns);
    if (refused) return refused;
    const filter = parseFilter(req.query.get('$filter'));
    if (filter === undefined) return graphError(req, 400, 'BadRequest', 'Invalid filter clause');
    const top = Number(req.query.get('$top') ?? 50);
    const value = [...this.tenant.signInLog]
      .reverse()
      .map((s) => ({
        id: s.id,
        createdDateTime: s.createdDateTime,
        userDisplayName: s.userPrincipalName ? (this.tenant.user(s.userPrincipalName)?.displayName ?? null) : null,
        userPrincipalName: s.userPrincipalName ?? null,
        userId: s.userId ?? null,
        appId: s.appId,
        appDisplayName: s.appDisplayName,
        ipAddress: '203.0.113.7',
        clientAppUsed: 'Mobile Apps and Desktop clients',
        conditionalAccessStatus: s.conditionalAccessStatus,
        isInteractive: s.isInteractive,
        resourceDisplayName: s.resourceDisplayName,
        authenticationRequirement: s.authenticationRequirement,
        status: { errorCode: s.errorCode, failureReason: s.failureReason, additionalDetails: null },
        appliedConditionalAccessPolicies: s.appliedPolicies.map((name) => {
          const policy = this.tenant.scenario.conditionalAccess.find((p) => p.displayName === name);
          return {
            id: policy?.id ?? stableGuid(name),
            displayName: name,
            enforcedGrantControls: policy?.grant.map((g) => (g === 'mfa' ? 'Mfa' : g === 'block' ? 'Block' : g)) ?? [],
            enforcedSessionControls: [],
            result: s.errorCode === 53003 ? 'failure' : 'success',
          };
        }),
      }))
      .filter((s) => matches(s, filter))
      .slice(0, top);
    return json(200, { '@odata.context': `${this.base}/v1.0/$metadata#auditLogs/signIns`, value });
  }
}

/** `a eq 'x' and b eq 'y'` → `[['a','x'],['b','y']]`; `[]` for no filter; `undefined` for one this world cannot read. */
function parseFilter(filter: string | null): [string, string][] | undefined {
  if (!filter) return [];
  const clauses = filter.split(/\s+and\s+/i);
  const parsed = clauses.map((c) => /^\s*([A-Za-z.]+)\s+eq\s+'((?:[^']|'')*)'\s*$/.exec(c));
  if (parsed.some((p) => p === null)) return undefined;
  return parsed.map((p) => [(p as RegExpExecArray)[1] as string, ((p as RegExpExecArray)[2] as string).replace(/''/g, "'")]);
}

function matches(item: Record<string, unknown>, filter: readonly [string, string][]): boolean {
  return filter.every(([field, value]) => String(item[field] ?? '').toLowerCase() === value.toLowerCase());
}
