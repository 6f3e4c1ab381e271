/**
 * Tokens the simulated Entra ID issues: RS256-signed JWTs in the shapes Microsoft's services use
 * (v1 access tokens for resources, v2 id tokens for MSAL), and their validation by the resources.
 * Claims: https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
 */
import { createHash, generateKeyPair, type KeyObject, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { DecodedJwt } from '../auth/jwt.js';
import { FIRST_PARTY } from './ids.js';
import { rsaJwk, signJwt, verifyJwt } from './jwt.js';
import type { ScenarioApp, ScenarioUser } from './scenario.js';
import type { Tenant } from './tenant.js';

/** The template every app-only token lists in `wids` (observed: fixtures/microsoft/exchange/exo-access-token-claims-app.json). */
const APP_DEFAULT_WID = '0997a1d0-0d1d-4acb-b408-d5ca73121e90';

/** Lifetime of an access token (Entra issues 60 to 90 minutes). */
export const ACCESS_TOKEN_SECONDS = 3599;

export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly kid: string;
}

export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const kid = createHash('sha1').update(publicKey.export({ format: 'der', type: 'spki' })).digest('base64url');
  return { privateKey, publicKey, kid };
}

export type TokenCheck =
  | { readonly ok: true; readonly claims: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly reason: 'malformed' | 'signature' | 'expired' | 'not-yet-valid' | 'audience' | 'tenant' };

/** How much clock difference a resource forgives when it checks `nbf` and `exp`. */
const CLOCK_TOLERANCE_SECONDS = 300;

export class TokenIssuer {
  constructor(
    private readonly key: SigningKey,
    private readonly tenant: Tenant,
  ) {}

  get jwks(): { keys: Record<string, unknown>[] } {
    return { keys: [rsaJwk(this.key.publicKey, this.key.kid)] };
  }

  private sign(payload: Record<string, unknown>): string {
    return signJwt({ kid: this.key.kid, x5t: this.key.kid }, payload, this.key.privateKey);
  }

  private times(now: Date): { iat: number; nbf: number; exp: number } {
    const iat = Math.floor(now.getTime() / 1000);
    return { iat, nbf: iat, exp: iat + ACCESS_TOKEN_SECONDS };
  }

  /** A delegated v1 access token, as Exchange and Graph receive it. */
  userAccessToken(options: {
    user: ScenarioUser;
    clientId: string;
    clientName: string;
    audience: string;
    scopes: readonly string[];
    amr: readonly string[];
    now: Date;
  }): string {
    const { user } = options;
    const [given, ...family] = user.displayName.split(' ');
    return this.sign({
      aud: options.audience,
      iss: `https://sts.windows.net/${this.tenant.id}/`,
      ...this.times(options.now),
      acr: '1',
      amr: options.amr,
      app_displayname: options.clientName,
      appid: options.clientId,
      appidacr: '0',
      family_name: family.join(' '),
      given_name: given,
      idtyp: 'user',
      ipaddr: '203.0.113.7',
      name: user.displayName,
      oid: user.id,
      rh: `0.${randomUUID()}`,
      scp: options.scopes.join(' '),
      sid: randomUUID(),
      sub: createHash('sha256').update(`${user.id}/${options.clientId}`).digest('base64url').slice(0, 43),
      tid: this.tenant.id,
      unique_name: user.upn,
      upn: user.upn,
      uti: randomUUID().replace(/-/g, '').slice(0, 22),
      ver: '1.0',
      wids: this.tenant.userWids(user),
    });
  }

  /** An app-only v1 access token (client credentials). */
  appAccessToken(options: { app: ScenarioApp; audience: string; roles: readonly string[]; credential: 'certificate' | 'secret'; now: Date }): string {
    const spId = this.tenant.servicePrincipalId(options.app.appId);
    const wids = [...this.tenant.appWids(options.app), APP_DEFAULT_WID];
    return this.sign({
      aud: options.audience,
      iss: `https://sts.windows.net/${this.tenant.id}/`,
      ...this.times(options.now),
      app_displayname: options.app.displayName,
      appid: options.app.appId,
      appidacr: options.credential === 'certificate' ? '2' : '1',
      idp: `https://sts.windows.net/${this.tenant.id}/`,
      idtyp: 'app',
      oid: spId,
      rh: `0.${randomUUID()}`,
      ...(options.roles.length > 0 ? { roles: options.roles } : {}),
      sid: randomUUID(),
      sub: spId,
      tid: this.tenant.id,
      uti: randomUUID().replace(/-/g, '').slice(0, 22),
      ver: '1.0',
      wids,
    });
  }

  /** A v2 id token for MSAL: it reads `oid`, `tid`, `preferred_username` and the issuer. */
  idToken(user: ScenarioUser, clientId: string, loginHost: string, now: Date, nonce?: string): string {
    return this.sign({
      aud: clientId,
      iss: `https://${loginHost}/${this.tenant.id}/v2.0`,
      ...this.times(now),
      name: user.displayName,
      ...(nonce ? { nonce } : {}),
      oid: user.id,
      preferred_username: user.upn,
      rh: `0.${randomUUID()}`,
      sub: createHash('sha256').update(`${user.id}/${clientId}/id`).digest('base64url').slice(0, 43),
      tid: this.tenant.id,
      uti: randomUUID().replace(/-/g, '').slice(0, 22),
      ver: '2.0',
    });
  }

  /** `client_info`: how MSAL learns the account's home id (`uid.utid`). */
  clientInfo(user: ScenarioUser): string {
    return Buffer.from(JSON.stringify({ uid: user.id, utid: this.tenant.id })).toString('base64url');
  }

  /** What a resource checks before it answers: signature, audience, lifetime, tenant. */
  verifyAccessToken(token: string, audiences: readonly string[], now: Date): TokenCheck {
    const decoded: DecodedJwt | undefined = verifyJwt(token, this.key.publicKey);
    if (!decoded) return { ok: false, reason: token.split('.').length === 3 ? 'signature' : 'malformed' };
    const claims = decoded.payload;
    const seconds = Math.floor(now.getTime() / 1000);
    if (typeof claims['exp'] !== 'number' || claims['exp'] + CLOCK_TOLERANCE_SECONDS < seconds) return { ok: false, reason: 'expired' };
    if (typeof claims['nbf'] === 'number' && claims['nbf'] - CLOCK_TOLERANCE_SECONDS > seconds) return { ok: false, reason: 'not-yet-valid' };
    const audience = String(claims['aud']).replace(/\/$/, '');
    if (!audiences.some((a) => a.replace(/\/$/, '') === audience)) return { ok: false, reason: 'audience' };
    if (claims['tid'] !== this.tenant.id) return { ok: false, reason: 'tenant' };
    return { ok: true, claims };
  }
}

/** The display name of a client id, for tokens and the sign-in log. */
export function clientName(tenant: Tenant, clientId: string): string {
  const known = Object.values(FIRST_PARTY).find((a) => a.appId === clientId);
  return known?.displayName ?? tenant.app(clientId)?.displayName ?? clientId;
}
