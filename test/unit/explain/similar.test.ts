// The second signal of explain: the train part of the corpus, compared by TF-IDF cosine similarity.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TRAIN_CORPUS } from '../../../src/explain/corpus.generated.js';
import { explain } from '../../../src/explain/explain.js';
import { normalise, SimilarityIndex, terms } from '../../../src/explain/similar.js';

const split = JSON.parse(readFileSync(new URL('../../../fixtures/transcripts/split.json', import.meta.url), 'utf8')) as { test: string[] };

describe('the known cases explain compares with', () => {
  it('are the train part of the corpus and the documented messages, as they are now, and never a test item', () => {
    expect(() => execFileSync(process.execPath, ['scripts/explain-corpus.mjs', '--check'], { stdio: 'pipe' })).not.toThrow();
    const test = new Set(split.test);
    expect(TRAIN_CORPUS.filter((item) => test.has(item.file))).toEqual([]);
    const documented = TRAIN_CORPUS.filter((item) => item.file.includes('(documented: '));
    expect(TRAIN_CORPUS.length - documented.length).toBeGreaterThanOrEqual(220);
    expect(documented.length).toBeGreaterThanOrEqual(130);
    expect(documented.filter((item) => !item.source.startsWith('https://')).length).toBeLessThan(documented.length / 10);
  });
});

describe('normalise', () => {
  it('takes out what differs from one tenant to the next, and keeps the file name of a path', () => {
    const text = normalise(
      "Trace ID: 0b6f5e2a-1c3d-4e5f-8a9b-0c1d2e3f4a5b 2026-11-25 12:00:01Z admin@contoso.com contoso.onmicrosoft.com C:\\Program Files\\WindowsPowerShell\\Modules\\ExchangeOnlineManagement\\3.4.0\\netFramework\\Microsoft.Identity.Client.dll line 42",
    );
    expect(text).not.toMatch(/0b6f5e2a|2026|admin@|contoso|program files|\b42\b/);
    expect(text).toContain('microsoft.identity.client.dll');
    expect(terms('The certificate with thumbprint was not found')).toEqual(expect.arrayContaining(['certificate', 'thumbprint', 'found', 'certificate thumbprint']));
  });
});

describe('SimilarityIndex', () => {
  const index = new SimilarityIndex(TRAIN_CORPUS);
  const item = TRAIN_CORPUS.find((i) => i.text.length > 300) as (typeof TRAIN_CORPUS)[number];

  it('finds a known case itself, and the others of its category when it is left out', () => {
    const [first] = index.nearest(item.text);
    expect(first?.item.file).toBe(item.file);
    expect(first?.similarity).toBeGreaterThan(0.99);
    const without = index.nearest(item.text, (known) => known.source === item.source);
    expect(without.every((n) => n.item.source !== item.source && n.similarity < 0.99)).toBe(true);
  });

  it('gives nothing for text that shares too little with any case, and one neighbour per category', () => {
    expect(index.nearest('the printer is out of paper')).toEqual([]);
    const found = index.nearest(item.text);
    expect(new Set(found.map((n) => n.category)).size).toBe(found.length);
  });
});

describe('explain with both signals', () => {
  it('names a cause no rule knows from the case it resembles, with that case as its source', () => {
    const item = TRAIN_CORPUS.find((i) => i.category === 'module_or_dll_problem') as (typeof TRAIN_CORPUS)[number];
    const result = explain(item.text, { tuning: { agree: 0, alone: 1, abstain: 0 }, exclude: () => false });
    const similar = result.causes.find((c) => c.id.startsWith('similar-'));
    if (similar) expect(similar.why).toContain('resembles a case whose cause was established');
    expect(result.causes.length).toBeLessThanOrEqual(3);
  });

  it('gives three causes whenever three categories other than `other` resemble the text, the extra places going to the closest', () => {
    const index = new SimilarityIndex(TRAIN_CORPUS);
    let checked = 0;
    for (const item of TRAIN_CORPUS.filter((i) => !i.file.includes('(documented: '))) {
      const exclude = (known: (typeof TRAIN_CORPUS)[number]) => known.source === item.source;
      const resembled = index.nearest(item.text, exclude).filter((n) => n.category !== 'other');
      if (resembled.length < 3) continue;
      const result = explain(item.text, { exclude });
      const shown = result.recognised ? result.causes : result.causes.slice(1);
      expect(shown.length, item.file).toBe(result.recognised ? 3 : 2);
      // A place no rule took holds a resembled category, and no closer one was passed over for it.
      for (const cause of shown.filter((c) => c.id.startsWith('similar-'))) {
        const rank = resembled.findIndex((n) => n.category === cause.category);
        expect(resembled.slice(0, rank).every((n) => shown.some((c) => c.category === n.category)), item.file).toBe(true);
      }
      checked += 1;
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('fills the account, tenant and application the text names into the fixes', () => {
    const result = explain(
      "Connect-ExchangeOnline -AppId 3f8a1c2e-5b6d-4e7f-9a0b-1c2d3e4f5a6b -Organization fabrikam.onmicrosoft.com\nAADSTS700027: Client assertion failed signature validation. Trace ID: x",
    );
    const commands = result.causes.flatMap((c) => c.fix.commands).join('\n');
    expect(result.identifiers).toMatchObject({ tenant: 'fabrikam.onmicrosoft.com', appId: '3f8a1c2e-5b6d-4e7f-9a0b-1c2d3e4f5a6b' });
    expect(commands).not.toContain('contoso.onmicrosoft.com');
    expect(commands).not.toContain('<app-id>');
  });

  it('says it does not recognise text it cannot read, and still offers what it has', () => {
    const result = explain('Something went wrong. Please try again later.');
    expect(result.recognised).toBe(false);
    expect(result.causes[0]?.category).toBe('other');
  });

  it.each([
    'An error occurred.',
    'Unexpected error',
    'Please try again',
    'An unknown error has occurred',
    'Connect-ExchangeOnline : Error',
    'Error: the operation failed',
    'The operation could not be completed',
    'Exception has been thrown by the target of an invocation.',
  ])('does not recognise generic text by its common words: %s', (text) => {
    expect(explain(text).recognised).toBe(false);
  });

  it('recognises by resemblance alone only when the case shares rare words with the text', () => {
    const index = new SimilarityIndex(TRAIN_CORPUS);
    const [lockout] = index.nearest('Something went wrong. Please try again later.');
    expect(lockout?.distinctive).toBeLessThan(3);
    const module = TRAIN_CORPUS.find((i) => i.file.startsWith('930-')) as (typeof TRAIN_CORPUS)[number];
    const found = index.nearest(module.text, (known) => known.source === module.source);
    expect(found[0]?.distinctive).toBeGreaterThanOrEqual(3);
  });
});
