/**
 * Which Conditional Access policies reach one account's Exchange Online PowerShell sign-in, and what
 * they demand. Pure: policies (as Graph lists them) and what is known of the account in, matches out.
 *
 * A policy reaches the sign-in when it is on (or report-only), its users condition takes the account in
 * (users, roles, groups, not excluded), its applications take in Exchange Online (All, Office365,
 * 00000002-0000-0ff1-ce00-000000000000) or the module's client (fb78d390-…), its client app types take in
 * desktop clients, and its authentication flows (when set) name the device-code flow.
 * Conditions the doctor cannot see from here (locations, platforms, device filters, risk) are reported,
 * not guessed. Sources: docs/mfa.md#conditional-access-requiring-mfa;
 * https://learn.microsoft.com/graph/api/resources/conditionalaccesspolicy
 */

import { MICROSOFT_APPS } from '../knowledge/microsoft-ids.js';


/** Application values that take in an Exchange Online PowerShell sign-in. */
const EXCHANGE_TARGETS = new Set<string>(['all', 'office365', MICROSOFT_APPS.exchangeOnline, MICROSOFT_APPS.exchangePowerShell]);

/** What is known of the account; `undefined` means it could not be read. */
export interface Account {
  readonly id: string;
  /** Active directory role template ids (lower case). */
  readonly roles: ReadonlySet<string> | undefined;
  /** Ids of the groups it belongs to, directly or not (lower case). */
  readonly groups: ReadonlySet<string> | undefined;
}

export interface PolicyMatch {
  readonly id: string;
  readonly displayName: string;
  /** Report-only policies are evaluated and logged, never enforced. */
  readonly reportOnly: boolean;
  /** `maybe` when the answer hangs on something that could not be read (listed in `unknown`). */
  readonly applies: 'yes' | 'maybe';
  readonly unknown: readonly string[];
  /** Conditions the doctor does not evaluate, which narrow when the policy bites ("locations"). */
  readonly onlyWhen: readonly string[];
  /** The policy targets the device-code flow only. */
  readonly deviceCodeFlow: boolean;
  readonly grants: {
    readonly mfa: boolean;
    readonly block: boolean;
    readonly compliantDevice: boolean;
    /** `OR` of several controls: any one is enough. */
    readonly anyOf: boolean;
    /** The controls as the admin centre names them, for evidence. */
    readonly controls: readonly string[];
  };
}

/** The policies (enabled or report-only) that reach the account's Exchange PowerShell sign-in. */
export function policiesFor(policies: readonly unknown[], account: Account): PolicyMatch[] {
  return policies.map((p) => match(p as RawPolicy, account)).filter((m): m is PolicyMatch => m !== undefined);
}

/** Whether any policy names groups or roles, so that the caller knows whether to read them. */
export function mentions(policies: readonly unknown[], what: 'Groups' | 'Roles'): boolean {
  return policies.some((p) => {
    const users = (p as RawPolicy).conditions?.users;
    return list(users?.[`include${what}`]).length > 0 || list(users?.[`exclude${what}`]).length > 0;
  });
}

interface RawPolicy {
  readonly id?: unknown;
  readonly displayName?: unknown;
  readonly state?: unknown;
  readonly conditions?: {
    readonly users?: Readonly<Record<string, unknown>>;
    readonly applications?: Readonly<Record<string, unknown>> | null;
    readonly clientAppTypes?: unknown;
    readonly authenticationFlows?: { readonly transferMethods?: unknown } | null;
    readonly locations?: unknown;
    readonly platforms?: unknown;
    readonly devices?: unknown;
    readonly userRiskLevels?: unknown;
    readonly signInRiskLevels?: unknown;
    readonly insiderRiskLevels?: unknown;
  } | null;
  readonly grantControls?: { readonly operator?: unknown; readonly builtInControls?: unknown; readonly authenticationStrength?: unknown } | null;
}

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  // transferMethods is a flags enum: "deviceCodeFlow,authenticationTransfer".
  if (typeof value === 'string' && value !== '') return value.split(',').map((v) => v.trim());
  return [];
}

const lower = (values: readonly string[]) => values.map((v) => v.toLowerCase());

function match(policy: RawPolicy, account: Account): PolicyMatch | undefined {
  const state = policy.state;
  if (state !== 'enabled' && state !== 'enabledForReportingButNotEnforced') return undefined;
  const conditions = policy.conditions ?? {};
  const users = usersMatch(conditions.users ?? {}, account);
  if (users === 'no') return undefined;
  if (!appliesToExchange(conditions.applications ?? {})) return undefined;
  const clientApps = lower(list(conditions.clientAppTypes));
  if (clientApps.length > 0 && !clientApps.includes('all') && !clientApps.includes('mobileappsanddesktopclients')) return undefined;
  const flows = list(conditions.authenticationFlows?.transferMethods);
  if (flows.length > 0 && !flows.includes('deviceCodeFlow')) return undefined;

  const grant = policy.grantControls ?? {};
  const controls = list(grant.builtInControls);
  const strength = grant.authenticationStrength as { displayName?: unknown } | null | undefined;
  const named = [...controls, ...(strength ? [`requires authentication strength "${typeof strength.displayName === 'string' ? strength.displayName : 'custom'}"`] : [])];
  return {
    id: String(policy.id ?? ''),
    displayName: String(policy.displayName ?? policy.id ?? 'unnamed policy'),
    reportOnly: state === 'enabledForReportingButNotEnforced',
    applies: users.unknown.length > 0 ? 'maybe' : 'yes',
    unknown: users.unknown,
    onlyWhen: narrowingConditions(conditions),
    deviceCodeFlow: flows.includes('deviceCodeFlow'),
    grants: {
      mfa: controls.includes('mfa') || !!strength,
      block: controls.includes('block'),
      compliantDevice: controls.includes('compliantDevice') || controls.includes('domainJoinedDevice'),
      anyOf: String(grant.operator ?? 'OR').toUpperCase() === 'OR' && named.length > 1,
      controls: named,
    },
  };
}

/** `no`, or whether the account is in, with what could not be read. */
function usersMatch(users: Readonly<Record<string, unknown>>, account: Account): 'no' | { unknown: string[] } {
  const id = account.id.toLowerCase();
  const unknown = new Set<string>();
  const inSet = (values: readonly string[], known: ReadonlySet<string> | undefined, what: string): boolean => {
    if (values.length === 0) return false;
    if (!known) {
      unknown.add(what);
      return false;
    }
    return values.some((v) => known.has(v.toLowerCase()));
  };
  const excludeUsers = lower(list(users['excludeUsers']));
  if (excludeUsers.includes(id)) return 'no';
  if (inSet(list(users['excludeRoles']), account.roles, 'role assignments')) return 'no';
  if (inSet(list(users['excludeGroups']), account.groups, 'group membership')) return 'no';
  const includeUsers = lower(list(users['includeUsers']));
  const included =
    includeUsers.includes('all') ||
    includeUsers.includes(id) ||
    inSet(list(users['includeRoles']), account.roles, 'role assignments') ||
    inSet(list(users['includeGroups']), account.groups, 'group membership');
  if (included) return { unknown: [...unknown] };
  // Not shown to be in: in only if something unread could have put it there.
  const couldBeIn = (list(users['includeRoles']).length > 0 && !account.roles) || (list(users['includeGroups']).length > 0 && !account.groups);
  return couldBeIn ? { unknown: [...unknown] } : 'no';
}

function appliesToExchange(applications: Readonly<Record<string, unknown>>): boolean {
  const include = lower(list(applications['includeApplications']));
  const exclude = lower(list(applications['excludeApplications']));
  if (exclude.some((a) => EXCHANGE_TARGETS.has(a) && a !== 'all')) return false;
  return include.some((a) => EXCHANGE_TARGETS.has(a));
}

function narrowingConditions(conditions: NonNullable<RawPolicy['conditions']>): string[] {
  const out: string[] = [];
  const locations = conditions.locations as { includeLocations?: unknown; excludeLocations?: unknown } | null | undefined;
  if (locations && (list(locations.excludeLocations).length > 0 || !lower(list(locations.includeLocations)).every((l) => l === 'all'))) out.push('locations');
  if (conditions.platforms) out.push('device platforms');
  if (conditions.devices) out.push('device filter');
  if (list(conditions.userRiskLevels).length > 0) out.push('user risk');
  if (list(conditions.signInRiskLevels).length > 0) out.push('sign-in risk');
  if (list(conditions.insiderRiskLevels).length > 0) out.push('insider risk');
  return out;
}
