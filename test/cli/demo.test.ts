import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliAsync as runCli } from '../support/cli.js';
import { schemaValidator } from '../support/schema.js';

describe('exo-doctor demo', () => {
  it.concurrent('lists the scenarios by the layer where the trouble is, with the accounts each world holds', async () => {
    const { code, stdout } = await runCli(['demo', '--list']);
    expect(code).toBe(0);
    const headings = stdout.split('\n').filter((line) => /^\S/.test(line)).slice(1);
    expect(headings).toEqual(['Nothing wrong', 'The machine', 'The network', 'The tenant', 'The sign-in', 'Exchange Online', 'The account and organisation in Entra ID']);
    const machine = stdout.slice(stdout.indexOf('The machine'), stdout.indexOf('The network'));
    for (const name of ['legacy-mfa-module', 'legacy-winhttp-direct', 'module-too-new-for-powershell', 'scripts-disabled']) expect(machine).toContain(`  ${name} `);
    expect(stdout).toMatch(/ {2}healthy +Everything works/);
    expect(stdout).toContain('Signs in as meganb@contoso.com; also holds adelev@contoso.com.');
    expect(stdout).toContain('Signs in as Contoso EXO automation (app, certificate)');

    const listed = JSON.parse((await runCli(['demo', '--list', '--json'])).stdout) as { name: string; layer: string; accounts: string[] }[];
    expect(listed).toHaveLength(22);
    expect(listed.find((s) => s.name === 'legacy-mfa-module')).toMatchObject({ layer: 'machine', accounts: ['meganb@contoso.com', 'adelev@contoso.com'] });
    expect(listed.find((s) => s.name === 'powershell-disabled')?.layer).toBe('exchange');
    expect(listed.find((s) => s.name === 'per-user-mfa-off')?.layer).toBe('account');
  });

  it.concurrent('shows the seed\'s failure on the seed\'s machine, PowerShell-client rows filled in', async () => {
    const { code, stdout } = await runCli(['demo', '--scenario', 'legacy-mfa-module']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/⚠ warn +powershell-client +Windows PowerShell 5\.1\.17134\.1 is installed/);
    expect(stdout).toMatch(/✖ fail +winrm-basic +The retired MFA module/);
    const findings = stdout.slice(stdout.indexOf('Findings, worst first'));
    expect(findings).toMatch(/^Findings, worst first\n\n✖ fail module-versions:/);
    // Read as one line: the report wraps at the terminal's width.
    const text = findings.replace(/\s+/g, ' ');
    expect(text).toContain('The Exchange Online Remote PowerShell Module 16.0.2440.0 (the MFA module, Connect-EXOPSSession) is installed.');
    expect(text).toContain('Load-ExchangeMFA.ps1 hands Connect-EXOPSSession a session option that asks WinRM for the Internet Explorer proxy');
    expect(text).toContain('$ProxySetting = $null');
  });

  it.concurrent('runs the diagnosis against the simulated tenant and names it', async () => {
    const { code, stdout, stderr } = await runCli(['demo', '--scenario', 'healthy']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^Simulated tenant "healthy" on 127\.0\.0\.1:\d+: Everything works/);
    expect(stdout).toContain('simulated tenant "healthy"');
    expect(stdout).toMatch(/✔ pass +inputs +Checking account m•••@c•••\.com in O365Default\./);
  });

  it.concurrent('takes the environment the scenario’s admin uses, unless the option is given', async () => {
    const scenarioDefault = JSON.parse((await runCli(['demo', '--scenario', 'gcc-high-wrong-environment', '--json'])).stdout);
    expect(scenarioDefault.environment.exchangeEnvironment).toBe('O365Default');
    const explicit = JSON.parse((await runCli(['demo', '--scenario', 'gcc-high-wrong-environment', '--json', '--environment', 'O365USGovGCCHigh'])).stdout);
    expect(explicit.environment.exchangeEnvironment).toBe('O365USGovGCCHigh');
  });

  it.concurrent('names the injected cause of a broken tenant, with the fix and who runs it, and exits 1', async () => {
    const { code, stdout } = await runCli(['demo', '--scenario', 'powershell-disabled']);
    expect(code).toBe(1);
    const findings = stdout.slice(stdout.indexOf('Findings, worst first'));
    expect(findings).toMatch(/^Findings, worst first\n\n✖ fail exo-connection:/);
    expect(findings).toContain('EXOModuleEnabled');
    expect(findings).toMatch(/Fix \(run by another admin of the tenant\)/);
    expect(findings).toContain('Set-User -Identity <admin UPN> -EXOModuleEnabled $true');
  });

  it.concurrent('checks another account from outside with --target, signed in as a working admin', async () => {
    const { code, stdout } = await runCli(['demo', '--scenario', 'powershell-disabled', '--upn', 'adelev@contoso.com', '--target', 'meganb@contoso.com', '--show-sensitive', '--json']);
    expect(code).toBe(1);
    const doc = JSON.parse(stdout);
    const byId = Object.fromEntries(doc.checks.map((c: { id: string }) => [c.id, c]));
    expect(byId['exo-connection'].status).toBe('pass');
    expect(byId['exo-user-access']).toMatchObject({ status: 'fail', summary: expect.stringContaining('meganb@contoso.com') });
  });

  it.concurrent('signs in through the browser when asked, the simulated user completing it', async () => {
    const { code, stdout, stderr } = await runCli(['demo', '--sign-in', 'browser', '--only', 'exo-token']);
    expect(code).toBe(0);
    expect(stderr).toContain('exo-token: Sign in in the browser window that opens; exo-doctor continues when you are done.');
    expect(stdout).toMatch(/✔ pass +exo-token +Got an Exchange Online token for m•••@c•••\.com\./);
  });

  it.concurrent('never prints a token or a client secret, not even with --verbose', async () => {
    const { stdout, stderr } = await runCli(['demo', '--scenario', 'healthy', '--verbose', '--json']);
    for (const output of [stdout, stderr]) expect(output).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
    const secret = await runCli(['demo', '--scenario', 'healthy', '--app-id', '5b1c7e3a-9d2f-4e6b-8a4c-1f0d3e5b7a92', '--client-secret', 'not-the-real-secret~123', '--verbose']);
    expect(`${secret.stdout}${secret.stderr}`).not.toContain('not-the-real-secret~123');
    expect(secret.stdout).toContain('AADSTS7000215');
  });

  it.concurrent('prints one JSON document that the schema accepts, naming the simulation', async () => {
    const { code, stdout } = await runCli(['demo', '--json']);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    const validate = schemaValidator();
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.simulation).toEqual({ scenario: 'healthy', description: expect.stringContaining('Everything works') });
    // The chain the HTML report draws: every check in exactly one layer, in run order.
    expect(doc.layers.map((l: { name: string }) => l.name)).toEqual(['machine', 'network', 'tenant', 'sign-in', 'exchange', 'account']);
    expect(doc.layers.flatMap((l: { checks: string[] }) => l.checks)).toEqual(doc.checks.map((c: { id: string }) => c.id));
  });

  it.concurrent('exits 2 naming the file and the field of a malformed scenario', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exo-doctor-scenario-'));
    const file = join(dir, 'mine.json');
    writeFileSync(file, JSON.stringify({ extends: 'healthy', name: 'mine', description: 'Mine, with a typo in it.', securityDefaults: 'yes' }));
    const { code, stdout, stderr } = await runCli(['demo', '--scenario', file]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`exo-doctor: ${file}: securityDefaults: expected true or false, got "yes".\n`);
  });

  it.concurrent('exits 2 for a scenario that does not exist', async () => {
    const { code, stderr } = await runCli(['demo', '--scenario', 'healthyish']);
    expect(code).toBe(2);
    expect(stderr).toContain('There is no scenario "healthyish"; the built-in ones are: healthy,');
  });
});

describe('exo-doctor demo never gives an all-clear it did not earn', () => {
  const scenarioFile = (faults: Record<string, unknown>) => {
    const file = join(mkdtempSync(join(tmpdir(), 'exo-doctor-verdict-')), 'scenario.json');
    writeFileSync(file, JSON.stringify({ extends: 'healthy', name: 't', description: 'd', faults }));
    return file;
  };

  it.concurrent('ends "Incomplete" and exits 3 when sign-in is turned off, with the command that completes the run', async () => {
    const { code, stdout } = await runCli(['demo', '--scenario', 'powershell-disabled', '--sign-in', 'none']);
    expect(code).toBe(3);
    expect(stdout).not.toContain('No problems found');
    expect(stdout).toMatch(/^Incomplete: \d+ checks could not run/m);
    expect(stdout).toMatch(/^To complete it: .*demo --scenario powershell-disabled --upn <admin UPN> --sign-in device-code$/m);
    const doc = JSON.parse((await runCli(['demo', '--scenario', 'powershell-disabled', '--sign-in', 'none', '--json'])).stdout);
    expect(doc.outcome).toMatchObject({ verdict: 'incomplete', exitCode: 3 });
    expect(doc.unchecked.map((u: { checkId: string }) => u.checkId)).toEqual(['exo-token', 'graph-token']);
  });

  it.concurrent('turns a login host that cuts its answers short into an error, not a skip, while endpoints pass', async () => {
    const { code, stdout } = await runCli(['demo', '--scenario', scenarioFile({ 'login.microsoftonline.com': { truncated: true } }), '--json']);
    expect(code).toBe(3);
    const doc = JSON.parse(stdout);
    const byId = Object.fromEntries(doc.checks.map((c: { id: string }) => [c.id, c]));
    expect(byId['endpoints'].status).toBe('pass');
    expect(byId['tenant-discovery']).toMatchObject({ status: 'error', summary: expect.stringContaining('Could not reach login.microsoftonline.com') });
    expect(doc.outcome.verdict).toBe('incomplete');
  });

  it.concurrent("names Entra's 5xx and 429 as Microsoft's side or throttling, with the status and Retry-After", async () => {
    const failing = JSON.parse((await runCli(['demo', '--scenario', scenarioFile({ 'login.microsoftonline.com': { serverError: { status: 503 } } }), '--json'])).stdout);
    expect(failing.outcome.verdict).toBe('incomplete');
    expect(failing.unchecked[0]).toMatchObject({ checkId: 'tenant-discovery', summary: expect.stringContaining("failing on Microsoft's side: it answered HTTP 503") });
    const throttled = JSON.parse((await runCli(['demo', '--scenario', scenarioFile({ 'login.microsoftonline.com': { throttle: { retryAfterSeconds: 30 } } }), '--json'])).stdout);
    expect(throttled.unchecked[0].summary).toContain('HTTP 429 (Too Many Requests) with Retry-After 30 s');
    expect(JSON.stringify(throttled)).not.toContain('MSAL gave no reason');
  });

  it.concurrent('reads Exchange\'s own x-ms-diagnostics before blaming the account: a made-up token is a token problem', async () => {
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = { aud: 'https://outlook.office365.com', upn: 'meganb@contoso.com', scp: 'AdminApi.AccessAsUser.All', exp: Math.floor(Date.now() / 1000) + 3600, wids: ['62e90394-69f5-4237-9190-012177145e10'] };
    const token = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}.bm90LWEtc2lnbmF0dXJl`;
    const doc = JSON.parse((await runCli(['demo', '--access-token', token, '--json'])).stdout);
    expect(doc.findings[0]).toMatchObject({ checkId: 'exo-connection', cause: 'token-rejected', summary: expect.stringContaining('Token validation failed: signature') });
    expect(JSON.stringify(doc.findings)).not.toContain('PowerShell access (EXOModuleEnabled');
  });

  it.concurrent.each([
    ['no-exchange-role', 'exo-connection', ['exo-roles', 'token-claims']],
    ['exo-app-disabled', 'exo-token', ['exo-app-principal', 'sign-in-log']],
    ['app-only-no-role', 'exo-connection', ['exo-roles', 'token-claims']],
    ['powershell-disabled', 'exo-connection', ['exo-user-access']],
  ])('%s: one cause makes one finding, led by %s, the others corroborating it', async (scenario, lead, others) => {
    const doc = JSON.parse((await runCli(['demo', '--scenario', scenario, '--json'])).stdout);
    expect(doc.findings).toHaveLength(1);
    expect(doc.findings[0].checkId).toBe(lead);
    expect(doc.findings[0].corroboratedBy.map((c: { id: string }) => c.id).sort()).toEqual([...others].sort());
  });

  it.concurrent('attributes the expired device code to the federation server that did not answer, and asks only once', async () => {
    const { stdout, stderr } = await runCli(['demo', '--scenario', 'federated-idp-unreachable', '--json', '--timeout', '2s']);
    const doc = JSON.parse(stdout);
    // The person let the first code lapse: the Graph sign-in does not ask again.
    expect(stderr.match(/enter the code/g)).toHaveLength(1);
    expect(doc.checks.find((c: { id: string }) => c.id === 'graph-token')).toMatchObject({ status: 'skip', skipKind: 'blocked' });
    expect(doc.findings).toHaveLength(1);
    expect(doc.findings[0].checkId).toBe('federation');
    expect(doc.findings[0].consequences.map((c: { id: string }) => c.id)).toEqual(['exo-token']);
  }, 40_000);

  it.concurrent('concludes PowerShell access is off from the refusal when signed in as that account', async () => {
    const doc = JSON.parse((await runCli(['demo', '--scenario', 'powershell-disabled', '--json'])).stdout);
    const access = doc.checks.find((c: { id: string }) => c.id === 'exo-user-access');
    expect(access).toMatchObject({ status: 'fail', cause: 'powershell-access-off' });
  });
});

describe('exo-doctor demo waits for no one and takes no mistake for a diagnosis', () => {
  it.concurrent('refuses an account the simulated tenant does not hold at once, naming the ones it does', async () => {
    const started = Date.now();
    const { code, stdout, stderr } = await runCli(['demo', '--upn', 'ghost@contoso.com']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('has no account ghost@contoso.com');
    expect(stderr).toContain('meganb@contoso.com');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it.concurrent.each([
    [['demo', '--skip', 'bogus'], 'Unknown check "bogus"'],
    [['demo', '--only', 'runtime', '--skip', 'runtime'], '--only and --skip both name runtime'],
    [['demo', 'extra'], "too many arguments for 'demo'"],
    [['diagnose', 'extra'], "too many arguments for 'diagnose'"],
    [['demo', '--ca', tmpdir()], `--ca ${tmpdir()} is not a file this user can read`],
    [['demo', '--token-cache', tmpdir()], `--token-cache ${tmpdir()} is a folder`],
    [['demo', '--certificate', tmpdir(), '--app-id', '5b1c7e3a-9d2f-4e6b-8a4c-1f0d3e5b7a92'], `--certificate ${tmpdir()} is not a file`],
    [['explain', '--file', tmpdir()], `cannot read ${tmpdir()}`],
    [['--upn', 'a@contoso.com', '--error-file', tmpdir()], `cannot read ${tmpdir()}`],
    [['demo', '--scenario', tmpdir()], tmpdir()],
  ])('exits 2 before any work for %j', async (args, message) => {
    const { code, stdout, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).not.toContain('Simulated tenant');
    expect(stderr).not.toContain('broke');
  });

  it.concurrent('goes on when the token cache cannot be written, and says so', async () => {
    const { code, stdout, stderr } = await runCli(['demo', '--token-cache', '/proc/exo-doctor-cannot-write/cache.json', '--only', 'exo-token', '--json']);
    expect(code).toBe(0);
    expect(stderr).toContain('could not be saved');
    const exoToken = JSON.parse(stdout).checks.find((c: { id: string }) => c.id === 'exo-token');
    expect(exoToken.status).toBe('pass');
    expect(exoToken.evidence.find((e: { label: string; value: string }) => e.label === 'Token cache')?.value).toContain('could not be saved');
  });
});
