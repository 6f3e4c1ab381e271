/**
 * The support bundle (`--bundle FILE`): one `.tar.gz` an admin can send to someone who cannot sit beside
 * them, and `exo-doctor replay` re-opens. It holds the report as JSON, HTML, Markdown and JUnit, the
 * environment and proxy facts, the probes' details and `manifest.json`, which lists every file with its
 * size and SHA-256, what was collected and what was redacted.
 *
 * Redaction is on unless `--no-redact`: secrets (tokens, passwords, client secrets, proxy credentials)
 * are removed outright, always; identifiers (UPNs, tenant and object ids, customer domains, host and
 * user names) become keyed placeholders (`<upn-3f9a2c1b>`: HMAC-SHA256 under a key made for this bundle
 * and thrown away), so one value is one placeholder throughout the bundle and no one can map it back.
 * Everything here is pure: the caller reads and writes the files.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Header, Pack, Parser, ReadEntry } from 'tar';
import { ENTRA_ROLES } from '../knowledge/entra-roles.js';
import { MANAGE_AS_APP, MICROSOFT_APPS } from '../knowledge/microsoft-ids.js';
import type { Redactor } from '../redact.js';
import type { RunReport } from '../runner.js';
import { buildDocument, type DocumentMeta, type ReportDocument } from './document.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';

const BUNDLE_FORMAT = 'exo-doctor-bundle';
const BUNDLE_FORMAT_VERSION = 1;
/** Report schema versions this doctor can replay. */
const REPLAYABLE_SCHEMAS = new Set([3]);

/** Generous for a report, small enough that a hostile file cannot fill memory. */
const MAX_BUNDLE_BYTES = 50 * 1024 * 1024;
const MAX_ENTRIES = 64;

interface ManifestFile {
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly description: string;
}

export interface BundleManifest {
  readonly format: typeof BUNDLE_FORMAT;
  readonly formatVersion: number;
  readonly tool: { readonly name: 'exo-doctor'; readonly version: string };
  readonly createdAt: string;
  readonly reportSchemaVersion: number;
  readonly redaction: {
    /** `keyed`: identifiers are keyed placeholders; `off`: `--no-redact`, identifiers kept as they are. */
    readonly identifiers: 'keyed' | 'off';
    /** Secrets are always removed. */
    readonly secrets: 'removed';
    /** How many identifiers of each kind were replaced (never the values). */
    readonly replaced: Readonly<Record<string, number>>;
    readonly note: string;
  };
  /** What was collected, in words. */
  readonly collected: readonly string[];
  readonly files: readonly ManifestFile[];
}

/** What the run knows about the machine and the doctor, beside the report. */
interface BundleFacts {
  readonly invocation?: string;
  readonly runtime: { readonly node: string; readonly arch: string; readonly osType: string; readonly osRelease: string };
  readonly platform: string;
}

export interface BundleInput {
  readonly run: RunReport;
  readonly meta: DocumentMeta;
  /** The run's redactor: it knows the run's secrets and identifiers. */
  readonly redactor: Redactor;
  /** false with `--no-redact`. */
  readonly redact: boolean;
  readonly facts: BundleFacts;
  readonly now: Date;
}

/** The checks whose evidence is the probes' details. */
const PROBE_CHECKS = ['proxy-config', 'proxy-health', 'endpoints', 'tls-inspection', 'clock-skew', 'tenant-discovery', 'federation'];

/** Builds the bundle: its bytes (a gzipped tar) and its manifest. */
export async function buildBundle(input: BundleInput): Promise<{ readonly bytes: Buffer; readonly manifest: BundleManifest; readonly document: ReportDocument }> {
  const redactor = input.redact
    ? input.redactor.derive({ showIdentifiers: false, form: { kind: 'keyed', key: randomBytes(32) } })
    : input.redactor.derive({ showIdentifiers: true });
  const plan = input.run.checks.find((check) => check.id === 'proxy-config')?.output;
  if (input.redact) {
    // Every identifier in the run, not only those the run was told about: a proxy's host, a user in a path.
    for (const text of textsOf(input.run, plan)) addIdentifiersIn(redactor, text);
  }
  const document = buildDocument(input.run, input.meta, redactor);
  const clean = (value: unknown) => deepMap(value, (text) => redactor.apply(text));

  const environment = {
    tool: document.tool,
    generatedAt: input.now.toISOString(),
    ...(input.facts.invocation ? { invocation: redactor.apply(input.facts.invocation) } : {}),
    platform: input.facts.platform,
    runtime: input.facts.runtime,
    report: document.environment,
    proxies: plan === undefined ? null : clean(plan),
  };
  const probes = document.checks
    .filter((check) => PROBE_CHECKS.includes(check.id))
    .map((check) => ({ id: check.id, status: check.status, summary: check.summary, startMs: check.startMs, durationMs: check.durationMs, evidence: check.evidence }));

  const contents: [string, string, string][] = [
    ['report.json', `${JSON.stringify(document, null, 2)}\n`, 'The report (schema/report.schema.json): every check, its evidence and fixes, the findings and the verdict. `exo-doctor replay` reads it.'],
    ['report.html', renderHtml(document), 'The report as one self-contained page: open it in a browser.'],
    ['report.md', renderMarkdown(document), 'The report in Markdown, for a ticket or an issue.'],
    ['report.junit.xml', renderJunit(document), 'The checks as JUnit test cases.'],
    ['environment.json', `${JSON.stringify(environment, null, 2)}\n`, 'The doctor, Node.js and the operating system; the proxy settings of the machine and the route each client takes.'],
    ['probes.json', `${JSON.stringify(probes, null, 2)}\n`, 'What the network and tenant probes saw: proxies, endpoints, certificates, the clock, tenant discovery, federation.'],
  ];
  const files: ManifestFile[] = contents.map(([name, text, description]) => ({ name, bytes: Buffer.byteLength(text), sha256: sha256(text), description }));
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    tool: document.tool,
    createdAt: input.now.toISOString(),
    reportSchemaVersion: document.schemaVersion,
    redaction: {
      identifiers: input.redact ? 'keyed' : 'off',
      secrets: 'removed',
      replaced: input.redact ? redactor.identifierCounts() : {},
      note: input.redact
        ? 'Tokens, passwords, client secrets and proxy credentials were removed. Account names, tenant and object ids, customer domains and host and user names were replaced by keyed placeholders such as <upn-3f9a2c1b>: the same value is the same placeholder in every file of this bundle, and the key was not kept.'
        : 'Made with --no-redact: account names, tenant ids, domains and host and user names are as the doctor saw them. Tokens, passwords, client secrets and proxy credentials were still removed.',
    },
    collected: [
      `The result of each of the ${document.checks.length} checks that ran, with its evidence and fixes.`,
      'The doctor and Node.js versions, the operating system, and the command line with its secrets removed.',
      'The proxy settings the doctor read and the route each client takes to Microsoft 365.',
      'No tokens, no passwords, no files from the machine other than the settings the checks read.',
    ],
    files,
  };
  const entries: [string, string][] = [...contents.map(([name, text]): [string, string] => [name, text]), ['manifest.json', `${JSON.stringify(manifest, null, 2)}\n`]];
  return { bytes: await pack(entries, input.now), manifest, document };
}

/** A bundle that cannot be replayed, said as a sentence with the way out. */
export class BundleError extends Error {
  override readonly name = 'BundleError';
}

/** Opens a bundle: every file checked against the manifest, the report against the schemas this doctor reads. */
export async function openBundle(bytes: Uint8Array, source: string): Promise<{ readonly manifest: BundleManifest; readonly document: ReportDocument }> {
  if (bytes.length > MAX_BUNDLE_BYTES) throw new BundleError(`${source} is ${Math.round(bytes.length / 1024 / 1024)} MB, far larger than any bundle exo-doctor makes: it is not one.`);
  const files = await unpack(bytes, source);
  const manifestText = files.get('manifest.json');
  if (manifestText === undefined) throw new BundleError(`${source} has no manifest.json: it is not a bundle made by exo-doctor --bundle.`);
  const manifest = parseJson(manifestText, `${source}: manifest.json`) as Partial<BundleManifest>;
  if (manifest.format !== BUNDLE_FORMAT || typeof manifest.formatVersion !== 'number' || !Array.isArray(manifest.files)) {
    throw new BundleError(`${source}: manifest.json is not an exo-doctor bundle manifest.`);
  }
  if (manifest.formatVersion > BUNDLE_FORMAT_VERSION) {
    throw new BundleError(`${source} was made by exo-doctor ${manifest.tool?.version ?? '(unknown version)'} in bundle format ${manifest.formatVersion}; this exo-doctor reads format ${BUNDLE_FORMAT_VERSION}. Replay it with that version or later.`);
  }
  for (const file of manifest.files) {
    const text = files.get(file.name);
    if (text === undefined) throw new BundleError(`${source} lacks ${file.name}, which its manifest lists: the bundle is incomplete.`);
    if (sha256(text) !== file.sha256) throw new BundleError(`${source}: ${file.name} does not match its manifest (SHA-256 differs): the bundle was changed after it was made.`);
  }
  for (const name of files.keys()) {
    if (name !== 'manifest.json' && !manifest.files.some((file) => file.name === name)) throw new BundleError(`${source} holds ${name}, which its manifest does not list: the bundle was changed after it was made.`);
  }
  const reportText = files.get('report.json');
  if (reportText === undefined) throw new BundleError(`${source} has no report.json to replay.`);
  const document = parseJson(reportText, `${source}: report.json`) as ReportDocument;
  if (!REPLAYABLE_SCHEMAS.has(document.schemaVersion)) {
    throw new BundleError(`${source} holds a report in schema ${String(document.schemaVersion)}; this exo-doctor ${[...REPLAYABLE_SCHEMAS].join(', ')}. Replay it with the exo-doctor that made it (${manifest.tool?.version ?? 'unknown'}).`);
  }
  if (!Array.isArray(document.checks) || !Array.isArray(document.findings) || typeof document.outcome !== 'object') {
    throw new BundleError(`${source}: report.json is not an exo-doctor report.`);
  }
  return { manifest: manifest as BundleManifest, document };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BundleError(`${what} is not valid JSON (${(err as Error).message}): the bundle is damaged.`);
  }
}

/** A gzipped tar of the files, owned by nobody, readable by the owner only, all dated `now`. */
async function pack(entries: readonly [string, string][], now: Date): Promise<Buffer> {
  const archive = new Pack({ gzip: true, portable: true });
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    archive.on('end', () => resolve());
    archive.on('error', reject);
  });
  for (const [name, text] of entries) {
    const body = Buffer.from(text, 'utf8');
    const entry = new ReadEntry(new Header({ path: name, mode: 0o600, size: body.length, mtime: now, type: 'File', uid: 0, gid: 0 }));
    entry.end(body);
    archive.add(entry);
  }
  archive.end();
  await ended;
  return Buffer.concat(chunks);
}

/** The files of a gzipped tar, by name: plain files at the top level only, within the limits above. */
async function unpack(bytes: Uint8Array, source: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const parser = new Parser({ strict: true });
  const problems: string[] = [];
  parser.on('entry', (entry: ReadEntry) => {
    if (entry.type !== 'File' || !/^[A-Za-z0-9._-]+$/.test(entry.path) || files.size >= MAX_ENTRIES) {
      problems.push(entry.type !== 'File' ? `${entry.path} is not a plain file` : `${entry.path} is not a name a bundle uses`);
      entry.resume();
      return;
    }
    const parts: Buffer[] = [];
    entry.on('data', (chunk: Buffer) => parts.push(chunk));
    entry.on('end', () => files.set(entry.path, Buffer.concat(parts).toString('utf8')));
  });
  const done = new Promise<void>((resolve, reject) => {
    parser.on('end', () => resolve());
    parser.on('error', reject);
    parser.on('warn', (_code: string, message: string | Error) => problems.push(typeof message === 'string' ? message : message.message));
  });
  try {
    parser.end(Buffer.from(bytes));
    await done;
  } catch (err) {
    throw new BundleError(`${source} cannot be read as a .tar.gz (${(err as Error).message}): it is truncated or not a bundle. Ask for the file again.`);
  }
  if (problems.length > 0 || files.size === 0) {
    throw new BundleError(`${source} is truncated or not a bundle made by exo-doctor${problems.length > 0 ? ` (${problems.slice(0, 2).join('; ')})` : ''}. Ask for the file again.`);
  }
  return files;
}

/** Every string in a value, mapped (objects and arrays rebuilt; other values kept). */
function deepMap(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item) => deepMap(item, map));
  if (value instanceof Map) return Object.fromEntries([...value.entries()].map(([k, v]) => [map(String(k)), deepMap(v, map)]));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepMap(v, map)]));
  return value;
}

/** Every text of the run that the bundle may show, to find identifiers in. */
function textsOf(run: RunReport, plan: unknown): string[] {
  const texts: string[] = [];
  for (const check of run.checks) {
    texts.push(check.summary, ...(check.detail ? [check.detail] : []));
    for (const item of check.evidence) texts.push(item.label, item.value);
    for (const step of check.remediation) texts.push(step.summary, ...step.commands);
  }
  deepMap(plan, (text) => (texts.push(text), text));
  return texts;
}

/** Ids that name Microsoft's own apps, permissions and roles: the same in every tenant, so they stay. */
const PUBLIC_IDS = new Set([...Object.values(MICROSOFT_APPS), MANAGE_AS_APP.id, ...Object.values(ENTRA_ROLES).map((role) => role.templateId)].map((id) => id.toLowerCase()));

/** Hosts and addresses of Microsoft, of the public services the doctor names, and of nobody. */
const PUBLIC_DOMAINS =
  /(?:^|\.)(?:microsoft\.com|microsoftonline\.com|microsoftonline\.us|microsoftonline\.de|chinacloudapi\.cn|partner\.microsoftonline\.cn|office365\.com|office365\.us|office\.com|office\.net|outlook\.com|windows\.net|azure\.com|azure\.net|azure\.us|live\.com|msftauth\.net|msauth\.net|msftidentity\.com|msidentity\.com|microsoftazuread-sso\.com|aka\.ms|powershellgallery\.com|github\.com|githubusercontent\.com|nodejs\.org|npmjs\.org|npmjs\.com|digicert\.com|windowsupdate\.com|example\.com|example\.org|example\.net|localhost)$/i;
/** Top-level domains of the host names a machine or a network is likely to name; `.local` and friends too. */
const TOP_LEVEL = /\.(?:com|net|org|edu|gov|mil|int|io|us|uk|de|fr|nl|be|ch|at|se|no|dk|fi|es|it|pl|cz|ie|eu|ca|au|nz|jp|cn|in|br|mx|za|sg|hk|kr|tw|ru|co|biz|info|cloud|dev|app|local|lan|corp|internal|intra|home|ms)$/;

/** Adds every identifier of a text to a keyed redactor: addresses, ids, host names, users in profile paths. */
function addIdentifiersIn(redactor: Redactor, text: string): void {
  for (const email of text.match(/[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g) ?? []) {
    if (!PUBLIC_DOMAINS.test(email.slice(email.lastIndexOf('@') + 1))) redactor.addIdentifier(email);
  }
  for (const guid of text.match(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi) ?? []) {
    if (!PUBLIC_IDS.has(guid.toLowerCase())) redactor.addIdentifier(guid);
  }
  // Host names are lower case in every source the checks read; PascalCase dotted names are .NET types.
  for (const host of text.match(/(?<![A-Za-z0-9_.@-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?![A-Za-z0-9_-])/g) ?? []) {
    if (TOP_LEVEL.test(host) && !PUBLIC_DOMAINS.test(host)) redactor.addIdentifier(host);
  }
  for (const [, user] of text.matchAll(/[\\/](?:Users|home)[\\/]([^\\/\s'";:<>•]+)/gi)) {
    if (!/^(?:public|default|all users|shared)$/i.test(user ?? '')) redactor.addIdentifier(user, 'machine-user');
  }
}
