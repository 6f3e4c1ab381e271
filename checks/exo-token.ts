/**
 * exo-token: a token for Exchange Online, acquired the way Connect-ExchangeOnline does: the module's
 * public client (fb78d390-…) with the cloud's Exchange resource `/.default`, device code or browser for a
 * person; the admin's own application with a certificate (or a secret) for app-only; or a token the admin
 * already has (`--access-token`). Through the same proxy the module would use.
 * See docs/exchange-rest.md#v3-module-authentication, docs/exchange-rest.md#app-only-certificate-authentication and docs/msal.md.
 */
import { acquireToken, preloadSignIn, sessionOf, stringClaim } from '../src/auth/acquire.js';
import { failureEvidence, failureFinding } from '../src/auth/findings.js';
import type { ExoSession, SignInMode } from '../src/auth/identity.js';
import { decodeJwt } from '../src/auth/jwt.js';
import type { LoadedCertificate } from '../src/auth/sign-in.js';
import { defineCheck } from '../src/check.js';
import { doctorCommand } from '../src/invocation.js';
import { MICROSOFT_APPS } from '../src/knowledge/microsoft-ids.js';
import { type CheckResult, type Evidence, evidence, fail, fix, notChecked, pass, sensitive } from '../src/result.js';
import { inputs } from './inputs.js';
import { proxyConfig } from './proxy-config.js';
import { tenantDiscovery } from './tenant-discovery.js';

/** "Microsoft Exchange REST API Based Powershell": the module's public client in every tenant. */
const EXO_POWERSHELL_CLIENT = MICROSOFT_APPS.exchangePowerShell;

const APP_ONLY_DOC = 'https://learn.microsoft.com/powershell/exchange/app-only-auth-powershell-v2';
const CONNECT_DOC = 'https://learn.microsoft.com/powershell/exchange/connect-to-exchange-online-powershell';

export const exoToken = defineCheck({
  id: 'exo-token',
  title: 'Exchange Online token, acquired as the module does',
  dependsOn: [inputs, proxyConfig, tenantDiscovery],
  prepare: preloadSignIn,
  // A device-code sign-in waits for the person for up to 15 minutes; each request has its own limit.
  timeout: (ms) => Math.max(ms * 4, 16 * 60_000),
  async run(ctx, deps): Promise<CheckResult<ExoSession>> {
    const tenant = deps['tenant-discovery'];
    const { cloud } = tenant;
    const upn = deps.inputs.upn;
    const target = ctx.config.target;
    const scope = `${cloud.exchangeResource}/.default`;
    const outcome = await acquireToken(ctx, {
      cloud,
      tenantId: tenant.tenantId,
      plan: deps['proxy-config'],
      ...(upn ? { upn } : {}),
      person: { clientId: EXO_POWERSHELL_CLIENT, clientName: 'Microsoft Exchange REST API Based Powershell', scopes: [scope] },
      appScopes: [scope],
      purpose: 'Exchange Online sign-in (as Connect-ExchangeOnline -Device does)',
      what: 'the device-code sign-in',
    });
    switch (outcome.kind) {
      case 'not-tried':
        return notChecked(`${outcome.choice.none} The checks that need a token are not run.`, { remediation: outcome.choice.fixes });
      case 'given':
        return fromGivenToken(ctx, outcome.accessToken, tenant.tenantId, cloud, target);
      case 'certificate-unusable':
        return fail(`The certificate cannot be used: ${outcome.problem}.`, { evidence: outcome.facts, remediation: fix({ summary: outcome.fix, runBy: 'admin', links: [APP_ONLY_DOC] }) });
      case 'certificate-expired':
        return expiredCertificate(outcome.certificate, ctx.now(), outcome.facts);
      case 'failed': {
        const finding = failureFinding(outcome.failure, {
          loginHost: cloud.loginHost,
          ...(outcome.proxy ? { proxy: outcome.proxy } : {}),
          what: outcome.appOnly ? 'App-only sign-in to Exchange Online' : 'Sign-in to Exchange Online',
          deviceLoginUrl: cloud.deviceLoginUrl,
          ...(upn ? { upn } : {}),
          config: ctx.config,
        });
        const federated = finding.explainedBy?.includes('federation') && tenant.federation ? ` The domain is federated to ${tenant.federation.host}: a federation server that does not answer keeps the browser from finishing.` : '';
        return fail(`${finding.summary}${federated}`, {
          evidence: [...outcome.facts, ...failureEvidence(outcome.failure)],
          remediation: finding.remediation,
          ...(finding.cause ? { cause: finding.cause } : {}),
          ...(finding.explainedBy ? { explainedBy: finding.explainedBy } : {}),
        });
      }
      case 'token':
        break;
    }
    const { token, appOnly, clientId, mode } = outcome;
    const session = sessionOf(outcome, cloud, tenant.tenantId, target);
    const signedIn = session.upn;
    const who = appOnly ? `application ${clientId}` : (signedIn ?? 'the account');
    const facts = [
      ...outcome.facts,
      ...(signedIn ? [sensitive('Signed in as', signedIn)] : []),
      ...(target ? [sensitive('Diagnosing', target)] : []),
      ...(token.fromCache ? [evidence('Token cache', `${ctx.config.tokenCache} (no prompt needed)`)] : []),
      ...(token.cacheNotSaved ? [evidence('Token cache', `${ctx.config.tokenCache} could not be saved (${token.cacheNotSaved}); the next run asks again`)] : []),
      ...(token.correlationId ? [evidence('Correlation ID', token.correlationId)] : []),
    ];
    const secretNote =
      mode === 'secret'
        ? ' Note: Connect-ExchangeOnline has no client-secret parameter; it takes a certificate (-CertificateThumbprint or -CertificateFilePath) or a token (-AccessToken).'
        : '';
    return pass(`Got an Exchange Online token for ${who}${token.fromCache ? ' from the token cache' : ''}.${secretNote}`, { evidence: facts, output: session });
  },
});

/** A certificate outside its validity: Entra refuses it (AADSTS700027). */
function expiredCertificate(cert: LoadedCertificate, now: Date, facts: Evidence[]) {
  return fail(
    `The certificate ${cert.validTo < now ? `expired on ${cert.validTo.toISOString().slice(0, 10)}` : `is not valid before ${cert.validFrom.toISOString().slice(0, 10)}`}: Entra ID refuses sign-in with it (AADSTS700027).`,
    {
      evidence: facts,
      remediation: fix({
        summary: 'Make a new certificate, upload its public part to the app registration (Certificates & secrets), and connect with the new thumbprint.',
        runBy: 'admin',
        commands: [
          '$cert = New-SelfSignedCertificate -Subject "CN=exo-automation" -CertStoreLocation Cert:\\CurrentUser\\My -KeyExportPolicy Exportable -KeySpec Signature -KeyLength 2048 -NotAfter (Get-Date).AddYears(1)',
          'Export-Certificate -Cert $cert -FilePath exo-automation.cer',
        ],
        links: [APP_ONLY_DOC],
      }),
    },
  );
}

/** `--access-token`: the token is used as given; token-claims judges it. */
function fromGivenToken(ctx: { readonly config: { readonly invocation?: string; readonly upn?: string } }, accessToken: string, tenantId: string, cloud: ExoSession['cloud'], target: string | undefined): CheckResult<ExoSession> {
  const decoded = decodeJwt(accessToken);
  if (!decoded) {
    return fail('The token given with --access-token is not a JSON Web Token (three base64url parts separated by dots).', {
      remediation: fix({
        summary: 'Give the access token itself (it starts with "eyJ"), for example from Get-MsalToken or from the session of Connect-ExchangeOnline, without "Bearer ".',
        runBy: 'admin',
        commands: [doctorCommand(ctx.config, `${ctx.config.upn ? `--upn ${ctx.config.upn} ` : ''}--access-token "$env:EXO_TOKEN"`)],
        links: [CONNECT_DOC],
      }),
    });
  }
  const claims = decoded.payload;
  const appOnly = claims['scp'] === undefined && (claims['idtyp'] === 'app' || Array.isArray(claims['roles']));
  const signedIn = appOnly ? undefined : stringClaim(claims, 'upn') ?? stringClaim(claims, 'unique_name');
  const subject = target ?? signedIn;
  const exp = typeof claims['exp'] === 'number' ? new Date(claims['exp'] * 1000) : undefined;
  const mode: SignInMode = 'access-token';
  return pass(`Using the token given with --access-token (${appOnly ? `application ${stringClaim(claims, 'appid') ?? 'unknown'}` : (signedIn ?? 'unknown account')}); token-claims checks what it is for.`, {
    evidence: [evidence('Sign-in', 'token given with --access-token'), ...(signedIn ? [sensitive('Issued to', signedIn)] : [])],
    output: {
      cloud,
      tenantId: stringClaim(claims, 'tid') ?? tenantId,
      mode,
      appOnly,
      clientId: stringClaim(claims, 'appid') ?? stringClaim(claims, 'azp') ?? 'unknown',
      ...(signedIn ? { upn: signedIn } : {}),
      ...(subject ? { subject } : {}),
      accessToken,
      claims,
      ...(exp ? { expiresOn: exp } : {}),
    },
  });
}
