/**
 * Entra's own words without their code. A wrapper, a sign-in page or a user's copy often keeps the
 * message of an AADSTS error and loses its number; the message still names the code, since every
 * description in Microsoft's reference (src/knowledge/aadsts-reference.ts) is close to the text Entra
 * sends with it.
 *
 * A description is cut into sentences and its sentences into runs of six words (contractions spelt
 * out, placeholders such as `{tenant}` and quoted values skipped, since the real text has values there).
 * A text names a code when it holds two of the code's runs (seven words in a row, as the description
 * has them) or a whole sentence of five or six words. Runs that descriptions of different categories
 * share ("contact the tenant admin") say nothing and are left out, and so are runs of little words
 * only; a run several codes of one category share names the first of them (the fix is the same).
 */
import { AADSTS_REFERENCE } from '../knowledge/aadsts-reference.js';
import type { Category } from '../knowledge/categories.js';

export interface EntraText {
  readonly code: number;
  /** Where in the text the description starts, and how far the matched words reach. */
  readonly start: number;
  readonly end: number;
}

/** Words in a row that make one run. */
const RUN = 6;
/** A sentence of this many words (or six) counts only whole. */
const SHORT = 5;

const CONTRACTIONS: Readonly<Record<string, readonly string[]>> = {
  "can't": ['can', 'not'],
  cannot: ['can', 'not'],
  "won't": ['will', 'not'],
};

const SUFFIXES: readonly (readonly [string, string])[] = [
  ["n't", 'not'],
  ["'re", 'are'],
  ["'ve", 'have'],
  ["'ll", 'will'],
  ["'s", 'is'],
  ["'d", 'would'],
];

/** The words of a description in lower case, contractions spelt out. */
function wordsOf(text: string): string[] {
  const lower = text.toLowerCase().replace(/[\u2018\u2019]/g, "'");
  return [...lower.matchAll(/[a-z0-9]+(?:'[a-z]+)?/g)].flatMap((m) => CONTRACTIONS[m[0]] ?? spellOut(m[0]));
}

function spellOut(token: string): readonly string[] {
  for (const [suffix, word] of SUFFIXES) {
    if (token.endsWith(suffix) && token.length > suffix.length) return [token.slice(0, -suffix.length), word];
  }
  return [token.replace(/'/g, '')];
}

/** Words too common to make a run worth anything on their own. */
const LITTLE = new Set('a an the to of in on for is are was be been this that it its or and not with by your you user has have can will at as from do does'.split(' '));

interface Run {
  readonly ids: readonly number[];
  readonly code: number;
  /** A whole short sentence weighs 2, a run of a longer one 1. */
  readonly weight: number;
}

interface Index {
  /** Each word of a description → a number (0 is a word no description has). */
  readonly vocabulary: Map<string, number>;
  /** Runs by the hash of their words' numbers. */
  readonly runs: Map<number, Run[]>;
}

/** What a text must hold of a description to name its code: a whole short sentence, or two runs. */
const ENOUGH = 2;

let built: Index | undefined;

function index(): Index {
  if (built) return built;
  const owners = new Map<string, { code: number; category: Category; weight: number; mixed: boolean }>();
  for (const entry of AADSTS_REFERENCE) {
    const runs = new Map<string, number>();
    for (const sentence of entry.message.split(/[.!?;:]\s+|[.!?]$/)) {
      // A value ('{email}', {tenant}, "contoso") is the tenant's, not the message's: no run spans one.
      const parts = sentence.split(/'[^']*\{[^']*'|"[^"]*"|\{[^}]*\}/);
      for (const part of parts) {
        const words = wordsOf(part);
        if (parts.length === 1 && words.length >= SHORT && words.length <= RUN) runs.set(words.join(' '), ENOUGH);
        else {
          for (let i = 0; i + RUN <= words.length; i++) {
            const run = words.slice(i, i + RUN);
            if (run.filter((w) => !LITTLE.has(w) && w.length >= 4).length >= 2) runs.set(run.join(' '), 1);
          }
        }
      }
    }
    for (const [run, weight] of runs) {
      const owner = owners.get(run);
      if (!owner) owners.set(run, { code: entry.code, category: entry.category, weight, mixed: false });
      else if (owner.category !== entry.category) owner.mixed = true;
    }
  }
  const vocabulary = new Map<string, number>();
  const runs = new Map<number, Run[]>();
  for (const [run, owner] of owners) {
    if (owner.mixed) continue;
    const ids = run.split(' ').map((word) => {
      let id = vocabulary.get(word);
      if (id === undefined) vocabulary.set(word, (id = vocabulary.size + 1));
      return id;
    });
    const key = hash(ids, 0, ids.length);
    const list = runs.get(key);
    const entry = { ids, code: owner.code, weight: owner.weight };
    if (list) list.push(entry);
    else runs.set(key, [entry]);
  }
  built = { vocabulary, runs };
  return built;
}

function hash(ids: ArrayLike<number>, from: number, length: number): number {
  let h = length;
  for (let i = from; i < from + length; i++) h = (Math.imul(h, 0x01000193) ^ (ids[i] as number)) | 0;
  return h;
}

const LENGTHS = [SHORT, RUN] as const;

/** A letter, digit or apostrophe (of a lower-case text): the characters of a word. */
function wordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 39;
}

/** The codes whose descriptions the text holds, in order of appearance. */
export function entraTexts(text: string): EntraText[] {
  const { vocabulary, runs } = index();
  const lower = text.toLowerCase().replace(/[\u2018\u2019]/g, "'");
  // The text as numbers of the descriptions' words (any other word is 0), with where each word is.
  // Scanned by hand: a regular expression's match objects cost more than the rest of the work.
  const ids: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < lower.length; ) {
    if (!wordChar(lower.charCodeAt(i))) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < lower.length && wordChar(lower.charCodeAt(end))) end++;
    let start = i;
    i = end;
    while (start < end && lower.charCodeAt(start) === 39) start++;
    while (end > start && lower.charCodeAt(end - 1) === 39) end--;
    if (start === end) continue;
    const word = lower.slice(start, end);
    const id = vocabulary.get(word);
    if (id !== undefined || !(word.includes("'") || word === 'cannot')) {
      ids.push(id ?? 0);
      starts.push(start);
      ends.push(end);
      continue;
    }
    for (const w of CONTRACTIONS[word] ?? spellOut(word)) {
      ids.push(vocabulary.get(w) ?? 0);
      starts.push(start);
      ends.push(end);
    }
  }
  const found = new Map<number, { weight: number; start: number; end: number }>();
  // How many known words in a row end here: a run can only end where that reaches its length.
  let known = 0;
  for (let i = 0; i < ids.length; i++) {
    known = ids[i] === 0 ? 0 : known + 1;
    if (known < SHORT) continue;
    for (const length of LENGTHS) {
      if (known < length) continue;
      const from = i - length + 1;
      const candidates = runs.get(hash(ids, from, length));
      if (!candidates) continue;
      for (const run of candidates) {
        if (run.ids.length !== length || !run.ids.every((id, k) => ids[from + k] === id)) continue;
        const seen = found.get(run.code);
        const start = starts[from] as number;
        const end = ends[i] as number;
        found.set(run.code, seen ? { weight: seen.weight + run.weight, start: seen.start, end: Math.max(seen.end, end) } : { weight: run.weight, start, end });
      }
    }
  }
  return [...found.entries()]
    .filter(([, seen]) => seen.weight >= ENOUGH)
    .map(([code, seen]) => ({ code, start: seen.start, end: seen.end }))
    .sort((a, b) => a.start - b.start);
}
