import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runCliOnTerminal } from '../support/cli.js';
import { schemaValidator } from '../support/schema.js';

const ESC = '\u001b[';
/** On this machine the network checks would meet the loopback guard: these tests run the offline checks. */
const OFFLINE = ['--only', 'runtime,inputs'];

describe('exo-doctor exit codes', () => {
  it('exits 0 when nothing failed, and prints the table and the summary line', () => {
    const { code, stdout } = runCli(['--upn', 'admin@contoso.com', ...OFFLINE]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/ Status +Check +Result/);
    expect(stdout).toContain('✔ pass    runtime');
    expect(stdout).toMatch(/✔ No problems found \(2 checks in \d+ ms\)\./);
  });

  it('exits 1 when a check failed', () => {
    const { code, stdout } = runCli(['--upn', 'admin']);
    expect(code).toBe(1);
    expect(stdout).toContain('✖ fail inputs: Account and tenant given on the command line');
  });

  it('accepts --fail-on warn and still exits 0 when nothing warned', () => {
    // Warnings turning into exit 1 is covered by exitCodeFor's tests; no shipped check warns here yet.
    expect(runCli(['--upn', 'admin@contoso.com', '--fail-on', 'warn', ...OFFLINE]).code).toBe(0);
  });

  it.each([
    [['--bogus'], "error: unknown option '--bogus'"],
    [['--upn'], "error: option '--upn <upn>' argument missing"],
    [['--environment', 'O365Mars'], "error: option '--environment <name>' argument 'O365Mars' is invalid."],
    [['--timeout', 'soon'], "error: option '--timeout <duration>' argument 'soon' is invalid. expected a duration such as 15000, 15s or 2m."],
    [['--fail-on', 'never'], "error: option '--fail-on <level>' argument 'never' is invalid."],
    [['--only', 'nope'], 'exo-doctor: Unknown check "nope"; the checks are: runtime, inputs, proxy-config,'],
    [['diagnoze'], "error: unknown command 'diagnoze' (see exo-doctor --help)"],
    [['--proxy', 'socks5://proxy:1080'], "error: option '--proxy <url>' argument 'socks5://proxy:1080' is invalid. only http:// proxies are supported (got socks5://)."],
  ])('exits 2 with one line for %j', (args, message) => {
    const { code, stdout, stderr } = runCli(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toContain(message);
  });

  it('prints the version and the help, exiting 0', () => {
    const version = runCli(['--version']);
    expect(version).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
    const help = runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--upn <upn>');
    expect(help.stdout).toContain('Exit codes:');
  });

  it('runs the same diagnosis as the explicit diagnose command', () => {
    const { code, stdout } = runCli(['diagnose', '--upn', 'admin', '--only', 'inputs']);
    expect(code).toBe(1);
    expect(stdout).toContain('✖ fail    inputs');
    expect(stdout).not.toContain('runtime');
  });
});

describe('exo-doctor --json', () => {
  it('prints exactly one JSON document on stdout, valid against the schema', () => {
    const { code, stdout, stderr } = runCli(['--upn', 'megan.bowen@contoso.com', '--json', '--only', 'runtime,inputs']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const doc = JSON.parse(stdout);
    const validate = schemaValidator();
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.checks.map((c: { id: string }) => c.id)).toEqual(['runtime', 'inputs']);
    expect(stdout).not.toContain('megan.bowen@contoso.com');
    expect(doc.environment.upn).toBe('m•••@c•••.com');
  });

  it('carries the exit code and the failure in the document', () => {
    const { code, stdout } = runCli(['--upn', 'admin', '--json', '--only', 'runtime,inputs']);
    const doc = JSON.parse(stdout);
    expect(code).toBe(1);
    expect(doc.outcome.exitCode).toBe(1);
    expect(doc.checks[1]).toMatchObject({ id: 'inputs', status: 'fail', remediation: [{ runBy: 'admin' }] });
  });

  it('shows identifiers with --show-sensitive', () => {
    const doc = JSON.parse(runCli(['--upn', 'megan.bowen@contoso.com', '--json', '--show-sensitive', '--only', 'inputs']).stdout);
    expect(doc.environment.upn).toBe('megan.bowen@contoso.com');
    expect(doc.outcome.sensitiveShown).toBe(true);
  });

  it('lists the checks as JSON, in registry order, with what each needs', () => {
    const { code, stdout } = runCli(['--list-checks', '--json']);
    expect(code).toBe(0);
    const list = JSON.parse(stdout) as { id: string; title: string; dependsOn: string[] }[];
    expect(list.slice(0, 3)).toEqual([
      { id: 'runtime', title: 'Node.js and operating system the doctor runs on', dependsOn: [] },
      { id: 'inputs', title: 'Account and tenant given on the command line', dependsOn: [] },
      { id: 'proxy-config', title: 'Proxy settings of this machine, and the route each client takes', dependsOn: [] },
    ]);
    expect(list.find((c) => c.id === 'endpoints')?.dependsOn).toEqual(['proxy-config']);
  });
});

describe('exo-doctor output on pipes and terminals', () => {
  it('writes plain progress lines to stderr when not on a terminal, with no escape codes', () => {
    const { stdout, stderr } = runCli(['--upn', 'admin@contoso.com', ...OFFLINE]);
    expect(stderr).toMatch(/^✔ pass runtime \(\d+ ms\): exo-doctor/m);
    expect(stderr + stdout).not.toContain(ESC);
  });

  it('colours the report on a terminal', () => {
    const { stdout } = runCliOnTerminal(['--upn', 'admin@contoso.com', ...OFFLINE], {}, true);
    expect(stdout).toContain(`${ESC}32m✔ pass${ESC}39m`);
  });

  it('honours NO_COLOR on a terminal', () => {
    const { stdout } = runCliOnTerminal(['--upn', 'admin@contoso.com', ...OFFLINE], { NO_COLOR: '1' }, true);
    expect(stdout).toContain('✔ pass    runtime');
    expect(stdout).not.toContain(ESC);
  });

  it('honours FORCE_COLOR on a pipe', () => {
    expect(runCli(['--upn', 'admin@contoso.com', ...OFFLINE], { FORCE_COLOR: '1' }).stdout).toContain(`${ESC}32m✔ pass`);
  });

  it('shows live progress with each check and its duration on a terminal, then collapses it into one line', () => {
    const { stdout } = runCliOnTerminal(['demo']);
    // Each line ends with the check's own duration once it is done, marked with the report's symbols.
    expect(stdout).toMatch(/✔ Node\.js and operating system the doctor runs on \(\d+ ms\)/);
    expect(stdout).toMatch(/✔ Microsoft 365 endpoints reachable from this machine \((\d+ ms|\d+(\.\d)? s)\)/);
    // Waiting checks do not pretend to run: no spinner frames.
    expect(stdout).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    expect(stdout).toMatch(/28 checks in [\d.]+ (ms|s): /);
    expect(stdout).toContain('No problems found');
  });

  it('keeps --json valid at a terminal: progress and the device-code prompt go to the terminal, never into the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exo-doctor-json-'));
    const file = join(dir, 'r.json');
    const { stdout } = runCliOnTerminal(['demo', '--json'], {}, false, file);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.outcome.verdict).toBe('ok');
    // The device code reached the person at the terminal, set apart, with the demo's note.
    expect(stdout).toMatch(/▌.*exo-token:.*enter the code [A-Z0-9]+.*In this demo the simulated user enters it for you/);
    // The text report redirected to a file holds no progress either.
    runCliOnTerminal(['demo'], {}, false, file);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^exo-doctor 0\.1\.0/);
    expect(text).not.toContain('\u001b[');
    expect(text).not.toContain('enter the code');
  });

  it('lets NO_COLOR, FORCE_COLOR and CI decide the demo\'s presentation too', () => {
    expect(runCli(['demo'], { FORCE_COLOR: '1' }).stdout).toContain(`${ESC}32m✔ pass`);
    expect(runCliOnTerminal(['demo'], { NO_COLOR: '1' }, true).stdout).not.toContain(ESC);
    const ci = runCliOnTerminal(['demo'], { CI: 'true', NO_COLOR: '1' });
    expect(ci.stdout).toMatch(/^✔ pass runtime \(\d+ ms\)/m);
    expect(ci.stdout).not.toContain(ESC);
  });

  it('uses plain lines under CI even on a terminal: no cursor movement', () => {
    const { stdout } = runCliOnTerminal(['--upn', 'admin@contoso.com', ...OFFLINE], { CI: 'true', NO_COLOR: '1' });
    expect(stdout).toMatch(/^✔ pass runtime \(\d+ ms\)/m);
    expect(stdout).not.toContain(ESC);
  });
});

describe('exo-doctor never echoes a secret in a command-line error', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNlY3JldA';
  it.each([
    [['demo', '--proxy', 'https://user:Secret123@127.0.0.1:8443'], 'Secret123'],
    [['demo', '--proxy', 'http://user:Sec/ret123@127.0.0.1:8443'], 'ret123'],
    [[jwt], 'c2lnbmF0dXJlLXNlY3JldA'],
    [['--client-secret', 'plainSecretValue', '--bogus'], 'plainSecretValue'],
    [['--only', 'plainSecretValue', '--client-secret', 'plainSecretValue'], 'plainSecretValue'],
  ])('%j', (args, secret) => {
    const { code, stdout, stderr } = runCli(args);
    expect(code).toBe(2);
    expect(stderr).not.toBe('');
    expect(stdout + stderr).not.toContain(secret);
  });

  it('explain removes a password given to ConvertTo-SecureString before quoting the text around its error', () => {
    const text = "$pw = ConvertTo-SecureString -AsPlainText -Force -String 'Pw!123'; AADSTS50126: Error validating credentials due to invalid username or password.";
    const plain = runCli(['explain', text]);
    const json = runCli(['explain', '--json', text]);
    for (const out of [plain, json]) {
      expect(out.code).toBe(0);
      expect(out.stdout + out.stderr).not.toContain('Pw!123');
    }
    expect(plain.stdout).toContain('AADSTS50126');
  });
});
