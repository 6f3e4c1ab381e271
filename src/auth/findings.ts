/**
 * What the token checks share: which way the user asked to sign in, and how a failed sign-in becomes a
 * finding (the AADSTS meaning, the likely cause for Exchange PowerShell, the fix, and the correlation
 * id, trace id and timestamp support will ask for).
 */
import type { Config, Terminal } from '../context.js';
import type { SignInMode } from '../identity.js';
import { describeAadsts } from '../knowledge/aadsts.js';
import { displayProxy } from '../net/probes.js';
import { type Evidence, evidence, fix, type NonEmpty, type Remediation } from '../result.js';
import type { EntraFailure } from './entra-error.js';

export type ModeChoice = { readonly mode: SignInMode } | { readonly none: string; readonly fixes: NonEmpty<Remediation> };

/** The sign-in mode the options ask for; device code by default when someone is at the terminal. */
export function chooseMode(config: Config, terminal: Terminal): ModeChoice {
  if (config.accessToken) return { mode: 'access-token' };
  if (config.appId && config.certificateFile) return { mode: 'certificate' };
  if (config.appId && config.clientSecret) return { mode: 'secret' };
  const runAgain = fix({
    summary: 'Sign in as the account that cannot connect, with a device code shown here (completed in any browser).',
    runBy: 'admin',
    commands: [`exo-doctor --upn ${config.upn ?? 'admin@contoso.com'} --sign-in device-code`],
  });
  const appOnly = fix({
    summary: 'Or, for automation, sign in as the application with its certificate.',
    runBy: 'admin',
    commands: [`exo-doctor --app-id <app-id> --certificate cert.pem --tenant ${config.tenant ?? 'contoso.onmicrosoft.com'}`],
  });
  if (config.certificateFile && !config.appId) {
    return {
      none: '--certificate was given without --app-id, so the doctor does not know which application signs in.',
      fixes: [fix({ summary: 'Name the application the certificate belongs to.', runBy: 'admin', commands: [`exo-doctor --app-id <app-id> --certificate ${config.certificateFile} --tenant ${config.tenant ?? 'contoso.onmicrosoft.com'}`] })],
    };
  }
  if (config.appId) {
    return {
      none: '--app-id was given without --certificate or --client-secret, so there is no way to sign in as the application.',
      fixes: [fix({ summary: 'Give the certificate (a PEM file with its private key) the application signs in with.', runBy: 'admin', commands: [`exo-doctor --app-id ${config.appId} --certificate cert.pem --tenant ${config.tenant ?? 'contoso.onmicrosoft.com'}`] })],
    };
  }
  if (config.signIn === 'none') return { none: 'Sign-in was turned off (--sign-in none).', fixes: [runAgain, appOnly] };
  if (config.signIn) return { mode: config.signIn };
  if (terminal.stdinIsTTY && !terminal.ci) return { mode: 'device-code' };
  return { none: 'No one is at a terminal to complete a sign-in, so the doctor did not start one.', fixes: [runAgain, appOnly] };
}

/** The evidence every sign-in failure carries: what Entra said and the ids support asks for. */
export function failureEvidence(failure: EntraFailure): Evidence[] {
  return [
    ...(failure.code !== undefined ? [evidence('Error code', `AADSTS${failure.code}`)] : []),
    ...(failure.error ? [evidence('OAuth error', failure.subError ? `${failure.error} (${failure.subError})` : failure.error)] : []),
    ...(failure.description ? [evidence('Entra ID said', failure.description)] : []),
    ...(failure.transport ? [evidence('Network error', `${failure.transport.code}: ${failure.transport.message}`)] : []),
    ...(failure.correlationId ? [evidence('Correlation ID', failure.correlationId)] : []),
    ...(failure.traceId ? [evidence('Trace ID', failure.traceId)] : []),
    ...(failure.timestamp ? [evidence('Timestamp', failure.timestamp)] : []),
  ];
}

export interface FailureFinding {
  readonly summary: string;
  readonly remediation: NonEmpty<Remediation>;
}

/** A failed sign-in as a finding: what it means, why, and who fixes it how. */
export function failureFinding(
  failure: EntraFailure,
  context: { readonly loginHost: string; readonly proxy?: string; readonly what: string; readonly deviceLoginUrl: string; readonly upn?: string },
): FailureFinding {
  const support = 'Keep the correlation ID, trace ID and timestamp shown in the evidence: Microsoft support asks for all three.';
  switch (failure.kind) {
    case 'aadsts': {
      const entry = describeAadsts(failure.code as number);
      return {
        summary: `${context.what} was refused with AADSTS${entry.code} (${entry.name}): ${ensureStop(entry.meaning)} ${ensureStop(entry.cause)}`,
        remediation: [
          fix({
            summary: ensureStop(entry.fix.summary),
            runBy: entry.fix.runBy,
            // The table's commands name a placeholder account; the admin's own is the one to use.
            commands: entry.fix.commands.map((command) => (context.upn ? command.replaceAll('admin@contoso.com', context.upn) : command)),
            links: [entry.link],
          }),
          fix({ summary: support, runBy: 'admin', links: [`https://login.microsoftonline.com/error?code=${entry.code}`] }),
        ],
      };
    }
    case 'transport': {
      const via = context.proxy ? ` through ${displayProxy(context.proxy)}` : '';
      return {
        summary: `${context.what} could not reach ${context.loginHost}${via}: ${networkWords(failure.transport?.code ?? 'EUNKNOWN')}. The network and proxy checks above show where the path breaks.`,
        remediation: [
          fix({
            summary: `Let this machine reach https://${context.loginHost} (TCP 443)${via ? ' through the proxy' : ''}; Microsoft 365 sign-in endpoints should bypass TLS inspection.`,
            runBy: 'network-team',
            commands: [`curl -v https://${context.loginHost}/common/v2.0/.well-known/openid-configuration`],
            links: ['https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges'],
          }),
        ],
      };
    }
    case 'expired':
      return {
        summary: `${context.what} did not finish: the device code expired before the sign-in was completed in the browser. When the browser shows an error page, that page names the real cause.`,
        remediation: [
          fix({
            summary: `Run again and complete the sign-in at ${context.deviceLoginUrl} within 15 minutes; if the browser shows an error, note its code (AADSTS…) and run exo-doctor explain on it.`,
            runBy: 'admin',
            commands: ['exo-doctor --sign-in device-code'],
          }),
        ],
      };
    case 'cancelled':
    case 'timeout':
      return {
        summary: `${context.what} was stopped before it finished.`,
        remediation: [fix({ summary: 'Run again and complete the sign-in.', runBy: 'admin' })],
      };
    default:
      return {
        summary: `${context.what} failed: ${failure.description ?? failure.error ?? 'MSAL gave no reason'}.`,
        remediation: [fix({ summary: `Run again with --verbose to see MSAL's log. ${support}`, runBy: 'admin', commands: ['exo-doctor --verbose'] })],
      };
  }
}

/** A transport error code in words, with the code kept for searching. */
export function networkWords(code: string): string {
  const words: Record<string, string> = {
    ENOTFOUND: 'the name does not resolve',
    EAI_AGAIN: 'name resolution failed for now',
    ECONNREFUSED: 'the connection was refused',
    ECONNRESET: 'the connection was reset',
    UND_ERR_SOCKET: 'the connection was closed before an answer came',
    ETIMEDOUT: 'no answer within the time limit',
    UND_ERR_CONNECT_TIMEOUT: 'the connection was not set up within the time limit',
    UND_ERR_HEADERS_TIMEOUT: 'no answer within the time limit',
    UND_ERR_BODY_TIMEOUT: 'the answer stopped coming within the time limit',
    EBADRESPONSE: 'the answer was not the JSON Entra ID sends (a proxy or captive portal page?)',
    SELF_SIGNED_CERT_IN_CHAIN: 'the TLS certificate chain ends in a CA this machine does not trust (TLS inspection?)',
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the TLS certificate was issued by a CA this machine does not trust (TLS inspection?)',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the TLS certificate cannot be verified (TLS inspection?)',
    CERT_HAS_EXPIRED: 'the TLS certificate has expired (or the clock is wrong)',
    ERR_TLS_CERT_ALTNAME_INVALID: 'the TLS certificate is for another name',
  };
  const known = words[code] ?? (code.startsWith('HTTP_407') ? 'the proxy asks for credentials (407)' : undefined);
  return known ? `${known} (${code})` : code;
}

function ensureStop(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}
