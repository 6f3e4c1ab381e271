/**
 * What the token checks share: which way the user asked to sign in, and how a failed sign-in becomes a
 * finding (the AADSTS meaning, the likely cause for Exchange PowerShell, the fix, and the correlation
 * id, trace id and timestamp support will ask for).
 */
import type { Config, Terminal } from '../context.js';
import type { SignInMode } from './identity.js';
import { CAUSE, causeOfAadsts } from '../causes.js';
import { doctorCommand } from '../invocation.js';
import { describeAadsts } from '../knowledge/aadsts.js';
import { forAccount } from '../knowledge/fixes.js';
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
    commands: [doctorCommand(config, `--upn ${config.upn ?? '<admin UPN>'} --sign-in device-code`)],
  });
  const appOnly = fix({
    summary: 'Or, for automation, sign in as the application with its certificate.',
    runBy: 'admin',
    commands: [doctorCommand(config, `--app-id <app-id> --certificate cert.pem --tenant ${config.tenant ?? (config.upn?.split('@')[1] ?? '<tenant domain>')}`)],
  });
  if (config.certificateFile && !config.appId) {
    return {
      none: '--certificate was given without --app-id, so the doctor does not know which application signs in.',
      fixes: [fix({ summary: 'Name the application the certificate belongs to.', runBy: 'admin', commands: [doctorCommand(config, `--app-id <app-id> --certificate ${config.certificateFile} --tenant ${config.tenant ?? '<tenant domain>'}`)] })],
    };
  }
  if (config.appId) {
    return {
      none: '--app-id was given without --certificate or --client-secret, so there is no way to sign in as the application.',
      fixes: [fix({ summary: 'Give the certificate (a PEM file with its private key) the application signs in with.', runBy: 'admin', commands: [doctorCommand(config, `--app-id ${config.appId} --certificate cert.pem --tenant ${config.tenant ?? '<tenant domain>'}`)] })],
    };
  }
  if (config.signIn === 'none') return { none: 'Sign-in was turned off (--sign-in none).', fixes: [runAgain, appOnly] };
  // A run without a terminal never waits for a person: no one would see the code, and the wait would
  // last until the code expires. In the demo the simulated user completes the sign-in instead.
  const someone = config.signInCompletedBy === 'simulation' || ((terminal.stdinIsTTY || terminal.stderrIsTTY) && !terminal.ci);
  if (config.signIn && someone) return { mode: config.signIn };
  if (config.signIn) {
    return {
      none: `No one is at a terminal to complete a ${config.signIn === 'browser' ? 'browser' : 'device-code'} sign-in${terminal.ci ? ' (CI is set)' : ''}, and a run without a terminal never waits for a person.`,
      fixes: [runAgain, appOnly],
    };
  }
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
    ...(failure.http ? [evidence('HTTP status', `${failure.http.status} from ${failure.http.url}`)] : []),
    ...(failure.http?.retryAfterSeconds !== undefined ? [evidence('Retry-After', `${failure.http.retryAfterSeconds} s`)] : []),
    ...(failure.http?.requestId ? [evidence('Request id', failure.http.requestId)] : []),
    ...(failure.correlationId ? [evidence('Correlation ID', failure.correlationId)] : []),
    ...(failure.traceId ? [evidence('Trace ID', failure.traceId)] : []),
    ...(failure.timestamp ? [evidence('Timestamp', failure.timestamp)] : []),
  ];
}

export interface FailureFinding {
  readonly summary: string;
  readonly remediation: NonEmpty<Remediation>;
  /** The root cause's name, when another check names it too (src/causes.ts). */
  readonly cause?: string;
  /** Upstream checks whose failure this one follows from, when they failed. */
  readonly explainedBy?: readonly string[];
}

/** AADSTS codes a device-code sign-in ends with when the person never finished in the browser. */
const CODE_EXPIRED = new Set([70019, 70020, 70016]);

/** A failed sign-in as a finding: what it means, why, and who fixes it how. */
export function failureFinding(
  failure: EntraFailure,
  context: {
    readonly loginHost: string;
    readonly proxy?: string;
    readonly what: string;
    readonly deviceLoginUrl: string;
    readonly upn?: string;
    /** How the doctor was started, for the commands that run it again. */
    readonly config?: { readonly invocation?: string };
  },
): FailureFinding {
  const support = 'Keep the correlation ID, trace ID and timestamp shown in the evidence: Microsoft support asks for all three.';
  switch (failure.kind) {
    case 'aadsts': {
      const entry = describeAadsts(failure.code as number);
      return {
        cause: causeOfAadsts(entry.code),
        // A code that was never entered may be the federation server's fault: the browser never came back.
        ...(CODE_EXPIRED.has(entry.code) ? { explainedBy: ['federation'] } : {}),
        summary: `${context.what} was refused with AADSTS${entry.code} (${entry.name}): ${ensureStop(entry.meaning)} ${ensureStop(entry.cause)}`,
        remediation: [
          // The table's commands name the account `<upn>`: the admin's own is the one to use.
          { ...forAccount(entry.fix, context.upn), summary: ensureStop(entry.fix.summary) },
          fix({ summary: support, runBy: 'admin', links: [`https://login.microsoftonline.com/error?code=${entry.code}`] }),
        ],
      };
    }
    case 'transport': {
      const via = context.proxy ? ` through ${displayProxy(context.proxy)}` : '';
      return {
        explainedBy: ['proxy-health', 'endpoints', 'tls-inspection'],
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
    case 'service': {
      const http = failure.http as NonNullable<EntraFailure['http']>;
      const throttled = http.status === 429;
      const wait = http.retryAfterSeconds !== undefined ? ` and asked to wait ${http.retryAfterSeconds} s (Retry-After)` : '';
      return {
        cause: throttled ? CAUSE.entraThrottled : CAUSE.entraUnavailable,
        summary: throttled
          ? `${context.what} was throttled: Entra ID answered HTTP 429 (Too Many Requests)${wait}. This is Microsoft limiting requests from this tenant, app or address, not a setting of yours.`
          : `${context.what} failed on Microsoft's side: Entra ID answered HTTP ${http.status}${failure.description ? ` ("${failure.description}")` : ''}. Nothing on this machine or in the tenant causes this.`,
        remediation: [
          fix({
            summary: throttled
              ? `Wait${http.retryAfterSeconds !== undefined ? ` ${http.retryAfterSeconds} seconds` : ' a few minutes'} and run again; if it persists, look for scripts signing in in a loop from this address or with this app.`
              : 'Run again in a few minutes; if it persists, check the Microsoft 365 service health for Microsoft Entra and open a support request quoting the ids in the evidence.',
            runBy: 'admin',
            commands: [doctorCommand(context.config ?? {}, '--only exo-token')],
            links: [throttled ? 'https://learn.microsoft.com/entra/identity-platform/reference-error-codes' : 'https://admin.microsoft.com/#/servicehealth'],
          }),
        ],
      };
    }
    case 'expired':
      return {
        explainedBy: ['federation'],
        summary: `${context.what} did not finish: the device code expired before the sign-in was completed in the browser. When the browser shows an error page, that page names the real cause.`,
        remediation: [
          fix({
            summary: `Run again and complete the sign-in at ${context.deviceLoginUrl} within 15 minutes; if the browser shows an error, note its code (AADSTS…) and run exo-doctor explain on it.`,
            runBy: 'admin',
            commands: [doctorCommand(context.config ?? {}, '--sign-in device-code')],
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
        remediation: [fix({ summary: `Run again with --verbose to see MSAL's log. ${support}`, runBy: 'admin', commands: [doctorCommand(context.config ?? {}, '--verbose')] })],
      };
  }
}

/** A transport error code in words, with the code kept for searching. */
function networkWords(code: string): string {
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
