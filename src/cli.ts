/**
 * The command line: argument parsing and wiring only. Everything heavy is imported when a command
 * runs, so that `--version` and `--help` start about as fast as Node itself.
 */
import { Command, CommanderError } from 'commander';
import { addConnectionOptions, addDiagnoseOptions, addPreflightOptions, type DiagnoseOptions, environmentHelp, normalizeOptions } from './options.js';
import { proxyCredentials, Redactor } from './redact.js';
import { VERSION } from './version.js';
import { EXIT, exitCodesHelp, UsageError } from './exit.js';
import { servicesOf } from './services.js';

const DESCRIPTION = `Finds out why Exchange Online PowerShell (Connect-ExchangeOnline) will not connect, and says how to fix it.`;

/** Options whose value is a secret, and the environment variables that can hold one. */
const SECRET_OPTIONS = ['--client-secret', '--access-token', '--proxy'];
const SECRET_VARIABLES = ['EXO_DOCTOR_CLIENT_SECRET', 'EXO_DOCTOR_ACCESS_TOKEN'];
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'];

/**
 * What every message the command line prints goes through, before a context exists: the secrets given
 * as options are known by value, everything else by shape. {@link addEnvironmentSecrets} adds those of
 * the environment where a message could hold one.
 */
export function argumentRedactor(argv: readonly string[]): Redactor {
  const redactor = new Redactor(true);
  argv.forEach((arg, i) => {
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!SECRET_OPTIONS.includes(flag)) return;
    const value = inline ?? argv[i + 1];
    if (value === undefined) return;
    if (flag === '--proxy') for (const secret of proxyCredentials(value)) redactor.addSecret(secret);
    else redactor.addSecret(value);
  });
  return redactor;
}

/** The secrets the environment holds (EXO_DOCTOR_*, proxy credentials). Loaded only when an error is printed. */
async function addEnvironmentSecrets(redactor: Redactor): Promise<Redactor> {
  const env = (await import('./context.js')).processEnvironment();
  for (const name of SECRET_VARIABLES) redactor.addSecret(env[name]);
  for (const name of PROXY_VARIABLES) for (const secret of proxyCredentials(env[name])) redactor.addSecret(secret);
  return redactor;
}

function buildProgram(redactor: Redactor): Command {
  const program = new Command('exo-doctor')
    .description(DESCRIPTION)
    .version(VERSION, '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show this help')
    .enablePositionalOptions()
    .showSuggestionAfterError()
    .allowExcessArguments(true)
    .exitOverride()
    .configureOutput({ outputError: (message, write) => write(`${redactor.apply(oneLine(message))}\n`) });

  addDiagnoseOptions(program).action(async (options: Parameters<typeof normalizeOptions>[0], command: Command) => {
    const [extra] = command.args;
    if (extra !== undefined) command.error(`error: unknown command '${extra}' (see exo-doctor --help)`);
    await runDiagnosis(normalizeOptions(options));
  });
  addDiagnoseOptions(program.command('diagnose').description('run the diagnosis (the default command)').allowExcessArguments(false)).action(
    (options: Parameters<typeof normalizeOptions>[0]) => runDiagnosis(normalizeOptions(options)),
  );
  const demoCommand = addDiagnoseOptions(
    program
      .command('demo')
      .description('run the diagnosis against a simulated Microsoft 365 tenant on 127.0.0.1 (no network, no account needed)')
      .enablePositionalOptions()
      .allowExcessArguments(false)
      .option('--scenario <name|file>', 'a built-in scenario (see --list) or a scenario file', 'healthy')
      .option('--list', 'list the built-in scenarios and exit'),
  ).action((options: Parameters<typeof normalizeOptions>[0] & { scenario: string; list?: boolean }, command: Command) =>
    runDemo(normalizeOptions(options), options.scenario, options.list === true, command.getOptionValueSource('environment') === 'cli', command.getOptionValueSource('service') === 'cli'),
  );
  addPreflightOptions(
    addConnectionOptions(
      demoCommand
        .command('preflight')
        .description('pre-flight in the simulated tenant: exo-doctor demo --scenario rollout preflight --users fixtures/preflight/rollout-users.csv')
        .allowExcessArguments(false),
      'the helper admin who signs in once for the run (default: the scenario\'s)',
    ),
  ).action((options: RawPreflight, command: Command) => {
    const demo = command.parent?.opts() as { scenario: string };
    return runPreflight(options, { scenario: demo.scenario, environmentGiven: command.getOptionValueSource('environment') === 'cli', serviceGiven: command.getOptionValueSource('service') === 'cli' });
  });
  addPreflightOptions(
    addConnectionOptions(
      program
        .command('preflight')
        .description('before a rollout: which accounts of a CSV file can connect, and what to fix for the others (one sign-in for the run)')
        .allowExcessArguments(false),
      'the helper admin who signs in once for the run, e.g. admin@contoso.com (or sign in app-only with --app-id)',
    ),
  ).action((options: RawPreflight) => runPreflight(options));
  program
    .command('explain')
    .description('explain an error text: paste it as an argument, give --file, or pipe it in (Get-Clipboard | exo-doctor explain)')
    .argument('[text...]', 'the error text (quote it)')
    .option('--file <file>', 'read the error text from this file')
    .option('--json', 'print one JSON document: {signals, causes: [{category, title, confidence, matched, fix, checks}]}')
    .action((words: string[], options: { file?: string; json?: boolean }) => runExplainCommand(words, options));
  program
    .command('replay')
    .description('re-render the report of a support bundle (--bundle), offline: on the terminal, as JSON, or into files')
    .argument('<bundle>', 'the .tar.gz that exo-doctor --bundle wrote')
    .option('--json', 'print the report as one JSON document')
    .option('--html <file>', 'write the report as one self-contained HTML page')
    .option('--markdown <file>', 'write the report in Markdown')
    .option('--junit <file>', 'write the checks as JUnit XML test cases')
    .option('--verbose', 'show internal details of errors kept in the report')
    .action((bundle: string, options: { json?: boolean; html?: string; markdown?: string; junit?: string; verbose?: boolean }) => runReplay(bundle, options));
  program.addHelpText('after', `${environmentHelp()}\n\n${exitCodesHelp()}`);
  return program;
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

/** The parsed options as the doctor's configuration (the context adds secrets given in the environment). */
function configOf(options: DiagnoseOptions, invocation: string) {
  return {
    invocation,
    ...(options.upn !== undefined ? { upn: options.upn } : {}),
    ...(options.tenant !== undefined ? { tenant: options.tenant } : {}),
    environment: options.environment,
    services: servicesOf(options.service),
    timeoutMs: options.timeout,
    verbose: options.verbose,
    showSensitive: options.showSensitive,
    ...(options.proxy !== undefined ? { proxy: options.proxy } : {}),
    ...(options.ca !== undefined ? { caFile: options.ca } : {}),
    ...(options.signIn !== undefined ? { signIn: options.signIn } : {}),
    ...(options.appId !== undefined ? { appId: options.appId } : {}),
    ...(options.certificate !== undefined ? { certificateFile: options.certificate } : {}),
    ...(options.clientSecret !== undefined ? { clientSecret: options.clientSecret } : {}),
    ...(options.accessToken !== undefined ? { accessToken: options.accessToken } : {}),
    ...(options.tokenCache !== undefined ? { tokenCache: options.tokenCache } : {}),
    ...(options.target !== undefined ? { target: options.target } : {}),
  };
}

/** First Ctrl-C: stop the checks and print what finished. Second: quit at once. */
function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nStopping the checks; press Ctrl-C again to quit at once.\n');
    controller.abort();
  });
  return controller.signal;
}

async function runDiagnosis(options: DiagnoseOptions): Promise<void> {
  const [{ diagnose, listChecks }, { createContext, detectInvocation }, { registry, LAYER_IDS }] = await Promise.all([
    import('./diagnose.js'),
    import('./context.js'),
    import('../checks/index.js'),
  ]);
  const output = { stdout: process.stdout, stderr: process.stderr };
  if (options.listChecks) {
    process.exitCode = await listChecks(registry, options.json, output);
    return;
  }
  const ctx = createContext({ config: configOf(options, detectInvocation()) });
  process.exitCode = await diagnose({ registry, ctx, options, output, signal: interruptSignal(), layers: LAYER_IDS });
}

async function runDemo(options: DiagnoseOptions, scenario: string, list: boolean, environmentGiven: boolean, serviceGiven = false): Promise<void> {
  const [{ demo, listScenarios }, { listChecks }, { createContext, detectInvocation }, { registry, LAYER_IDS }] = await Promise.all([
    import('./demo.js'),
    import('./diagnose.js'),
    import('./context.js'),
    import('../checks/index.js'),
  ]);
  const output = { stdout: process.stdout, stderr: process.stderr };
  const machine = createContext({ config: configOf(options, detectInvocation()) });
  if (list) {
    process.exitCode = await listScenarios(machine, options.json, output, LAYER_IDS, Math.min(machine.terminal.columns ?? 100, 120));
    return;
  }
  if (options.listChecks) {
    process.exitCode = await listChecks(registry, options.json, output);
    return;
  }
  process.exitCode = await demo({
    registry,
    layers: LAYER_IDS,
    options,
    scenario,
    explicit: { environment: environmentGiven, service: serviceGiven },
    machine,
    output,
    signal: interruptSignal(),
  });
}

async function runExplainCommand(words: readonly string[], options: { file?: string; json?: boolean }): Promise<void> {
  const [{ runExplain }, { createContext }, { createStyle }] = await Promise.all([
    import('./explain/command.js'),
    import('./context.js'),
    import('./report/style.js'),
  ]);
  const ctx = createContext({ config: configOf(normalizeOptions({ environment: 'O365Default', timeout: 15_000, failOn: 'fail' }), 'exo-doctor') });
  const write = (stream: 'stdout' | 'stderr', text: string) => new Promise<void>((done) => process[stream].write(text, () => done()));
  process.exitCode = await runExplain({
    words,
    ...(options.file !== undefined ? { file: options.file } : {}),
    json: options.json === true,
    readFile: (path) => ctx.readFile(path),
    readStdin: async () => (ctx.terminal.stdinIsTTY ? undefined : readAll(process.stdin)),
    style: createStyle(!options.json && ctx.terminal.colorStdout),
    write,
  });
}

/** What commander hands a pre-flight action. */
type RawPreflight = Parameters<typeof normalizeOptions>[0] & {
  users?: string;
  tenants?: string;
  output?: string;
  resume?: boolean;
  concurrency: number;
  json?: boolean;
  html?: string;
  markdown?: string;
  junit?: string;
};

async function runPreflight(raw: RawPreflight, demo?: { readonly scenario: string; readonly environmentGiven: boolean; readonly serviceGiven: boolean }): Promise<void> {
  const { users, tenants, output, resume, concurrency, json, html, markdown, junit, ...connection } = raw;
  if ((users === undefined) === (tenants === undefined)) {
    throw new UsageError(users === undefined ? 'Give the accounts to check with --users FILE (a CSV file with a UserPrincipalName column), or the tenants with --tenants FILE.' : 'Give --users or --tenants, not both: a pre-flight checks the accounts of one tenant, or many tenants each with its own app.');
  }
  const options = normalizeOptions(connection);
  const preflightOptions = {
    ...(users !== undefined ? { users } : {}),
    ...(tenants !== undefined ? { tenants } : {}),
    ...(output !== undefined ? { output } : {}),
    resume: resume === true,
    concurrency,
    json: json === true,
    ...(html !== undefined ? { html } : {}),
    ...(markdown !== undefined ? { markdown } : {}),
    ...(junit !== undefined ? { junit } : {}),
    timeout: options.timeout,
    verbose: options.verbose,
  };
  const files = [output, html, markdown, junit].filter((f): f is string => f !== undefined);
  if (new Set(files).size < files.length) throw new UsageError('Two of -o, --html, --markdown and --junit name the same file: give each output a file of its own.');
  const [{ preflight }, { createContext, detectInvocation }, { registry, LAYER_IDS }] = await Promise.all([import('./preflight/run.js'), import('./context.js'), import('../checks/index.js')]);
  const out = { stdout: process.stdout, stderr: process.stderr };
  if (demo) {
    const { demoPreflight } = await import('./demo.js');
    const machine = createContext({ config: configOf(options, detectInvocation()) });
    process.exitCode = await demoPreflight({ registry, layers: LAYER_IDS, options, preflight: preflightOptions, scenario: demo.scenario, explicit: { environment: demo.environmentGiven, service: demo.serviceGiven }, machine, output: out, signal: interruptSignal() });
    return;
  }
  const ctx = createContext({ config: configOf(options, detectInvocation()) });
  process.exitCode = await preflight({ registry, layers: LAYER_IDS, ctx, options: preflightOptions, output: out, signal: interruptSignal() });
}

async function runReplay(bundle: string, options: { json?: boolean; html?: string; markdown?: string; junit?: string; verbose?: boolean }): Promise<void> {
  const [{ replay }, { createContext }] = await Promise.all([import('./replay.js'), import('./context.js')]);
  const files = [options.html, options.markdown, options.junit].filter((f): f is string => f !== undefined);
  if (new Set(files).size < files.length) throw new UsageError('Two of --html, --markdown and --junit name the same file: give each report a file of its own.');
  const ctx = createContext({ config: configOf(normalizeOptions({ environment: 'O365Default', timeout: 15_000, failOn: 'fail' }), 'exo-doctor') });
  process.exitCode = await replay({
    bundle,
    json: options.json === true,
    verbose: options.verbose === true,
    ...(options.html !== undefined ? { html: options.html } : {}),
    ...(options.markdown !== undefined ? { markdown: options.markdown } : {}),
    ...(options.junit !== undefined ? { junit: options.junit } : {}),
    ctx,
    output: { stdout: process.stdout, stderr: process.stderr },
  });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function main(argv: readonly string[]): Promise<void> {
  const redactor = argumentRedactor(argv);
  // A reader that goes away (`exo-doctor | head`) is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit();
    throw err;
  });
  try {
    await buildProgram(redactor).parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; every usage mistake exits 2.
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    } else if (err instanceof UsageError) {
      await addEnvironmentSecrets(redactor);
      await new Promise((done) => process.stderr.write(redactor.apply(`exo-doctor: ${err.message}\n`), done));
      process.exitCode = EXIT.usage;
    } else {
      const verbose = argv.includes('--verbose');
      const message = err instanceof Error ? err.message : String(err);
      // `explain` has no --verbose: its stack is the whole story.
      const hint = argv[2] === 'explain' ? 'This is a bug in exo-doctor: please report it with the text you gave (secrets removed).' : 'Run it again with --verbose to see where.';
      const text = `exo-doctor broke: ${message}\n${verbose && err instanceof Error && err.stack ? `${err.stack}\n` : `${hint}\n`}`;
      await addEnvironmentSecrets(redactor);
      await new Promise((done) => process.stderr.write(redactor.apply(text), done));
      process.exitCode = EXIT.incomplete;
    }
  }
  // Exit now: a check abandoned after a timeout may still hold a socket, and must not keep us alive.
  // An empty write calls back once what was written before it (the help text, say) has been flushed.
  await new Promise((flushed) => process.stdout.write('', flushed));
  process.exit();
}

// Not awaited: the single executable (npm run package) is CommonJS, which has no top-level await.
// main() catches its own errors and ends the process itself.
void main(process.argv);
