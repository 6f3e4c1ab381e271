/**
 * The second signal of `explain`: how much a pasted error resembles the labelled transcripts of the
 * corpus's `train` part (./corpus.generated.ts), for the causes no rule names and to rank the others.
 *
 * Texts are compared as TF-IDF vectors of words and word pairs, by cosine similarity, after the parts
 * that differ from one tenant to the next are taken out (GUIDs, times, addresses, tenant domains, paths
 * but their file names, numbers). Cosine is bounded (0 to 1) whatever the length of the paste, so one
 * threshold means the same for a line and for a whole log; BM25's scores are not comparable across
 * queries, which is why it is not used here. The corpus is small (about 140 items): the index is built
 * once, when first needed, in a few milliseconds.
 */
import type { Category } from '../knowledge/categories.js';

export interface CorpusItem {
  readonly file: string;
  /** The thread or page it comes from (items of one thread count as one source). */
  readonly source: string;
  readonly category: Category;
  /** The cause its source established. */
  readonly cause: string;
  readonly text: string;
}

/** The nearest transcript of a category. */
export interface Neighbour {
  readonly category: Category;
  readonly similarity: number;
  /** How many of the shared terms are rare among the known cases (in at most 2 % of them). */
  readonly distinctive: number;
  readonly item: CorpusItem;
}

/** Words too common in error text to tell causes apart. */
const STOP = new Set(
  'the and for with this that from are was were has have had you your can could not been but use used using into its it\'s when which will would there their than then them they what where who how all any some our out get set new also may see more one two only does did done via per else each other such here'.split(
    ' ',
  ),
);

/** A term found in at most this share of the known cases is rare: it says something about the case. */
const RARE = 0.02;

/** Reads at most this much of a paste: the error is in it (explain has already focused a long log). */
const MAX_QUERY = 20_000;

export function normalise(text: string): string {
  return (
    text
      .slice(0, MAX_QUERY)
      .toLowerCase()
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ' ')
      .replace(/\b\d{4}-\d{2}-\d{2}[t ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?z?\b/g, ' ')
      .replace(/\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}(?: \d{1,2}:\d{2}(?::\d{2})?(?: ?[ap]m)?)?/g, ' ')
      .replace(/[a-z0-9._%+'#-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+/g, ' ')
      .replace(/\b[a-z0-9-]+\.onmicrosoft\.(?:com|us|de|cn)\b/g, ' ')
      // A path keeps its file name (Microsoft.Identity.Client.dll says something; C:\Users\ana does not).
      .replace(/[a-z]:\\(?:[^\\/'"\n]+\\)+([^\s\\/'"]*)/g, ' $1 ')
      .replace(/(?:^|\s)\/(?:[^\s/'"]+\/)+([^\s/'"]*)/g, ' $1 ')
      .replace(/\b0x[0-9a-f]+\b|\b\d+\b/g, ' ')
  );
}

/** Words of three letters or more and the pairs of neighbouring words. */
export function terms(text: string): string[] {
  const words = normalise(text)
    .split(/[^a-z0-9_.]+/)
    .map((w) => w.replace(/^\.+|\.+$/g, ''))
    .filter((w) => w.length >= 3 && !STOP.has(w));
  const out = [...words];
  for (let i = 1; i < words.length; i++) out.push(`${words[i - 1]} ${words[i]}`);
  return out;
}

interface Vector {
  readonly weights: Map<string, number>;
  readonly norm: number;
}

export class SimilarityIndex {
  private readonly idf = new Map<string, number>();
  /** The idf from which a term is rare (found in at most RARE of the known cases). */
  private readonly rare: number;
  private readonly vectors: { readonly item: CorpusItem; readonly vector: Vector }[];

  constructor(readonly items: readonly CorpusItem[]) {
    const counted = items.map((item) => counts(terms(item.text)));
    const df = new Map<string, number>();
    for (const tf of counted) for (const term of tf.keys()) df.set(term, (df.get(term) ?? 0) + 1);
    for (const [term, n] of df) this.idf.set(term, Math.log((items.length + 1) / (n + 1)) + 1);
    this.rare = Math.log((items.length + 1) / (RARE * items.length + 1)) + 1;
    this.vectors = items.map((item, i) => ({ item, vector: this.vector(counted[i] as Map<string, number>) }));
  }

  /**
   * The nearest transcript of each category, most similar first. Only words the corpus knows count, so
   * the noise of a long log does not dilute a match; a neighbour must share at least three of them.
   */
  nearest(text: string, exclude?: (item: CorpusItem) => boolean): Neighbour[] {
    const query = this.vector(counts(terms(text).filter((t) => this.idf.has(t))));
    if (query.norm === 0) return [];
    const best = new Map<Category, Neighbour>();
    for (const { item, vector } of this.vectors) {
      if (exclude?.(item)) continue;
      let dot = 0;
      let shared = 0;
      let distinctive = 0;
      for (const [term, weight] of query.weights) {
        const other = vector.weights.get(term);
        if (other !== undefined) {
          dot += weight * other;
          shared += 1;
          if ((this.idf.get(term) ?? 0) >= this.rare) distinctive += 1;
        }
      }
      if (shared < 3) continue;
      const similarity = dot / (query.norm * vector.norm);
      const current = best.get(item.category);
      if (!current || similarity > current.similarity) best.set(item.category, { category: item.category, similarity, distinctive, item });
    }
    return [...best.values()].sort((a, b) => b.similarity - a.similarity);
  }

  private vector(tf: Map<string, number>): Vector {
    const weights = new Map<string, number>();
    let sum = 0;
    for (const [term, n] of tf) {
      const idf = this.idf.get(term);
      if (idf === undefined) continue;
      const weight = (1 + Math.log(n)) * idf;
      weights.set(term, weight);
      sum += weight * weight;
    }
    return { weights, norm: Math.sqrt(sum) };
  }
}

function counts(list: readonly string[]): Map<string, number> {
  const tf = new Map<string, number>();
  for (const term of list) tf.set(term, (tf.get(term) ?? 0) + 1);
  return tf;
}
