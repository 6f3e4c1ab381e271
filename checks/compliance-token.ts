/**
 * compliance-token: a token for Security & Compliance PowerShell, acquired as Connect-IPPSSession does
 * (module 3.2.0 and later): the module's own public client with the cloud's compliance resource
 * `/.default` (`https://ps.compliance.protection.outlook.com/.default` worldwide), or the admin's
 * application for app-only. After exo-token the same person is not asked again: the token comes from
 * the run's MSAL cache, by refresh token. Runs only with `--service compliance` or `all`.
 * See docs/compliance-powershell.md#3-the-token.
 */
import { acquireToken, preloadSignIn, sessionOf } from '../src/auth/acquire.js';
import { failureEvidence, failureFinding } from '../src/auth/findings.js';
import type { ExoSession } from '../src/auth/identity.js';
import { defineCheck } from '../src/check.js';
import { doctorCommand } from '../src/invocation.js';
import { MICROSOFT_APPS } from '../src/knowledge/microsoft-ids.js';
import { type CheckResult, evidence, fail, fix, notApplicable, notChecked, pass, sensitive } from '../src/result.js';
import { includesService } from '../src/services.js';
import { exoToken } from './exo-token.js';
import { inputs } from './inputs.js';
import { proxyConfig } from './proxy-config.js';
import { tenantDiscovery } from './tenant-discovery.js';

const APP_ONLY_DOC = 'https://learn.microsoft.com/powershell/exchange/app-only-auth-powershell-v2';

export const complianceToken = defineCheck({
  id: 'compliance-token',
  title: 'Security & Compliance token, acquired as Connect-IPPSSession does',
  dependsOn: [inputs, proxyConfig, tenantDiscovery],
  // After the Exchange sign-in, so that the same person is not prompted twice.
  uses: [exoToken],
  prepare: preloadSignIn,
  timeout: (ms) => Math.max(ms * 4, 16 * 60_000),
  async run(ctx, deps): Promise<CheckResult<ExoSession>> {
    if (!includesService(ctx.config, 'compliance')) return notApplicable('Security & Compliance PowerShell is not diagnosed (give --service compliance or all).');
    const tenant = deps['tenant-discovery'];
    const { cloud } = tenant;
    const upn = deps.inputs.upn;
    if (ctx.config.accessToken) {
      return notChecked('A token given with --access-token is for one resource; Security & Compliance PowerShell needs its own, for its compliance audience.', {
        remediation: fix({
          summary: 'Run the doctor without --access-token (it signs in as the module does), or give a token for the compliance resource.',
          runBy: 'admin',
          commands: [doctorCommand(ctx.config, `--service compliance${upn ? ` --upn ${upn}` : ''}`)],
          links: [APP_ONLY_DOC],
        }),
      });
    }
    const scope = `${cloud.complianceResource}/.default`;
    const outcome = await acquireToken(ctx, {
      cloud,
      tenantId: tenant.tenantId,
      plan: deps['proxy-config'],
      ...(upn ? { upn } : {}),
      person: { clientId: MICROSOFT_APPS.exchangePowerShell, clientName: 'Microsoft Exchange REST API Based Powershell', scopes: [scope] },
      appScopes: [scope],
      purpose: 'Security & Compliance sign-in (as Connect-IPPSSession does)',
      what: 'the device-code sign-in',
    });
    switch (outcome.kind) {
      case 'not-tried':
        return notChecked(`${outcome.choice.none} The Security & Compliance checks are not run.`, { remediation: outcome.choice.fixes });
      case 'given':
      case 'certificate-unusable':
      case 'certificate-expired':
        // exo-token has judged the same certificate; what it said holds here.
        return notChecked('The certificate could not be used to sign in (exo-token says why), so no Security & Compliance token was requested.', {
          explainedBy: ['exo-token'],
          remediation: fix({ summary: 'Fix what exo-token reports about the certificate, then run the doctor again.', runBy: 'admin', commands: [], links: [APP_ONLY_DOC] }),
        });
      case 'failed': {
        const finding = failureFinding(outcome.failure, {
          loginHost: cloud.loginHost,
          ...(outcome.proxy ? { proxy: outcome.proxy } : {}),
          what: outcome.appOnly ? 'App-only sign-in to Security & Compliance PowerShell' : 'Sign-in to Security & Compliance PowerShell',
          deviceLoginUrl: cloud.deviceLoginUrl,
          ...(upn ? { upn } : {}),
          config: ctx.config,
        });
        return fail(finding.summary, {
          evidence: [...outcome.facts, evidence('Resource', cloud.complianceResource), ...failureEvidence(outcome.failure)],
          remediation: finding.remediation,
          ...(finding.cause ? { cause: finding.cause } : {}),
          ...(finding.explainedBy ? { explainedBy: finding.explainedBy } : {}),
        });
      }
      case 'token':
        break;
    }
    const { token, appOnly, clientId } = outcome;
    const session = sessionOf(outcome, cloud, tenant.tenantId, ctx.config.target);
    const signedIn = session.upn;
    const who = appOnly ? `application ${clientId}` : (signedIn ?? 'the account');
    const again = token.fromCache && !ctx.config.tokenCache ? ' without a second sign-in (from the Exchange sign-in of this run)' : token.fromCache ? ' from the token cache' : '';
    return pass(`Got a Security & Compliance token for ${who}${again}.`, {
      evidence: [...outcome.facts, ...(signedIn ? [sensitive('Signed in as', signedIn)] : []), evidence('Resource', cloud.complianceResource), ...(token.correlationId ? [evidence('Correlation ID', token.correlationId)] : [])],
      output: session,
    });
  },
});
