/**
 * mfa-state: whether the account must do MFA to reach Exchange Online, whether it can, and whether a
 * Conditional Access policy stands in the way of the module's sign-in. Reads, through Microsoft Graph:
 * per-user MFA (beta authentication/requirements), the registered methods, the registration report
 * (P1), security defaults, the Conditional Access policies that reach Exchange Online for this account
 * (through its roles and groups), and the `amr` claim of the Exchange token when it is the same account.
 * A read the doctor may not make is named, with the permission it needs; it never makes a failure.
 * See docs/mfa.md.
 */
import { defineCheck } from '../src/check.js';
import type { Config } from '../src/context.js';
import { GraphClient, graphPath, quoted, type Read } from '../src/graph/client.js';
import { withGraph } from '../src/graph/findings.js';
import { GRAPH_PERMISSIONS } from '../src/graph/permissions.js';
import { mentions, policiesFor, type PolicyMatch } from '../src/graph/conditional-access.js';
import type { ExoSession, GraphSession, SignInMode } from '../src/auth/identity.js';
import { ENTRA_ROLES, roleByTemplateId } from '../src/knowledge/entra-roles.js';
import { type CheckResult, type Evidence, type Finding, evidence, fix, notApplicable, personName, sensitive, verdict } from '../src/result.js';
import { CAUSE } from '../src/causes.js';
import { exoToken } from './exo-token.js';
import { graphToken } from './graph-token.js';
import { proxyConfig } from './proxy-config.js';

/** What the check hands on: what it could establish. */
export interface MfaState {
  /** Whether something requires MFA of this account; undefined when that could not be read. */
  readonly required?: boolean;
  readonly requiredBy: readonly string[];
  /** The MFA-capable methods registered; undefined when unreadable. */
  readonly methods?: readonly string[];
  /** From the Exchange token's `amr`, when it is this account's. */
  readonly performed?: boolean;
  readonly deviceCodeBlocked: boolean;
}

const R = ENTRA_ROLES;
/** The roles security defaults make do MFA at every sign-in (entra-docs fundamentals/security-defaults.md). */
const SECURITY_DEFAULTS_ADMIN_ROLES: ReadonlySet<string> = new Set([
  ...[R.globalAdministrator, R.applicationAdministrator, R.authenticationAdministrator, R.authenticationPolicyAdministrator].map((r) => r.templateId),
  ...[R.cloudApplicationAdministrator, R.conditionalAccessAdministrator, R.exchangeAdministrator, R.helpdeskAdministrator].map((r) => r.templateId),
  ...[R.privilegedAuthenticationAdministrator, R.privilegedRoleAdministrator, R.securityAdministrator, R.userAdministrator].map((r) => r.templateId),
  ...[R.billingAdministrator, R.identityGovernanceAdministrator, R.passwordAdministrator, R.sharePointAdministrator].map((r) => r.templateId),
]);

/** Method types (`#microsoft.graph.<type>AuthenticationMethod`) that satisfy MFA, in words. Not password, not email. */
const MFA_METHODS: Readonly<Record<string, string>> = {
  microsoftAuthenticator: 'Microsoft Authenticator',
  phone: 'a phone number (SMS or voice)',
  fido2: 'a FIDO2 security key or passkey',
  softwareOath: 'an authenticator app (one-time codes)',
  hardwareOath: 'a hardware token',
  windowsHelloForBusiness: 'Windows Hello for Business',
  temporaryAccessPass: 'a Temporary Access Pass',
  platformCredential: 'Platform Credential for macOS',
  x509Certificate: 'a certificate',
};

const MFA_SETUP = 'https://aka.ms/mfasetup';
const TAP_DOC = 'https://learn.microsoft.com/entra/identity/authentication/howto-authentication-temporary-access-pass';
const CA_MFA_DOC = 'https://learn.microsoft.com/entra/identity/conditional-access/policy-old-require-mfa-admin';
const DEFAULTS_DOC = 'https://learn.microsoft.com/entra/fundamentals/security-defaults';
const FLOWS_DOC = 'https://learn.microsoft.com/entra/identity/conditional-access/concept-authentication-flows';
const MANDATORY_DOC = 'https://learn.microsoft.com/entra/identity/authentication/concept-mandatory-multifactor-authentication';

/** Everything read about the account. */
export interface Gathered {
  readonly upn: string;
  readonly perUser: Read<string | undefined>;
  /** Method types, e.g. `microsoftAuthenticator`, `password`. */
  readonly methods: Read<string[]>;
  readonly registration: Read<{ isMfaRegistered?: boolean; methodsRegistered?: string[] }>;
  readonly securityDefaults: Read<boolean>;
  readonly policies: Read<PolicyMatch[]>;
  /** Active role template ids and where they came from; undefined when unreadable. */
  readonly roles?: { readonly ids: ReadonlySet<string>; readonly source: string };
  /** `amr` of the Exchange token, when it is this account's. */
  readonly amr?: readonly string[];
  /** The doctor signs in (or would) by device code: a device-code block is then a failure. */
  readonly deviceCode: boolean;
}


export const mfaState = defineCheck({
  id: 'mfa-state',
  title: 'MFA state of the account: per-user MFA, methods, security defaults, Conditional Access',
  dependsOn: [graphToken, proxyConfig],
  uses: [exoToken],
  async run(ctx, deps): Promise<CheckResult<MfaState>> {
    const session = deps['graph-token'];
    const subject = session.subject;
    if (!subject) {
      return notApplicable('There is no account to look at: the sign-in is app-only and no --target names an admin whose MFA matters.');
    }
    const who: Evidence[] = [sensitive('Account', subject.upn), ...(subject.displayName ? [personName('Name', subject.displayName)] : [])];
    return withGraph(ctx, deps['proxy-config'], session, who, async (graph) => {
      ctx.step(`reading the account's MFA state from ${session.graphHost}`);
      return judge(await gather(graph, session, deps['exo-token'], ctx.config), who);
    });
  },
});

/** The reads, in parallel where they do not depend on each other. */
async function gather(graph: GraphClient, session: GraphSession, exo: ExoSession | undefined, config: Config): Promise<Gathered> {
  const subject = session.subject as NonNullable<GraphSession['subject']>;
  const id = encodeURIComponent(subject.id);
  const other = !session.appOnly && session.callerId !== subject.id;
  const P = GRAPH_PERMISSIONS;
  const [perUser, methods, registration, defaults, rawPolicies, assignments] = await Promise.all([
    graph.read<{ perUserMfaState?: string }>(`/beta/users/${id}/authentication/requirements`, P.perUserMfa, other),
    graph.readList<{ '@odata.type'?: string }>(`/v1.0/users/${id}/authentication/methods`, P.methods, { aboutOther: other }),
    graph.read<{ isMfaRegistered?: boolean; methodsRegistered?: string[] }>(`/v1.0/reports/authenticationMethods/userRegistrationDetails/${id}`, P.registrationDetails, other),
    graph.sharedRead<{ isEnabled?: boolean }>('/v1.0/policies/identitySecurityDefaultsEnforcementPolicy', P.securityDefaults),
    graph.sharedReadList<unknown>('/v1.0/identity/conditionalAccess/policies', P.conditionalAccess),
    graph.readList<{ roleDefinitionId?: string }>(graphPath('/v1.0/roleManagement/directory/roleAssignments', { $filter: `principalId eq ${quoted(subject.id)}` }), P.roleAssignments),
  ]);
  // The Exchange token speaks for this account only when it was issued to it.
  const own = exo && !exo.appOnly && exo.upn?.toLowerCase() === subject.upn.toLowerCase() ? exo : undefined;
  const claim = (name: string) => (Array.isArray(own?.claims[name]) ? (own.claims[name] as unknown[]).filter((v): v is string => typeof v === 'string') : undefined);
  const wids = claim('wids');
  const roles = assignments.ok
    ? { ids: new Set(assignments.value.map((a) => String(a.roleDefinitionId ?? '').toLowerCase())), source: 'role assignments' }
    : wids
      ? { ids: new Set(wids.map((w) => w.toLowerCase())), source: 'the Exchange token (wids)' }
      : undefined;
  let groups: ReadonlySet<string> | undefined;
  if (rawPolicies.ok && mentions(rawPolicies.value, 'Groups')) {
    const memberOf = await graph.readList<{ id?: string }>(graphPath(`/v1.0/users/${id}/transitiveMemberOf/microsoft.graph.group`, { $select: 'id' }), P.groupMembership, { max: 2000 });
    if (memberOf.ok) groups = new Set(memberOf.value.map((g) => String(g.id ?? '').toLowerCase()));
  }
  const amr = claim('amr');
  return {
    upn: subject.upn,
    perUser: perUser.ok ? { ok: true, value: perUser.value.perUserMfaState } : perUser,
    methods: methods.ok ? { ok: true, value: methods.value.map((m) => /#microsoft\.graph\.(\w+)AuthenticationMethod$/.exec(m['@odata.type'] ?? '')?.[1] ?? 'unknown') } : methods,
    registration,
    securityDefaults: defaults.ok ? { ok: true, value: defaults.value.isEnabled === true } : defaults,
    policies: rawPolicies.ok ? { ok: true, value: policiesFor(rawPolicies.value, { id: subject.id, roles: roles?.ids, groups }) } : rawPolicies,
    ...(roles ? { roles } : {}),
    ...(amr ? { amr } : {}),
    deviceCode: signInMode(exo, config) === 'device-code',
  };
}

/** How the doctor signed in (the Exchange session's mode), or would by default. */
function signInMode(exo: ExoSession | undefined, config: Config): SignInMode | undefined {
  if (exo) return exo.mode;
  if (config.accessToken) return 'access-token';
  if (config.appId) return config.certificateFile ? 'certificate' : 'secret';
  return config.signIn === 'none' ? undefined : (config.signIn ?? 'device-code');
}

/** One verdict from everything read: the worst finding leads, the others follow as evidence. */
function judge(g: Gathered, who: readonly Evidence[]): CheckResult<MfaState> {
  const policies = g.policies.ok ? g.policies.value : [];
  const enforced = policies.filter((p) => !p.reportOnly);
  const isAdmin = g.roles ? [...g.roles.ids].some((id) => SECURITY_DEFAULTS_ADMIN_ROLES.has(id)) : undefined;
  const requiredBy = [
    ...(g.perUser.ok && (g.perUser.value === 'enabled' || g.perUser.value === 'enforced') ? [`per-user MFA (${g.perUser.value})`] : []),
    ...(g.securityDefaults.ok && g.securityDefaults.value && isAdmin !== false ? [isAdmin ? 'security defaults (the account holds an admin role)' : 'security defaults (for administrators)'] : []),
    ...enforced.filter((p) => p.grants.mfa && p.applies === 'yes').map((p) => `policy “${p.displayName}”${p.grants.anyOf ? ' (MFA or another of its controls)' : ''}${p.deviceCodeFlow ? ' (device-code sign-ins)' : ''}${p.onlyWhen.length > 0 ? ` (under some ${p.onlyWhen.join(', ')})` : ''}`),
  ];
  const mayRequire = enforced.filter((p) => p.grants.mfa && p.applies === 'maybe');
  const unread = [g.perUser, g.securityDefaults, g.policies].flatMap((r) => (r.ok ? [] : [r.denial]));
  const methods = g.methods.ok ? g.methods.value.filter((m) => m in MFA_METHODS) : undefined;
  const registered = methods ? methods.length > 0 : g.registration.ok ? g.registration.value.isMfaRegistered : undefined;
  const performed = g.amr ? g.amr.includes('mfa') : undefined;
  const methodWords = methods ? joinWords(methods.map((m) => MFA_METHODS[m] as string)) : g.registration.ok ? joinWords(g.registration.value.methodsRegistered ?? []) : '';
  const byWords = joinWords(requiredBy);

  // The MFA verdict proper: a finding, or what passes.
  let mfa: Finding | { readonly pass: string };
  if (requiredBy.length > 0 && registered === false) {
    mfa = {
      severity: 'fail',
      cause: CAUSE.mfaNotRegistered,
      summary: `MFA is required by ${byWords}, but no method is registered: sign-in stops at AADSTS50079 until the user registers at ${MFA_SETUP}.`,
      remediation: [
        fix({ summary: `The user signs in at ${MFA_SETUP} and registers Microsoft Authenticator (or another method), then connects again.`, runBy: 'admin', links: [MFA_SETUP] }),
        fix({
          summary: 'If the user cannot finish registration, an Authentication Administrator issues a Temporary Access Pass; the user signs in with it at the same address and registers a method.',
          runBy: 'another-admin',
          commands: ['Connect-MgGraph -Scopes UserAuthenticationMethod.ReadWrite.All', `New-MgUserAuthenticationTemporaryAccessPassMethod -UserId ${g.upn} -BodyParameter @{ lifetimeInMinutes = 60; isUsableOnce = $true }`],
          links: [TAP_DOC],
        }),
      ],
    };
  } else if (requiredBy.length > 0 && (registered === true || performed === true)) {
    const how = registered ? `the account has ${methodWords} registered` : 'this sign-in did MFA (the Exchange token says so)';
    mfa = { pass: `MFA is required by ${byWords}${requiredBy.length > 1 ? ',' : ''} and ${how}.` };
  } else if (requiredBy.length > 0) {
    const why = g.methods.ok ? 'they could not be read' : g.methods.denial.reason;
    mfa = { severity: 'not-checked', summary: `MFA is required by ${byWords}, but whether a method is registered is not known: ${why}.`, remediation: g.methods.ok ? [] : [g.methods.denial.remediation] };
  } else if (unread.length === 0 && mayRequire.length === 0) {
    mfa = {
      severity: 'warn',
      summary: `This account is not enabled for MFA: no per-user MFA, no security defaults${isAdmin === false ? ' that apply to it' : ''}, no Conditional Access policy requires it, so it signs in to Exchange Online with a password alone. Microsoft's mandatory MFA covers the admin portals, not Exchange Online PowerShell.`,
      remediation: [
        fix({
          summary: `Require MFA with a Conditional Access policy for the admin roles (template "Require multifactor authentication for admins"; needs Entra ID P1), in report-only mode first; register a method at ${MFA_SETUP} before turning it on.`,
          runBy: 'admin',
          links: [CA_MFA_DOC, MANDATORY_DOC],
        }),
        fix({ summary: 'Without Entra ID P1: turn on security defaults (Entra admin centre → Overview → Properties → Manage security defaults).', runBy: 'admin', links: [DEFAULTS_DOC] }),
      ],
    };
  } else {
    const reasons = [...unread.map((d) => d.reason), ...mayRequire.map((p) => `policy “${p.displayName}” requires MFA but may or may not include the account (${p.unknown.join(', ')} could not be read)`)];
    mfa =
      performed === true
        ? { pass: `This sign-in did MFA (the Exchange token says so), though what requires it could not be read in full: ${reasons.join('; ')}.` }
        : { severity: 'not-checked', summary: `Whether MFA is required of this account is not known: ${reasons.join('; ')}.`, remediation: unread.map((d) => d.remediation) };
  }

  const output: MfaState = {
    ...(requiredBy.length > 0 ? { required: true } : unread.length === 0 && mayRequire.length === 0 ? { required: false } : {}),
    requiredBy,
    ...(methods ? { methods } : {}),
    ...(performed !== undefined ? { performed } : {}),
    deviceCodeBlocked: enforced.some((p) => p.deviceCodeFlow && p.grants.block),
  };
  // What stops the connection leads over advice of the same severity: the policies come first.
  const blocks = policyFindings(enforced, g);
  // When a policy leads, what passes about MFA itself is still worth saying.
  const passing = 'pass' in mfa && blocks.length > 0 ? [evidence('Also', mfa.pass)] : [];
  return verdict([...blocks, ...('severity' in mfa ? [mfa] : [])], {
    pass: 'pass' in mfa ? mfa.pass : 'No MFA requirement stands in the way.',
    evidence: [...who, ...describe(g, policies, isAdmin), ...passing],
    output,
    explainedBy: ['graph-token'],
  });
}

/** Blocks, device-code blocks and device requirements of the policies that reach the account. */
function policyFindings(enforced: readonly PolicyMatch[], g: Gathered): Finding[] {
  const findings: Finding[] = [];
  const hedge = (p: PolicyMatch) =>
    p.applies === 'maybe' ? ` if it includes the account (${p.unknown.join(', ')} could not be read)` : p.onlyWhen.length > 0 ? ` under some ${p.onlyWhen.join(', ')}` : '';
  const sure = (p: PolicyMatch) => p.applies === 'yes' && p.onlyWhen.length === 0;
  const owner = (p: PolicyMatch) =>
    fix({ summary: `Ask whoever owns policy “${p.displayName}” (a Conditional Access Administrator): it was most likely set on purpose. Exclude this account, or change the policy, in the Entra admin centre → Conditional Access.`, runBy: 'another-admin', links: [FLOWS_DOC] });
  for (const p of enforced.filter((p) => p.grants.block && p.deviceCodeFlow)) {
    const summary = `Conditional Access policy “${p.displayName}” blocks the device-code flow${hedge(p)}: Connect-ExchangeOnline -Device fails with AADSTS53003`;
    findings.push({
      severity: g.deviceCode && sure(p) ? 'fail' : 'warn',
      cause: CAUSE.conditionalAccess,
      summary: g.deviceCode ? `${summary}, and device code is how this sign-in is made.` : `${summary}; signing in in a browser (Connect-ExchangeOnline without -Device) is not affected.`,
      remediation: [
        fix({ summary: 'Sign in in a browser instead of with a device code.', runBy: 'admin', commands: [`Connect-ExchangeOnline -UserPrincipalName ${g.upn}`, 'exo-doctor --sign-in browser'] }),
        owner(p),
      ],
    });
  }
  for (const p of enforced.filter((p) => p.grants.block && !p.deviceCodeFlow && !p.grants.anyOf)) {
    findings.push({ severity: sure(p) ? 'fail' : 'warn', cause: CAUSE.conditionalAccess, summary: `Conditional Access policy “${p.displayName}” blocks this account from Exchange Online${hedge(p)}: sign-in stops at AADSTS53003.`, remediation: [owner(p)] });
  }
  for (const p of enforced.filter((p) => p.grants.compliantDevice && !p.grants.block && !(p.grants.anyOf && p.grants.mfa))) {
    findings.push({
      severity: 'warn',
      summary: `Conditional Access policy “${p.displayName}” requires a compliant or hybrid-joined device${hedge(p)}: from an unmanaged machine sign-in stops at AADSTS53000.`,
      remediation: [fix({ summary: 'Connect from a managed (Intune-compliant or hybrid-joined) device, signing in through the Windows broker so the device state is sent.', runBy: 'admin' }), owner(p)],
    });
  }
  return findings;
}

/** The facts behind the verdict, each read or why it was not. */
function describe(g: Gathered, policies: readonly PolicyMatch[], isAdmin: boolean | undefined): Evidence[] {
  const notRead = (r: Read<unknown>) => (r.ok ? '' : `not read: ${r.denial.reason}`);
  const facts: Evidence[] = [
    evidence('Per-user MFA', g.perUser.ok ? (g.perUser.value ?? 'not reported') : notRead(g.perUser)),
    evidence(
      'Registered methods',
      g.methods.ok ? (g.methods.value.filter((m) => m in MFA_METHODS).map((m) => MFA_METHODS[m]).join(', ') || 'none besides the password') : notRead(g.methods),
    ),
  ];
  if (g.registration.ok) {
    const r = g.registration.value;
    facts.push(evidence('Registration report', `MFA registered: ${r.isMfaRegistered ? 'yes' : 'no'}${r.methodsRegistered?.length ? ` (${r.methodsRegistered.join(', ')})` : ''}`));
  } else if (!g.methods.ok) facts.push(evidence('Registration report', notRead(g.registration)));
  facts.push(evidence('Security defaults', g.securityDefaults.ok ? (g.securityDefaults.value ? 'on' : 'off') : notRead(g.securityDefaults)));
  facts.push(
    evidence(
      'Admin roles',
      g.roles ? `${roleNames(g.roles.ids).join(', ') || 'none'} (from ${g.roles.source})${isAdmin ? '' : '; none of them makes security defaults ask for MFA'}` : 'not known: the role assignments could not be read',
    ),
  );
  if (!g.policies.ok) facts.push(evidence('Conditional Access', notRead(g.policies)));
  else if (policies.length === 0) facts.push(evidence('Conditional Access', 'no enabled policy reaches Exchange Online for this account'));
  for (const p of policies) {
    const notes = [
      p.reportOnly ? 'report-only, not enforced' : '',
      p.deviceCodeFlow ? 'device-code flow only' : '',
      p.onlyWhen.length > 0 ? `only under conditions the doctor does not evaluate: ${p.onlyWhen.join(', ')}` : '',
      p.applies === 'maybe' ? `may not include the account (${p.unknown.join(', ')} not read)` : '',
    ].filter(Boolean);
    const controls = p.grants.controls.map((c) => CONTROL_WORDS[c] ?? c);
    facts.push(evidence(`Conditional Access “${p.displayName}”`, `${controls.join(p.grants.anyOf ? ' or ' : ' and ') || 'no grant control'}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`));
  }
  // "MFA was done (amr mfa, pwd)": a value that starts "pwd:" would read as a password to the redactor.
  if (g.amr) facts.push(evidence('This sign-in (amr)', `${g.amr.includes('mfa') ? 'MFA was done' : 'no MFA'} (amr ${g.amr.join(', ')})`));
  return facts;
}

/** Grant controls as the admin centre words them. */
const CONTROL_WORDS: Readonly<Record<string, string>> = {
  mfa: 'requires MFA',
  block: 'blocks access',
  compliantDevice: 'requires a compliant device',
  domainJoinedDevice: 'requires a hybrid-joined device',
  approvedApplication: 'requires an approved client app',
  compliantApplication: 'requires an app protection policy',
  passwordChange: 'requires a password change',
};

/** Role names for evidence: admin roles only (every member holds "User"). */
function roleNames(ids: ReadonlySet<string>): string[] {
  return [...ids].filter((id) => id !== ENTRA_ROLES.user.templateId && id !== '').map((id) => roleByTemplateId(id)?.name ?? id);
}

/** `a`, `a and b`, `a, b and c`. */
function joinWords(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
