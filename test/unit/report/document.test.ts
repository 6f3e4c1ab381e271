import { describe, expect, it } from 'vitest';
import { Redactor } from '../../../src/redact.js';
import { buildDocument, type DocumentMeta, exitCodeFor } from '../../../src/report/document.js';
import { SAMPLE_UPN, sampleRun } from '../../support/sample-run.js';
import { schemaValidator } from '../../support/schema.js';

const meta: DocumentMeta = {
  version: '0.1.0',
  os: 'linux',
  osRelease: '6.1.0',
  arch: 'x64',
  node: 'v20.20.2',
  exchangeEnvironment: 'O365Default',
  upn: SAMPLE_UPN,
  failOn: 'fail',
  verbose: false,
};

describe('buildDocument', () => {
  it('produces a document that the shipped JSON Schema accepts', () => {
    const validate = schemaValidator();
    const doc = buildDocument(sampleRun(), meta, new Redactor(false));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it('masks sensitive values everywhere they appear, and secrets always', () => {
    const doc = buildDocument(sampleRun(), meta, new Redactor(false));
    const json = JSON.stringify(doc);
    expect(json).not.toContain(SAMPLE_UPN);
    expect(json).not.toContain('contoso.com');
    expect(json).not.toContain('eyJ0eXAi');
    expect(json).not.toContain('hunter2secret');
    const access = doc.checks.find((c) => c.id === 'exo-user-access');
    expect(access?.evidence[0]).toEqual({ label: 'Account', value: 'm•••@c•••.com', sensitive: true });
    // A masked command could not be pasted: it names the account by role, and --show-sensitive prints it whole.
    expect(access?.remediation[0]?.commands[0]).toBe('Set-User -Identity <admin UPN> -EXOModuleEnabled $true');
    expect(doc.environment.upn).toBe('m•••@c•••.com');
  });

  it('shows sensitive values with --show-sensitive, but still never a secret', () => {
    const doc = buildDocument(sampleRun(), meta, new Redactor(true));
    const json = JSON.stringify(doc);
    expect(json).toContain(SAMPLE_UPN);
    expect(json).not.toContain('eyJ0eXAi');
    expect(json).not.toContain('hunter2secret');
    expect(doc.outcome.sensitiveShown).toBe(true);
  });

  it('keeps error details for --verbose only', () => {
    expect(buildDocument(sampleRun(), meta, new Redactor(false)).checks[4]).not.toHaveProperty('detail');
    expect(buildDocument(sampleRun(), { ...meta, verbose: true }, new Redactor(false)).checks[4]?.detail).toContain('at probe');
  });

  it('counts statuses and records blockedBy as null when nothing blocked', () => {
    const doc = buildDocument(sampleRun(), meta, new Redactor(false));
    expect(doc.outcome.counts).toEqual({ pass: 1, warn: 1, fail: 1, skip: 1, error: 1 });
    expect(doc.checks.map((c) => c.blockedBy)).toEqual([null, null, null, 'exo-user-access', null]);
  });
});

describe('exitCodeFor', () => {
  const run = (statuses: string[], interrupted = false) =>
    ({ interrupted, checks: statuses.map((status) => ({ status })) }) as unknown as Parameters<typeof exitCodeFor>[0];

  it('is 0 with only passes, skips and warnings', () => expect(exitCodeFor(run(['pass', 'skip', 'warn']), 'fail')).toBe(0));
  it('is 1 when a check failed, even if another could not run', () => expect(exitCodeFor(run(['fail', 'error']), 'fail')).toBe(1));
  it('is 1 for warnings with --fail-on warn', () => expect(exitCodeFor(run(['warn']), 'warn')).toBe(1));
  it('is 3 when a check could not run and none failed', () => expect(exitCodeFor(run(['pass', 'error']), 'fail')).toBe(3));
  it('is 130 when interrupted without a failure', () => expect(exitCodeFor(run(['pass', 'skip'], true), 'fail')).toBe(130));
});
