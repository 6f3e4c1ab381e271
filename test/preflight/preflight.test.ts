// Pre-flight as a team runs it before a rollout: the built CLI against the simulated tenant, with a
// generated tenant holding accounts in every per-account state, named after their state, so that each
// row's verdict is known from its name alone.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_STATES, type AccountState } from '../../src/sim/generated-users.js';
import { runCliAsync as runCli, startCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'exo-doctor-preflight-'));
let files = 0;
const file = (name: string) => join(dir, `${++files}-${name}`);

/** What the pre-flight must say of an account in each state: its verdict and the check that decides. */
const EXPECTED: Readonly<Record<AccountState, { verdict: string; check: string }>> = {
  ready: { verdict: 'ready', check: '' },
  'powershell-off': { verdict: 'not-ready', check: 'exo-user-access' },
  'no-exchange-role': { verdict: 'not-ready', check: 'exo-roles' },
  'mfa-not-registered': { verdict: 'not-ready', check: 'mfa-state' },
  'per-user-mfa-off': { verdict: 'ready-with-warnings', check: 'mfa-state' },
  disabled: { verdict: 'not-ready', check: 'account-state' },
  'not-assigned': { verdict: 'not-ready', check: 'exo-app-principal' },
  guest: { verdict: 'ready-with-warnings', check: 'account-state' },
};

/** A scenario file: the rollout tenant with `count` generated accounts, and these faults. */
function scenario(count: number, faults: object = {}): string {
  const path = file('scenario.json');
  writeFileSync(path, JSON.stringify({ extends: 'rollout', name: 'rollout-generated', description: `${count} generated accounts`, generatedUsers: { count }, faults }));
  return path;
}

/** The generated accounts as a CSV, with a column of its own that must come through unchanged. */
function accounts(count: number, extraLines: readonly string[] = [], lastLines: readonly string[] = []): { path: string; upns: string[] } {
  const upns: string[] = [];
  const lines = ['UserPrincipalName,Expected'];
  for (let i = 0; i < count; i++) {
    const state = ACCOUNT_STATES[i % ACCOUNT_STATES.length] as AccountState;
    const n = String(i + 1).padStart(4, '0');
    const upn = state === 'guest' ? `guest-${n}_fabrikam.example#EXT#@contoso.onmicrosoft.com` : `${state}-${n}@contoso.com`;
    upns.push(upn);
    lines.push(`${upn},${state}`);
    if (i === Math.floor(count / 2)) lines.push(...extraLines);
  }
  lines.push(...lastLines);
  const path = file('accounts.csv');
  writeFileSync(path, `${lines.join('\r\n')}\r\n`);
  return { path, upns };
}

type Row = Record<string, string>;
const readResults = (path: string): Row[] => parse(readFileSync(path), { columns: true, bom: true }) as Row[];

/** Every generated row has exactly the verdict and deciding check its state calls for. */
function expectVerdicts(rows: readonly Row[]): void {
  const wrong = rows
    .filter((row) => row['Expected'] && row['Expected'] in EXPECTED)
    .filter((row) => {
      const want = EXPECTED[row['Expected'] as AccountState];
      return row['PreflightVerdict'] !== want.verdict || row['PreflightCheck'] !== want.check;
    })
    .map((row) => `${row['UserPrincipalName']}: ${row['PreflightVerdict']} ${row['PreflightCheck']} (${row['PreflightFinding']})`);
  expect(wrong).toEqual([]);
}

// Each test runs the CLI on tens or hundreds of accounts, one test at a time so that the file does not
// load the machine for the other files' tests; a loaded machine takes a while (no timing is asserted).
describe('exo-doctor preflight', { timeout: 120_000 }, () => {
  it('gives each of 200 accounts exactly the verdict its state calls for, with the finding and the fix', async () => {
    const { path, upns } = accounts(200);
    const out = file('results.csv');
    const { code, stdout, stderr } = await runCli(['demo', '--scenario', scenario(200), 'preflight', '--users', path, '-o', out, '--concurrency', '16'], {}, '', 110_000);
    expect(stderr).toContain('Checking the tenant once');
    expect(code).toBe(1);
    const rows = readResults(out);
    expect(rows.map((r) => r['UserPrincipalName'])).toEqual(upns);
    expectVerdicts(rows);
    // Not-ready rows carry what blocks them, the fix and who runs it; the fix names the account.
    for (const row of rows.filter((r) => r['PreflightVerdict'] === 'not-ready')) {
      expect(row['PreflightFinding']).not.toBe('');
      expect(row['PreflightFix']).not.toBe('');
      expect(['you', 'another admin of the tenant', 'the network team']).toContain(row['PreflightFixRunBy']);
    }
    expect(rows.find((r) => r['Expected'] === 'powershell-off')?.['PreflightFix']).toContain('Set-User -Identity powershell-off-0002@contoso.com -EXOModuleEnabled $true');
    expect(stdout).toMatch(/✔ ready\s*│\s*25 │/);
    expect(stdout).toMatch(/✖ not ready\s*│\s*125 │/);
  });

  it('keeps to the limit Graph states and waits out Exchange\'s refusals, with the same verdicts, and says so', async () => {
    const { path } = accounts(24);
    const out = file('results.csv');
    const faults = { 'graph.microsoft.com': { rateLimit: { requestsPerSecond: 25 } }, 'outlook.office365.com': { throttle: { retryAfterSeconds: 1, first: 6 } } };
    const { code, stdout } = await runCli(['demo', '--scenario', scenario(24, faults), 'preflight', '--users', path, '-o', out, '--json']);
    expect(code).toBe(1);
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const summary = (lines.at(-1) as { summary: { throttled: { host: string; limit?: number; refusals: number }[]; verdicts: Record<string, number> } }).summary;
    // The run learned Graph's limit from its answers and kept to it; Exchange's refusals were waited out.
    expect(summary.throttled).toEqual(
      expect.arrayContaining([expect.objectContaining({ host: 'graph.microsoft.com', limit: 25 }), expect.objectContaining({ host: 'outlook.office365.com', refusals: expect.any(Number) })]),
    );
    // Exchange's first answers were 429s (one of them to the endpoints probe, which does not retry).
    expect(summary.throttled.find((t) => t.host === 'outlook.office365.com')?.refusals).toBeGreaterThanOrEqual(5);
    expect(summary.verdicts['unknown']).toBe(0);
    expectVerdicts(readResults(out));
    expect(lines.slice(0, -1)).toHaveLength(24);
  });

  it('reports bad rows one by one and checks the rest', async () => {
    const { path, upns } = accounts(16, [
      ',an empty UserPrincipalName',
      'Alex Wilber,a display name',
      'ready-0001@contoso.com,a duplicate',
      '"stray"quote@contoso.com,a quote in the middle of a value',
    ], ['"not-closed@contoso.com,a quote that never closes', 'ready-0099@contoso.com,swallowed by it']);
    const out = file('results.csv');
    const { code, stdout } = await runCli(['demo', '--scenario', scenario(16), 'preflight', '--users', path, '-o', out]);
    expect(code).toBe(1);
    const rows = readResults(out);
    const invalid = rows.filter((r) => r['PreflightVerdict'] === 'invalid').map((r) => r['PreflightFinding']);
    expect(invalid).toEqual(expect.arrayContaining(['the UserPrincipalName is empty', 'Alex Wilber: it contains a space', 'a duplicate of line 2']));
    expect(invalid).toContain('"stray"quote@contoso.com: the part before the @ contains characters a UPN cannot have: "');
    expect(invalid.find((reason) => reason?.startsWith('a quote opened after line'))).toMatch(/never closed, so the rest of the file \(to line \d+\) is one broken row/);
    // Every generated account still got its verdict.
    expect(rows.filter((r) => upns.includes(r['UserPrincipalName'] ?? '') && r['PreflightVerdict'] !== 'invalid')).toHaveLength(16);
    expectVerdicts(rows.filter((r) => r['PreflightVerdict'] !== 'invalid'));
    expect(stdout).toContain('not an account');
  });

  it('continues a killed run with --resume: every account once, in input order', async () => {
    const count = 40;
    const { path, upns } = accounts(count);
    const out = file('results.csv');
    // Slow enough that the run is still going when it is killed.
    const world = scenario(count, { 'graph.microsoft.com': { latencyMs: 40 } });
    const args = ['demo', '--scenario', world, 'preflight', '--users', path, '-o', out, '--concurrency', '2'];
    const child = startCli(args);
    const exited = new Promise((resolve) => child.on('close', resolve));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const written = statSync(out, { throwIfNoEntry: false })?.size ?? 0;
      if (written > 0 && readFileSync(out, 'utf8').split('\n').length > 6) break;
      await sleep(50);
    }
    child.kill('SIGKILL');
    await exited;
    const before = readResults(out).length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(count);
    // A kill in the middle of a write leaves half a line: the run that continues must not keep it.
    writeFileSync(out, `${readFileSync(out, 'utf8')}ready-9999@contoso.com,rea`, { flag: 'w' });

    const { code, stdout } = await runCli([...args, '--resume']);
    expect(code).toBe(1);
    const rows = readResults(out);
    expect(rows.map((r) => r['UserPrincipalName'])).toEqual(upns);
    expectVerdicts(rows);
    expect(stdout).toContain(`Pre-flight of ${count} accounts (${before} from the run it continues)`);
  });

  it('refuses to continue an output written from another input, and to overwrite one', async () => {
    const first = accounts(8);
    const out = file('results.csv');
    const world = scenario(8);
    expect((await runCli(['demo', '--scenario', world, 'preflight', '--users', first.path, '-o', out])).code).toBe(1);
    const again = await runCli(['demo', '--scenario', world, 'preflight', '--users', first.path, '-o', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists. Give --resume');
    const other = file('other.csv');
    writeFileSync(other, 'UserPrincipalName\nready-0009@contoso.com\n');
    const wrong = await runCli(['demo', '--scenario', world, 'preflight', '--users', other, '-o', out, '--resume']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('was not written from');
  });

  it('is a usage error without a UserPrincipalName column, without --users, or with both inputs', async () => {
    const noColumn = file('no-column.csv');
    writeFileSync(noColumn, 'Mail,Name\na@contoso.com,A\n');
    const cases = [
      { args: ['--users', noColumn], says: 'has no UserPrincipalName column (its columns: Mail, Name)' },
      { args: [], says: 'Give the accounts to check with --users FILE' },
      { args: ['--users', noColumn, '--tenants', noColumn], says: 'not both' },
      { args: ['--users', join(dir, 'missing.csv')], says: 'is not a file this user can read' },
      { args: ['--users', noColumn, '--concurrency', '0'], says: 'out of range' },
    ];
    for (const { args, says } of cases) {
      const { code, stderr } = await runCli(['demo', '--scenario', 'rollout', 'preflight', ...args]);
      expect({ code, stderr }).toMatchObject({ code: 2, stderr: expect.stringContaining(says) });
    }
  });

  it('checks each tenant of a partner with its own app (--tenants)', async () => {
    const out = file('tenants.csv');
    const { code, stdout } = await runCli(['demo', '--scenario', 'rollout', 'preflight', '--tenants', 'fixtures/preflight/partner-tenants.csv', '-o', out]);
    expect(code).toBe(1);
    const rows = readResults(out);
    expect(rows.map((r) => [r['Customer'], r['PreflightVerdict'], r['PreflightCheck']])).toEqual([
      ['Contoso', 'ready', ''],
      ['Contoso onboarding', 'not-ready', 'exo-connection'],
      ['Fabrikam', 'not-ready', 'tenant-discovery'],
      ['Northwind', 'invalid', ''],
    ]);
    expect(rows[1]?.['PreflightFinding']).toContain('none of the Entra roles Exchange accepts for app-only sign-in');
    expect(stdout).toContain('Pre-flight of 4 tenants');
    expect(stdout).toContain('not a tenant row');
  });

  it('runs the sample of the README: a mixed verdict table in one command', async () => {
    const { code, stdout } = await runCli(['demo', '--scenario', 'rollout', 'preflight', '--users', 'fixtures/preflight/rollout-users.csv']);
    expect(code).toBe(1);
    for (const label of ['✔ ready', '⚠ ready, with a warning', '✖ not ready', '✖ not an account']) expect(stdout).toContain(label);
    expect(stdout).toContain('Why, most common first');
  });
});
