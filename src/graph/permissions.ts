/**
 * What each Graph read of the doctor needs (delegated scope, application permission, Entra role,
 * licence), and the explanation of a 403: which of them is missing and how to get it, for a `skip`.
 */
import { doctorCommand } from '../invocation.js';
import type { GraphSession } from '../auth/identity.js';
import { fix, type Remediation } from '../result.js';
import type { GraphError } from './error.js';

/** What a read needs, so that a refusal can be explained. */
export interface GraphPermission {
  /** The thing read, in words: "the per-user MFA state". */
  readonly what: string;
  /** Least-privileged delegated scope; `others` when reading about someone else needs more. */
  readonly scope: string;
  readonly scopeForOthers?: string;
  /** Other delegated scopes that also allow the read. */
  readonly alsoScopes?: readonly string[];
  /** Least-privileged application permission (app-only). */
  readonly appRole: string;
  readonly alsoAppRoles?: readonly string[];
  /** Entra roles a delegated caller needs (any of them): always, or only to read about someone else. */
  readonly roles?: readonly string[];
  readonly rolesFor?: 'always' | 'others';
  /** The read needs Microsoft Entra ID P1 (or P2). */
  readonly premium?: boolean;
}

const READERS = ['Global Reader', 'Security Reader', 'Security Administrator', 'Conditional Access Administrator'];
const AUTH_READERS = ['Global Reader', 'Authentication Administrator', 'Privileged Authentication Administrator'];
const REPORT_READERS = ['Reports Reader', 'Security Reader', 'Security Administrator', 'Global Reader'];

/**
 * The reads the doctor makes and what each needs. Sources: the permissions includes of
 * microsoft-graph-docs-contrib (authentication-get, authentication-list-methods,
 * authenticationmethodsroot-list-userregistrationdetails, identitysecuritydefaultsenforcementpolicy-get,
 * conditionalaccessroot-list-policies, serviceprincipal-list, signin-list) and docs/mfa.md.
 */
export const GRAPH_PERMISSIONS = {
  perUserMfa: {
    what: 'the per-user MFA state',
    scope: 'Policy.Read.All',
    alsoScopes: ['Policy.ReadWrite.AuthenticationMethod'],
    appRole: 'Policy.Read.All',
    alsoAppRoles: ['Policy.ReadWrite.AuthenticationMethod'],
    roles: AUTH_READERS,
    rolesFor: 'others',
  },
  methods: {
    what: 'the registered authentication methods',
    scope: 'UserAuthenticationMethod.Read',
    scopeForOthers: 'UserAuthenticationMethod.Read.All',
    alsoScopes: ['UserAuthenticationMethod.ReadWrite.All'],
    appRole: 'UserAuthenticationMethod.Read.All',
    alsoAppRoles: ['UserAuthenticationMethod.ReadWrite.All'],
    roles: AUTH_READERS,
    rolesFor: 'others',
  },
  registrationDetails: {
    what: 'the authentication methods registration report',
    scope: 'AuditLog.Read.All',
    alsoScopes: ['UserAuthenticationMethod.Read.All'],
    appRole: 'AuditLog.Read.All',
    alsoAppRoles: ['UserAuthenticationMethod.Read.All'],
    roles: REPORT_READERS,
    rolesFor: 'always',
    premium: true,
  },
  securityDefaults: { what: 'the security defaults setting', scope: 'Policy.Read.All', appRole: 'Policy.Read.All', roles: READERS, rolesFor: 'always' },
  conditionalAccess: { what: 'the Conditional Access policies', scope: 'Policy.Read.All', appRole: 'Policy.Read.All', roles: READERS, rolesFor: 'always' },
  roleAssignments: {
    what: 'the directory role assignments',
    scope: 'RoleManagement.Read.Directory',
    alsoScopes: ['RoleManagement.Read.All', 'Directory.Read.All'],
    appRole: 'RoleManagement.Read.Directory',
    alsoAppRoles: ['RoleManagement.Read.All', 'Directory.Read.All'],
  },
  groupMembership: {
    what: 'the group memberships',
    scope: 'GroupMember.Read.All',
    alsoScopes: ['Directory.Read.All', 'Group.Read.All'],
    appRole: 'GroupMember.Read.All',
    alsoAppRoles: ['Directory.Read.All', 'Group.Read.All'],
  },
  servicePrincipals: {
    what: 'the enterprise applications (service principals)',
    scope: 'Application.Read.All',
    alsoScopes: ['Directory.Read.All'],
    appRole: 'Application.Read.All',
    alsoAppRoles: ['Directory.Read.All'],
  },
  signIns: {
    what: 'the sign-in log',
    scope: 'AuditLog.Read.All',
    appRole: 'AuditLog.Read.All',
    roles: REPORT_READERS,
    rolesFor: 'always',
    premium: true,
  },
} as const satisfies Record<string, GraphPermission>;

const CONSENT_DOC = 'https://learn.microsoft.com/entra/identity/enterprise-apps/grant-admin-consent';
const SDK_AUTH_DOC = 'https://learn.microsoft.com/powershell/microsoftgraph/authentication-commands';
const APP_PERMISSION_DOC = 'https://learn.microsoft.com/entra/identity-platform/howto-update-permissions';
const LICENCE_DOC = 'https://learn.microsoft.com/entra/fundamentals/licensing';

/** Why a read was refused and how to allow it. */
export interface Denial {
  readonly permission: GraphPermission;
  readonly error: GraphError;
  /** One sentence: "the sign-in log needs Microsoft Entra ID P1, and this tenant has none". */
  readonly reason: string;
  readonly remediation: Remediation;
}

/** Explains a 403 on a read: the licence, the missing permission (and how to consent), or the missing role. */
export function explainDenial(
  error: GraphError,
  permission: GraphPermission,
  session: GraphSession,
  aboutOther = false,
  config: { readonly invocation?: string } = {},
): Denial {
  const base = { permission, error };
  if (error.unlicensed) {
    return {
      ...base,
      reason: `${permission.what} needs a Microsoft Entra ID P1 (or P2) licence, and this tenant has none (${error.code})`,
      remediation: fix({
        summary: `Reading ${permission.what} through Graph needs Microsoft Entra ID P1 (part of Microsoft 365 E3/E5 and Business Premium). Without it the doctor relies on the other reads.`,
        runBy: 'another-admin',
        links: [LICENCE_DOC],
      }),
    };
  }
  const held = new Set(session.permissions.map((p) => p.toLowerCase()));
  const has = (names: readonly (string | undefined)[]) => names.some((n) => n !== undefined && held.has(n.toLowerCase()));
  if (session.appOnly) {
    const appRoles = [permission.appRole, ...(permission.alsoAppRoles ?? [])];
    if (!has(appRoles)) {
      return {
        ...base,
        reason: `reading ${permission.what} needs the Microsoft Graph application permission ${permission.appRole}, which the application does not have`,
        remediation: fix({
          summary: `Add the Microsoft Graph application permission ${permission.appRole} to the app registration (API permissions), then grant admin consent for the tenant; run the doctor again.`,
          runBy: 'admin',
          links: [APP_PERMISSION_DOC, CONSENT_DOC],
        }),
      };
    }
    return { ...base, reason: `Graph refused ${permission.what} although the application has ${appRoles.filter((r) => held.has(r.toLowerCase())).join(', ')} (${error.describe()})`, remediation: consentFix(permission.appRole) };
  }
  const scope = aboutOther && permission.scopeForOthers ? permission.scopeForOthers : permission.scope;
  const scopes = [scope, ...(permission.alsoScopes ?? []), ...(aboutOther ? [] : permission.scopeForOthers ? [permission.scopeForOthers] : [])];
  if (!has(scopes)) {
    return { ...base, reason: `reading ${permission.what} needs the Graph permission ${scope}, which was not consented for this sign-in`, remediation: consentFix(scope) };
  }
  const roles = permission.roles && (permission.rolesFor === 'always' || aboutOther) ? permission.roles : undefined;
  if (roles) {
    return {
      ...base,
      reason: `the signed-in account holds no Entra role that may read ${permission.what} (${roles.join(', ')})`,
      remediation: fix({
        summary: `Run the doctor signed in as an account with one of these roles: ${roles.join(', ')} (Global Reader reads everything the doctor needs and changes nothing), diagnosing the account with --target.`,
        runBy: 'another-admin',
        commands: [doctorCommand(config, `--upn <Global Reader UPN> --target ${session.subject?.upn ?? '<the account to diagnose>'}`)],
      }),
    };
  }
  return { ...base, reason: `Graph refused ${permission.what} (${error.describe()})`, remediation: consentFix(scope) };
}

/** How an admin consents to a delegated scope for the Microsoft Graph PowerShell client, once. */
function consentFix(scope: string): Remediation {
  return fix({
    summary: `Consent once to ${scope} for "Microsoft Graph Command Line Tools": an admin who may grant consent (Global Administrator, Privileged Role Administrator or Cloud Application Administrator) runs Connect-MgGraph with the scope and accepts for the organisation, or grants admin consent to that app in the Entra admin centre (Enterprise applications → Microsoft Graph Command Line Tools → Permissions). Then run the doctor again.`,
    runBy: 'admin',
    commands: [`Connect-MgGraph -Scopes ${scope}`],
    links: [SDK_AUTH_DOC, CONSENT_DOC],
  });
}

