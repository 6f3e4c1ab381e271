/**
 * A scenario is data: one tenant, its users and apps, its policies and the faults to inject. This module
 * reads one from JSON and refuses a malformed one with the file and the field at fault.
 * How to write one: docs/simulated-world.md.
 */
import { ENVIRONMENT_NAMES, type EnvironmentName } from '../clouds.js';
import { ACCOUNT_STATES, type GeneratedUsers, generateUsers } from './generated-users.js';
import type { MachineSpec, RecordedCommand, RegistryValue } from './machine.js';
import { roleNamed } from './roles.js';
import { SERVICE_CHOICES, type ServiceChoice } from '../services.js';

type PerUserMfa = 'disabled' | 'enabled' | 'enforced';
type MfaMethod =
  | 'microsoftAuthenticator'
  | 'phone'
  | 'fido2'
  | 'softwareOath'
  | 'windowsHelloForBusiness'
  | 'email'
  | 'temporaryAccessPass';

export interface ScenarioUser {
  readonly upn: string;
  readonly displayName: string;
  readonly id: string;
  readonly enabled: boolean;
  readonly locked: boolean;
  /** For the password grant (ROPC) only; a placeholder in shipped scenarios. */
  readonly password?: string;
  readonly perUserMfa: PerUserMfa;
  readonly methods: readonly MfaMethod[];
  /** Active Entra role names (see src/knowledge/entra-roles.ts). */
  readonly roles: readonly string[];
  /** Roles the user could activate through PIM but has not. */
  readonly eligibleRoles: readonly string[];
  readonly exoModuleEnabled: boolean;
  readonly hasMailbox: boolean;
  readonly userType: 'Member' | 'Guest';
}

export interface ScenarioApp {
  readonly appId: string;
  readonly displayName: string;
  readonly enabled: boolean;
  /** Admin consent for the Exchange.ManageAsApp application permission. */
  readonly exchangeManageAsApp: boolean;
  /** Entra roles assigned to the app's service principal. */
  readonly roles: readonly string[];
  /** Credentials the world generates at start (never stored in the scenario). */
  readonly credentials: readonly ('certificate' | 'secret')[];
  /** Microsoft Graph application permissions consented for the app (e.g. Policy.Read.All). */
  readonly graphPermissions: readonly string[];
}

export interface ConditionalAccessPolicy {
  readonly id: string;
  readonly displayName: string;
  readonly state: 'enabled' | 'disabled' | 'enabledForReportingButNotEnforced';
  /** `All`, or UPNs. */
  readonly includeUsers: readonly string[];
  readonly excludeUsers: readonly string[];
  /** Entra role names. */
  readonly includeRoles: readonly string[];
  /** `All`, `Office365`, `MicrosoftAdminPortals`, or app ids. */
  readonly includeApplications: readonly string[];
  /** Sign-in flows the policy applies to (`deviceCodeFlow`, `authenticationTransfer`); empty means all. */
  readonly transferMethods: readonly string[];
  readonly grant: readonly ('mfa' | 'block' | 'compliantDevice' | 'domainJoinedDevice')[];
}

/** Faults injected on one host. Counters are per world, so "first" means the first N requests. */
export interface HostFaults {
  /** Added to every answer. */
  readonly latencyMs?: number;
  /** 429 with Retry-After and Rate-Limit-* headers: for the first N requests, or for every one. */
  readonly throttle?: { readonly first?: number; readonly retryAfterSeconds: number };
  /**
   * A steady limit, as Graph and Exchange apply one: at most this many requests a second (a bucket of one
   * second's worth); beyond it, 429 with Retry-After and Rate-Limit-* headers. Every answer says what is left.
   */
  readonly rateLimit?: { readonly requestsPerSecond: number };
  readonly serverError?: { readonly status: number; readonly first?: number };
  /** The connection is dropped when a request arrives (ECONNRESET). */
  readonly reset?: boolean;
  /** The body is sent a few bytes at a time. */
  readonly slowDrip?: { readonly bytes: number; readonly intervalMs: number };
  /** The answer stops halfway through the body. */
  readonly truncated?: boolean;
  /** 200 with a body that is not JSON. */
  readonly nonJson?: boolean;
  /** An HTML error page with this status, as a gateway or proxy would send. */
  readonly htmlError?: number;
  /** The host accepts connections and never answers. */
  readonly blackHole?: boolean;
  /** The name does not resolve. */
  readonly unresolvable?: boolean;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Where the scenario came from (a file path, or `built-in`). */
  readonly source: string;
  readonly tenant: {
    readonly id: string;
    readonly displayName: string;
    /** The first is the default domain; one must end in .onmicrosoft.com (or the cloud's equivalent). */
    readonly domains: readonly string[];
    readonly environment: EnvironmentName;
    readonly region: string;
    readonly subScope?: 'GCC' | 'DODCON' | 'DOD';
    readonly namespace: 'Managed' | 'Federated';
    /** The federation server, for a federated namespace. */
    readonly federationHost?: string;
    readonly entraP1: boolean;
  };
  /** How the demo runs the doctor against this tenant. */
  readonly signIn: {
    readonly upn?: string;
    readonly environment: EnvironmentName;
    readonly mode: 'device-code' | 'certificate' | 'secret';
    readonly appId?: string;
    /** What the demo diagnoses (`--service`). */
    readonly service: ServiceChoice;
  };
  readonly users: readonly ScenarioUser[];
  readonly apps: readonly ScenarioApp[];
  readonly securityDefaults: boolean;
  readonly conditionalAccess: readonly ConditionalAccessPolicy[];
  /** The "Microsoft Exchange REST API Based Powershell" service principal (fb78d390-…). */
  readonly exchangePowerShellApp: {
    readonly enabled: boolean;
    readonly assignmentRequired: boolean;
    readonly assignedUsers: readonly string[];
  };
  /** Delegated Graph scopes already consented for the Microsoft Graph PowerShell client. */
  readonly graphConsentedScopes: readonly string[];
  readonly exchange: { readonly oauth2ClientProfileEnabled: boolean };
  /**
   * Security & Compliance PowerShell: the tenant's regional forest (`nam02b`), to which the global host
   * redirects; none when the tenant lives in the global forest.
   */
  readonly compliance: { readonly region?: string };
  /** How far the admin's clock is ahead of the true time (negative: behind). */
  readonly clockSkewSeconds: number;
  readonly deviceCode: {
    /** What the user does with the code: sign in, refuse, or never come back. */
    readonly outcome: 'approve' | 'decline' | 'expire';
    readonly approveAfterPolls: number;
    readonly intervalSeconds: number;
    readonly expiresInSeconds: number;
  };
  readonly faults: Readonly<Record<string, HostFaults>>;
  /**
   * Forward proxies the world runs, as `host:port`: each answers CONNECT to any host of the world (and
   * nothing else), so a machine whose settings name one reaches Microsoft 365 through it.
   */
  readonly proxies: readonly string[];
  /** `proxy-only`: the firewall refuses direct connections to Microsoft 365; only the proxies get out. */
  readonly egress: 'open' | 'proxy-only';
  /**
   * The admin's computer, as the client checks read it (src/sim/machine.ts). Absent in a scenario file:
   * a Linux machine with no files and no programs, so nothing of the computer the demo runs on leaks in.
   */
  readonly machine: MachineSpec;
  /**
   * What the doctor must find: the top finding (the first failure in the registry's order, else the
   * first warning) names this check and says this. Absent: every check passes or is not applicable.
   */
  readonly expect: { readonly topFinding?: { readonly check: string; readonly status: 'fail' | 'warn'; readonly says: string } };
}

/** A scenario file is wrong: the message names the file and the field. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MFA_METHODS: readonly MfaMethod[] = [
  'microsoftAuthenticator',
  'phone',
  'fido2',
  'softwareOath',
  'windowsHelloForBusiness',
  'email',
  'temporaryAccessPass',
];

/** Reads values out of parsed JSON, naming the path of anything wrong. */
class Reader {
  constructor(
    private readonly source: string,
    readonly value: unknown,
    private readonly path: string,
  ) {}

  fail(expected: string): never {
    const got = this.value === undefined ? 'nothing' : JSON.stringify(this.value)?.slice(0, 60);
    throw new ScenarioError(`${this.source}: ${this.path || 'the file'}: expected ${expected}, got ${got}.`);
  }

  field(name: string): Reader {
    if (typeof this.value !== 'object' || this.value === null || Array.isArray(this.value)) this.fail('an object');
    return new Reader(this.source, (this.value as Record<string, unknown>)[name], this.path ? `${this.path}.${name}` : name);
  }

  has(name: string): boolean {
    return this.field(name).value !== undefined;
  }

  string(pattern?: RegExp, expected = 'a string'): string {
    if (typeof this.value !== 'string' || this.value === '' || (pattern && !pattern.test(this.value))) this.fail(expected);
    return this.value;
  }

  optionalString(pattern?: RegExp, expected?: string): string | undefined {
    return this.value === undefined ? undefined : this.string(pattern, expected);
  }

  oneOf<T extends string>(choices: readonly T[]): T {
    if (!choices.includes(this.value as T)) this.fail(`one of ${choices.join(', ')}`);
    return this.value as T;
  }

  boolean(fallback?: boolean): boolean {
    if (this.value === undefined && fallback !== undefined) return fallback;
    if (typeof this.value !== 'boolean') this.fail('true or false');
    return this.value;
  }

  number(fallback?: number, min = -Infinity, max = Infinity): number {
    if (this.value === undefined && fallback !== undefined) return fallback;
    if (typeof this.value !== 'number' || !Number.isFinite(this.value) || this.value < min || this.value > max) {
      this.fail(min > -Infinity && max < Infinity ? `a number from ${min} to ${max}` : min > -Infinity ? `a number of at least ${min}` : 'a number');
    }
    return this.value;
  }

  /** A list with at least one item. */
  nonEmptyList<T>(read: (item: Reader) => T): T[] {
    const items = this.list(read);
    if (items.length === 0) this.fail('a list of at least one');
    return items;
  }

  list<T>(read: (item: Reader) => T, fallback?: readonly T[]): T[] {
    if (this.value === undefined && fallback !== undefined) return [...fallback];
    if (!Array.isArray(this.value)) this.fail('a list');
    return this.value.map((item, index) => read(new Reader(this.source, item, `${this.path}[${index}]`)));
  }

  entries(): [string, Reader][] {
    if (this.value === undefined) return [];
    if (typeof this.value !== 'object' || this.value === null || Array.isArray(this.value)) this.fail('an object');
    return Object.keys(this.value).map((key) => [key, this.field(key)]);
  }
}

/** Parses and validates one scenario. `source` names the file in errors. */
export function parseScenario(json: unknown, source: string): Scenario {
  const root = new Reader(source, json, '');
  const roles = (r: Reader, fallback?: readonly string[]) =>
    r.list((item) => {
      const name = item.string();
      return roleNamed(name) ? name : item.fail('an Entra role name such as "Exchange Administrator"');
    }, fallback);

  const tenant = root.field('tenant');
  const namespace = tenant.field('namespace').oneOf(['Managed', 'Federated'] as const);
  const federationHost = tenant.field('federationHost').optionalString(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'a host name');
  if (namespace === 'Federated' && !federationHost) {
    throw new ScenarioError(`${source}: tenant.federationHost: expected a host name for a Federated namespace, got nothing.`);
  }
  const subScope = tenant.has('subScope') ? tenant.field('subScope').oneOf(['GCC', 'DODCON', 'DOD'] as const) : undefined;

  const users = root.field('users').list((u) => ({
    upn: u.field('upn').string(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'a UPN'),
    displayName: u.field('displayName').string(),
    id: u.field('id').string(GUID, 'a GUID'),
    enabled: u.field('enabled').boolean(true),
    locked: u.field('locked').boolean(false),
    ...(u.has('password') ? { password: u.field('password').string() } : {}),
    perUserMfa: u.field('perUserMfa').oneOf(['disabled', 'enabled', 'enforced'] as const),
    methods: u.field('methods').list((m) => m.oneOf(MFA_METHODS)),
    roles: roles(u.field('roles'), []),
    eligibleRoles: roles(u.field('eligibleRoles'), []),
    exoModuleEnabled: u.field('exoModuleEnabled').boolean(true),
    hasMailbox: u.field('hasMailbox').boolean(true),
    userType: u.has('userType') ? u.field('userType').oneOf(['Member', 'Guest'] as const) : ('Member' as const),
  }));
  const generated = root.has('generatedUsers') ? readGenerated(root.field('generatedUsers')) : undefined;
  const generatedUsers = generated
    ? generateUsers(generated, tenant.field('domains').nonEmptyList((d) => d.string())[0] as string, initialDomainOf(tenant.field('domains').nonEmptyList((d) => d.string())))
    : [];
  const allUsers: ScenarioUser[] = [...users, ...generatedUsers];
  const upns = new Set(allUsers.map((u) => u.upn.toLowerCase()));

  const apps = root.field('apps').list(
    (a) => ({
      appId: a.field('appId').string(GUID, 'a GUID'),
      displayName: a.field('displayName').string(),
      enabled: a.field('enabled').boolean(true),
      exchangeManageAsApp: a.field('exchangeManageAsApp').boolean(),
      roles: roles(a.field('roles'), []),
      credentials: a.field('credentials').list((c) => c.oneOf(['certificate', 'secret'] as const)),
      graphPermissions: a.field('graphPermissions').list((x) => x.string(), []),
    }),
    [],
  );

  const signIn = root.field('signIn');
  const mode = signIn.has('mode') ? signIn.field('mode').oneOf(['device-code', 'certificate', 'secret'] as const) : 'device-code';
  const signInUpn = signIn.field('upn').optionalString();
  const appId = signIn.field('appId').optionalString(GUID, 'a GUID');
  if (mode === 'device-code' && (!signInUpn || !upns.has(signInUpn.toLowerCase()))) {
    throw new ScenarioError(`${source}: signIn.upn: expected the UPN of one of the scenario's users, got ${JSON.stringify(signInUpn ?? null)}.`);
  }
  if (mode !== 'device-code' && !apps.some((a) => a.appId === appId)) {
    throw new ScenarioError(`${source}: signIn.appId: expected the appId of one of the scenario's apps, got ${JSON.stringify(appId ?? null)}.`);
  }

  const exoApp = root.field('exchangePowerShellApp');
  const deviceCode = root.field('deviceCode');
  const faults = Object.fromEntries(
    root.field('faults').entries().map(([host, f]) => [host.toLowerCase(), readFaults(f)] as const),
  );

  return {
    name: root.field('name').string(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a kebab-case name'),
    description: root.field('description').string(),
    source,
    tenant: {
      id: tenant.field('id').string(GUID, 'a GUID'),
      displayName: tenant.field('displayName').string(),
      domains: tenant.field('domains').nonEmptyList((d) => d.string(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i, 'a domain name')),
      environment: tenant.field('environment').oneOf(ENVIRONMENT_NAMES),
      region: tenant.field('region').string(),
      ...(subScope ? { subScope } : {}),
      namespace,
      ...(federationHost ? { federationHost: federationHost.toLowerCase() } : {}),
      entraP1: tenant.field('entraP1').boolean(true),
    },
    signIn: {
      ...(signInUpn ? { upn: signInUpn } : {}),
      environment: signIn.field('environment').oneOf(ENVIRONMENT_NAMES),
      mode,
      ...(appId ? { appId } : {}),
      service: signIn.has('service') ? signIn.field('service').oneOf(SERVICE_CHOICES) : 'exchange',
    },
    users: allUsers,
    apps,
    securityDefaults: root.field('securityDefaults').boolean(false),
    conditionalAccess: root.field('conditionalAccess').list(
      (p) => ({
        id: p.field('id').string(GUID, 'a GUID'),
        displayName: p.field('displayName').string(),
        state: p.field('state').oneOf(['enabled', 'disabled', 'enabledForReportingButNotEnforced'] as const),
        includeUsers: p.field('includeUsers').list((x) => x.string(), []),
        excludeUsers: p.field('excludeUsers').list((x) => x.string(), []),
        includeRoles: roles(p.field('includeRoles'), []),
        includeApplications: p.field('includeApplications').list((x) => x.string()),
        transferMethods: p.field('transferMethods').list((x) => x.oneOf(['deviceCodeFlow', 'authenticationTransfer'] as const), []),
        grant: p.field('grant').list((x) => x.oneOf(['mfa', 'block', 'compliantDevice', 'domainJoinedDevice'] as const)),
      }),
      [],
    ),
    exchangePowerShellApp: {
      enabled: exoApp.field('enabled').boolean(true),
      assignmentRequired: exoApp.field('assignmentRequired').boolean(false),
      // Generated accounts are assigned to the module's app, except those whose state is not to be.
      assignedUsers: [
        ...exoApp.field('assignedUsers').list((x) => x.string(), []),
        ...generatedUsers.filter((u) => !u.upn.startsWith('not-assigned-')).map((u) => u.upn),
      ],
    },
    graphConsentedScopes: root.field('graphConsentedScopes').list((x) => x.string(), []),
    exchange: { oauth2ClientProfileEnabled: root.field('exchange').field('oauth2ClientProfileEnabled').boolean(true) },
    compliance: complianceOf(root),
    // A day either way covers every skew worth showing; more is a typo.
    clockSkewSeconds: root.field('clockSkewSeconds').number(0, -86_400, 86_400),
    deviceCode: {
      outcome: deviceCode.has('outcome') ? deviceCode.field('outcome').oneOf(['approve', 'decline', 'expire'] as const) : 'approve',
      approveAfterPolls: deviceCode.field('approveAfterPolls').number(1, 0),
      intervalSeconds: deviceCode.field('intervalSeconds').number(0, 0, 60),
      expiresInSeconds: deviceCode.field('expiresInSeconds').number(900, 1),
    },
    faults,
    proxies: root.field('proxies').list((p) => p.string(/^[a-z0-9.-]+:\d{1,5}$/i, 'a proxy as host:port').toLowerCase(), []),
    egress: root.has('egress') ? root.field('egress').oneOf(['open', 'proxy-only'] as const) : 'open',
    machine: root.has('machine') ? readMachine(root.field('machine')) : { platform: 'linux' },
    expect: root.has('expect') && root.field('expect').has('topFinding')
      ? {
          topFinding: {
            check: root.field('expect').field('topFinding').field('check').string(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a check id'),
            status: root.field('expect').field('topFinding').field('status').oneOf(['fail', 'warn'] as const),
            says: root.field('expect').field('topFinding').field('says').string(),
          },
        }
      : {},
  };
}

function readGenerated(g: Reader): GeneratedUsers {
  return {
    count: g.field('count').number(undefined, 1, 200_000),
    states: g.has('states') ? g.field('states').nonEmptyList((x) => x.oneOf(ACCOUNT_STATES)) : [...ACCOUNT_STATES],
  };
}

/** The tenant's `.onmicrosoft.com` (or sovereign equivalent) domain, where invited guests live. */
function initialDomainOf(domains: readonly string[]): string {
  return domains.find((d) => /\.onmicrosoft\.(com|us)$|\.partner\.onmschina\.cn$/i.test(d)) ?? (domains[0] as string);
}

const PLATFORMS: readonly NodeJS.Platform[] = ['win32', 'linux', 'darwin'];
const REGISTRY_TYPES = ['REG_SZ', 'REG_EXPAND_SZ', 'REG_DWORD', 'REG_QWORD', 'REG_MULTI_SZ', 'REG_BINARY'] as const;

/**
 * A machine: `platform`, `env`, `files`, `registry`, `commands` (src/sim/machine.ts). A `null` entry
 * removes what a scenario extended from had (a file, a registry key or value, a command, a variable).
 */
function readMachine(m: Reader): MachineSpec {
  const present = (r: Reader) => r.value !== null;
  const env = Object.fromEntries(m.field('env').entries().filter(([, v]) => present(v)).map(([name, v]) => [name, v.value === '' ? '' : v.string()]));
  const files = Object.fromEntries(m.field('files').entries().filter(([, v]) => present(v)).map(([path, v]) => [path, typeof v.value === 'string' ? v.value : v.fail('the file\'s text')]));
  const registry = Object.fromEntries(
    m.field('registry').entries().filter(([, v]) => present(v)).map(([key, values]) => [
      key,
      Object.fromEntries(values.entries().filter(([, v]) => present(v)).map(([name, v]) => [name, readRegistryValue(v)])),
    ]),
  );
  const commands = Object.fromEntries(m.field('commands').entries().filter(([, v]) => present(v)).map(([line, v]) => [line, readCommand(v)]));
  return {
    platform: m.field('platform').oneOf(PLATFORMS),
    ...(Object.keys(env).length > 0 ? { env } : {}),
    ...(Object.keys(files).length > 0 ? { files } : {}),
    // A Windows machine always has a registry, even an empty one: reg.exe answers "not found" from it.
    ...(m.has('registry') || m.field('platform').value === 'win32' ? { registry } : {}),
    ...(Object.keys(commands).length > 0 ? { commands } : {}),
  };
}

function readRegistryValue(v: Reader): RegistryValue {
  if (typeof v.value === 'string') return v.value;
  const type = v.field('type').oneOf(REGISTRY_TYPES);
  const value = v.field('value');
  switch (type) {
    case 'REG_DWORD':
    case 'REG_QWORD':
      return { type, value: value.number(undefined, 0, type === 'REG_DWORD' ? 0xffffffff : Number.MAX_SAFE_INTEGER) };
    case 'REG_MULTI_SZ':
      return { type, value: value.list((x) => (x.value === '' ? '' : x.string())) };
    case 'REG_BINARY':
      return { type, value: value.string(/^([0-9a-f]{2}\s*)*$/i, 'hex bytes') };
    default:
      return { type, value: value.value === '' ? '' : value.string() };
  }
}

function readCommand(v: Reader): RecordedCommand {
  if (typeof v.value === 'string') return v.value;
  const text = (r: Reader) => (r.value === undefined || r.value === '' ? '' : r.string());
  return { exitCode: v.field('exitCode').number(0, 0, 0xffffffff), stdout: text(v.field('stdout')), stderr: text(v.field('stderr')) };
}

function readFaults(f: Reader): HostFaults {
  const pick = <K extends keyof HostFaults>(key: K, read: (r: Reader) => HostFaults[K]) =>
    f.has(key) ? { [key]: read(f.field(key)) } : {};
  return {
    // Beyond a minute every request would meet the doctor's time limit: a typo, not a scenario.
    ...pick('latencyMs', (r) => r.number(undefined, 0, 60_000)),
    ...pick('rateLimit', (r) => ({ requestsPerSecond: r.field('requestsPerSecond').number(undefined, 1, 100_000) })),
    ...pick('throttle', (r) => ({
      retryAfterSeconds: r.field('retryAfterSeconds').number(undefined, 0),
      ...(r.has('first') ? { first: r.field('first').number(undefined, 1) } : {}),
    })),
    ...pick('serverError', (r) => ({
      status: r.field('status').number(undefined, 500),
      ...(r.has('first') ? { first: r.field('first').number(undefined, 1) } : {}),
    })),
    ...pick('reset', (r) => r.boolean()),
    ...pick('slowDrip', (r) => ({ bytes: r.field('bytes').number(undefined, 1), intervalMs: r.field('intervalMs').number(undefined, 0) })),
    ...pick('truncated', (r) => r.boolean()),
    ...pick('nonJson', (r) => r.boolean()),
    ...pick('htmlError', (r) => r.number(undefined, 400)),
    ...pick('blackHole', (r) => r.boolean()),
    ...pick('unresolvable', (r) => r.boolean()),
  };
}

/** `compliance.region`: a forest label such as `nam02b` (the default), or `global` for a tenant of the global forest. */
function complianceOf(root: Reader): Scenario['compliance'] {
  if (!root.has('compliance')) return { region: 'nam02b' };
  const compliance = root.field('compliance');
  const region = compliance.has('region') ? compliance.field('region').optionalString(/^[a-z]{3}\d{2}[a-z]?$|^global$/, 'a forest label such as nam02b, or "global" for the global forest') : 'nam02b';
  return region && region !== 'global' ? { region } : {};
}

