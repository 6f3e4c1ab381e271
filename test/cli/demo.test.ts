import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { schemaValidator } from '../support/schema.js';

describe('exo-doctor demo', () => {
  it('lists the scenarios, one line each', () => {
    const { code, stdout } = runCli(['demo', '--list']);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(14);
    expect(lines[0]).toMatch(/^healthy +Everything works/);
  });

  it('runs the diagnosis against the simulated tenant and names it', () => {
    const { code, stdout, stderr } = runCli(['demo', '--scenario', 'healthy']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^Simulated tenant "healthy" on 127\.0\.0\.1:\d+: Everything works/);
    expect(stdout).toContain('simulated tenant "healthy"');
    expect(stdout).toMatch(/✔ pass +inputs +Checking account m•••@c•••\.com in O365Default\./);
  });

  it('takes the environment the scenario’s admin uses, unless the option is given', () => {
    const scenarioDefault = JSON.parse(runCli(['demo', '--scenario', 'gcc-high-wrong-environment', '--json']).stdout);
    expect(scenarioDefault.environment.exchangeEnvironment).toBe('O365Default');
    const explicit = JSON.parse(runCli(['demo', '--scenario', 'gcc-high-wrong-environment', '--json', '--environment', 'O365USGovGCCHigh']).stdout);
    expect(explicit.environment.exchangeEnvironment).toBe('O365USGovGCCHigh');
  });

  it('names the injected cause of a broken tenant, with the fix and who runs it, and exits 1', () => {
    const { code, stdout } = runCli(['demo', '--scenario', 'powershell-disabled']);
    expect(code).toBe(1);
    const findings = stdout.slice(stdout.indexOf('Findings, worst first'));
    expect(findings).toMatch(/^Findings, worst first\n\n✖ fail exo-connection:/);
    expect(findings).toContain('EXOModuleEnabled');
    expect(findings).toMatch(/Fix \(run by another admin of the tenant\)/);
    expect(findings).toContain('Set-User -Identity <admin UPN> -EXOModuleEnabled $true');
  });

  it('checks another account from outside with --target, signed in as a working admin', () => {
    const { code, stdout } = runCli(['demo', '--scenario', 'powershell-disabled', '--upn', 'adelev@contoso.com', '--target', 'meganb@contoso.com', '--show-sensitive', '--json']);
    expect(code).toBe(1);
    const doc = JSON.parse(stdout);
    const byId = Object.fromEntries(doc.checks.map((c: { id: string }) => [c.id, c]));
    expect(byId['exo-connection'].status).toBe('pass');
    expect(byId['exo-user-access']).toMatchObject({ status: 'fail', summary: expect.stringContaining('meganb@contoso.com') });
  });

  it('signs in through the browser when asked, the simulated user completing it', () => {
    const { code, stdout, stderr } = runCli(['demo', '--sign-in', 'browser', '--only', 'exo-token']);
    expect(code).toBe(0);
    expect(stderr).toContain('exo-token: Sign in in the browser window that opens; exo-doctor continues when you are done.');
    expect(stdout).toMatch(/✔ pass +exo-token +Got an Exchange Online token for m•••@c•••\.com\./);
  });

  it('never prints a token or a client secret, not even with --verbose', () => {
    const { stdout, stderr } = runCli(['demo', '--scenario', 'healthy', '--verbose', '--json']);
    for (const output of [stdout, stderr]) expect(output).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
    const secret = runCli(['demo', '--scenario', 'healthy', '--app-id', '5b1c7e3a-9d2f-4e6b-8a4c-1f0d3e5b7a92', '--client-secret', 'not-the-real-secret~123', '--verbose']);
    expect(`${secret.stdout}${secret.stderr}`).not.toContain('not-the-real-secret~123');
    expect(secret.stdout).toContain('AADSTS7000215');
  });

  it('prints one JSON document that the schema accepts, naming the simulation', () => {
    const { code, stdout } = runCli(['demo', '--json']);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    const validate = schemaValidator();
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.simulation).toEqual({ scenario: 'healthy', description: expect.stringContaining('Everything works') });
  });

  it('exits 2 naming the file and the field of a malformed scenario', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exo-doctor-scenario-'));
    const file = join(dir, 'mine.json');
    writeFileSync(file, JSON.stringify({ extends: 'healthy', name: 'mine', description: 'Mine, with a typo in it.', securityDefaults: 'yes' }));
    const { code, stdout, stderr } = runCli(['demo', '--scenario', file]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`exo-doctor: ${file}: securityDefaults: expected true or false, got "yes".\n`);
  });

  it('exits 2 for a scenario that does not exist', () => {
    const { code, stderr } = runCli(['demo', '--scenario', 'healthyish']);
    expect(code).toBe(2);
    expect(stderr).toContain('There is no scenario "healthyish"; the built-in ones are: healthy,');
  });
});
