/**
 * Getting a token the way the Exchange module does, with the real @azure/msal-node: a public client
 * (device code or browser) for people, a confidential client (certificate or secret) for applications.
 * MSAL's network is the doctor's own client, so the proxy, the trusted CAs, the watchdog and the
 * simulated world's resolver all apply (docs/msal.md).
 *
 * Loaded only when a sign-in happens: MSAL is the heaviest module the doctor has.
 */
import { X509Certificate } from 'node:crypto';
import type { AccountInfo, AuthenticationResult, ICachePlugin, LogLevel as MsalLogLevel } from '@azure/msal-node';
import type { Context } from '../context.js';
import type { SignInMode } from './identity.js';
import { entraFailure, type EntraFailure } from './entra-error.js';
import { DoctorNetworkClient, type NetworkCall } from './network-client.js';

/** How to sign in. A person: device code or browser. An application: certificate or secret. */
export type SignInMethod =
  | { readonly kind: 'device-code' }
  | { readonly kind: 'browser' }
  | { readonly kind: 'certificate'; readonly certificate: LoadedCertificate }
  | { readonly kind: 'secret'; readonly secret: string };

export interface SignInRequest {
  readonly clientId: string;
  /** `https://login.microsoftonline.com/{tenant}`. */
  readonly authority: string;
  readonly scopes: readonly string[];
  readonly method: SignInMethod;
  /** The account expected, to pick it from the cache and prefill the sign-in page. */
  readonly loginHint?: string;
  /** The proxy to the login host, credentials included. */
  readonly proxy?: string;
  /** Time limit of each request to Entra ID. */
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** Shows the user what to do: the device-code message, or the sign-in address for the browser. */
  readonly prompt: (message: string) => void;
  /** A file that keeps tokens between runs (written with mode 0600). */
  readonly cachePath?: string;
}

export interface AcquiredToken {
  readonly accessToken: string;
  readonly expiresOn?: Date;
  readonly username?: string;
  /** Taken from the token cache, without prompting. */
  readonly fromCache: boolean;
  /** Why the token cache could not be saved, when it could not: the sign-in worked, the next run asks again. */
  readonly cacheNotSaved?: string;
  readonly correlationId?: string;
}

export type SignInOutcome =
  | { readonly ok: true; readonly token: AcquiredToken; readonly calls: readonly NetworkCall[] }
  | { readonly ok: false; readonly failure: EntraFailure; readonly calls: readonly NetworkCall[] };

/** A certificate for app-only sign-in, read from a PEM file that holds it and its private key. */
export interface LoadedCertificate {
  /** SHA-256 thumbprint, hex, as MSAL wants it for the `x5t#S256` header. */
  readonly thumbprintSha256: string;
  /** SHA-1 thumbprint, as Connect-ExchangeOnline -CertificateThumbprint takes it. */
  readonly thumbprintSha1: string;
  readonly privateKey: string;
  /** The certificate (PEM), sent as `x5c` for subject name and issuer authentication. */
  readonly x5c: string;
  readonly subject: string;
  readonly validFrom: Date;
  readonly validTo: Date;
}

export type CertificateLoad = { readonly ok: true; readonly certificate: LoadedCertificate } | { readonly ok: false; readonly problem: string; readonly fix: string };

/** Reads `--certificate FILE`. PFX files and encrypted keys are refused with the command that converts them. */
export async function loadCertificate(ctx: Context, file: string): Promise<CertificateLoad> {
  const convert = `openssl pkcs12 -in cert.pfx -out cert.pem -nodes   (then: exo-doctor --certificate cert.pem …)`;
  const text = await ctx.readFile(file);
  if (text === undefined) return { ok: false, problem: `the file ${file} cannot be read`, fix: 'Check the path and that this user may read it.' };
  if (!text.includes('-----BEGIN')) {
    return { ok: false, problem: `${file} is not a PEM file (a .pfx or .cer is binary)`, fix: `Convert it to PEM with the private key: ${convert}` };
  }
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text)) {
    return { ok: false, problem: `the private key in ${file} is protected by a password`, fix: `Write it without the password to a file only you can read: openssl pkey -in ${file} -out key.pem, then join it with the certificate.` };
  }
  const key = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(text)?.[0];
  const certPem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text)?.[0];
  if (!certPem) return { ok: false, problem: `${file} holds no certificate`, fix: `Put the certificate and its private key in one PEM file: ${convert}` };
  if (!key) return { ok: false, problem: `${file} holds the certificate but not its private key`, fix: `Export the certificate with its private key: ${convert}` };
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (err) {
    return { ok: false, problem: `the certificate in ${file} cannot be read (${(err as Error).message})`, fix: `Export it again: ${convert}` };
  }
  if (!cert.checkPrivateKey(await importKey(key))) {
    return { ok: false, problem: `the private key in ${file} does not belong to its certificate`, fix: 'Export the certificate together with its own private key.' };
  }
  return {
    ok: true,
    certificate: {
      thumbprintSha256: cert.fingerprint256.replaceAll(':', ''),
      thumbprintSha1: cert.fingerprint.replaceAll(':', ''),
      privateKey: key,
      x5c: certPem,
      subject: cert.subject.replaceAll('\n', ', '),
      validFrom: new Date(cert.validFrom),
      validTo: new Date(cert.validTo),
    },
  };
}

async function importKey(pem: string) {
  const { createPrivateKey } = await import('node:crypto');
  return createPrivateKey(pem);
}

/** Signs in and returns the token, or what went wrong; never throws for a sign-in failure. */
export async function signIn(ctx: Context, request: SignInRequest): Promise<SignInOutcome> {
  // One person per run: once they let a sign-in lapse, no later check asks them again.
  const person = await ctx.memo('sign-in:person', async () => ({ gaveUp: undefined as string | undefined }));
  const interactive = request.method.kind === 'device-code' || request.method.kind === 'browser';
  if (interactive && person.gaveUp) {
    return { ok: false, failure: { kind: 'cancelled', description: `Not asked again: ${person.gaveUp}` }, calls: [] };
  }
  const outcome = await attemptSignIn(ctx, request);
  if (interactive && !outcome.ok && lapsed(outcome.failure)) {
    person.gaveUp = 'the first sign-in of this run was not completed before its code expired.';
  }
  return outcome;
}

/** The person did not finish in time: the code expired, or the time limit came first. */
function lapsed(failure: EntraFailure): boolean {
  return failure.kind === 'expired' || failure.kind === 'timeout' || (failure.kind === 'aadsts' && (failure.code === 70019 || failure.code === 70020));
}

async function attemptSignIn(ctx: Context, request: SignInRequest): Promise<SignInOutcome> {
  const msal = await import('@azure/msal-node');
  const network = new DoctorNetworkClient(ctx, { timeoutMs: request.timeoutMs, signal: request.signal, ...(request.proxy ? { proxy: request.proxy } : {}) });
  const system = {
    networkClient: network,
    loggerOptions: {
      piiLoggingEnabled: false,
      logLevel: ctx.config.verbose ? msal.LogLevel.Info : msal.LogLevel.Warning,
      loggerCallback: (_level: MsalLogLevel, message: string, containsPii: boolean) => {
        if (!containsPii) ctx.log.debug(`msal: ${message}`);
      },
    },
  };
  const cacheState: { notSaved?: string } = {};
  // Without a cache file, the run keeps MSAL's cache in memory: a second token for the same client (the
  // compliance token after the Exchange one) then comes from the refresh token, without a second prompt.
  const cache = { cachePlugin: request.cachePath ? cachePlugin(ctx, request.cachePath, cacheState) : memoryCache(ctx) };
  const scopes = [...request.scopes];
  const state = { cancelled: false };
  // MSAL keeps this object (it assigns its own fields onto it) and checks `cancel` before each poll.
  const deviceCodeRequest: import('@azure/msal-node').DeviceCodeRequest = {
    scopes,
    deviceCodeCallback: (response) => request.prompt(response.message),
    cancel: false,
  };
  const stop = new Promise<never>((_, reject) => {
    const abort = () => {
      state.cancelled = true;
      deviceCodeRequest.cancel = true;
      reject(new Error('cancelled'));
    };
    if (request.signal.aborted) abort();
    else request.signal.addEventListener('abort', abort, { once: true });
  });
  stop.catch(() => undefined);

  try {
    let result: AuthenticationResult | null;
    let fromCache = false;
    const method = request.method;
    if (method.kind === 'certificate' || method.kind === 'secret') {
      const app = new msal.ConfidentialClientApplication({
        auth: {
          clientId: request.clientId,
          authority: request.authority,
          ...(method.kind === 'secret'
            ? { clientSecret: method.secret }
            : { clientCertificate: { thumbprintSha256: method.certificate.thumbprintSha256, privateKey: method.certificate.privateKey, x5c: method.certificate.x5c } }),
        },
        system,
        cache,
      });
      result = await Promise.race([app.acquireTokenByClientCredential({ scopes }), stop]);
    } else {
      const app = new msal.PublicClientApplication({ auth: { clientId: request.clientId, authority: request.authority }, system, cache });
      result = await silently(ctx, app, scopes, request.loginHint);
      fromCache = result !== null;
      if (!result && method.kind === 'device-code') {
        result = await Promise.race([app.acquireTokenByDeviceCode(deviceCodeRequest), stop]);
      } else if (!result) {
        result = await Promise.race([
          app.acquireTokenInteractive({
            scopes,
            ...(request.loginHint ? { loginHint: request.loginHint } : {}),
            openBrowser: async (url) => openBrowser(ctx, url, request.prompt),
            successTemplate: 'Signed in. You can close this window and return to exo-doctor.',
            errorTemplate: 'Sign-in failed: {{error}}. Return to exo-doctor for the details.',
          }),
          stop,
        ]);
      }
    }
    if (!result?.accessToken) return { ok: false, failure: { kind: 'other', description: 'Entra ID answered without a token.' }, calls: network.calls };
    return {
      ok: true,
      token: {
        accessToken: result.accessToken,
        ...(result.expiresOn ? { expiresOn: result.expiresOn } : {}),
        ...(result.account?.username ? { username: result.account.username } : {}),
        fromCache,
        ...(result.correlationId ? { correlationId: result.correlationId } : {}),
        ...(cacheState.notSaved ? { cacheNotSaved: cacheState.notSaved } : {}),
      },
      calls: network.calls,
    };
  } catch (err) {
    ctx.log.debug(`sign-in failed: ${(err as Error)?.name}: ${(err as Error)?.message}`);
    return { ok: false, failure: entraFailure(err, network.lastResponse, state), calls: network.calls };
  } finally {
    await network.close();
  }
}

/** A cached token for the expected account, refreshed if need be; null when the user must sign in. */
async function silently(
  ctx: Context,
  app: import('@azure/msal-node').PublicClientApplication,
  scopes: string[],
  loginHint: string | undefined,
): Promise<AuthenticationResult | null> {
  let accounts: AccountInfo[];
  try {
    accounts = await app.getTokenCache().getAllAccounts();
  } catch (err) {
    ctx.log.warn(`The token cache could not be read (${(err as Error).message}); signing in again.`);
    return null;
  }
  const account = loginHint ? accounts.find((a) => a.username.toLowerCase() === loginHint.toLowerCase()) : accounts.length === 1 ? accounts[0] : undefined;
  if (!account) return null;
  try {
    return await app.acquireTokenSilent({ account, scopes });
  } catch (err) {
    ctx.log.debug(`no usable cached token (${(err as { errorCode?: string }).errorCode ?? (err as Error).message}); signing in`);
    return null;
  }
}

/** MSAL's cache for this run only, in memory. */
function memoryCache(ctx: Context): ICachePlugin {
  const store = ctx.memo('msal-memory-cache', async () => ({ text: '' }));
  return {
    async beforeCacheAccess(cacheContext) {
      const { text } = await store;
      if (text) cacheContext.tokenCache.deserialize(text);
    },
    async afterCacheAccess(cacheContext) {
      if (cacheContext.cacheHasChanged) (await store).text = cacheContext.tokenCache.serialize();
    },
  };
}

/** MSAL's cache, kept in a file only the user can read. A file that cannot be parsed is ignored (and replaced). */
function cachePlugin(ctx: Context, path: string, state: { notSaved?: string }): ICachePlugin {
  return {
    async beforeCacheAccess(cacheContext) {
      const text = await ctx.readFile(path);
      if (!text) return;
      try {
        cacheContext.tokenCache.deserialize(text);
      } catch {
        ctx.log.warn(`The token cache ${path} is not one exo-doctor wrote; it will be replaced.`);
      }
    },
    async afterCacheAccess(cacheContext) {
      if (!cacheContext.cacheHasChanged) return;
      try {
        await ctx.writePrivateFile(path, cacheContext.tokenCache.serialize());
      } catch (err) {
        // A cache that cannot be written costs the next run a prompt; it must not cost this sign-in.
        state.notSaved = (err as Error).message;
        ctx.log.warn(`The token cache ${path} could not be saved (${state.notSaved}); the sign-in worked, and the next run will ask again.`);
      }
    },
  };
}

/**
 * Opens the sign-in page in the user's browser. The address itself is not printed: it carries the
 * account and tenant, which are masked in every output. Without a browser, the sign-in stops at once
 * with the way out (device code) instead of waiting for a redirect that will never come.
 */
async function openBrowser(ctx: Context, url: string, prompt: (message: string) => void): Promise<void> {
  const [command, args] =
    ctx.platform === 'win32' ? ['rundll32', ['url.dll,FileProtocolHandler', url]] : ctx.platform === 'darwin' ? ['open', [url]] : ['xdg-open', [url]];
  prompt('Sign in in the browser window that opens; exo-doctor continues when you are done.');
  const result = await ctx.exec(command as string, args as string[], { timeoutMs: 10_000 });
  if (result.kind !== 'exited' || result.exitCode !== 0) {
    const why = result.kind === 'exited' ? `exit code ${result.exitCode}` : result.kind;
    throw new Error(`no browser could be opened on this machine (${command as string}: ${why}); run again with --sign-in device-code, which works without one`);
  }
}

/** The mode names shown to the user. */
export const SIGN_IN_LABEL: Readonly<Record<SignInMode, string>> = {
  'device-code': 'device code',
  browser: 'browser (authorization code with PKCE)',
  certificate: 'app-only, certificate',
  secret: 'app-only, client secret',
  'access-token': 'token given with --access-token',
};
