import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { schemaValidator } from '../support/schema.js';

const MFA = "Connect-ExchangeOnline : AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000002-0000-0ff1-ce00-000000000000'.";

describe('exo-doctor explain', () => {
  it('explains text given as arguments: signals, ranked causes, the fix and the confirming run', () => {
    const { code, stdout } = runCli(['explain', MFA]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Signals {2}AADSTS50076 · Connect-ExchangeOnline\n/);
    expect(stdout).toContain('1. AADSTS50076 UserStrongAuthClientAuthNRequired');
    expect(stdout).toContain('[mfa_required, high confidence]');
    expect(stdout).toContain('Confirm: exo-doctor --upn <admin UPN> --only mfa-state,exo-token');
  });

  it('reads a file, or standard input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exo-doctor-explain-'));
    const file = join(dir, 'error.txt');
    writeFileSync(file, 'The remote server returned an error: (407) Proxy Authentication Required.\r\n');
    expect(runCli(['explain', '--file', file]).stdout).toContain('The proxy asks for credentials (407 Proxy Authentication Required)');
    expect(runCli(['explain'], {}, 'New-ExoPSSession : Create Powershell Session is failed using OAuth\n').stdout).toContain('WinRM Basic authentication is switched off');
  });

  it('prints one JSON document with the fixed categories', () => {
    const { code, stdout } = runCli(['explain', '--json', MFA]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({ recognised: true, signals: { aadsts: [50076] } });
    expect(doc.causes[0]).toMatchObject({ category: 'mfa_required', confidence: 'high', checks: ['mfa-state', 'exo-token'] });
    // Up to three readings, each of its own category.
    expect(doc.causes.length).toBeLessThanOrEqual(3);
    expect(new Set(doc.causes.map((c: { category: string }) => c.category)).size).toBe(doc.causes.length);
    expect(doc.causes[0].fix.commands.length).toBeGreaterThan(0);
  });

  it('says "not recognised" honestly, with what to collect', () => {
    const { code, stdout } = runCli(['explain', 'the printer is out of paper']);
    expect(code).toBe(0);
    expect(stdout).toContain('Not recognised: the text names no error the doctor knows');
    expect(stdout).toContain('$Error[0] | Format-List * -Force');
  });

  it('refuses empty and binary input with exit 2 and a next step', () => {
    const empty = runCli(['explain'], {}, '  \n');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('no error text to explain');
    const binary = runCli(['explain'], {}, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0]));
    expect(binary.code).toBe(2);
    expect(binary.stderr).toContain('does not look like text');
    expect(runCli(['explain', '--file', '/nonexistent/error.txt']).code).toBe(2);
  });

  it('handles a 10 MB transcript full of secrets without echoing one', () => {
    const jwt = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL291dGxvb2sub2ZmaWNlMzY1LmNvbSJ9.c2lnbmF0dXJlX29mX3RoZV90b2tlbg';
    const noise = `VERBOSE: Authorization: Bearer ${jwt} password=Hunter2!\n`.repeat(60_000);
    const text = `${noise}Connect-ExchangeOnline : AADSTS50126: Error validating credentials due to invalid username or password. password=Hunter2!\n${noise}`;
    expect(text.length).toBeGreaterThan(10_000_000);
    const { code, stdout } = runCli(['explain', '--json'], {}, text);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).causes[0].category).toBe('wrong_password');
    expect(stdout).not.toContain('Hunter2!');
    expect(stdout).not.toContain('eyJ0eXAi');
  });
});

describe('exo-doctor --error', () => {
  it('says, for each cause of the pasted error, whether the checks confirmed it or ruled it out', () => {
    const { stdout } = runCli(['demo', '--scenario', 'mfa-required-not-registered', '--error', "AADSTS50079: Due to a configuration change made by your administrator, you must enroll in multi-factor authentication"]);
    expect(stdout).toMatch(/Your error {2}AADSTS50079\n {2}1\. ✖ confirmed {3}AADSTS50079 UserStrongAuthEnrollmentRequired/);
    expect(stdout).toContain('confirmed by exo-token');
  });

  it('puts the analysis in the JSON report, which the schema accepts', () => {
    const { stdout } = runCli(['demo', '--json', '--error', 'New-ExoPSSession : Create Powershell Session is failed using OAuth']);
    const doc = JSON.parse(stdout);
    const validate = schemaValidator();
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    const access = doc.errorAnalysis.causes.find((c: { category: string }) => c.category === 'powershell_access_disabled');
    expect(access).toMatchObject({ verdict: 'ruled-out', by: ['exo-connection', 'exo-user-access'] });
  });

  it('refuses an unreadable --error-file with exit 2', () => {
    const { code, stderr } = runCli(['demo', '--error-file', '/nonexistent/error.txt']);
    expect(code).toBe(2);
    expect(stderr).toContain('cannot read /nonexistent/error.txt');
  });
});
