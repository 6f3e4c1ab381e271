/**
 * clock-skew: this machine's clock against the Date header of the Entra ID login host. Tokens carry
 * validity times and certificate sign-in signs an assertion that Entra accepts only within a few
 * minutes of its own clock (AADSTS700024).
 */
import { CAUSE } from '../src/causes.js';
import { defineCheck } from '../src/check.js';
import { endpointFor } from '../src/knowledge/endpoints.js';
import { doctorHops } from '../src/net/routes.js';
import { probeRoute } from '../src/net/probes.js';
import { couldNotCheck, evidence, fail, fix, pass, warn } from '../src/result.js';
import { proxyConfig } from './proxy-config.js';

/** Beyond these, sign-in starts to break (Entra forgives about five minutes on assertions). */
const SKEW_WARN_SECONDS = 120;
const SKEW_FAIL_SECONDS = 300;

const TIME_DOC = 'https://learn.microsoft.com/entra/identity-platform/certificate-credentials';

export const clockSkew = defineCheck({
  id: 'clock-skew',
  title: "This machine's clock against Microsoft's",
  dependsOn: [proxyConfig],
  timeout: (ms) => ms + 5000,
  async run(ctx, deps) {
    const login = endpointFor(ctx.config.environment, 'login');
    const host = login.host;
    ctx.step(`asking ${host} for the time`);
    const route = await probeRoute(ctx, login, doctorHops(deps['proxy-config'], host), {
      timeoutMs: ctx.config.timeoutMs,
      userAgent: `exo-doctor/${ctx.runtime.doctorVersion}`,
    });
    const http = route.chosen?.http;
    const date = http?.date ? new Date(http.date) : undefined;
    if (!http || !date || Number.isNaN(date.getTime())) {
      return couldNotCheck(`Could not read the time from ${host}: it did not answer over HTTPS.`, { explainedBy: ['proxy-health', 'endpoints'] });
    }
    // The server stamped the answer somewhere between our request and its arrival: take the middle.
    const local = (http.sentAt.getTime() + http.receivedAt.getTime()) / 2;
    const skew = Math.round((local - date.getTime()) / 1000);
    const facts = [
      evidence('This machine', new Date(local).toISOString().replace(/\.\d+Z$/, 'Z')),
      evidence(`${host} (Date header)`, date.toISOString().replace(/\.\d+Z$/, 'Z')),
      evidence('Difference', describeSkew(skew)),
      evidence('Route', route.chosen?.route ?? 'direct'),
    ];
    const size = Math.abs(skew);
    if (size <= SKEW_WARN_SECONDS) return pass(`The clock agrees with Microsoft's${skew === 0 ? '' : ` (${describeSkew(skew)})`}.`, { evidence: facts });
    const remediation = fix({
      summary: 'Set the clock from a time server, then sign in again.',
      runBy: 'admin',
      commands: resyncCommands(ctx.platform),
      links: [TIME_DOC],
    });
    const consequence =
      'Certificate (app-only) sign-in fails with AADSTS700024 and token lifetimes are misjudged: Entra ID accepts a client assertion only within about five minutes of its own clock.';
    if (size > SKEW_FAIL_SECONDS) return fail(`The clock is ${describeSkew(skew)}. ${consequence}`, { cause: CAUSE.clockSkew, evidence: facts, remediation });
    return warn(`The clock is ${describeSkew(skew)}; past 5 minutes sign-in starts to fail.`, { cause: CAUSE.clockSkew, evidence: facts, remediation });
  },
});

/** `12 min 3 s ahead of Microsoft`, `4 s behind Microsoft`. */
function describeSkew(seconds: number): string {
  const size = Math.abs(seconds);
  const amount = size >= 60 ? `${Math.floor(size / 60)} min ${size % 60} s` : `${size} s`;
  return seconds === 0 ? 'in step with Microsoft' : `${amount} ${seconds > 0 ? 'ahead of' : 'behind'} Microsoft`;
}

function resyncCommands(platform: NodeJS.Platform): string[] {
  switch (platform) {
    case 'win32':
      return ['w32tm /resync /force'];
    case 'darwin':
      return ['sudo sntp -sS time.apple.com'];
    default:
      return ['sudo timedatectl set-ntp true', 'timedatectl status'];
  }
}
