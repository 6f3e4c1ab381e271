/**
 * The simulated tenant: its directory (users, apps, roles), and the policy engine that decides how a
 * sign-in ends, in the order Entra applies its rules: the account, the application, Conditional Access,
 * then MFA (security defaults, per-user MFA, policies).
 */
import { CLOUDS, type Cloud, type EnvironmentName } from '../clouds.js';
import { ROLES, roleNamed } from './roles.js';
import { FIRST_PARTY, stableGuid } from './ids.js';
import type { ConditionalAccessPolicy, Scenario, ScenarioApp, ScenarioUser } from './scenario.js';

/** How a user got to the token endpoint. Conditional Access can target some flows. */
export type SignInFlow = 'deviceCode' | 'authorizationCode' | 'password' | 'refreshToken';

export type SignInOutcome =
  | { readonly ok: true; readonly amr: readonly string[]; readonly appliedPolicies: readonly string[] }
  | {
      readonly ok: false;
      readonly code: number;
      readonly error: string;
      readonly message: string;
      readonly suberror?: string;
      readonly appliedPolicies: readonly string[];
    };

/** One line of the sign-in log, as Graph's auditLogs/signIns reports it. */
export interface SignInRecord {
  readonly id: string;
  readonly createdDateTime: string;
  readonly userPrincipalName?: string;
  readonly userId?: string;
  readonly appId: string;
  readonly appDisplayName: string;
  readonly resourceDisplayName: string;
  readonly errorCode: number;
  readonly failureReason: string;
  readonly conditionalAccessStatus: 'success' | 'failure' | 'notApplied';
  readonly appliedPolicies: readonly string[];
  readonly authenticationRequirement: 'singleFactorAuthentication' | 'multiFactorAuthentication';
  readonly isInteractive: boolean;
}

/** Roles that can grant tenant-wide admin consent during sign-in. */
const CONSENTING_ROLES = new Set<string>([
  ROLES.globalAdministrator.name,
  ROLES.privilegedRoleAdministrator.name,
  ROLES.cloudApplicationAdministrator.name,
  ROLES.applicationAdministrator.name,
]);

/** Scopes any user may consent to for themselves. */
const USER_CONSENTABLE = new Set(['openid', 'profile', 'email', 'offline_access', 'user.read']);

export class Tenant {
  readonly cloud: Cloud;
  readonly signInLog: SignInRecord[] = [];

  constructor(readonly scenario: Scenario) {
    this.cloud = CLOUDS[scenario.tenant.environment];
  }

  get id(): string {
    return this.scenario.tenant.id;
  }

  /** The `*.onmicrosoft.com` (or sovereign equivalent) domain. */
  get initialDomain(): string {
    return this.scenario.tenant.domains.find((d) => /\.onmicrosoft\.|\.onmschina\./i.test(d)) ?? (this.scenario.tenant.domains[0] as string);
  }

  /** Whether a path segment (`{tenant}` in a URL) names this tenant: its id or one of its domains. */
  matches(segment: string): boolean {
    const s = segment.toLowerCase();
    return s === this.id.toLowerCase() || this.scenario.tenant.domains.some((d) => d.toLowerCase() === s);
  }

  /** Whether the tenant belongs to the cloud of an environment (GCC High and DoD share a login host). */
  inCloudOf(environment: EnvironmentName): boolean {
    return CLOUDS[environment].loginHost === this.cloud.loginHost;
  }

  ownsDomain(domain: string): boolean {
    return this.scenario.tenant.domains.some((d) => d.toLowerCase() === domain.toLowerCase());
  }

  user(upnOrId: string): ScenarioUser | undefined {
    const key = upnOrId.toLowerCase();
    return this.scenario.users.find((u) => u.upn.toLowerCase() === key || u.id.toLowerCase() === key);
  }

  app(appId: string): ScenarioApp | undefined {
    return this.scenario.apps.find((a) => a.appId.toLowerCase() === appId.toLowerCase());
  }

  /** Object id of an app's service principal in this tenant. */
  servicePrincipalId(appId: string): string {
    return stableGuid(`${this.id}/servicePrincipal/${appId.toLowerCase()}`);
  }

  /** The role template ids a `wids` claim lists for a user: active roles plus the default User role. */
  userWids(user: ScenarioUser): string[] {
    const roles = user.roles.map((name) => roleNamed(name)?.templateId).filter((id): id is string => id !== undefined);
    return user.userType === 'Member' ? [...roles, ROLES.user.templateId] : roles;
  }

  appWids(app: ScenarioApp): string[] {
    return app.roles.map((name) => roleNamed(name)?.templateId).filter((id): id is string => id !== undefined);
  }

  isAdmin(user: ScenarioUser): boolean {
    return user.roles.length > 0;
  }

  /** Delegated Graph scopes the user ends up with for the Graph PowerShell client, or the ones refused. */
  grantGraphScopes(user: ScenarioUser, requested: readonly string[]): { granted: string[]; refused: string[] } {
    const consented = new Set(this.scenario.graphConsentedScopes.map((s) => s.toLowerCase()));
    const canConsentForAll = user.roles.some((r) => CONSENTING_ROLES.has(r));
    const granted: string[] = [];
    const refused: string[] = [];
    for (const scope of requested) {
      const key = scope.toLowerCase();
      if (consented.has(key) || USER_CONSENTABLE.has(key) || canConsentForAll) granted.push(scope);
      else refused.push(scope);
    }
    return { granted, refused };
  }

  /**
   * Decides how a user's sign-in to `clientId` for `resourceName` ends.
   * `mfaDone` is true when the refresh token being redeemed already carries MFA.
   */
  evaluateUserSignIn(user: ScenarioUser, clientId: string, resourceName: string, flow: SignInFlow, mfaDone = false): SignInOutcome {
    const deny = (code: number, error: string, message: string, extra: { suberror?: string; appliedPolicies?: string[] } = {}) =>
      ({ ok: false, code, error, message, appliedPolicies: [], ...extra }) as const;

    if (!user.enabled) return deny(50057, 'invalid_grant', 'The user account is disabled.');
    if (user.locked) {
      return deny(50053, 'invalid_grant', "Your account is locked because you've tried to sign in too many times with an incorrect user ID or password.");
    }

    const exo = this.scenario.exchangePowerShellApp;
    if (clientId === FIRST_PARTY.exchangePowerShell.appId) {
      if (!exo.enabled) {
        return deny(7000112, 'unauthorized_client', `Application '${clientId}'(${FIRST_PARTY.exchangePowerShell.displayName}) is disabled.`);
      }
      if (exo.assignmentRequired && !exo.assignedUsers.some((u) => u.toLowerCase() === user.upn.toLowerCase())) {
        return deny(
          50105,
          'invalid_grant',
          `Your administrator has configured the application ${FIRST_PARTY.exchangePowerShell.displayName} ('${clientId}') to block users unless they are specifically granted ('assigned') access to the application. The signed in user '{EUII Hidden}' is blocked because they are not a direct member of a group with access, nor had access directly assigned by an administrator. Please contact your administrator to assign access to this application.`,
        );
      }
    }

    const policies = this.scenario.conditionalAccess.filter((p) => p.state === 'enabled' && this.policyApplies(p, user, clientId, flow));
    const applied = policies.map((p) => p.displayName);
    if (policies.some((p) => p.grant.includes('block'))) {
      return deny(53003, 'invalid_grant', 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.', {
        appliedPolicies: applied,
      });
    }
    if (policies.some((p) => p.grant.includes('compliantDevice') || p.grant.includes('domainJoinedDevice'))) {
      return deny(
        53000,
        'invalid_grant',
        'Device is not in required device state: compliant. Conditional Access policy requires a compliant device, and the device is not compliant. The user must enroll their device with an approved MDM provider like Intune.',
        { appliedPolicies: applied },
      );
    }

    const mfaRequired =
      user.perUserMfa !== 'disabled' ||
      (this.scenario.securityDefaults && this.isAdmin(user)) ||
      policies.some((p) => p.grant.includes('mfa'));
    if (!mfaRequired || mfaDone) return { ok: true, amr: mfaDone ? ['pwd', 'mfa'] : ['pwd'], appliedPolicies: applied };
    if (user.methods.length === 0) {
      return deny(
        50079,
        'invalid_grant',
        `Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '${resourceName}'.`,
        { appliedPolicies: applied },
      );
    }
    if (flow === 'password' || flow === 'refreshToken') {
      // Non-interactive: the user cannot answer the MFA challenge here.
      return deny(
        50076,
        'invalid_grant',
        `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${resourceName}'.`,
        { suberror: 'basic_action', appliedPolicies: applied },
      );
    }
    return { ok: true, amr: ['pwd', 'mfa'], appliedPolicies: applied };
  }

  private policyApplies(policy: ConditionalAccessPolicy, user: ScenarioUser, clientId: string, flow: SignInFlow): boolean {
    const upn = user.upn.toLowerCase();
    if (policy.excludeUsers.some((u) => u.toLowerCase() === upn)) return false;
    const userIncluded =
      policy.includeUsers.some((u) => u === 'All' || u.toLowerCase() === upn) || policy.includeRoles.some((r) => user.roles.includes(r));
    if (!userIncluded) return false;
    const office365: readonly string[] = [FIRST_PARTY.exchangePowerShell.appId, FIRST_PARTY.legacyExchangeShell.appId];
    const appIncluded = policy.includeApplications.some(
      (a) => a === 'All' || a.toLowerCase() === clientId.toLowerCase() || (a === 'Office365' && office365.includes(clientId)),
    );
    if (!appIncluded) return false;
    if (policy.transferMethods.length > 0) return flow === 'deviceCode' && policy.transferMethods.includes('deviceCodeFlow');
    return true;
  }
}
