// The files a run writes for support staff and CI (--html, --markdown, --junit, --bundle) and
// `exo-doctor replay`, run as a user runs them: the built CLI against the simulated tenant. Bundles are
// opened with the system's own tar, as the person who receives one would.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { builtInScenarioNames, loadScenario } from '../../src/sim/load.js';
import { runCliAsync as runCli } from '../support/cli.js';

const root = mkdtempSync(join(tmpdir(), 'exo-doctor-bundle-'));
let folders = 0;
const folder = () => {
  const dir = join(root, String(++folders));
  mkdirSync(dir);
  return dir;
};

/** The files of a .tar.gz, extracted by the system's tar. */
function extract(bundle: string): Record<string, string> {
  const dir = folder();
  execFileSync('tar', ['-xzf', bundle, '-C', dir], { timeout: 10_000 });
  return Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
}

/** A .tar.gz of these files, by the system's tar (for bundles changed after they were made). */
function repack(files: Record<string, string>, out: string): void {
  const dir = folder();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  execFileSync('tar', ['-czf', out, '-C', dir, ...Object.keys(files)], { timeout: 10_000 });
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** Secrets an admin could paste with the error: a token, a client secret, a password, proxy credentials. */
const SECRETS = {
  token: 'UExBTlRFRC1CVU5ETEUtVE9LRU4tU0lH',
  clientSecret: 'Pl4nted~BundleSecretValue.0123456789abcdefXY',
  password: 'BundlePlantedPassword-4711',
  proxyPassword: 'Pr0xyBundle!Planted',
};
const TRANSCRIPT = [
  `access token: ${b64({ alg: 'RS256' })}.${b64({ aud: 'https://outlook.office365.com', exp: 4102444800 })}.${SECRETS.token}`,
  `PS C:\\> Connect-MgGraph -ClientSecret ${SECRETS.clientSecret}`,
  `PS C:\\> $pw = ConvertTo-SecureString -AsPlainText -Force -String '${SECRETS.password}'`,
  `HTTPS_PROXY=http://CONTOSO%5Cproxyuser:${encodeURIComponent(SECRETS.proxyPassword)}@proxy.contoso.com:8080`,
  'New-ExoPSSession : Create Powershell Session is failed using OAuth',
].join('\n');

describe('report files and support bundles', () => {
  describe.each(builtInScenarioNames())('%s', (name) => {
    it.concurrent('leaks no secret and, in the bundle, no name of the tenant, its people or its machine', async () => {
      const scenario = await loadScenario(name, async () => undefined);
      const dir = folder();
      const files = { html: join(dir, 'report.html'), markdown: join(dir, 'report.md'), junit: join(dir, 'report.xml'), bundle: join(dir, 'bundle.tar.gz') };
      const { code, stdout, stderr } = await runCli([
        'demo', '--scenario', name, '--error', TRANSCRIPT, '--json',
        '--html', files.html, '--markdown', files.markdown, '--junit', files.junit, '--bundle', files.bundle,
      ]);
      expect([0, 1, 3], stderr).toContain(code);
      for (const file of Object.values(files)) expect((statSync(file).mode & 0o077).toString(8), `${file} is private`).toBe('0');
      const bundle = extract(files.bundle);
      expect(Object.keys(bundle).sort()).toEqual(['environment.json', 'manifest.json', 'probes.json', 'report.html', 'report.json', 'report.junit.xml', 'report.md']);

      const everywhere = [stdout, stderr, ...[files.html, files.markdown, files.junit].map((f) => readFileSync(f, 'utf8')), ...Object.values(bundle)].join('\n');
      const people = scenario.users.map((u) => u.upn);
      for (const secret of [...Object.values(SECRETS), ...people, scenario.tenant.id]) expect(everywhere).not.toContain(secret);
      // The bundle goes further: no domain, account, user or tenant name at all, in any form.
      const names = [...scenario.tenant.domains, ...people.map((upn) => upn.split('@')[0] as string), scenario.tenant.displayName.toLowerCase() === 'contoso' ? 'contoso' : scenario.tenant.domains[0]!.split('.')[0]!];
      const inBundle = Object.values(bundle).join('\n').toLowerCase();
      for (const value of names) expect(inBundle, `${value} in the bundle`).not.toContain(value.toLowerCase());
      const manifest = JSON.parse(bundle['manifest.json'] as string);
      expect(manifest.redaction.identifiers).toBe('keyed');
      // Counts by kind, never values; every world has a tenant domain or an account to hide.
      expect(Object.values(manifest.redaction.replaced as Record<string, number>).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
      expect(JSON.stringify(manifest.redaction.replaced)).not.toMatch(/@|\./);
    });
  });

  it.concurrent('replays a bundle with the same findings as the live run, offline', async () => {
    const dir = folder();
    const bundle = join(dir, 'b.tar.gz');
    const live = await runCli(['demo', '--scenario', 'legacy-mfa-module', '--json', '--show-sensitive', '--bundle', bundle, '--no-redact']);
    expect(live.code).toBe(1);
    const replayed = await runCli(['replay', bundle, '--json', '--html', join(dir, 'r.html'), '--markdown', join(dir, 'r.md'), '--junit', join(dir, 'r.xml')]);
    expect(replayed.code, replayed.stderr).toBe(1);
    const [a, b] = [JSON.parse(live.stdout), JSON.parse(replayed.stdout)];
    expect(b.findings).toEqual(a.findings);
    expect(b.checks.map((c: { id: string; status: string }) => `${c.id} ${c.status}`)).toEqual(a.checks.map((c: { id: string; status: string }) => `${c.id} ${c.status}`));
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toContain('</html>');
    expect(JSON.parse(extract(bundle)['manifest.json'] as string).redaction.identifiers).toBe('off');

    const text = await runCli(['replay', bundle]);
    expect(text.stdout).toContain('Findings, worst first');
    expect(text.stdout).toMatch(/Replayed from .*b\.tar\.gz: made \S+ by exo-doctor \S+, identifiers kept \(--no-redact\)\./);
  });

  it.concurrent('refuses a truncated, changed, foreign or newer bundle with a sentence and exit 2', async () => {
    const dir = folder();
    const bundle = join(dir, 'good.tar.gz');
    expect((await runCli(['demo', '--bundle', bundle])).code).toBe(0);
    const bytes = readFileSync(bundle);
    const files = extract(bundle);
    const bad = (nameOf: string, content: Buffer | string) => {
      const file = join(dir, nameOf);
      writeFileSync(file, content);
      return file;
    };
    const changedReport = join(dir, 'changed.tar.gz');
    repack({ ...files, 'report.json': (files['report.json'] as string).replace('"pass"', '"fail"') }, changedReport);
    const newer = join(dir, 'newer.tar.gz');
    repack({ ...files, 'manifest.json': (files['manifest.json'] as string).replace('"formatVersion": 1', '"formatVersion": 99') }, newer);
    const extra = join(dir, 'extra.tar.gz');
    repack({ ...files, 'notes.txt': 'added later' }, extra);
    const cases: [string, RegExp][] = [
      [bad('truncated.tar.gz', bytes.subarray(0, Math.floor(bytes.length / 2))), /truncated or not a bundle/],
      [bad('cut-tar.tar.gz', gzipSync(gunzipSync(bytes).subarray(0, 700))), /truncated or not a bundle|lacks/],
      [bad('text.tar.gz', 'just some text\n'), /truncated or not a bundle/],
      [changedReport, /report\.json does not match its manifest \(SHA-256 differs\): the bundle was changed after it was made\./],
      [newer, /in bundle format 99; this exo-doctor reads format 1\. Replay it with that version or later\./],
      [extra, /holds notes\.txt, which its manifest does not list/],
      [join(dir, 'missing.tar.gz'), /missing\.tar\.gz does not exist\. Give the path of the \.tar\.gz file/],
      [dir, /is a folder/],
    ];
    for (const [file, message] of cases) {
      const { code, stdout, stderr } = await runCli(['replay', file]);
      expect({ file, code, stdout }).toEqual({ file, code: 2, stdout: '' });
      expect(stderr).toMatch(/^exo-doctor: /);
      expect(stderr).toMatch(message);
      expect(stderr).not.toMatch(/\bat \S+:\d+:\d+/);
    }
  });

  it.concurrent('says a usage mistake before any work: a folder for a report file, one file twice, --no-redact alone', async () => {
    const dir = folder();
    const cases: [readonly string[], string][] = [
      [['demo', '--html', dir], `--html ${dir} is a folder. Give the path of a file, such as ${dir}/report.html.`],
      [['demo', '--html', join(dir, 'r'), '--markdown', join(dir, 'r')], `--html and --markdown both write ${join(dir, 'r')}: give each report a file of its own.`],
      [['demo', '--no-redact'], '--no-redact applies to --bundle only'],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await runCli(args);
      expect(code).toBe(2);
      expect(stderr).toContain(message);
    }
  });
});
