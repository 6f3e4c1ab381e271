/**
 * The JUnit XML report, for CI systems that run the doctor on a schedule or before a deployment and show
 * its checks as tests: Azure Pipelines (PublishTestResults@2, format JUnit), GitHub Actions' test
 * reporters and Jenkins' JUnit plugin. Pure: a document in, a string out. The document is already
 * redacted; its strings are printed as given, escaped for XML 1.0.
 *
 * The shape: one `<testsuites name="exo-doctor">`, one `<testsuite>` per layer of the diagnosis, named
 * `exo-doctor.<layer>` (`exo-doctor.machine`), and one `<testcase>` per check, whose classname is its
 * suite's name. Why a suite per layer rather than one suite with classname = layer:
 * - Jenkins' JUnit plugin groups tests by classname, split at its last dot into package and class: either
 *   shape shows the package "exo-doctor" with one class per layer, since the classname is the same.
 * - Azure Pipelines shows each `<testcase>` as a result titled by its name, with its classname as the
 *   "Test file" (its documented JUnit mapping); it also takes each suite's timestamp as the start of its
 *   tests, so a suite per layer keeps each layer's start time.
 * - GitHub Actions reads no JUnit itself; dorny/test-reporter, a common reporter, lists each suite with its
 *   counts: a suite per layer gives a line per layer ("exo-doctor.network: 4 passed"), one suite a single
 *   line for the whole run. Reporters that list test cases (mikepenz/action-junit-report) show
 *   classname and name, the same in either shape.
 *
 * Statuses: `fail` is a `<failure>` (message: the summary; text: the fixes, then the evidence); `error`
 * (the check could not run) an `<error>`; `skip` a `<skipped>` whose message says why (not applicable,
 * blocked by a check, not checked, left out, interrupted). A warning is a passed test, because the format
 * has no warning and every consumer would count a failure as a broken build; its summary and fixes go to
 * the test's `<system-out>`, which Azure shows as the result's console log and Jenkins under the test.
 *
 * Validated in the tests against fixtures/junit/junit.xsd (which says where its rules come from).
 */
import { ACTOR_LABEL } from '../result.js';
import type { ReportCheck, ReportDocument, ReportRemediation } from './document.js';

export function renderJunit(doc: ReportDocument): string {
  const suites = suitesOf(doc);
  const all = suites.flatMap((suite) => suite.checks);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: 'exo-doctor', ...counts(all), time: seconds(doc.durationMs), timestamp: timestamp(doc.startedAt, 0) })}>`,
  ];
  suites.forEach((suite) => out.push(...renderSuite(doc, suite)));
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

interface Suite {
  readonly name: string;
  readonly title: string;
  readonly checks: readonly ReportCheck[];
}

/** The layers with their checks, in order; a check no layer names goes into a last suite. */
function suitesOf(doc: ReportDocument): Suite[] {
  const byId = new Map(doc.checks.map((check) => [check.id, check]));
  const suites = doc.layers
    .map((layer) => ({ name: `exo-doctor.${layer.name}`, title: layer.title, checks: layer.checks.map((id) => byId.get(id)).filter((c): c is ReportCheck => c !== undefined) }))
    .filter((suite) => suite.checks.length > 0);
  const named = new Set(suites.flatMap((suite) => suite.checks.map((c) => c.id)));
  const rest = doc.checks.filter((check) => !named.has(check.id));
  return rest.length > 0 ? [...suites, { name: 'exo-doctor.checks', title: 'Checks', checks: rest }] : suites;
}

function counts(checks: readonly ReportCheck[]): Record<'tests' | 'failures' | 'errors' | 'skipped', number> {
  const of = (status: ReportCheck['status']) => checks.filter((c) => c.status === status).length;
  return { tests: checks.length, failures: of('fail'), errors: of('error'), skipped: of('skip') };
}

function renderSuite(doc: ReportDocument, suite: Suite): string[] {
  // A suite's time is the wall-clock span of its checks, which run side by side: from the first start to
  // the last end. Its timestamp is when its first check started.
  const start = Math.min(...suite.checks.map((c) => c.startMs));
  const end = Math.max(...suite.checks.map((c) => c.startMs + c.durationMs));
  const head = attributes({ name: suite.name, ...counts(suite.checks), time: seconds(end - start), timestamp: timestamp(doc.startedAt, start) });
  return [`  <testsuite${head}>`, ...renderProperties(doc, suite), ...suite.checks.map((check) => renderCase(check, suite.name)), '  </testsuite>'];
}

/** The run's facts, on every suite (the format has no properties on `<testsuites>`). */
function renderProperties(doc: ReportDocument, suite: Suite): string[] {
  const properties: [string, string][] = [
    ['exo-doctor.version', doc.tool.version],
    ['exo-doctor.layer', suite.title],
    ['exo-doctor.exchange-environment', doc.environment.exchangeEnvironment],
    ['exo-doctor.verdict', doc.outcome.verdict],
    ['exo-doctor.exit-code', String(doc.outcome.exitCode)],
    // The exact start, with its time zone (the suite's timestamp has none, as the format has it).
    ['exo-doctor.started-at', doc.startedAt],
    ['exo-doctor.os', `${doc.environment.os} ${doc.environment.osRelease} ${doc.environment.arch}`],
    ['exo-doctor.node', doc.environment.node],
  ];
  if (doc.simulation) properties.push(['exo-doctor.simulated-scenario', doc.simulation.scenario]);
  return ['    <properties>', ...properties.map(([name, value]) => `      <property${attributes({ name, value })}/>`), '    </properties>'];
}

function renderCase(check: ReportCheck, classname: string): string {
  const head = `    <testcase${attributes({ name: `${check.id}: ${check.title}`, classname, time: seconds(check.durationMs) })}`;
  const body = caseBody(check);
  return body === undefined ? `${head}/>` : `${head}>\n${body}\n    </testcase>`;
}

/** What goes inside a test case for its status; nothing for a pass. */
function caseBody(check: ReportCheck): string | undefined {
  switch (check.status) {
    case 'pass':
      return undefined;
    case 'warn':
      return element('system-out', {}, [`Warning: ${check.summary}`, fixes(check.remediation), evidence(check)]);
    case 'fail':
      return element('failure', { message: check.summary, type: check.cause ?? 'fail' }, [followsFrom(check), fixes(check.remediation), evidence(check)]);
    case 'error':
      return element('error', { message: check.summary, type: 'check-error' }, [fixes(check.remediation), evidence(check), check.detail ? `Detail:\n${check.detail}` : '']);
    case 'skip':
      return element('skipped', { message: skipReason(check) }, [fixes(check.remediation)]);
  }
}

function skipReason(check: ReportCheck): string {
  if (check.blockedBy) return `Blocked by ${check.blockedBy}: ${check.summary}`;
  const kind = { 'not-applicable': 'Not applicable', 'not-checked': 'Not checked', blocked: 'Blocked', 'left-out': 'Left out with --skip', interrupted: 'Interrupted' }[check.skipKind ?? 'not-checked'];
  return `${kind}: ${check.summary}`;
}

function followsFrom(check: ReportCheck): string {
  return check.consequenceOf ? `Follows from the failure of ${check.consequenceOf}.` : '';
}

/** The fixes as plain text: who runs each, what it does, its commands one per line, its links. */
function fixes(steps: readonly ReportRemediation[]): string {
  return steps
    .map((step, i) => {
      const number = steps.length > 1 ? ` ${i + 1} of ${steps.length}` : '';
      const lines = [`Fix${number} (run by ${ACTOR_LABEL[step.runBy]}): ${step.summary}`, ...step.commands.map((c) => `    ${c}`), ...step.links.map((l) => `    See ${l}`)];
      return lines.join('\n');
    })
    .join('\n\n');
}

function evidence(check: ReportCheck): string {
  if (check.evidence.length === 0) return '';
  return ['Evidence:', ...check.evidence.map((item) => `    ${item.label}: ${item.value}`)].join('\n');
}

/** An element with text made of paragraphs (empty ones left out), or an empty element. */
function element(name: string, attrs: Readonly<Record<string, string>>, paragraphs: readonly string[]): string {
  const content = paragraphs.filter((p) => p !== '').join('\n\n');
  const open = `      <${name}${attributes(attrs)}`;
  return content === '' ? `${open}/>` : `${open}>${escapeText(content)}</${name}>`;
}

function attributes(attrs: Readonly<Record<string, string | number>>): string {
  return Object.entries(attrs)
    .map(([name, value]) => ` ${name}="${escapeAttribute(String(value))}"`)
    .join('');
}

/** Seconds with millisecond precision, as the format counts time. */
function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/**
 * When something started, `startedAt` plus an offset in milliseconds, in the form Ant's XML formatter
 * writes and the common schemas expect: ISO 8601 to the second, in UTC, without a zone designator
 * (the exact instant, zone included, is the property exo-doctor.started-at).
 */
function timestamp(startedAt: string, offsetMs: number): string {
  const at = Date.parse(startedAt);
  return Number.isNaN(at) ? startedAt : new Date(at + offsetMs).toISOString().slice(0, 19);
}

/**
 * What XML 1.0 does not allow in a document at all (https://www.w3.org/TR/xml/#charsets), not even as a
 * character reference: C0 controls other than tab, line feed and carriage return; a surrogate without its
 * pair; U+FFFE and U+FFFF. Each is written as its code (`\u001B`), so the text says what was there.
 */
// eslint-disable-next-line no-control-regex -- these control characters are what it finds
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function allowed(text: string): string {
  return text.replace(NOT_XML, (ch) => `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** Element text: `]]>` cannot appear, since every `>` is escaped; a carriage return survives parsing. */
export function escapeText(text: string): string {
  return allowed(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** Attribute values: quotes, and the white space a parser would otherwise turn into spaces. */
export function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}
