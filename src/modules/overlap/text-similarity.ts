/**
 * TEXT_SIMILARITY: how alike two projects' titles, summaries and purposes are, as Finnish text.
 *
 * Method: every content word (stop words dropped, case and diacritics folded, so "kylätalo" and
 * "kylatalo" are one word) becomes its character 4-grams with word boundaries ("_nuo", "nuor",
 * "uort", …), weighted by tf-idf (sublinear term frequency × inverse document frequency over all
 * projects) and compared by cosine. Character n-grams are the standard answer to Finnish
 * morphology in retrieval (McNamee & Mayfield 2004: 4- and 5-grams beat stemming for Finnish):
 * inflected forms share their stem's grams ("nuoret", "nuorten" and "nuorille" share "_nuo" and
 * "nuor", where the Snowball stemmer gives three different stems "nuore", "nuort", "nuor"), and
 * compounds share grams with their parts ("nuorisotyö" with "nuorten työ"). The rarity weighting
 * makes place names and specific words count and generic project words ("hanke", "kehittää")
 * nearly not. docs/overlaps.md has the measurements behind the choice.
 *
 * Vectors keep their strongest grams only (MAX_GRAMS, for a title 32), hashed to 32-bit keys, so 100 000
 * projects fit in memory; a collision between two grams of one pair is rare and only adds a
 * little similarity.
 */
import { fin as FINNISH_STOP_WORDS } from 'stopword';

/** Grams kept per text after weighting: the rare ones that carry a summary, bounded for memory. */
export const MAX_GRAMS = 64;
const TITLE_GRAMS = 32;
const GRAM = 4;

/** Folds case and diacritics (ä→a, ö→o, å→a, é→e …) after Unicode compatibility normalisation. */
export function foldText(text: string): string {
  return text.normalize('NFKC').toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
}

const STOP_WORDS = new Set(FINNISH_STOP_WORDS.map(foldText));

/** Content words of a text: letters only (numbers and punctuation dropped), folded, no stop words, at least two letters. */
export function contentWords(text: string | null | undefined): string[] {
  if (!text) return [];
  const words = foldText(text).match(/\p{L}+/gu) ?? [];
  return words.filter((word) => word.length >= 2 && !STOP_WORDS.has(word));
}

/** A word's character 4-grams, with "_" marking its start and end ("työ" → "_työ", "työ_" before folding). */
export function wordGrams(word: string): string[] {
  const padded = `_${word}_`;
  if (padded.length <= GRAM) return [padded];
  const grams: string[] = [];
  for (let i = 0; i + GRAM <= padded.length; i++) grams.push(padded.slice(i, i + GRAM));
  return grams;
}

/** Gram counts of a text. */
export function textGrams(...texts: Array<string | null | undefined>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const word of contentWords(text)) {
      for (const gram of wordGrams(word)) counts.set(gram, (counts.get(gram) ?? 0) + 1);
    }
  }
  return counts;
}

/** In how many of how many documents each gram occurs; without statistics every gram weighs the same. */
export interface TextStatistics {
  documents: number;
  frequency(gram: string): number;
}

/** Smoothed inverse document frequency: 1 for a gram in every document, larger the rarer it is. */
export function inverseFrequency(stats: TextStatistics | null, gram: string): number {
  if (!stats || stats.documents === 0) return 1;
  return Math.log((stats.documents + 1) / (stats.frequency(gram) + 1)) + 1;
}

/**
 * A sparse, L2-normalised vector: keys ascending, in `keys[from..to)` and `weights[from..to)` (a
 * range, so that pooled vectors share their arrays without a typed-array view each).
 */
export interface TextVector {
  keys: Uint32Array;
  weights: Float32Array;
  from: number;
  to: number;
}

export const EMPTY_VECTOR: TextVector = { keys: new Uint32Array(0), weights: new Float32Array(0), from: 0, to: 0 };

/** 32-bit FNV-1a of a gram. */
export function gramKey(gram: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < gram.length; i++) {
    hash ^= gram.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** tf-idf weights of the grams, the strongest `limit` kept, normalised to unit length. */
export function textVector(grams: Map<string, number>, stats: TextStatistics | null, limit = MAX_GRAMS): TextVector {
  const weighted: Array<[number, number]> = [];
  for (const [gram, count] of grams) weighted.push([gramKey(gram), (1 + Math.log(count)) * inverseFrequency(stats, gram)]);
  if (weighted.length > limit) {
    weighted.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    weighted.length = limit;
  }
  weighted.sort((a, b) => a[0] - b[0]);
  // Hash collisions inside one text merge into one key.
  const keys: number[] = [];
  const weights: number[] = [];
  for (const [key, weight] of weighted) {
    if (keys.length && keys[keys.length - 1] === key) weights[weights.length - 1] += weight;
    else {
      keys.push(key);
      weights.push(weight);
    }
  }
  const norm = Math.sqrt(weights.reduce((sum, weight) => sum + weight * weight, 0));
  if (norm === 0) return EMPTY_VECTOR;
  return { keys: Uint32Array.from(keys), weights: Float32Array.from(weights, (weight) => weight / norm), from: 0, to: keys.length };
}

/** Cosine of two unit vectors (a merge of their sorted keys). */
export function cosine(a: TextVector, b: TextVector): number {
  let i = a.from;
  let j = b.from;
  let sum = 0;
  const ak = a.keys;
  const bk = b.keys;
  while (i < a.to && j < b.to) {
    const x = ak[i];
    const y = bk[j];
    if (x === y) {
      sum += a.weights[i++] * b.weights[j++];
    } else if (x < y) i++;
    else j++;
  }
  return Math.min(1, Math.max(0, sum));
}

/**
 * Packs many vectors into a few large buffers (ranges of fixed-size chunks), for the full
 * recompute: two typed arrays per vector would cost more in object overhead than in data.
 */
export class VectorPool {
  private keys = new Uint32Array(0);
  private weights = new Float32Array(0);
  private used = 0;

  constructor(private readonly chunkSize = 1 << 20) {}

  add(vector: TextVector): TextVector {
    const n = vector.to - vector.from;
    if (n === 0) return EMPTY_VECTOR;
    if (this.used + n > this.keys.length) {
      const size = Math.max(this.chunkSize, n);
      this.keys = new Uint32Array(size);
      this.weights = new Float32Array(size);
      this.used = 0;
    }
    const from = this.used;
    this.keys.set(vector.keys.subarray(vector.from, vector.to), from);
    this.weights.set(vector.weights.subarray(vector.from, vector.to), from);
    this.used += n;
    return { keys: this.keys, weights: this.weights, from, to: from + n };
  }
}

/** What TEXT_SIMILARITY compares: the title alone, and the title with the summary and purpose. */
export interface TextProfile {
  title: TextVector;
  body: TextVector;
}

export function textProfile(
  text: { title: string; summary?: string | null; purpose?: string | null },
  stats: TextStatistics | null,
  pool?: VectorPool,
): TextProfile {
  const title = textVector(textGrams(text.title), stats, TITLE_GRAMS);
  const body = textVector(textGrams(text.title, text.summary, text.purpose), stats);
  return pool ? { title: pool.add(title), body: pool.add(body) } : { title, body };
}

export interface TextSimilarity {
  /** 0–1: the body similarity, lifted a little by very similar titles. */
  score: number;
  title: number;
  body: number;
}

/** The body decides; a title much more alike than the body (a reworded summary) counts for a third. */
export function textSimilarity(a: TextProfile, b: TextProfile): TextSimilarity {
  const title = cosine(a.title, b.title);
  const body = cosine(a.body, b.body);
  const score = Math.max(body, (2 * body + title) / 3);
  return { score, title, body };
}

/**
 * Words two texts share, for the evidence: words of `a` that have a word in `b` with the same
 * first four letters (after folding), or are a part of a compound in `b` ("työ" in "nuorisotyö");
 * the rarest first when statistics are given, else the longest; in `a`'s spelling.
 */
export function sharedWords(a: string, b: string, stats: TextStatistics | null, limit = 6): string[] {
  const wordsB = [...new Set(contentWords(b))];
  const prefixesB = new Set(wordsB.map((word) => word.slice(0, 4)));
  const seen = new Set<string>();
  const shared: Array<{ word: string; rarity: number }> = [];
  const original = a.normalize('NFKC').match(/\p{L}+/gu) ?? [];
  for (const spelled of original) {
    const [word] = contentWords(spelled);
    if (!word || word.length < 3 || seen.has(word.slice(0, 4))) continue;
    const compoundPart = word.length >= 3 && wordsB.some((other) => other.length >= word.length + 3 && (other.startsWith(word) || other.endsWith(word)));
    if (!prefixesB.has(word.slice(0, 4)) && !compoundPart) continue;
    seen.add(word.slice(0, 4));
    const grams = wordGrams(word);
    const rarity = stats ? grams.reduce((sum, gram) => sum + inverseFrequency(stats, gram), 0) / grams.length : word.length;
    shared.push({ word: spelled.toLowerCase(), rarity });
  }
  return shared
    .sort((x, y) => y.rarity - x.rarity || x.word.localeCompare(y.word, 'fi'))
    .slice(0, limit)
    .map((entry) => entry.word);
}
