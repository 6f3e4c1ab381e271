/**
 * The options of a diagnosis, shared by every command that runs one, and their parsing. Kept free of
 * heavy imports: it loads for `--help` and `--version` too.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { ENVIRONMENT_DESCRIPTION, ENVIRONMENT_NAMES, type EnvironmentName } from './clouds.js';

export const DEFAULT_TIMEOUT_MS = 15_000;

/** The options of a diagnosis, normalised. */
export interface DiagnoseOptions {
  readonly upn?: string;
  readonly tenant?: string;
  readonly environment: EnvironmentName;
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
}

/** What commander hands the action: flags that were not given are absent. */
type RawOptions = Partial<DiagnoseOptions> & Pick<DiagnoseOptions, 'environment' | 'timeout' | 'failOn'>;

export function normalizeOptions(raw: RawOptions): DiagnoseOptions {
  return {
    ...(raw.upn !== undefined ? { upn: raw.upn } : {}),
    ...(raw.tenant !== undefined ? { tenant: raw.tenant } : {}),
    environment: raw.environment,
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
  };
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
    throw new InvalidArgumentError('expected a proxy URL such as http://proxy.contoso.com:8080.');
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

/** Adds the diagnosis options to a command. */
export function addDiagnoseOptions(command: Command): Command {
  return command
    .option('--upn <upn>', 'the account that cannot connect, e.g. admin@contoso.com')
    .option('--tenant <tenant>', "the tenant's id or a verified domain (default: the UPN's domain)")
    .addOption(
      new Option('--environment <name>', 'the cloud, as -ExchangeEnvironmentName names it')
        .choices(ENVIRONMENT_NAMES)
        .default('O365Default' satisfies EnvironmentName),
    )
    .option('--only <ids>', 'run only these checks (comma-separated) and what they need', collectIds)
    .option('--skip <ids>', 'leave these checks out (comma-separated)', collectIds)
    .option('--list-checks', 'list the checks in the order they run, and exit')
    .option('--json', 'print one JSON document on stdout (schema: schema/report.schema.json)')
    .option('--verbose', 'log each step to stderr and show internal details of errors')
    .addOption(
      new Option('--timeout <duration>', 'time limit per check, e.g. 15000, 15s, 2m')
        .argParser(parseDuration)
        .default(DEFAULT_TIMEOUT_MS, '15s'),
    )
    .addOption(
      new Option('--fail-on <level>', 'exit with 1 on failures only, or on warnings too').choices(['fail', 'warn']).default('fail'),
    )
    .option('--proxy <url>', "the doctor's own proxy, e.g. http://proxy:8080 (credentials allowed: http://user:pass@proxy:8080)", parseProxyUrl)
    .option('--ca <file>', 'also trust the CA certificates in this PEM file (a TLS-inspecting proxy, for instance)')
    .option('--show-sensitive', 'show account, tenant and machine names instead of masking them');
}

/** Help text listing the clouds, appended to `--help`. */
export function environmentHelp(): string {
  const lines = ENVIRONMENT_NAMES.map((name) => `  ${name.padEnd(18)} ${ENVIRONMENT_DESCRIPTION[name]}`);
  return `\nEnvironments:\n${lines.join('\n')}`;
}
