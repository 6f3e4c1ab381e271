/**
 * The options of a diagnosis, shared by every command that runs one, and their parsing. Kept free of
 * heavy imports: it loads for `--help` and `--version` too.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { ENVIRONMENT_DESCRIPTION, ENVIRONMENT_NAMES, type EnvironmentName } from './clouds.js';
import { UsageError } from './exit.js';
import { SERVICE_CHOICES, type ServiceChoice } from './services.js';

const DEFAULT_TIMEOUT_MS = 15_000;

/** The options of a diagnosis, normalised. */
export interface DiagnoseOptions {
  readonly upn?: string;
  readonly tenant?: string;
  readonly environment: EnvironmentName;
  readonly service: ServiceChoice;
  readonly only: readonly string[];
  readonly skip: readonly string[];
  readonly listChecks: boolean;
  readonly json: boolean;
  readonly verbose: boolean;
  readonly timeout: number;
  readonly failOn: 'fail' | 'warn';
  readonly showSensitive: boolean;
  readonly proxy?: string;
  readonly ca?: string;
  readonly signIn?: 'device-code' | 'browser' | 'none';
  readonly appId?: string;
  readonly certificate?: string;
  readonly clientSecret?: string;
  readonly accessToken?: string;
  readonly tokenCache?: string;
  readonly target?: string;
  /** `--error`: an error text to explain and hold against the checks. */
  readonly error?: string;
  /** `--error-file`: the same, from a file. */
  readonly errorFile?: string;
  /** `--html`, `--markdown`, `--junit`: the report written to these files too. */
  readonly html?: string;
  readonly markdown?: string;
  readonly junit?: string;
  /** `--bundle`: the support bundle (.tar.gz) written to this file. */
  readonly bundle?: string;
  /** false with `--no-redact`: the bundle keeps names and ids (never secrets). */
  readonly redact: boolean;
}

/** The report files a run writes, by option. */
export const REPORT_FILE_OPTIONS = ['html', 'markdown', 'junit', 'bundle'] as const;

/** What commander hands the action: flags that were not given are absent. */
type RawOptions = Partial<DiagnoseOptions> & Pick<DiagnoseOptions, 'environment' | 'timeout' | 'failOn'>;

/** A file given to two options at once would be overwritten by the second. */
function sameFileTwice(raw: RawOptions): string | undefined {
  const given = REPORT_FILE_OPTIONS.flatMap((option) => (raw[option] !== undefined ? [[option, raw[option] as string] as const] : []));
  for (const [i, [option, file]] of given.entries()) {
    const other = given.slice(i + 1).find(([, path]) => path === file);
    if (other) return `--${option} and --${other[0]} both write ${file}: give each report a file of its own.`;
  }
  return undefined;
}

export function normalizeOptions(raw: RawOptions): DiagnoseOptions {
  const both = (raw.only ?? []).filter((id) => (raw.skip ?? []).includes(id));
  if (both.length > 0) throw new UsageError(`--only and --skip both name ${both.join(', ')}: a check cannot be run and left out at once. Give it to one of them.`);
  const twice = sameFileTwice(raw);
  if (twice) throw new UsageError(twice);
  if (raw.redact === false && raw.bundle === undefined) {
    throw new UsageError('--no-redact applies to --bundle only (it keeps names and ids in the bundle). Give --bundle FILE too, or leave --no-redact out; the report on screen follows --show-sensitive.');
  }
  return {
    ...(raw.upn !== undefined ? { upn: raw.upn } : {}),
    ...(raw.tenant !== undefined ? { tenant: raw.tenant } : {}),
    environment: raw.environment,
    service: raw.service ?? 'exchange',
    only: raw.only ?? [],
    skip: raw.skip ?? [],
    listChecks: raw.listChecks === true,
    json: raw.json === true,
    verbose: raw.verbose === true,
    timeout: raw.timeout,
    failOn: raw.failOn,
    showSensitive: raw.showSensitive === true,
    ...(raw.proxy !== undefined ? { proxy: raw.proxy } : {}),
    ...(raw.ca !== undefined ? { ca: raw.ca } : {}),
    ...(raw.signIn !== undefined ? { signIn: raw.signIn } : {}),
    ...(raw.appId !== undefined ? { appId: raw.appId } : {}),
    ...(raw.certificate !== undefined ? { certificate: raw.certificate } : {}),
    ...(raw.clientSecret !== undefined ? { clientSecret: raw.clientSecret } : {}),
    ...(raw.accessToken !== undefined ? { accessToken: raw.accessToken } : {}),
    ...(raw.tokenCache !== undefined ? { tokenCache: raw.tokenCache } : {}),
    ...(raw.target !== undefined ? { target: raw.target } : {}),
    ...(raw.error !== undefined ? { error: raw.error } : {}),
    ...(raw.errorFile !== undefined ? { errorFile: raw.errorFile } : {}),
    ...(raw.html !== undefined ? { html: raw.html } : {}),
    ...(raw.markdown !== undefined ? { markdown: raw.markdown } : {}),
    ...(raw.junit !== undefined ? { junit: raw.junit } : {}),
    ...(raw.bundle !== undefined ? { bundle: raw.bundle } : {}),
    redact: raw.redact !== false,
  };
}

/** `--app-id`: an application (client) id is a GUID. */
function parseAppId(text: string): string {
  const value = text.trim();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
    throw new InvalidArgumentError('expected the application (client) id, a GUID such as 5b1c7e3a-9d2f-4e6b-8a4c-1f0d3e5b7a92.');
  }
  return value;
}

/** `15000`, `15s`, `2m`, `1500ms` → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/i.exec(text);
  if (!match) throw new InvalidArgumentError('expected a duration such as 15000, 15s or 2m.');
  const unit = (match[2] ?? 'ms').toLowerCase();
  const ms = Number(match[1]) * (unit === 'm' ? 60_000 : unit === 's' ? 1000 : 1);
  if (ms < 100) throw new InvalidArgumentError('must be at least 100 ms.');
  if (ms > 3_600_000) throw new InvalidArgumentError('must be at most 1 hour.');
  return Math.round(ms);
}

/** `--proxy`: an http:// URL with a host and a port; credentials allowed (used, never printed). */
export function parseProxyUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.includes('://') ? text : `http://${text}`);
  } catch {
    const hint = text.includes('@') ? ' Characters such as / : @ in a user name or password must be percent-encoded (/ is %2F).' : '';
    throw new InvalidArgumentError(`expected a proxy URL such as http://proxy.contoso.com:8080.${hint}`);
  }
  if (url.protocol !== 'http:') throw new InvalidArgumentError(`only http:// proxies are supported (got ${url.protocol}//).`);
  if (!url.port) throw new InvalidArgumentError('the proxy URL needs a port, e.g. http://proxy.contoso.com:8080.');
  return url.href.replace(/\/$/, '');
}

/** `--only a,b --only c` → `['a', 'b', 'c']`. */
export function collectIds(value: string, previous: readonly string[] = []): string[] {
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new InvalidArgumentError('expected one or more check ids, separated by commas.');
  return [...previous, ...ids];
}

/** The options that say whom the doctor signs in as, where, and how: a diagnosis's and a pre-flight's. */
export function addConnectionOptions(command: Command, upnHelp = 'the account that cannot connect, e.g. admin@contoso.com'): Command {
  return command
    .option('--upn <upn>', upnHelp)
    .option('--tenant <tenant>', "the tenant's id or a verified domain (default: the UPN's domain)")
    .addOption(
      new Option('--environment <name>', 'the cloud, as -ExchangeEnvironmentName names it')
        .choices(ENVIRONMENT_NAMES)
        .default('O365Default' satisfies EnvironmentName),
    )
    .addOption(
      new Option('--service <name>', 'what to diagnose: exchange (Connect-ExchangeOnline), compliance (Connect-IPPSSession) or all')
        .choices(SERVICE_CHOICES)
        .default('exchange' satisfies ServiceChoice),
    )
    .option('--verbose', 'log each step to stderr and show internal details of errors')
    .addOption(
      new Option('--timeout <duration>', 'time limit per check, e.g. 15000, 15s, 2m')
        .argParser(parseDuration)
        .default(DEFAULT_TIMEOUT_MS, '15s'),
    )
    .option('--proxy <url>', "the doctor's own proxy, e.g. http://proxy:8080 (credentials allowed: http://user:pass@proxy:8080)", parseProxyUrl)
    .option('--ca <file>', 'also trust the CA certificates in this PEM file (a TLS-inspecting proxy, for instance)')
    .addOption(
      new Option('--sign-in <how>', 'how to sign in as a person: device-code (default at a terminal), browser, or none').choices(['device-code', 'browser', 'none']),
    )
    .option('--app-id <id>', 'sign in app-only as this application (with --certificate, or --client-secret)', parseAppId)
    .option('--certificate <file>', "app-only: a PEM file with the application's certificate and private key")
    .option('--client-secret <secret>', 'app-only: a client secret (better: the EXO_DOCTOR_CLIENT_SECRET variable, kept out of shell history)')
    .option('--access-token <token>', 'use this Exchange Online token instead of signing in (or EXO_DOCTOR_ACCESS_TOKEN)')
    .option('--token-cache <file>', 'keep tokens in this file (readable by you only) so the next run does not prompt')
    .option('--show-sensitive', 'show account, tenant and machine names instead of masking them');
}

/** Adds the diagnosis options to a command. */
export function addDiagnoseOptions(command: Command): Command {
  return addConnectionOptions(command)
    .option('--only <ids>', 'run only these checks (comma-separated) and what they need', collectIds)
    .option('--skip <ids>', 'leave these checks out (comma-separated)', collectIds)
    .option('--list-checks', 'list the checks in the order they run, and exit')
    .option('--json', 'print one JSON document on stdout (schema: schema/report.schema.json)')
    .addOption(
      new Option('--fail-on <level>', 'exit with 1 on failures only, or on warnings too').choices(['fail', 'warn']).default('fail'),
    )
    .option('--target <upn>', "diagnose this account's access, MFA and sign-ins while signed in as another admin (or app-only)")
    .option('--error <text>', 'the error you got: the report says which of its likely causes the checks confirm or rule out')
    .option('--error-file <file>', 'the same, read from a file (a console transcript, say)')
    .option('--html <file>', 'also write the report as one self-contained HTML page')
    .option('--markdown <file>', 'also write the report in Markdown, for a ticket or an issue')
    .option('--junit <file>', 'also write the checks as JUnit XML test cases, for CI')
    .option('--bundle <file>', 'also write a support bundle (.tar.gz): the report in every format, environment and proxy facts, redacted')
    .option('--no-redact', 'with --bundle: keep names and ids in the bundle (secrets are removed anyway)');
}

/** `--concurrency`: a whole number. */
function parseCount(text: string): number {
  const value = Number(text.trim());
  if (!Number.isInteger(value)) throw new InvalidArgumentError('expected a whole number, such as 8.');
  return value;
}

/** Adds the pre-flight's own options (the connection options come from {@link addConnectionOptions}). */
export function addPreflightOptions(command: Command): Command {
  return command
    .option('--users <file>', 'a CSV file of the accounts to check, with a UserPrincipalName column (other columns are copied through)')
    .option('--tenants <file>', 'instead, a CSV file of tenants (a partner\'s customers), with the columns Tenant, AppId and CertificatePath: each is checked with its own app-only identity')
    .option('-o, --output <file>', 'write one row per account to this CSV file: its columns, then the verdict, the check that decided it, the finding and its fix')
    .option('--resume', 'continue the run that wrote -o FILE, without checking its accounts again')
    .addOption(new Option('--concurrency <n>', 'accounts checked at once (1 to 64)').argParser(parseCount).default(8))
    .option('--json', 'print JSON Lines on stdout: one object per account, then one summary')
    .option('--html <file>', 'also write a summary page (HTML)')
    .option('--markdown <file>', 'also write a summary in Markdown')
    .option('--junit <file>', 'also write one JUnit test case per account, for CI');
}

/** Help text listing the clouds, appended to `--help`. */
export function environmentHelp(): string {
  const lines = ENVIRONMENT_NAMES.map((name) => `  ${name.padEnd(18)} ${ENVIRONMENT_DESCRIPTION[name]}`);
  return `\nEnvironments:\n${lines.join('\n')}`;
}
