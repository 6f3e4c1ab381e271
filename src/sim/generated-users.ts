/**
 * Large simulated tenants: `generatedUsers` in a scenario adds accounts in every state a pre-flight must
 * tell apart, named after their state (`powershell-off-0002@contoso.com`), so a test or a benchmark can
 * check each verdict from the name alone.
 */

/** The per-account states, in the order generated accounts cycle through them. */
export const ACCOUNT_STATES = [
  'ready',
  'powershell-off',
  'no-exchange-role',
  'mfa-not-registered',
  'per-user-mfa-off',
  'disabled',
  'not-assigned',
  'guest',
] as const;

export type AccountState = (typeof ACCOUNT_STATES)[number];

export interface GeneratedUsers {
  readonly count: number;
  /** The states to cycle through (default: all). */
  readonly states: readonly AccountState[];
}

/** A generated account, in the shape of a scenario's user (src/sim/scenario.ts ScenarioUser). */
interface GeneratedUser {
  readonly upn: string;
  readonly displayName: string;
  readonly id: string;
  readonly enabled: boolean;
  readonly locked: boolean;
  readonly perUserMfa: 'disabled';
  readonly methods: readonly 'microsoftAuthenticator'[];
  readonly roles: readonly string[];
  readonly eligibleRoles: readonly string[];
  readonly exoModuleEnabled: boolean;
  readonly hasMailbox: boolean;
  readonly userType: 'Member' | 'Guest';
}

/** A GUID made from a number, stable across runs. */
function idOf(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `6e0a5c1d-7b2e-4c3f-9a8d-${hex}`;
}

/**
 * The accounts: the i-th is in state `states[i % states.length]`. A guest is named as Entra names an
 * invited guest (`name_home.example#EXT#@tenant.onmicrosoft.com`); the rest use the tenant's first domain.
 */
export function generateUsers(spec: GeneratedUsers, domain: string, initialDomain: string): GeneratedUser[] {
  const users: GeneratedUser[] = [];
  for (let i = 0; i < spec.count; i++) {
    const state = spec.states[i % spec.states.length] as AccountState;
    const n = String(i + 1).padStart(4, '0');
    const upn = state === 'guest' ? `guest-${n}_fabrikam.example#EXT#@${initialDomain}` : `${state}-${n}@${domain}`;
    const base: GeneratedUser = {
      upn,
      displayName: `${state} ${n}`,
      id: idOf(i + 1),
      enabled: true,
      locked: false,
      perUserMfa: 'disabled',
      methods: ['microsoftAuthenticator'],
      roles: ['Exchange Administrator'],
      eligibleRoles: [],
      exoModuleEnabled: true,
      hasMailbox: true,
      userType: 'Member',
    };
    const changes: Partial<Record<AccountState, Partial<GeneratedUser>>> = {
      'powershell-off': { exoModuleEnabled: false },
      'no-exchange-role': { roles: [] },
      'mfa-not-registered': { methods: [] },
      // A role no Conditional Access policy of the built-in tenants names, with no per-user MFA: a password alone.
      'per-user-mfa-off': { roles: ['Exchange Recipient Administrator'] },
      disabled: { enabled: false },
      guest: { userType: 'Guest', hasMailbox: false },
    };
    users.push({ ...base, ...changes[state] });
  }
  return users;
}
