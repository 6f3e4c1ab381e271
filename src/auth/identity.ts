/**
 * What the identity checks hand each other: the tenant as discovered, the Exchange sign-in, the Graph
 * sign-in. Types only, so that the checks (and their tests) agree on one contract.
 */
import type { Cloud, EnvironmentName } from '../clouds.js';

/** Where the tenant lives and how its users sign in (tenant-discovery's output). */
export interface TenantInfo {
  /** The domain or id that was asked about. */
  readonly query: string;
  /**
   * The directory (tenant) id, from the issuer (or token endpoint) of the OpenID configuration; when that
   * document cannot be read or names no id, the domain that was asked, which MSAL accepts as the
   * authority's tenant (tenant-discovery then warns).
   */
  readonly tenantId: string;
  /** The cloud to sign in to: the tenant's own (equal to the configured one, or discovery fails). */
  readonly cloud: Cloud;
  /** The cloud the tenant was found in, as `-ExchangeEnvironmentName` names it. */
  readonly environment: EnvironmentName;
  /** `tenant_region_scope` (NA, EU, USGov, …) and `tenant_region_sub_scope` (GCC, DODCON, DOD). */
  readonly region?: string;
  readonly subScope?: string;
  /** How the UPN's domain signs in; `Unknown` when no domain was asked or the realm could not be read. */
  readonly namespace: 'Managed' | 'Federated' | 'Unknown';
  /** For a federated domain: the sign-in server (AD FS or another IdP) users are sent to. */
  readonly federation?: { readonly host: string; readonly authUrl: string; readonly brand?: string };
}

/** How the token was obtained. */
export type SignInMode = 'device-code' | 'browser' | 'certificate' | 'secret' | 'access-token';

/** The Exchange Online token, as exo-token hands it on. The token itself is registered as a secret. */
export interface ExoSession {
  readonly cloud: Cloud;
  readonly tenantId: string;
  readonly mode: SignInMode;
  /** A token for an application (certificate, secret) rather than for a person. */
  readonly appOnly: boolean;
  /** The client the token was issued to (`appid`): the module's, or the admin's own app. */
  readonly clientId: string;
  /** The signed-in person (delegated tokens only). */
  readonly upn?: string;
  /** The account under diagnosis: `--target`, else the signed-in person; none for app-only without `--target`. */
  readonly subject?: string;
  readonly accessToken: string;
  /** The token's claims, decoded (never printed as such). */
  readonly claims: Readonly<Record<string, unknown>>;
  readonly expiresOn?: Date;
}

/** The Microsoft Graph token, as graph-token hands it on. */
export interface GraphSession {
  /** `graph.microsoft.com`, `graph.microsoft.us`, … */
  readonly graphHost: string;
  readonly accessToken: string;
  readonly appOnly: boolean;
  /** What the token allows: delegated scopes (`scp`) or application roles (`roles`). */
  readonly permissions: readonly string[];
  /** The account under diagnosis, resolved in the directory; none for app-only without `--target`. */
  readonly subject?: {
    readonly id: string;
    readonly upn: string;
    readonly displayName?: string;
    /** false when sign-in is blocked for the account (Entra "accountEnabled"); absent when Graph did not say. */
    readonly accountEnabled?: boolean;
    readonly userType?: 'Member' | 'Guest';
  };
  /** The signed-in person's id (delegated only), to tell "self" from "someone else". */
  readonly callerId?: string;
}
