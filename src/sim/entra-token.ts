/**
 * The sign-in half of the simulated Entra ID: device code, authorization code with PKCE, refresh token,
 * client credentials (secret or certificate assertion) and the password grant. Errors come in Entra's
 * shape with the AADSTS numbers a real tenant would return (docs/errors.md#aadsts-codes).
 *
 * One simplification, documented in docs/simulated-world.md: where Entra would show an error to the user
 * in the browser and leave a device-code client polling until the code expires, the world answers the
 * poll with that error, so a diagnosis does not wait fifteen minutes to learn it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { CLOUDS, ENVIRONMENT_NAMES } from '../clouds.js';
import { decodeJwt } from '../auth/jwt.js';
import { entraError, form, json, type SimRequest, type SimResponse } from './http.js';
import { EXCHANGE_APP_ROLE, EXCHANGE_DELEGATED_SCOPES, FIRST_PARTY } from './ids.js';
import { verifySignature } from './jwt.js';
import type { IssuedCertificate } from './pki.js';
import type { ScenarioApp, ScenarioUser } from './scenario.js';
import type { SignInFlow, SignInOutcome, Tenant } from './tenant.js';
import { ACCESS_TOKEN_SECONDS, clientName, type TokenIssuer } from './tokens.js';

/** Credentials the world generated for a scenario app. */
export interface AppCredentials {
  readonly certificate?: IssuedCertificate;
  readonly secret?: string;
}

/** What a scope list asks for: one resource and the permissions on it. */
interface ResourceRequest {
  readonly kind: 'exchange' | 'compliance' | 'graph';
  /** `https://outlook.office365.com`. */
  readonly resource: string;
  /** The `aud` of the token. */
  readonly audience: string;
  /** Permission names without the resource prefix; `.default` stays as is. */
  readonly scopes: readonly string[];
}

interface DeviceCodeState {
  readonly clientId: string;
  readonly scope: string;
  readonly expiresAt: number;
  polls: number;
}

interface GrantState {
  readonly userId: string;
  readonly clientId: string;
  readonly mfa: boolean;
}

interface AuthCodeState extends GrantState {
  readonly redirectUri: string;
  readonly scope: string;
  readonly challenge?: string;
  readonly nonce?: string;
}

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Clock difference Entra forgives on a client assertion's nbf and exp. */
const ASSERTION_TOLERANCE_SECONDS = 300;

export class EntraTokenService {
  private readonly deviceCodes = new Map<string, DeviceCodeState>();
  private readonly refreshTokens = new Map<string, GrantState>();
  private readonly authCodes = new Map<string, AuthCodeState>();
  /** Who signs in when a device code or browser sign-in is completed. */
  signInAs: string | undefined;

  constructor(
    private readonly tenant: Tenant,
    private readonly issuer: TokenIssuer,
    private readonly credentials: ReadonlyMap<string, AppCredentials>,
    /** False when the federation server cannot be reached: federated users can never finish signing in. */
    private readonly federationReachable: boolean,
  ) {
    this.signInAs = tenant.scenario.signIn.upn;
  }

  /** Refuses a request made to another cloud's login host for this tenant. */
  private wrongCloud(req: SimRequest, segment: string): SimResponse | undefined {
    const asked = ENVIRONMENT_NAMES.map((e) => CLOUDS[e]).find((c) => c.loginHost === req.host || c.loginAliases.includes(req.host));
    if (!asked || asked.loginHost === this.tenant.cloud.loginHost || !this.tenant.matches(segment)) return undefined;
    return entraError(req, {
      error: 'invalid_request',
      code: 90038,
      message: `The specified tenant '${segment}' belongs to the National Cloud '${this.tenant.cloud.cloudInstanceName}'. Current cloud instance '${asked.cloudInstanceName}' does not federate with ${this.tenant.cloud.cloudInstanceName}.`,
    });
  }

  private unknownClient(req: SimRequest, clientId: string): SimResponse {
    return entraError(req, {
      error: 'unauthorized_client',
      code: 700016,
      message: `Application with identifier '${clientId}' was not found in the directory '${this.tenant.scenario.tenant.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    });
  }

  private knownClient(clientId: string): boolean {
    return Object.values(FIRST_PARTY).some((a) => a.appId === clientId) || this.tenant.app(clientId) !== undefined;
  }

  /** POST /{tenant}/oauth2/v2.0/devicecode */
  deviceCode(req: SimRequest, segment: string): SimResponse {
    const body = form(req);
    const clientId = body.get('client_id') ?? '';
    req.note({ clientId });
    const refused = this.wrongCloud(req, segment);
    if (refused) return refused;
    if (!this.knownClient(clientId)) return this.unknownClient(req, clientId);
    const deviceCode = randomBytes(48).toString('base64url');
    const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
    const userCode = [...randomBytes(9)].map((b) => alphabet[b % alphabet.length]).join('');
    const { expiresInSeconds, intervalSeconds } = this.tenant.scenario.deviceCode;
    this.deviceCodes.set(deviceCode, {
      clientId,
      scope: body.get('scope') ?? '',
      expiresAt: req.now.getTime() + expiresInSeconds * 1000,
      polls: 0,
    });
    const page = this.tenant.cloud.deviceLoginUrl;
    return json(200, {
      user_code: userCode,
      device_code: deviceCode,
      verification_uri: page,
      expires_in: expiresInSeconds,
      interval: intervalSeconds,
      message: `To sign in, use a web browser to open the page ${page} and enter the code ${userCode} to authenticate.`,
    });
  }

  /** POST /{tenant}/oauth2/v2.0/token */
  async token(req: SimRequest, segment: string): Promise<SimResponse> {
    const body = form(req);
    const grant = body.get('grant_type') ?? '';
    const clientId = body.get('client_id') ?? '';
    req.note({ clientId, grantType: grant });
    const refused = this.wrongCloud(req, segment);
    if (refused) return refused;
    switch (grant) {
      case 'urn:ietf:params:oauth:grant-type:device_code':
      case 'device_code': // what MSAL sends; Entra takes both
        return this.redeemDeviceCode(req, body, clientId);
      case 'authorization_code':
        return this.redeemAuthCode(req, body, clientId);
      case 'refresh_token':
        return this.redeemRefreshToken(req, body, clientId);
      case 'client_credentials':
        return this.clientCredentials(req, body, clientId);
      case 'password':
        return this.password(req, body, clientId);
      default:
        return entraError(req, {
          error: 'unsupported_grant_type',
          code: 70003,
          message: `The app requested an unsupported grant type '${grant}'.`,
        });
    }
  }

  /** GET /{tenant}/oauth2/v2.0/authorize: the user signs in at once (as {@link signInAs}) and is sent back. */
  authorize(req: SimRequest, segment: string): SimResponse {
    const q = req.query;
    const clientId = q.get('client_id') ?? '';
    const redirectUri = q.get('redirect_uri') ?? '';
    req.note({ clientId });
    const refused = this.wrongCloud(req, segment);
    if (refused) return refused;
    if (!this.knownClient(clientId)) return this.unknownClient(req, clientId);
    if (!/^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/|$)/.test(redirectUri) && !redirectUri.endsWith('/oauth2/nativeclient')) {
      return entraError(req, {
        error: 'invalid_request',
        code: 50011,
        message: `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`,
      });
    }
    // The answer goes back in the URL (query) or, as MSAL 7 asks, in a self-posting form (form_post).
    const back = new Map<string, string>();
    const state = q.get('state');
    if (state) back.set('state', state);
    const formPost = q.get('response_mode') === 'form_post';
    const user = this.tenant.user(q.get('login_hint') ?? this.signInAs ?? '');
    const request = user && this.resourceOf(q.get('scope') ?? '');
    const outcome = !user
      ? undefined
      : request && 'kind' in request
        ? this.signIn(req, user, clientId, request, 'authorizationCode', true)
        : undefined;
    if (!user || !outcome || !outcome.ok) {
      const failure = outcome && !outcome.ok ? outcome : { error: 'invalid_request', code: 50034, message: 'The user account does not exist in the directory.' };
      back.set('error', failure.error);
      back.set('error_description', `AADSTS${failure.code}: ${failure.message}`);
      return sendBack(redirectUri, back, formPost);
    }
    const code = randomBytes(32).toString('base64url');
    this.authCodes.set(code, {
      userId: user.id,
      clientId,
      mfa: outcome.amr.includes('mfa'),
      redirectUri,
      scope: q.get('scope') ?? '',
      ...(q.get('code_challenge') ? { challenge: q.get('code_challenge') as string } : {}),
      ...(q.get('nonce') ? { nonce: q.get('nonce') as string } : {}),
    });
    back.set('code', code);
    back.set('client_info', this.issuer.clientInfo(user));
    return sendBack(redirectUri, back, formPost);
  }

  private redeemDeviceCode(req: SimRequest, body: URLSearchParams, clientId: string): SimResponse {
    const state = this.deviceCodes.get(body.get('device_code') ?? '');
    if (!state || state.clientId !== clientId) {
      return entraError(req, { error: 'invalid_grant', code: 70000, message: 'Provided grant is invalid or malformed.' });
    }
    if (req.now.getTime() > state.expiresAt) {
      return entraError(req, { error: 'expired_token', code: 70019, message: 'Verification code expired.' });
    }
    state.polls += 1;
    const user = this.tenant.user(this.signInAs ?? '');
    const federatedUnreachable = this.tenant.scenario.tenant.namespace === 'Federated' && !this.federationReachable;
    const outcome = federatedUnreachable ? 'expire' : this.tenant.scenario.deviceCode.outcome;
    if (outcome === 'expire' || !user || state.polls <= this.tenant.scenario.deviceCode.approveAfterPolls) {
      return entraError(req, {
        error: 'authorization_pending',
        code: 70016,
        message: 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
      });
    }
    this.deviceCodes.delete(body.get('device_code') ?? '');
    if (outcome === 'decline') {
      return entraError(req, {
        error: 'authorization_declined',
        code: 70000,
        message: 'The request was denied because one or more scopes requested are unauthorized or expired. The user must first sign in and grant the client application access to the requested scope.',
      });
    }
    return this.userTokens(req, user, clientId, state.scope, 'deviceCode', true);
  }

  private redeemAuthCode(req: SimRequest, body: URLSearchParams, clientId: string): SimResponse {
    const code = body.get('code') ?? '';
    const state = this.authCodes.get(code);
    this.authCodes.delete(code);
    if (!state || state.clientId !== clientId || state.redirectUri !== body.get('redirect_uri')) {
      return entraError(req, {
        error: 'invalid_grant',
        code: 54005,
        message: 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
      });
    }
    const verifier = body.get('code_verifier') ?? '';
    if (state.challenge && createHash('sha256').update(verifier).digest('base64url') !== state.challenge) {
      return entraError(req, {
        error: 'invalid_grant',
        code: 501481,
        message: 'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
      });
    }
    const user = this.tenant.user(state.userId) as ScenarioUser;
    return this.issueUserTokens(req, user, clientId, body.get('scope') ?? state.scope, state.mfa ? ['pwd', 'mfa'] : ['pwd'], state.nonce);
  }

  private redeemRefreshToken(req: SimRequest, body: URLSearchParams, clientId: string): SimResponse {
    const token = body.get('refresh_token') ?? '';
    const state = this.refreshTokens.get(token);
    if (!state || state.clientId !== clientId) {
      return entraError(req, {
        error: 'invalid_grant',
        code: 70008,
        message: 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
      });
    }
    const user = this.tenant.user(state.userId) as ScenarioUser;
    const request = this.resourceOf(body.get('scope') ?? '');
    if (!('kind' in request)) return this.resourceError(req, request.resource);
    const outcome = this.signIn(req, user, clientId, request, 'refreshToken', false, state.mfa);
    if (!outcome.ok) return this.signInError(req, outcome);
    this.refreshTokens.delete(token);
    return this.issueUserTokens(req, user, clientId, body.get('scope') ?? '', outcome.amr);
  }

  private password(req: SimRequest, body: URLSearchParams, clientId: string): SimResponse {
    const user = this.tenant.user(body.get('username') ?? '');
    if (!user) {
      return entraError(req, {
        error: 'invalid_grant',
        code: 50034,
        message: `The user account {EUII Hidden} does not exist in the ${this.tenant.id} directory. To sign into this application, the account must be added to the directory.`,
      });
    }
    if (!user.password || !safeEqual(user.password, body.get('password') ?? '')) {
      return entraError(req, { error: 'invalid_grant', code: 50126, message: 'Error validating credentials due to invalid username or password.' });
    }
    return this.userTokens(req, user, clientId, body.get('scope') ?? '', 'password', false);
  }

  /** Evaluates a user's sign-in, and answers with tokens or the error. */
  private userTokens(req: SimRequest, user: ScenarioUser, clientId: string, scope: string, flow: SignInFlow, interactive: boolean): SimResponse {
    const request = this.resourceOf(scope);
    if (!('kind' in request)) return this.resourceError(req, request.resource);
    const outcome = this.signIn(req, user, clientId, request, flow, interactive);
    if (!outcome.ok) return this.signInError(req, outcome);
    return this.issueUserTokens(req, user, clientId, scope, outcome.amr);
  }

  /** Runs the policy engine and writes the sign-in log; also checks the client may have this resource. */
  private signIn(
    req: SimRequest,
    user: ScenarioUser,
    clientId: string,
    request: ResourceRequest,
    flow: SignInFlow,
    interactive: boolean,
    mfaDone = false,
  ): SignInOutcome {
    let outcome = this.tenant.evaluateUserSignIn(user, clientId, request.resource, flow, mfaDone);
    if (outcome.ok) {
      const consent = this.consent(user, clientId, request);
      if (consent) outcome = { ...consent, appliedPolicies: outcome.appliedPolicies };
    }
    this.tenant.signInLog.push({
      id: randomBytes(16).toString('hex'),
      createdDateTime: req.now.toISOString(),
      userPrincipalName: user.upn,
      userId: user.id,
      appId: clientId,
      appDisplayName: clientName(this.tenant, clientId),
      resourceDisplayName: request.kind === 'graph' ? FIRST_PARTY.microsoftGraph.displayName : request.kind === 'compliance' ? 'Microsoft Exchange Online Protection' : FIRST_PARTY.exchangeOnline.displayName,
      errorCode: outcome.ok ? 0 : outcome.code,
      failureReason: outcome.ok ? 'Other.' : outcome.message,
      conditionalAccessStatus: outcome.appliedPolicies.length === 0 ? 'notApplied' : !outcome.ok && [53003, 53000].includes(outcome.code) ? 'failure' : 'success',
      appliedPolicies: outcome.appliedPolicies,
      authenticationRequirement: outcome.ok && outcome.amr.includes('mfa') ? 'multiFactorAuthentication' : 'singleFactorAuthentication',
      isInteractive: interactive,
    });
    return outcome;
  }

  /** Whether the client may get these permissions for the user: preauthorisation or consent. */
  private consent(user: ScenarioUser, clientId: string, request: ResourceRequest): Extract<SignInOutcome, { ok: false }> | undefined {
    const refuse = (scopes: readonly string[]) => ({
      ok: false as const,
      code: 65001,
      error: 'invalid_grant',
      suberror: 'consent_required',
      message: `The user or administrator has not consented to use the application with ID '${clientId}' named '${clientName(this.tenant, clientId)}'. Send an interactive authorization request for this user and resource. (${scopes.join(', ')})`,
      appliedPolicies: [],
    });
    // The module's client is preauthorised for Exchange and for Security & Compliance alike.
    if (request.kind !== 'graph') {
      const preauthorised = [FIRST_PARTY.exchangePowerShell.appId, FIRST_PARTY.legacyExchangeShell.appId] as string[];
      return preauthorised.includes(clientId) ? undefined : refuse(request.scopes);
    }
    if (clientId !== FIRST_PARTY.graphPowerShell.appId) return refuse(request.scopes);
    const { refused } = this.tenant.grantGraphScopes(user, request.scopes.filter((s) => s !== '.default'));
    return refused.length > 0 ? refuse(refused) : undefined;
  }

  private issueUserTokens(req: SimRequest, user: ScenarioUser, clientId: string, scope: string, amr: readonly string[], nonce?: string): SimResponse {
    const request = this.resourceOf(scope);
    if (!('kind' in request)) return this.resourceError(req, request.resource);
    const scopes =
      request.kind !== 'graph'
        ? [...EXCHANGE_DELEGATED_SCOPES]
        : request.scopes.includes('.default')
          ? this.tenant.grantGraphScopes(user, this.tenant.scenario.graphConsentedScopes).granted
          : [...request.scopes];
    const accessToken = this.issuer.userAccessToken({
      user,
      clientId,
      clientName: clientName(this.tenant, clientId),
      audience: request.audience,
      scopes,
      amr,
      now: req.now,
    });
    const refreshToken = randomBytes(64).toString('base64url');
    this.refreshTokens.set(refreshToken, { userId: user.id, clientId, mfa: amr.includes('mfa') });
    const requested = new Set(scope.split(/\s+/));
    return json(200, {
      token_type: 'Bearer',
      scope: scopes.map((s) => `${request.resource}/${s}`).join(' '),
      expires_in: ACCESS_TOKEN_SECONDS,
      ext_expires_in: ACCESS_TOKEN_SECONDS,
      access_token: accessToken,
      ...(requested.has('offline_access') ? { refresh_token: refreshToken } : {}),
      ...(requested.has('openid') ? { id_token: this.issuer.idToken(user, clientId, this.tenant.cloud.loginHost, req.now, nonce) } : {}),
      client_info: this.issuer.clientInfo(user),
    });
  }

  private clientCredentials(req: SimRequest, body: URLSearchParams, clientId: string): SimResponse {
    const app = this.tenant.app(clientId);
    if (!app) return this.unknownClient(req, clientId);
    if (!app.enabled) {
      return entraError(req, { error: 'unauthorized_client', code: 7000112, message: `Application '${clientId}'(${app.displayName}) is disabled.` });
    }
    const credentials = this.credentials.get(app.appId) ?? {};
    let credential: 'certificate' | 'secret';
    if (body.has('client_secret')) {
      if (!credentials.secret || !safeEqual(credentials.secret, body.get('client_secret') ?? '')) {
        return entraError(req, {
          status: 401,
          error: 'invalid_client',
          code: 7000215,
          message: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
        });
      }
      credential = 'secret';
    } else if (body.get('client_assertion_type') === ASSERTION_TYPE) {
      const problem = this.checkAssertion(req, body.get('client_assertion') ?? '', app, credentials.certificate);
      if (problem) return problem;
      credential = 'certificate';
    } else {
      return entraError(req, {
        status: 401,
        error: 'invalid_client',
        code: 7000218,
        message: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      });
    }
    const request = this.resourceOf(body.get('scope') ?? '');
    if (!('kind' in request)) return this.resourceError(req, request.resource);
    const roles = request.kind !== 'graph' ? (app.exchangeManageAsApp ? [EXCHANGE_APP_ROLE] : []) : [...app.graphPermissions];
    return json(200, {
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_SECONDS,
      ext_expires_in: ACCESS_TOKEN_SECONDS,
      access_token: this.issuer.appAccessToken({ app, audience: request.audience, roles, credential, now: req.now }),
    });
  }

  /** Verifies a client assertion: the registered certificate, its signature, and its lifetime against the world's clock. */
  private checkAssertion(req: SimRequest, assertion: string, app: ScenarioApp, certificate: IssuedCertificate | undefined): SimResponse | undefined {
    const decoded = decodeJwt(assertion);
    const sha256 = typeof decoded?.header['x5t#S256'] === 'string' ? Buffer.from(decoded.header['x5t#S256'], 'base64url').toString('hex').toUpperCase() : undefined;
    const sha1 = typeof decoded?.header['x5t'] === 'string' ? Buffer.from(decoded.header['x5t'], 'base64url').toString('hex').toUpperCase() : undefined;
    const registered = certificate && (sha256 === certificate.sha256Thumbprint || sha1 === certificate.sha1Thumbprint);
    if (!decoded || !certificate || !registered) {
      return entraError(req, {
        status: 401,
        error: 'invalid_client',
        code: 700027,
        message: `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${sha1 ?? sha256 ?? 'none'}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.appId}'.]`,
      });
    }
    if (!verifySignature(decoded, certificate.certPem)) {
      return entraError(req, { status: 401, error: 'invalid_client', code: 700027, message: 'Client assertion failed signature validation.' });
    }
    const now = Math.floor(req.now.getTime() / 1000);
    const nbf = Number(decoded.payload['nbf'] ?? decoded.payload['iat']);
    const exp = Number(decoded.payload['exp']);
    if (!(now + ASSERTION_TOLERANCE_SECONDS >= nbf && now - ASSERTION_TOLERANCE_SECONDS <= exp)) {
      const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('Z', '0000Z');
      return entraError(req, {
        error: 'invalid_client',
        code: 700024,
        message: `Client assertion is not within its valid time range. Current time: ${iso(now)}, assertion valid from ${iso(nbf)}, expiry time of assertion ${iso(exp)}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`,
      });
    }
    return undefined;
  }

  private signInError(req: SimRequest, outcome: Extract<SignInOutcome, { ok: false }>): SimResponse {
    const claims = outcome.code === 50076 ? JSON.stringify({ access_token: { capolids: { essential: true, values: [] } } }) : undefined;
    return entraError(req, {
      error: outcome.error,
      code: outcome.code,
      message: outcome.message,
      ...(outcome.suberror ? { suberror: outcome.suberror } : {}),
      ...(claims ? { claims } : {}),
    });
  }

  private resourceError(req: SimRequest, resource: string): SimResponse {
    return entraError(req, {
      error: 'invalid_resource',
      code: 500011,
      message: `The resource principal named ${resource} was not found in the tenant named ${this.tenant.scenario.tenant.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    });
  }

  /** Which resource a scope list asks for; `{ resource }` alone when it is not one this tenant has. */
  private resourceOf(scope: string): ResourceRequest | { readonly resource: string } {
    const items = scope.split(/\s+/).filter((s) => s && !OIDC_SCOPES.has(s));
    const first = items[0] ?? '';
    const match = /^(https:\/\/[^/]+|[0-9a-f-]{36})\/(.+)$/i.exec(first);
    const resource = (match?.[1] ?? `https://${this.tenant.cloud.graphHost}`).toLowerCase();
    const scopes = items.map((s) => s.replace(/^(https:\/\/[^/]+|[0-9a-f-]{36})\//i, ''));
    const cloud = this.tenant.cloud;
    if (resource === cloud.exchangeResource || resource === FIRST_PARTY.exchangeOnline.appId) {
      return { kind: 'exchange', resource: cloud.exchangeResource, audience: cloud.exchangeResource, scopes };
    }
    if (resource === cloud.complianceResource) return { kind: 'compliance', resource: cloud.complianceResource, audience: cloud.complianceResource, scopes };
    if (resource === `https://${cloud.graphHost}` || resource === FIRST_PARTY.microsoftGraph.appId) {
      return { kind: 'graph', resource: `https://${cloud.graphHost}`, audience: FIRST_PARTY.microsoftGraph.appId, scopes };
    }
    return { resource };
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The authorization answer: a redirect with the parameters in the query, or Entra's self-posting form. */
function sendBack(redirectUri: string, params: ReadonlyMap<string, string>, formPost: boolean): SimResponse {
  if (!formPost) {
    const url = new URL(redirectUri);
    for (const [name, value] of params) url.searchParams.set(name, value);
    return { status: 302, headers: { location: url.toString() }, text: '' };
  }
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const inputs = [...params].map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}" />`).join('');
  return {
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    text: `<html><head><title>Working...</title></head><body><form method="POST" name="hiddenform" action="${escape(redirectUri)}">${inputs}<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript></form><script language="javascript">document.forms[0].submit();</script></body></html>`,
  };
}
