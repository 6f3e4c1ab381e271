/**
 * graph-token: a token for Microsoft Graph, so the doctor can read what Exchange does not show: MFA
 * state, Conditional Access, the module's enterprise app, role assignments and the sign-in log. A person
 * signs in (a second time) with the Microsoft Graph PowerShell client and explicit read-only scopes; an
 * application uses its own credentials with its Graph application permissions. Graph is extra evidence:
 * when it cannot be had, its checks are skipped, never failed (docs/msal.md#graph-checks-are-optional-extra-evidence).
 */
import { acquireToken, preloadSignIn } from '../src/auth/acquire.js';
import type { EntraFailure } from '../src/auth/entra-error.js';
import { failureEvidence, failureFinding } from '../src/auth/findings.js';
import type { GraphSession } from '../src/auth/identity.js';
import { CAUSE } from '../src/causes.js';
import { defineCheck } from '../src/check.js';
import type { Cloud } from '../src/clouds.js';
import { doctorCommand } from '../src/invocation.js';
import { MICROSOFT_APPS } from '../src/knowledge/microsoft-ids.js';
import { HttpClient, HttpFailure } from '../src/net/http.js';
import { displayProxy } from '../src/net/probes.js';
import { serviceRoute } from '../src/net/service-route.js';
import { type CheckResult, couldNotCheck, type Evidence, evidence, fail, fix, notChecked, pass, personName, sensitive } from '../src/result.js';
import { exoToken } from './exo-token.js';
import { inputs } from './inputs.js';
import { proxyConfig } from './proxy-config.js';
import { tenantDiscovery } from './tenant-discovery.js';
import { sendThrottled } from '../src/throttle.js';

/** "Microsoft Graph Command Line Tools": the public client of Connect-MgGraph. */
const GRAPH_POWERSHELL_CLIENT = MICROSOFT_APPS.graphPowerShell;

/** Read-only delegated scopes, one per thing the Graph checks read. */
const GRAPH_SCOPES = [
  'User.Read.All', // the account under diagnosis
  'UserAuthenticationMethod.Read.All', // its MFA methods and per-user MFA state
  'Policy.Read.All', // security defaults and Conditional Access
  'Application.Read.All', // the module's enterprise app
  'RoleManagement.Read.Directory', // role assignments and PIM eligibility
  'AuditLog.Read.All', // sign-in log and registration details
] as const;

const CONSENT_DOC = 'https://learn.microsoft.com/powershell/microsoftgraph/authentication-commands#using-connect-mggraph';

export const graphToken = defineCheck({
  id: 'graph-token',
  title: 'Microsoft Graph token, for the MFA, role and sign-in checks',
  dependsOn: [inputs, proxyConfig, tenantDiscovery],
  prepare: preloadSignIn,
  uses: [exoToken],
  timeout: (ms) => Math.max(ms * 4, 16 * 60_000),
  async run(ctx, deps): Promise<CheckResult<GraphSession>> {
    const tenant = deps['tenant-discovery'];
    const cloud = tenant.cloud;
    const upn = deps['exo-token']?.upn ?? deps.inputs.upn;
    const outcome = await acquireToken(ctx, {
      cloud,
      tenantId: tenant.tenantId,
      plan: deps['proxy-config'],
      ...(upn ? { upn } : {}),
      person: { clientId: GRAPH_POWERSHELL_CLIENT, clientName: 'Microsoft Graph Command Line Tools', scopes: GRAPH_SCOPES.map((s) => `https://${cloud.graphHost}/${s}`) },
      appScopes: [`https://${cloud.graphHost}/.default`],
      purpose: 'Microsoft Graph sign-in, for the MFA, role and sign-in log checks (skip it with --skip graph-token)',
      what: 'the Microsoft Graph device-code sign-in',
    });
    switch (outcome.kind) {
      case 'not-tried':
        return notChecked(`${outcome.choice.none} The Graph checks (MFA, enterprise app, sign-in log) are not run.`, { remediation: outcome.choice.fixes });
      case 'given':
        return notChecked('With --access-token the doctor has no Graph token, so the MFA, enterprise app and sign-in log checks are not run.', {
          remediation: fix({ summary: 'Let the doctor sign in itself to read them.', runBy: 'admin', commands: [doctorCommand(ctx.config, `${deps.inputs.upn ? `--upn ${deps.inputs.upn} ` : ''}--sign-in device-code`)] }),
        });
      case 'certificate-unusable':
      case 'certificate-expired':
        // exo-token says what is wrong with the certificate, and how to mend it.
        return couldNotCheck('The certificate cannot be used, so the Graph checks are not run.', { evidence: outcome.facts, explainedBy: ['exo-token'] });
      case 'failed':
        return notSignedIn(outcome.failure, outcome.facts, { cloud, ...(outcome.proxy ? { proxy: outcome.proxy } : {}), ...(upn ? { upn } : {}), config: ctx.config });
      case 'token':
        break;
    }
    const { claims, appOnly } = outcome;
    const accessToken = outcome.token.accessToken;
    const facts = [...outcome.facts];
    const permissions = appOnly
      ? (Array.isArray(claims['roles']) ? claims['roles'].filter((r: unknown): r is string => typeof r === 'string') : [])
      : String(claims['scp'] ?? '')
          .split(' ')
          .filter(Boolean);
    const callerId = !appOnly && typeof claims['oid'] === 'string' ? claims['oid'] : undefined;
    const subjectUpn = ctx.config.target ?? (appOnly ? undefined : (typeof claims['upn'] === 'string' ? claims['upn'] : upn));

    const graphRoute = await serviceRoute(ctx, deps['proxy-config'], cloud.graphHost);
    facts.push(evidence('Route to Graph', graphRoute.proxy ? displayProxy(graphRoute.proxy) : 'direct'), evidence('Permissions granted', permissions.join(' ') || 'none'));
    let subject: GraphSession['subject'];
    if (subjectUpn) {
      const found = await lookUpUser(ctx, cloud.graphHost, accessToken, graphRoute.proxy, subjectUpn, !ctx.config.target && !appOnly);
      if (found.kind === 'missing') {
        return fail(`${subjectUpn} is not a user of this tenant: Microsoft Graph does not find it.`, {
          cause: CAUSE.accountNotFound,
          evidence: facts,
          remediation: fix({ summary: 'Check the user principal name given with --target (or --upn): it must be the sign-in name of a user of this tenant.', runBy: 'admin', commands: [`Get-MgUser -UserId ${subjectUpn}`] }),
        });
      }
      if (found.kind === 'unreadable') {
        return couldNotCheck(`Microsoft Graph did not answer the lookup of ${subjectUpn} (${found.reason}), so the Graph checks are not run.`, {
          evidence: facts,
          explainedBy: ['proxy-health', 'endpoints', 'tls-inspection'],
        });
      }
      subject = found.user;
    }
    const session: GraphSession = {
      graphHost: cloud.graphHost,
      accessToken,
      appOnly,
      permissions,
      ...(subject ? { subject } : {}),
      ...(callerId ? { callerId } : {}),
    };
    return pass(`Got a Microsoft Graph token${appOnly ? ' for the application' : ''}${subject ? `; looking at ${subject.upn}` : ''}.`, {
      evidence: [...facts, ...(subject ? [sensitive('Account under diagnosis', subject.upn), ...(subject.displayName ? [personName('Name', subject.displayName)] : [])] : [])],
      output: session,
    });
  },
});

/** The Graph sign-in failed: a consent to give, or the same refusal exo-token explains. */
function notSignedIn(
  failure: EntraFailure,
  facts: readonly Evidence[],
  context: { readonly cloud: Cloud; readonly proxy?: string; readonly upn?: string; readonly config: { readonly invocation?: string } },
): CheckResult<GraphSession> {
  if (failure.code === 65001 || failure.subError === 'consent_required') {
    return notChecked('Microsoft Graph Command Line Tools has no consent for the read scopes the doctor needs (AADSTS65001), so the Graph checks are not run.', {
      evidence: [...facts, ...failureEvidence(failure)],
      remediation: fix({
        summary: 'An admin consents once for the organisation (signing in with Connect-MgGraph and accepting "Consent on behalf of your organization"), then run the doctor again.',
        runBy: 'another-admin',
        commands: [`Connect-MgGraph -Scopes ${GRAPH_SCOPES.join(',')}`],
        links: [CONSENT_DOC],
      }),
    });
  }
  const finding = failureFinding(failure, {
    loginHost: context.cloud.loginHost,
    ...(context.proxy ? { proxy: context.proxy } : {}),
    what: 'Sign-in to Microsoft Graph',
    deviceLoginUrl: context.cloud.deviceLoginUrl,
    ...(context.upn ? { upn: context.upn } : {}),
    config: context.config,
  });
  return notChecked(`${finding.summary} The Graph checks are not run.`, {
    evidence: [...facts, ...failureEvidence(failure)],
    remediation: finding.remediation,
    explainedBy: [...(finding.explainedBy ?? []), 'exo-token'],
  });
}

type Lookup = { kind: 'found'; user: NonNullable<GraphSession['subject']> } | { kind: 'missing' } | { kind: 'unreadable'; reason: string };

/** The account under diagnosis, by UPN (or `/me` for oneself, which needs no directory permission). */
async function lookUpUser(
  ctx: import('../src/check.js').CheckContext,
  graphHost: string,
  token: string,
  proxy: string | undefined,
  upn: string,
  self: boolean,
): Promise<Lookup> {
  const http = new HttpClient(ctx, { timeoutMs: ctx.config.timeoutMs, signal: ctx.signal, ...(proxy ? { proxy } : {}) });
  try {
    const path = self ? '/v1.0/me' : `/v1.0/users/${encodeURIComponent(upn)}`;
    const { response: res } = await sendThrottled(
      ctx,
      graphHost,
      () =>
        http.send({
          method: 'GET',
          url: `https://${graphHost}${path}?$select=id,userPrincipalName,displayName,accountEnabled,userType`,
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        }),
      { budgetMs: ctx.config.timeoutMs / 2, signal: ctx.signal },
    );
    if (res.status === 404) return { kind: 'missing' };
    const body = res.json as { id?: unknown; userPrincipalName?: unknown; displayName?: unknown; accountEnabled?: unknown; userType?: unknown } | undefined;
    if (res.status !== 200 || typeof body?.id !== 'string') return { kind: 'unreadable', reason: `HTTP ${res.status}` };
    return {
      kind: 'found',
      user: {
        id: body.id,
        upn: typeof body.userPrincipalName === 'string' ? body.userPrincipalName : upn,
        ...(typeof body.displayName === 'string' ? { displayName: body.displayName } : {}),
        ...(typeof body.accountEnabled === 'boolean' ? { accountEnabled: body.accountEnabled } : {}),
        ...(body.userType === 'Member' || body.userType === 'Guest' ? { userType: body.userType } : {}),
      },
    };
  } catch (err) {
    return { kind: 'unreadable', reason: err instanceof HttpFailure ? err.code : (err as Error).message };
  } finally {
    await http.close();
  }
}
