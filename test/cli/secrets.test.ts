// The secret scanner: secrets planted in every way a user can hand one to the doctor (options, the
// environment, proxy settings in every form, pasted transcripts in every form), and a search for each in
// everything the doctor prints (stdout, stderr, --json, --verbose) and every file it writes. The token
// cache is the one file that holds a token by design: it is written 0600 and is never printed.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliAsync as runCli } from '../support/cli.js';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A token shaped like Entra's, whose signature part is a planted secret. */
const TOKEN = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ aud: 'https://outlook.office365.com', upn: 'meganb@contoso.com', exp: 4102444800 })}.UExBTlRFRC1UT0tFTi1TSUdOQVRVUkU`;
const SECRETS = {
  token: 'UExBTlRFRC1UT0tFTi1TSUdOQVRVUkU',
  clientSecret: 'Pl4nted~ClientSecretValue.0123456789abcdefXYZ',
  envSecret: 'PlantedEnvSecret-9f8e7d6c5b4a',
  proxyPassword: 'Pr0xyPlanted!',
  slashPassword: 'Sl4sh/Planted',
  psPassword: 'PsPlanted#42',
  certPassword: 'CertPlanted$77',
  headerBearer: 'HeaderBearerPlantedValue0123456789',
  jsonSecret: 'JsonPlantedSecret-4242',
  formSecret: 'FormPlantedSecret-4343',
  refresh: '0.ARefreshPlanted-4444',
  connString: 'ConnPlanted-4545',
  cookie: 'CookiePlanted-4646',
} as const;

/** A console transcript with a secret in every form a pasted error can hold one. */
const TRANSCRIPT = [
  `PS C:\\> $pw = ConvertTo-SecureString -AsPlainText -Force -String '${SECRETS.psPassword}'`,
  `PS C:\\> Connect-ExchangeOnline -AppId 5b1c7e3a-9d2f-4e6b-8a4c-1f0d3e5b7a92 -CertificateFilePath c.pfx -CertificatePassword ${SECRETS.certPassword} -Organization contoso.onmicrosoft.com`,
  `PS C:\\> Connect-MgGraph -ClientSecret ${SECRETS.clientSecret}`,
  `Authorization: Bearer ${SECRETS.headerBearer}`,
  `Cookie: ESTSAUTH=${SECRETS.cookie}`,
  `{"client_id":"x","clientSecret": "${SECRETS.jsonSecret}","scope":"y"}`,
  `grant_type=client_credentials&client_secret=${SECRETS.formSecret}&refresh_token=${SECRETS.refresh}`,
  `Server=sql;User Id=sa;Password=${SECRETS.connString};`,
  `access token: ${TOKEN}`,
  'New-ExoPSSession : Create Powershell Session is failed using OAuth',
  "AADSTS50126: Error validating credentials due to invalid username or password.",
].join('\n');

function leaks(text: string): string[] {
  return Object.entries(SECRETS)
    .filter(([, secret]) => text.includes(secret))
    .map(([name]) => name);
}

const dir = mkdtempSync(join(tmpdir(), 'exo-doctor-secrets-'));
const transcriptFile = join(dir, 'transcript.txt');
writeFileSync(transcriptFile, TRANSCRIPT);

/** Every output of one run, and every file written in `dir` (the token cache aside). */
async function everything(args: readonly string[], env: Record<string, string> = {}, input = ''): Promise<string> {
  const { stdout, stderr } = await runCli(args, env, input);
  const files = readdirSync(dir)
    .filter((name) => name !== 'transcript.txt' && !name.startsWith('token-cache'))
    .map((name) => readFileSync(join(dir, name), 'utf8'));
  return [stdout, stderr, ...files].join('\n');
}

const PROXY_FORMS = [
  `http://user:${SECRETS.proxyPassword}@127.0.0.1:9`,
  `user:${SECRETS.proxyPassword}@127.0.0.1:9`,
  `http://user:${SECRETS.slashPassword}@127.0.0.1:9`,
  `http://CONTOSO%5Cuser:${encodeURIComponent(SECRETS.proxyPassword)}@127.0.0.1:9`,
];

describe('the secret scanner finds no planted secret in anything the doctor prints or writes', () => {
  it.concurrent.each([
    ['options: --access-token, with --verbose', ['demo', '--access-token', TOKEN, '--verbose'], {}],
    ['options: --access-token, as JSON', ['demo', '--access-token', TOKEN, '--json', '--verbose'], {}],
    ['options: --client-secret for an app-only sign-in', ['demo', '--scenario', 'app-only-no-role', '--client-secret', SECRETS.clientSecret, '--verbose', '--json'], {}],
    ['options: --proxy with credentials', ['demo', '--proxy', `http://user:${SECRETS.proxyPassword}@127.0.0.1:9`, '--verbose', '--timeout', '2s'], {}],
    ['options: --proxy with credentials, as JSON', ['demo', '--proxy', `http://user:${SECRETS.proxyPassword}@127.0.0.1:9`, '--json', '--timeout', '2s'], {}],
    ['the environment: EXO_DOCTOR_ACCESS_TOKEN', ['demo', '--verbose', '--json'], { EXO_DOCTOR_ACCESS_TOKEN: TOKEN }],
    ['the environment: EXO_DOCTOR_CLIENT_SECRET', ['demo', '--scenario', 'app-only-no-role', '--verbose'], { EXO_DOCTOR_CLIENT_SECRET: SECRETS.envSecret }],
    ['a pasted transcript: --error', ['demo', '--error', TRANSCRIPT, '--verbose'], {}],
    ['a pasted transcript: --error-file, as JSON', ['demo', '--error-file', transcriptFile, '--json'], {}],
    ['a pasted transcript: explain', ['explain', TRANSCRIPT], {}],
    ['a pasted transcript: explain --json', ['explain', '--json', TRANSCRIPT], {}],
    ['a pasted transcript: explain --file', ['explain', '--file', transcriptFile], {}],
    ['a command-line mistake with a secret in it', ['demo', '--proxy', `https://user:${SECRETS.proxyPassword}@127.0.0.1:9`], {}],
    ['an unknown command that is a token', [TOKEN], {}],
  ] as const)('%s', async (_path, args, env) => {
    expect(leaks(await everything(args, env))).toEqual([]);
  });

  it.concurrent('a transcript on standard input', async () => {
    expect(leaks(await everything(['explain'], {}, TRANSCRIPT))).toEqual([]);
  });

  it.concurrent.each(PROXY_FORMS)('a proxy variable written %s, read by proxy-config on this machine', async (value) => {
    const env = { HTTPS_PROXY: value, https_proxy: value, HTTP_PROXY: value, ALL_PROXY: value };
    const args = ['--upn', 'meganb@contoso.com', '--only', 'runtime,inputs,proxy-config', '--verbose'];
    expect(leaks(await everything(args, env))).toEqual([]);
    expect(leaks(await everything([...args, '--json'], env))).toEqual([]);
  });

  it.concurrent('a token cache the doctor writes stays out of every output, and is readable by its owner only', async () => {
    const cache = join(dir, 'token-cache.json');
    const output = await everything(['demo', '--token-cache', cache, '--verbose', '--json']);
    expect(output).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
    const { mode } = statSync(cache);
    expect(mode & 0o077).toBe(0);
  });
});
