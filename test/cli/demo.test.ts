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
