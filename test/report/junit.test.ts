// The JUnit XML report: built from real runs of the built-in scenarios, held to the document's counts and
// statuses, and validated with xmllint against fixtures/junit/junit.xsd (the common JUnit format, with its
// sources named at its top). xmllint is Debian's libxml2-utils; without it the schema tests skip, and fail
// under CI.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/redact.js';
import { buildDocument, type ReportCheck, type ReportDocument } from '../../src/report/document.js';
import { renderJunit } from '../../src/report/junit.js';
import { ACTOR_LABEL } from '../../src/result.js';
import { reportOf } from '../support/report-docs.js';
import { sampleRun } from '../support/sample-run.js';

const XSD = fileURLToPath(new URL('../../fixtures/junit/junit.xsd', import.meta.url));
/** Each xmllint call gets this long; a hang fails the test rather than the run. */
const XMLLINT_LIMIT_MS = 15_000;
const SCENARIOS = ['healthy', 'legacy-mfa-module', 'app-only-no-role', 'federated-idp-unreachable', 'gcc-high-wrong-environment'];

/** Why xmllint cannot run here, or undefined. */
function xmllintMissing(): string | undefined {
  const run = spawnSync('xmllint', ['--version'], { encoding: 'utf8', timeout: XMLLINT_LIMIT_MS });
  if (run.error) return `xmllint cannot run (${run.error.message}): install Debian's libxml2-utils`;
  return run.status === 0 ? undefined : `xmllint --version exited with ${run.status}: ${run.stderr}`;
}
const noXmllint = xmllintMissing();
const inCI = process.env['CI'] !== undefined;
if (noXmllint !== undefined && !inCI) console.warn(`Skipping the JUnit schema tests: ${noXmllint}`);

function xmllint(args: readonly string[], input: string): { status: number | null; stdout: string; stderr: string } {
  if (noXmllint !== undefined) throw new Error(`The JUnit schema tests cannot run: ${noXmllint}`);
  const run = spawnSync('xmllint', ['--nonet', ...args], { input, encoding: 'utf8', timeout: XMLLINT_LIMIT_MS });
  if (run.error) throw run.error;
  return run;
}

function validate(xml: string): { valid: boolean; messages: string } {
  const run = xmllint(['--noout', '--schema', XSD, '-'], xml);
  return { valid: run.status === 0, messages: run.stderr };
}

/** The string value of an XPath expression, as a real XML parser reads the document. */
function xpath(xml: string, expression: string): string {
  const run = xmllint(['--xpath', `string(${expression})`, '-'], xml);
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.replace(/\n$/, '');
}

// The renderer's own output is regular enough to read with patterns; the schema tests use a real parser.
const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"' };
const decode = (text: string) => text.replace(/&(?:(lt|gt|amp|quot)|#(\d+));/g, (_m, name: string | undefined, code: string | undefined) => (code ? String.fromCharCode(Number(code)) : ENTITIES[name as string] ?? ''));

interface Element {
  readonly attrs: Readonly<Record<string, string>>;
  readonly body: string;
}

function elements(xml: string, name: string): Element[] {
  const pattern = new RegExp(`<${name}((?:\\s+[\\w-]+="[^"]*")*)\\s*(?:/>|>([\\s\\S]*?)</${name}>)`, 'g');
  return [...xml.matchAll(pattern)].map((m) => ({
    attrs: Object.fromEntries([...(m[1] ?? '').matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1] as string, decode(a[2] as string)])),
    body: m[2] ?? '',
  }));
}

function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

function testcaseOf(xml: string, check: ReportCheck): Element {
  return only(elements(xml, 'testcase').filter((c) => c.attrs['name'] === `${check.id}: ${check.title}`));
}

function checkOf(doc: ReportDocument, id: string): ReportCheck {
  const check = doc.checks.find((c) => c.id === id);
  if (!check) throw new Error(`${id} is not in the document`);
  return check;
}

const countsOf = (checks: readonly ReportCheck[]) => ({
  tests: String(checks.length),
  failures: String(checks.filter((c) => c.status === 'fail').length),
  errors: String(checks.filter((c) => c.status === 'error').length),
  skipped: String(checks.filter((c) => c.status === 'skip').length),
});

/** The sample run of the renderer tests: one check of each status, one of them an error, no layers. */
function sampleDocument(): ReportDocument {
  const meta = { version: '0.1.0', os: 'linux', osRelease: '6.1.0', arch: 'x64', node: 'v20.20.2', exchangeEnvironment: 'O365Default', failOn: 'fail' as const, verbose: false };
  return buildDocument(sampleRun(), meta, new Redactor(false));
}

/** Text with every character XML makes hard: markup, quotes, a CDATA end, control characters. */
const NASTY = 'a < b & "c" \'d\' ]]> e\u0001f \u001b[31mred\u001b[0m \uFFFE\uD800 end\nsecond\tline\r';
/** What a parser must read back: the forbidden characters written as their code. */
const NASTY_READ = 'a < b & "c" \'d\' ]]> e\\u0001f \\u001B[31mred\\u001B[0m \\uFFFE\\uD800 end\nsecond\tline\r';

function nastyDocument(doc: ReportDocument, id: string): ReportDocument {
  const checks = doc.checks.map((c) =>
    c.id === id
      ? {
          ...c,
          title: 'Title with <markup> & "quotes"',
          summary: NASTY,
          evidence: [{ label: 'Raw <value>', value: NASTY, sensitive: false }],
          remediation: c.remediation.map((step) => ({ ...step, commands: [...step.commands, `Write-Host "${NASTY}"`] })),
        }
      : c,
  );
  return { ...doc, checks };
}

describe('renderJunit', () => {
  it.each(SCENARIOS)('counts every check once, in the suite of its layer, as the document does (%s)', async (name) => {
    const doc = await reportOf(name);
    const xml = renderJunit(doc);
    const root = only(elements(xml, 'testsuites'));
    expect(root.attrs).toMatchObject({ name: 'exo-doctor', ...countsOf(doc.checks), time: (doc.durationMs / 1000).toFixed(3) });
    expect(root.attrs).toMatchObject({
      tests: String(doc.checks.length),
      failures: String(doc.outcome.counts.fail),
      errors: String(doc.outcome.counts.error),
      skipped: String(doc.outcome.counts.skip),
    });
    // Ant's form: to the second, in UTC, no zone; the exact instant is a property.
    expect(root.attrs['timestamp']).toBe(doc.startedAt.slice(0, 19));

    const suites = elements(xml, 'testsuite');
    expect(suites.map((s) => s.attrs['name'])).toEqual(doc.layers.map((layer) => `exo-doctor.${layer.name}`));
    doc.layers.forEach((layer, i) => {
      const suite = suites[i] as Element;
      const checks = layer.checks.map((id) => checkOf(doc, id));
      expect(suite.attrs).toMatchObject(countsOf(checks));
      const cases = elements(suite.body, 'testcase');
      expect(cases.map((c) => c.attrs['name'])).toEqual(checks.map((c) => `${c.id}: ${c.title}`));
      expect(cases.map((c) => c.attrs['classname'])).toEqual(checks.map(() => `exo-doctor.${layer.name}`));
      expect(cases.map((c) => c.attrs['time'])).toEqual(checks.map((c) => (c.durationMs / 1000).toFixed(3)));
      const properties = Object.fromEntries(elements(suite.body, 'property').map((p) => [p.attrs['name'], p.attrs['value']]));
      expect(properties).toMatchObject({
        'exo-doctor.version': doc.tool.version,
        'exo-doctor.exchange-environment': doc.environment.exchangeEnvironment,
        'exo-doctor.verdict': doc.outcome.verdict,
        'exo-doctor.exit-code': String(doc.outcome.exitCode),
        'exo-doctor.started-at': doc.startedAt,
        'exo-doctor.layer': layer.title,
      });
    });
    expect(elements(xml, 'testcase')).toHaveLength(doc.checks.length);
  });

  it('gives a failing check its summary as the message, and its fixes and evidence as the text', async () => {
    const doc = await reportOf('legacy-mfa-module');
    const xml = renderJunit(doc);
    for (const check of doc.checks.filter((c) => c.status === 'fail')) {
      const failure = only(elements(testcaseOf(xml, check).body, 'failure'));
      expect(failure.attrs).toEqual({ message: check.summary, type: check.cause ?? 'fail' });
      const text = decode(failure.body);
      for (const step of check.remediation) {
        expect(text).toContain(`(run by ${ACTOR_LABEL[step.runBy]}): ${step.summary}`);
        for (const command of step.commands) expect(text).toContain(`\n    ${command}\n`);
        for (const link of step.links) expect(text).toContain(`See ${link}`);
      }
      for (const item of check.evidence) expect(text).toContain(`${item.label}: ${item.value}`);
    }
    // The seed's failure: the retired MFA module, with the command that installs the current one.
    const modules = decode(only(elements(testcaseOf(xml, checkOf(doc, 'module-versions')).body, 'failure')).body);
    expect(modules).toContain('Install-Module -Name ExchangeOnlineManagement -Scope CurrentUser');
  });

  it('reports a warning as a passed test, its summary and fixes in the test\'s system-out', async () => {
    const doc = await reportOf('legacy-mfa-module');
    const xml = renderJunit(doc);
    const warned = doc.checks.filter((c) => c.status === 'warn');
    expect(warned.length).toBeGreaterThan(0);
    for (const check of warned) {
      const body = testcaseOf(xml, check).body;
      expect(elements(body, 'failure').concat(elements(body, 'error'), elements(body, 'skipped'))).toEqual([]);
      const out = decode(only(elements(body, 'system-out')).body);
      expect(out.startsWith(`Warning: ${check.summary}\n`)).toBe(true);
      expect(out).toContain(check.remediation[0]?.summary);
    }
  });

  it('reports a skipped check with why: not applicable, blocked by a check, or not checked and what would check it', async () => {
    const doc = await reportOf('app-only-no-role');
    const xml = renderJunit(doc);
    const skipped = (id: string) => only(elements(testcaseOf(xml, checkOf(doc, id)).body, 'skipped'));
    const blocked = checkOf(doc, 'org-oauth2-client-profile');
    expect(blocked.blockedBy).toBe('exo-connection');
    expect(skipped(blocked.id).attrs['message']).toBe(`Blocked by exo-connection: ${blocked.summary}`);
    expect(skipped('mfa-state').attrs['message']).toBe(`Not applicable: ${checkOf(doc, 'mfa-state').summary}`);
    const unchecked = checkOf(doc, 'exo-app-principal');
    expect(unchecked.skipKind).toBe('not-checked');
    const reason = skipped(unchecked.id);
    expect(reason.attrs['message']).toBe(`Not checked: ${unchecked.summary}`);
    expect(decode(reason.body)).toContain(unchecked.remediation[0]?.summary);
  });

  it('reports a check that could not run as an error, without what the document removed', () => {
    const doc = sampleDocument();
    const xml = renderJunit(doc);
    const check = checkOf(doc, 'proxy-health');
    const error = only(elements(testcaseOf(xml, check).body, 'error'));
    expect(error.attrs).toEqual({ message: check.summary, type: 'check-error' });
    expect(decode(error.body)).toContain('exo-doctor --only proxy-health --timeout 30000');
    expect(xml).not.toContain('hunter2secret');
    // Without layers, every check is in one suite; the error counts there and in the total.
    const suite = only(elements(xml, 'testsuite'));
    expect(suite.attrs).toMatchObject({ name: 'exo-doctor.checks', tests: '5', failures: '1', errors: '1', skipped: '1' });
    expect(only(elements(xml, 'testsuites')).attrs).toMatchObject({ tests: '5', failures: '1', errors: '1', skipped: '1' });
  });

  it('escapes markup and quotes, and writes the characters XML 1.0 forbids as their code', async () => {
    const doc = nastyDocument(await reportOf('legacy-mfa-module'), 'module-versions');
    const xml = renderJunit(doc);
    // eslint-disable-next-line no-control-regex -- the characters XML 1.0 does not allow
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/);
    expect(xml).not.toContain(']]>');
    expect(xml).toContain('a &lt; b &amp; &quot;c&quot; \'d\' ]]&gt; e\\u0001f \\u001B[31mred');
    const failure = only(elements(xml, 'failure').filter((f) => f.attrs['message']?.startsWith('a < b')));
    expect(failure.attrs['message']).toBe(NASTY_READ);
  });
});

// Under CI nothing skips: without xmllint these tests fail, saying why.
describe.skipIf(noXmllint !== undefined && !inCI)('renderJunit against the JUnit schema (xmllint)', () => {
  it.each(SCENARIOS)('validates %s', async (name) => {
    const result = validate(renderJunit(await reportOf(name)));
    expect(result.messages).toContain('- validates');
    expect(result.valid).toBe(true);
  });

  it('validates a run with an error, without layers', () => {
    expect(validate(renderJunit(sampleDocument()))).toMatchObject({ valid: true });
  });

  it('validates text that needs escaping, and a parser reads it back as it was', async () => {
    const xml = renderJunit(nastyDocument(await reportOf('legacy-mfa-module'), 'module-versions'));
    expect(validate(xml)).toMatchObject({ valid: true });
    const testcase = '//testcase[@classname="exo-doctor.machine"][starts-with(@name, "module-versions: ")]';
    expect(xpath(xml, `${testcase}/@name`)).toBe('module-versions: Title with <markup> & "quotes"');
    expect(xpath(xml, `${testcase}/failure/@message`)).toBe(NASTY_READ);
    const text = xpath(xml, `${testcase}/failure`);
    expect(text).toContain(`    Write-Host "${NASTY_READ.split('\n')[0]}`);
    expect(text).toContain(`Raw <value>: ${NASTY_READ.split('\n')[0]}`);
  });

  it('has a schema that rejects what the format does not allow', async () => {
    const xml = renderJunit(await reportOf('healthy'));
    expect(validate(xml.replace(/tests="\d+"/, 'tests="-1"')).valid).toBe(false);
    expect(validate(xml.replace(/<testcase name="[^"]*"/, '<testcase')).valid).toBe(false);
    expect(validate(xml.replace('<properties>', '<unknown/><properties>')).valid).toBe(false);
    expect(validate(xml.replace(/time="[\d.]+"/, 'time="fast"')).valid).toBe(false);
    const twoResults = xml.replace(/(<testcase [^>]*?)\/>/, '$1><failure message="x"/><skipped/></testcase>');
    expect(validate(twoResults).valid).toBe(false);
  });
});
