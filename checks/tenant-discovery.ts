/**
 * tenant-discovery: where the tenant lives and how its users sign in, asked of Entra ID without
 * credentials, as Connect-ExchangeOnline's own sign-in would meet them: the tenant's OpenID configuration
 * (tenant id, cloud, region) and, for the UPN's domain, getuserrealm.srf (managed or federated, and the
 * federation server), falling back on userrealm v2.0.
 *
 * Microsoft changes these unauthenticated endpoints without notice (docs/clouds-and-tenant-discovery.md#these-endpoints-change-without-notice). When one
 * source fails or has a shape the doctor does not know, the other is used; what neither tells is reported
 * as "could not determine", never guessed. Field meanings: docs/clouds-and-tenant-discovery.md.
 */
import { doctorCommand } from '../src/invocation.js';
import { defineCheck } from '../src/check.js';
import { type Cloud, CLOUDS, ENVIRONMENT_NAMES, type EnvironmentName } from '../src/clouds.js';
import type { TenantInfo } from '../src/auth/identity.js';
import { HttpClient } from '../src/net/http.js';
import { displayProxy } from '../src/net/probes.js';
import { serviceRoute } from '../src/net/service-route.js';
import type { CheckResult, Evidence, Remediation } from '../src/result.js';
import { couldNotCheck, error, evidence, fail, type Finding, fix, type NonEmpty, notApplicable, organisationName, sensitive, verdict } from '../src/result.js';
import {
  type Answer,
  ask,
  askRealm,
  cloudOf,
  describeAnswer,
  type EntraError,
  type OpenIdFacts,
  readOpenIdConfiguration,
  type Realm,
} from '../src/tenant/discovery.js';
import { type Inputs, inputs } from './inputs.js';
import { proxyConfig } from './proxy-config.js';
import { includesService, type Service } from '../src/services.js';

const CONNECT_DOC = 'https://learn.microsoft.com/powershell/exchange/connect-to-exchange-online-powershell';
const DOMAINS_DOC = 'https://learn.microsoft.com/microsoft-365/admin/setup/add-domain';
const FIND_TENANT_DOC = 'https://learn.microsoft.com/entra/fundamentals/how-to-find-tenant';
/** Tenant not found (in this cloud), and tenant in another national cloud. */
const TENANT_NOT_FOUND = 90002;
const OTHER_NATIONAL_CLOUD = 90038;

/** A gap in what discovery learned, with how to close it: a warning, since the doctor goes on without it. */
type Gap = Finding;

function gap(summary: string, remedy: Remediation): Gap {
  return { severity: 'warn', summary, remediation: [remedy] };
}

/** What every verdict needs to know about the run. */
interface Situation {
  readonly configured: Cloud;
  readonly query: string;
  readonly inputs: Inputs;
  readonly domain?: string;
  readonly tried: readonly Evidence[];
  /** How the doctor was started, for the commands that run it again. */
  readonly config: { readonly invocation?: string; readonly services?: readonly Service[] };
}

const label = (env: EnvironmentName) => `${CLOUDS[env].description} (${env})`;
const connectCommand = (env: EnvironmentName, upn?: string) => `Connect-ExchangeOnline -ExchangeEnvironmentName ${env}${upn ? ` -UserPrincipalName ${upn}` : ''}`;
function rerunIn(env: EnvironmentName, s: Situation): string {
  const given = s.inputs;
  return doctorCommand(s.config, `--environment ${env}${includesService(s.config, 'compliance') ? ` --service ${includesService(s.config, 'exchange') ? 'all' : 'compliance'}` : ''}${given.upn ? ` --upn ${given.upn}` : ''}${given.tenantFrom === 'tenant option' ? ` --tenant ${given.tenant}` : ''}`);
}

export const tenantDiscovery = defineCheck({
  id: 'tenant-discovery',
  title: 'Tenant, cloud and sign-in type',
  dependsOn: [inputs, proxyConfig],
  // The OpenID configuration and getuserrealm run together; userrealm follows only when getuserrealm fails.
  timeout: (ms) => 3 * ms + 5000,
  async run(ctx, deps): Promise<CheckResult<TenantInfo>> {
    const given = deps.inputs;
    const query = given.tenant;
    if (!query) return notApplicable('No tenant to look up: no --upn or --tenant was given.');
    const configured = CLOUDS[ctx.config.environment];
    const host = configured.loginHost;
    const route = await serviceRoute(ctx, deps['proxy-config'], host);
    const client = new HttpClient(ctx, { timeoutMs: ctx.config.timeoutMs, signal: ctx.signal, ...(route.proxy ? { proxy: route.proxy } : {}) });
    const tried: Evidence[] = [evidence('Route', `${route.proxy ? displayProxy(route.proxy) : 'direct'} to ${host}`)];
    let openId: Answer<OpenIdFacts>;
    let realm: Answer<Realm> | undefined;
    try {
      ctx.step(`asking ${host} about ${query}`);
      [openId, realm] = await Promise.all([
        ask(client, `https://${host}/${encodeURIComponent(query)}/v2.0/.well-known/openid-configuration`, readOpenIdConfiguration, 'an OpenID configuration'),
        given.upn ? askRealm(client, host, given.upn, (source, answer) => tried.push(evidence(source, describeAnswer(answer)))) : Promise.resolve(undefined),
      ]);
    } finally {
      await client.close();
    }
    tried.splice(1, 0, evidence('OpenID configuration', describeAnswer(openId)));

    if (openId.kind === 'unreachable' && (realm === undefined || realm.kind === 'unreachable')) {
      return couldNotCheck(`Could not reach ${host} (${openId.failure.message}).`, { evidence: tried, explainedBy: ['proxy-health', 'endpoints', 'tls-inspection'] });
    }
    if (openId.kind === 'service' && realm?.kind !== 'read') return serviceTrouble(openId, host, tried, ctx.config);
    const at = given.upn?.lastIndexOf('@') ?? -1;
    const situation: Situation = { config: ctx.config, configured, query, inputs: given, ...(given.upn && at >= 0 ? { domain: given.upn.slice(at + 1) } : {}), tried };
    if (openId.kind === 'read') return fromOpenId(situation, openId.value, realm);
    if (openId.kind === 'entra-error') {
      const { codes } = openId.error;
      const elsewhere = realm?.kind === 'read' ? realmCloudElsewhere(situation, realm.value) : undefined;
      if (elsewhere) return elsewhere;
      if (codes.includes(OTHER_NATIONAL_CLOUD)) {
        const others = ENVIRONMENT_NAMES.filter((e) => CLOUDS[e].cloudInstanceName !== configured.cloudInstanceName);
        return wrongCloud(situation, others, [evidence('Entra ID answered', `AADSTS${OTHER_NATIONAL_CLOUD}: the tenant belongs to another national cloud`), ...traceEvidence(openId.error)]);
      }
      if (codes.includes(TENANT_NOT_FOUND)) return unknownTenant(situation, openId.error);
    }
    return fromRealmOnly(situation, describeAnswer(openId), realm);
  },
});

/** The OpenID configuration was read: the tenant id and cloud come from it, the sign-in type from the realm. */
function fromOpenId(s: Situation, facts: OpenIdFacts, realm: Answer<Realm> | undefined): CheckResult<TenantInfo> {
  const verdict = cloudOf(facts);
  const signals = [evidence('OpenID configuration says', verdict.signals.join(', ') || 'no cloud')];
  if (verdict.environment && verdict.environment !== s.configured.environment) return wrongCloud(s, [verdict.environment], signals);
  if (!verdict.environment && verdict.candidates.length > 0 && !verdict.candidates.includes(s.configured.environment)) return wrongCloud(s, verdict.candidates, signals);
  const gaps: Gap[] = [];
  if (!verdict.environment) gaps.push(cloudGap(s, `the OpenID configuration does not tell (${verdict.signals.join(', ') || 'it names no cloud'})`, verdict.candidates));
  if (!facts.tenantId) gaps.push(tenantIdGap(s, `the OpenID configuration names none (issuer: ${facts.issuer ?? 'missing'})`));
  return verdictOf(s, {
    tenantId: facts.tenantId,
    environment: verdict.environment ?? s.configured.environment,
    ...(facts.region ? { region: facts.region } : {}),
    ...(facts.subScope ? { subScope: facts.subScope } : {}),
    gaps,
    realm,
  });
}

/** The OpenID configuration could not be used: what getuserrealm says is all there is. */
function fromRealmOnly(s: Situation, openIdProblem: string, realm: Answer<Realm> | undefined): CheckResult<TenantInfo> {
  if (realm?.kind === 'read' && realm.value.namespace === 'Unknown') return unknownTenant(s, undefined, openIdProblem);
  const elsewhere = realm?.kind === 'read' ? realmCloudElsewhere(s, realm.value) : undefined;
  if (elsewhere) return elsewhere;
  const candidates = realm?.kind === 'read' && realm.value.cloudInstanceName ? cloudOf({ cloudInstanceName: realm.value.cloudInstanceName }) : undefined;
  const gaps: Gap[] = [tenantIdGap(s, `its OpenID configuration could not be read (${openIdProblem})`)];
  if (!candidates?.environment) gaps.push(cloudGap(s, candidates ? `getuserrealm names only ${candidates.signals.join(', ')}` : 'no source named it', candidates?.candidates ?? []));
  return verdictOf(s, { tenantId: undefined, environment: candidates?.environment ?? s.configured.environment, gaps, realm });
}

/** A realm that names a cloud the configured environment is not part of. */
function realmCloudElsewhere(s: Situation, realm: Realm): CheckResult<TenantInfo> | undefined {
  if (realm.namespace === 'Unknown' || !realm.cloudInstanceName) return undefined;
  const verdict = cloudOf({ cloudInstanceName: realm.cloudInstanceName });
  if (verdict.candidates.length === 0 || verdict.candidates.includes(s.configured.environment)) return undefined;
  return wrongCloud(s, verdict.candidates, [evidence('getuserrealm.srf cloud', realm.cloudInstanceName)]);
}

interface Found {
  readonly tenantId: string | undefined;
  readonly environment: EnvironmentName;
  readonly region?: string;
  readonly subScope?: string;
  readonly gaps: readonly Gap[];
  readonly realm: Answer<Realm> | undefined;
}

/** Pass, or warn with what could not be determined; either way dependents get what was found. */
function verdictOf(s: Situation, found: Found): CheckResult<TenantInfo> {
  const { realm } = found;
  const gaps = [...found.gaps];
  const value = realm?.kind === 'read' ? realm.value : undefined;
  const domain = s.domain ?? s.query;
  if (realm && realm.kind !== 'read') gaps.push(realmGap(s, realm));
  if (value?.namespace === 'Unknown') gaps.push(unknownDomainGap(s));
  if (value?.namespace === 'Federated' && !value.federationHost) {
    gaps.push(
      gap(
        `Entra ID says ${domain} is federated but names no usable sign-in server (AuthURL: ${value.authUrl ?? 'missing'}), so the federation check cannot probe it.`,
        fix({ summary: "An admin of the tenant can read the domain's federation settings.", runBy: 'another-admin', commands: [`Get-MgDomainFederationConfiguration -DomainId ${domain}`] }),
      ),
    );
  }
  const federation =
    value?.namespace === 'Federated' && value.federationHost && value.authUrl
      ? { host: value.federationHost, authUrl: value.authUrl, ...(value.brand ? { brand: value.brand } : {}) }
      : undefined;
  const output: TenantInfo = {
    query: s.query,
    // When the OpenID configuration names no id, the domain asked stands in for it: MSAL accepts a
    // verified domain as the authority's tenant (https://login.microsoftonline.com/contoso.com), so
    // sign-in can still be attempted and gives Entra's own error if the domain is wrong.
    tenantId: found.tenantId ?? s.query,
    cloud: CLOUDS[found.environment],
    environment: found.environment,
    ...(found.region ? { region: found.region } : {}),
    ...(found.subScope ? { subScope: found.subScope } : {}),
    namespace: value?.namespace ?? 'Unknown',
    ...(federation ? { federation } : {}),
  };
  const facts: Evidence[] = [
    ...(found.tenantId ? [sensitive('Tenant id', found.tenantId)] : []),
    evidence('Cloud', label(found.environment)),
    ...(found.region || found.subScope ? [evidence('Region', [found.region, found.subScope].filter(Boolean).join(' / '))] : []),
    ...(value ? [evidence('Sign-in', value.namespace)] : []),
    ...(federation ? [sensitive('Federation server', federation.host)] : []),
    ...(value?.brand ? [organisationName('Brand', value.brand)] : []),
    ...s.tried,
  ];
  const where = `${label(found.environment)}${found.subScope ? `, ${found.subScope}` : ''}`;
  const signIn = !s.domain
    ? 'no account was given, so how its users sign in was not asked'
    : value?.namespace === 'Managed'
      ? `${domain} signs in at Entra ID (managed)`
      : federation
        ? `${domain} is federated: its users sign in at ${federation.host}, which the federation check probes`
        : `how ${domain} signs in is not known`;
  const head = `${s.query} is ${found.tenantId ? 'a tenant' : 'taken to be a tenant'} in ${where}; ${signIn}.`;
  // What was found leads; the first gap says what it lacks, the others follow under "Also".
  return verdict(
    gaps.map((g, i) => (i === 0 ? { ...g, summary: `${head} ${g.summary}` } : g)),
    { pass: head, evidence: facts, output },
  );
}

function cloudGap(s: Situation, why: string, candidates: readonly EnvironmentName[]): Gap {
  const options = (candidates.length > 0 ? candidates : ENVIRONMENT_NAMES).filter((e) => e !== s.configured.environment);
  const between = candidates.length > 1 ? ` (${candidates.join(' or ')})` : '';
  return gap(
    `Could not determine the tenant's cloud${between}: ${why}. The doctor goes on with ${s.configured.environment}, as asked.`,
    fix({
      summary: 'If sign-in fails, confirm which cloud the tenant is in (a US Government tenant is managed at portal.azure.us) and run the doctor, and Connect-ExchangeOnline, with that environment.',
      runBy: 'admin',
      commands: options.map((e) => rerunIn(e, s)),
      links: [CONNECT_DOC],
    }),
  );
}

function tenantIdGap(s: Situation, why: string): Gap {
  return gap(
    `Could not determine the tenant id: ${why}. Sign-in will name the tenant by ${s.query} instead.`,
    fix({
      summary: "If sign-in fails, find the tenant id on the Overview page of the Microsoft Entra admin centre and give it to the doctor.",
      runBy: 'admin',
      commands: [doctorCommand(s.config, `--tenant <tenant id>${s.inputs.upn ? ` --upn ${s.inputs.upn}` : ''}`)],
      links: [FIND_TENANT_DOC],
    }),
  );
}

function realmGap(s: Situation, realm: Exclude<Answer<Realm>, { kind: 'read' }>): Gap {
  const login = encodeURIComponent(s.inputs.upn ?? '');
  return gap(
    `Could not determine whether ${s.domain} is managed or federated (${describeAnswer(realm)}), so a federation server, if there is one, is not checked.`,
    fix({
      summary: 'Ask Entra ID how the domain signs in from this machine; "NameSpaceType" is Managed or Federated, and "AuthURL" names the federation server.',
      runBy: 'admin',
      commands: [`Invoke-RestMethod "https://${s.configured.loginHost}/getuserrealm.srf?login=${login}&json=1"`],
    }),
  );
}

const domainsFix = () =>
  fix({
    summary: "An admin of the tenant can list its verified domains (Microsoft 365 admin centre > Settings > Domains, or Microsoft Graph PowerShell): the UPN's domain must be there and verified.",
    runBy: 'another-admin',
    commands: ['Connect-MgGraph -Scopes Domain.Read.All', 'Get-MgDomain | Format-Table Id, IsVerified, AuthenticationType'],
    links: [DOMAINS_DOC],
  });

function unknownDomainGap(s: Situation): Gap {
  return gap(
    `But Entra ID does not know the domain ${s.domain} of ${s.inputs.upn} (getuserrealm answered Unknown): signing in as ${s.inputs.upn} fails unless the UPN is mistyped here, or the domain is added and verified in the tenant.`,
    domainsFix(),
  );
}

function traceEvidence(error: EntraError): Evidence[] {
  return [
    ...(error.traceId ? [evidence('Trace ID', error.traceId)] : []),
    ...(error.correlationId ? [evidence('Correlation ID', error.correlationId)] : []),
    ...(error.timestamp ? [evidence('Timestamp', error.timestamp)] : []),
  ];
}

/** The tenant lives in another cloud than the one the admin (and so the module) signs in to. */
function wrongCloud(s: Situation, found: readonly EnvironmentName[], facts: readonly Evidence[]): CheckResult<TenantInfo> {
  const env = s.configured.environment;
  const names = found.map(label).join(' or ');
  return fail(
    `The tenant ${s.query} is in ${names}, not in ${label(env)}, the cloud the doctor was asked to use${env === 'O365Default' ? ' (and the one Connect-ExchangeOnline signs in to when -ExchangeEnvironmentName is not given)' : ''}. Signing in to the wrong cloud fails (AADSTS90002, AADSTS90038 or UnAuthorized): connect with -ExchangeEnvironmentName ${found.join(' or ')}.`,
    {
      evidence: [evidence('Cloud asked', label(env)), ...facts, ...s.tried],
      remediation: cloudFixes(found, s),
    },
  );
}

/** How to connect to each cloud the tenant may be in. */
function cloudFixes(clouds: readonly EnvironmentName[], s: Situation): NonEmpty<Remediation> {
  const [first = s.configured.environment, ...rest] = clouds;
  // Connect-IPPSSession names the cloud by its URIs (docs/compliance-powershell.md#1-endpoints-per-cloud).
  const compliance = includesService(s.config, 'compliance');
  const ipps = (e: EnvironmentName) =>
    `Connect-IPPSSession -ConnectionUri https://${CLOUDS[e].complianceHost}/powershell-liveid/ -AzureADAuthorizationEndpointUri https://${CLOUDS[e].loginHost}/organizations${s.inputs.upn ? ` -UserPrincipalName ${s.inputs.upn}` : ''}`;
  const connectTo = (e: EnvironmentName) =>
    fix({
      summary: `Connect to ${CLOUDS[e].description} with -ExchangeEnvironmentName ${e}${compliance ? ' (Connect-IPPSSession: with that cloud\'s -ConnectionUri and -AzureADAuthorizationEndpointUri)' : ''}, and run the doctor against the same cloud.`,
      runBy: 'admin',
      commands: [...(includesService(s.config, 'exchange') ? [connectCommand(e, s.inputs.upn)] : []), ...(compliance ? [ipps(e)] : []), rerunIn(e, s)],
      links: [CONNECT_DOC],
    });
  return [connectTo(first), ...rest.map(connectTo)];
}

/** Entra ID does not know the tenant or the domain in this cloud. */
function unknownTenant(s: Situation, error: EntraError | undefined, openIdProblem?: string): CheckResult<TenantInfo> {
  const env = s.configured.environment;
  const subject = error ? s.query : (s.domain ?? s.query);
  const isId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(subject);
  const what = isId ? `no tenant in ${label(env)} has the id ${subject}` : `${subject} is not a verified domain of any tenant in ${label(env)}`;
  const source = error
    ? `Entra ID answered AADSTS${error.codes.join(', AADSTS')}${error.message ? ` (${error.message.split('. ')[0]})` : ''}`
    : `getuserrealm answered that it does not know the domain, and the OpenID configuration could not be read (${openIdProblem})`;
  const others = ENVIRONMENT_NAMES.filter((e) => e !== env);
  return fail(
    `Entra ID does not know this tenant: ${what}. Either it is mistyped, the domain has not been added and verified in the tenant, or the tenant is in another cloud. ${source}.`,
    {
      evidence: [
        ...(error?.message ? [sensitive('Entra ID answered', `AADSTS${error.codes.join(', AADSTS')}: ${error.message}`)] : []),
        ...(error ? traceEvidence(error) : []),
        ...s.tried,
      ],
      remediation: [
        fix({
          summary: `Check the spelling of ${s.inputs.upn ? `the UPN ${s.inputs.upn}: the part after the @` : `the tenant ${s.query}: it`} must be one of the tenant's verified domains (such as contoso.com or contoso.onmicrosoft.com).`,
          runBy: 'admin',
          commands: [],
        }),
        domainsFix(),
        fix({
          summary: `If the tenant is a US Government or China tenant, it is not in ${env}: run the doctor against the other clouds.`,
          runBy: 'admin',
          commands: others.map((e) => rerunIn(e, s)),
          links: [CONNECT_DOC, ...(error ? [`https://login.microsoftonline.com/error?code=${TENANT_NOT_FOUND}`] : [])],
        }),
      ],
    },
  );
}

/**
 * Entra ID answered 429 or 5xx: it is throttling, or failing on Microsoft's side. Nothing can be
 * concluded about the tenant, and nothing on this machine or in the tenant needs changing.
 */
function serviceTrouble(answer: Extract<Answer<unknown>, { kind: 'service' }>, host: string, tried: Evidence[], config: { readonly invocation?: string }): CheckResult<TenantInfo> {
  const throttled = answer.status === 429;
  const wait = answer.retryAfterSeconds !== undefined ? `${answer.retryAfterSeconds} seconds` : 'a few minutes';
  return error(
    throttled
      ? `${host} is throttling this machine: it answered HTTP 429 (Too Many Requests)${answer.retryAfterSeconds !== undefined ? ` with Retry-After ${answer.retryAfterSeconds} s` : ''}, so the tenant could not be looked up.`
      : `${host} is failing on Microsoft's side: it answered HTTP ${answer.status}, so the tenant could not be looked up. Nothing on this machine or in the tenant causes this.`,
    {
      evidence: [...tried, ...(answer.requestId ? [evidence('Request id', answer.requestId)] : [])],
      remediation: fix({
        summary: throttled
          ? `Wait ${wait} and run the doctor again; if it keeps happening, look for scripts signing in in a loop from this address.`
          : 'Run the doctor again in a few minutes; if it persists, check Microsoft Entra in the Microsoft 365 service health and quote the request id to Microsoft support.',
        runBy: 'admin',
        commands: [doctorCommand(config, '--only tenant-discovery')],
        links: ['https://admin.microsoft.com/#/servicehealth'],
      }),
    },
  );
}
