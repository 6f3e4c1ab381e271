/**
 * One way to get a token for a resource, shared by the token checks: the sign-in the options ask for
 * (device code, browser, certificate, secret), the certificate read and judged, the sign-in made over the
 * doctor's route to the login host, the token registered as a secret and its claims decoded. What the
 * outcome means is the check's to say.
 */
import type { CheckContext } from '../check.js';
import type { Cloud } from '../clouds.js';
import { displayProxy } from '../net/probes.js';
import type { ProxyPlan } from '../net/routes.js';
import { serviceRoute } from '../net/service-route.js';
import { appName, type Evidence, evidence } from '../result.js';
import type { EntraFailure } from './entra-error.js';
import { chooseMode, type ModeChoice } from './findings.js';
import type { ExoSession, SignInMode } from './identity.js';
import { decodeJwt } from './jwt.js';
import type { AcquiredToken, LoadedCertificate } from './sign-in.js';

export interface TokenRequest {
  readonly cloud: Cloud;
  readonly tenantId: string;
  readonly plan: ProxyPlan;
  /** The account expected, to prefill the sign-in and pick it from the cache. */
  readonly upn?: string;
  /** The public client and scopes a person signs in with. */
  readonly person: { readonly clientId: string; readonly clientName: string; readonly scopes: readonly string[] };
  /** The scopes an application asks for (its own permissions). */
  readonly appScopes: readonly string[];
  /** What a device-code notice says first ("Exchange Online sign-in (as Connect-ExchangeOnline -Device does)"). */
  readonly purpose: string;
  /** What the step says while it waits ("the device-code sign-in"). */
  readonly what: string;
}

/** What came of it. `facts` says how the sign-in was made, for the check's evidence. */
export type TokenOutcome =
  | { readonly kind: 'not-tried'; readonly choice: Extract<ModeChoice, { none: string }> }
  | { readonly kind: 'given'; readonly accessToken: string }
  | { readonly kind: 'certificate-unusable'; readonly problem: string; readonly fix: string; readonly facts: Evidence[] }
  | { readonly kind: 'certificate-expired'; readonly certificate: LoadedCertificate; readonly facts: Evidence[] }
  | { readonly kind: 'failed'; readonly failure: EntraFailure; readonly mode: SignInMode; readonly appOnly: boolean; readonly proxy?: string; readonly facts: Evidence[] }
  | {
      readonly kind: 'token';
      readonly mode: SignInMode;
      readonly appOnly: boolean;
      readonly clientId: string;
      readonly token: AcquiredToken;
      readonly claims: Readonly<Record<string, unknown>>;
      readonly facts: Evidence[];
    };

/**
 * Signs in as the options say, for the request's resource. Never throws for a sign-in that failed.
 * Once per run for one client, tenant, account and scopes: a pre-flight runs the token checks for every
 * account it looks at, and each must get the one sign-in of the run, never a prompt of its own.
 */
export function acquireToken(ctx: CheckContext, request: TokenRequest): Promise<TokenOutcome> {
  const key = ['token', request.tenantId, ctx.config.appId ?? request.person.clientId, request.person.scopes.join(' '), request.appScopes.join(' '), request.upn ?? ''].join('|');
  return ctx.memo(key, () => signInOnce(ctx, request));
}

async function signInOnce(ctx: CheckContext, request: TokenRequest): Promise<TokenOutcome> {
  const choice = chooseMode(ctx.config, ctx.terminal);
  if ('none' in choice) return { kind: 'not-tried', choice };
  const { mode } = choice;
  if (mode === 'access-token') return { kind: 'given', accessToken: ctx.config.accessToken as string };

  const { loadCertificate, signIn, SIGN_IN_LABEL } = await import('./sign-in.js');
  const { cloud } = request;
  const appOnly = mode === 'certificate' || mode === 'secret';
  const clientId = appOnly ? (ctx.config.appId as string) : request.person.clientId;
  const scopes = appOnly ? request.appScopes : request.person.scopes;
  const route = await serviceRoute(ctx, request.plan, cloud.loginHost);
  const facts: Evidence[] = [
    evidence('Sign-in', SIGN_IN_LABEL[mode]),
    evidence('Client', appOnly ? `${clientId} (your application)` : `${clientId} (${request.person.clientName})`),
    evidence('Authority', `https://${cloud.loginHost}/<tenant>`),
    evidence('Scopes asked', scopes.join(' ')),
    evidence('Route', route.proxy ? displayProxy(route.proxy) : 'direct'),
  ];

  let method: import('./sign-in.js').SignInMethod;
  if (mode === 'certificate') {
    const loaded = await loadCertificate(ctx, ctx.config.certificateFile as string);
    if (!loaded.ok) return { kind: 'certificate-unusable', problem: loaded.problem, fix: loaded.fix, facts };
    const cert = loaded.certificate;
    // The subject is the customer's own name for the app: masked like a name.
    facts.push(appName('Certificate subject', cert.subject), evidence('Certificate', `SHA-1 thumbprint ${cert.thumbprintSha1}, valid until ${cert.validTo.toISOString().slice(0, 10)}`));
    const now = ctx.now();
    if (cert.validTo < now || cert.validFrom > now) return { kind: 'certificate-expired', certificate: cert, facts };
    method = { kind: 'certificate', certificate: cert };
  } else if (mode === 'secret') {
    method = { kind: 'secret', secret: ctx.config.clientSecret as string };
  } else {
    method = { kind: mode };
  }

  ctx.step(mode === 'device-code' ? `waiting for ${request.what} at ${cloud.deviceLoginUrl}` : `signing in at ${cloud.loginHost}`);
  const outcome = await signIn(ctx, {
    clientId,
    authority: `https://${cloud.loginHost}/${request.tenantId}`,
    scopes,
    method,
    ...(request.upn && !appOnly ? { loginHint: request.upn } : {}),
    ...(route.proxy ? { proxy: route.proxy } : {}),
    timeoutMs: ctx.config.timeoutMs,
    signal: ctx.signal,
    prompt: (message) => ctx.notify(mode === 'device-code' ? `${request.purpose}: ${message}` : message),
    ...(ctx.config.tokenCache ? { cachePath: ctx.config.tokenCache } : {}),
  });
  if (!outcome.ok) return { kind: 'failed', failure: outcome.failure, mode, appOnly, ...(route.proxy ? { proxy: route.proxy } : {}), facts };
  // From here on the token is a secret wherever it might surface.
  ctx.redactor.addSecret(outcome.token.accessToken);
  const claims = decodeJwt(outcome.token.accessToken)?.payload ?? {};
  return { kind: 'token', mode, appOnly, clientId, token: outcome.token, claims, facts };
}

/** Loads the sign-in code and MSAL ahead of the first sign-in (a check's `prepare`); a failure shows at the sign-in. */
export function preloadSignIn(): void {
  import('./sign-in.js')
    .then(() => import('@azure/msal-node'))
    .catch(() => undefined);
}

/** A claim of a token when it is a non-empty string. */
export function stringClaim(claims: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The session a token check hands on: who signed in (no one, for an app), whom the run diagnoses
 * (`--target`, else that person), and the token with its claims.
 */
export function sessionOf(outcome: Extract<TokenOutcome, { kind: 'token' }>, cloud: Cloud, tenantId: string, target: string | undefined): ExoSession {
  const { token, claims, appOnly, clientId, mode } = outcome;
  const signedIn = appOnly ? undefined : (stringClaim(claims, 'upn') ?? stringClaim(claims, 'unique_name') ?? token.username);
  const subject = target ?? signedIn;
  return {
    cloud,
    tenantId,
    mode,
    appOnly,
    clientId,
    ...(signedIn ? { upn: signedIn } : {}),
    ...(subject ? { subject } : {}),
    accessToken: token.accessToken,
    claims,
    ...(token.expiresOn ? { expiresOn: token.expiresOn } : {}),
  };
}

