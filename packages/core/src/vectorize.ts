/**
 * Text → sparse feature vector under a feature spec (see `features.ts` for the definition).
 * Fast path for training: each token is looked up once; bigram and first-token terms are
 * found by integer keys built from token ids, without building their strings.
 */
import { type FeatureSpec, FIRST_TOKEN_PREFIX } from "./features.ts";
import { tokenize } from "./text.ts";

/** A sparse feature vector: distinct term indices (ascending) and their values. */
export interface SparseVector {
  ids: Int32Array;
  values: Float64Array;
}

const featurizers = new WeakMap<FeatureSpec, (text: string) => SparseVector>();

/**
 * A function from text to its sparse feature vector under `spec` (cached per spec object).
 * @example
 * const featurize = featurizer(spec);
 * const { ids, values } = featurize("a small dog");
 */
export function featurizer(spec: FeatureSpec): (text: string) => SparseVector {
  let cached = featurizers.get(spec);
  if (!cached) {
    cached = makeFeaturizer(spec);
    featurizers.set(spec, cached);
  }
  return cached;
}

function makeFeaturizer(spec: FeatureSpec): (text: string) => SparseVector {
  // Every token that occurs in a term gets a token id; terms are keyed by token ids.
  const tokenIds = new Map<string, number>();
  const tokenId = (token: string): number => {
    let id = tokenIds.get(token);
    if (id === undefined) {
      id = tokenIds.size;
      tokenIds.set(token, id);
    }
    return id;
  };
  const unigram = new Map<number, number>();
  const first = new Map<number, number>();
  const pairs: Array<[number, number, number]> = [];
  spec.vocabulary.forEach((term, j) => {
    if (term.startsWith(FIRST_TOKEN_PREFIX)) first.set(tokenId(term.slice(FIRST_TOKEN_PREFIX.length)), j);
    else if (term.includes(" ")) {
      const [a, b] = term.split(" ") as [string, string];
      pairs.push([tokenId(a), tokenId(b), j]);
    } else unigram.set(tokenId(term), j);
  });
  const K = tokenIds.size;
  const bigram = new PairTable(pairs);
  const uniOf = Int32Array.from({ length: K }, (_, t) => unigram.get(t) ?? -1);
  const firstOf = Int32Array.from({ length: K }, (_, t) => first.get(t) ?? -1);
  const idf = Float64Array.from(spec.idf);
  const bigrams = spec.options.ngramMax >= 2;
  const firstToken = spec.options.firstToken;
  let found = new Int32Array(256);

  return (text) => {
    const tokens = tokenize(text);
    if (found.length < 2 * tokens.length + 1) found = new Int32Array(2 * tokens.length + 1);
    let n = 0;
    let prev = -1;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokenIds.get(tokens[i]!) ?? -1;
      if (t >= 0) {
        if (uniOf[t]! >= 0) found[n++] = uniOf[t]!;
        if (i === 0 && firstToken && firstOf[t]! >= 0) found[n++] = firstOf[t]!;
        if (bigrams && prev >= 0) {
          const j = bigram.get(prev, t);
          if (j >= 0) found[n++] = j;
        }
      }
      prev = t;
    }
    // Insertion sort: documents have tens of terms, where it beats TypedArray#sort.
    const sorted = found;
    for (let i = 1; i < n; i++) {
      const id = sorted[i]!;
      let k = i - 1;
      while (k >= 0 && sorted[k]! > id) {
        sorted[k + 1] = sorted[k]!;
        k--;
      }
      sorted[k + 1] = id;
    }
    let norm2 = 0;
    let distinct = 0;
    for (let k = 0; k < n; k++) {
      norm2 += idf[sorted[k]!]! * idf[sorted[k]!]!;
      if (k === 0 || sorted[k] !== sorted[k - 1]) distinct++;
    }
    const norm = Math.max(Math.sqrt(norm2), 1e-12);
    const ids = new Int32Array(distinct);
    const values = new Float64Array(distinct);
    let out = -1;
    for (let k = 0; k < n; k++) {
      const id = sorted[k]!;
      if (k === 0 || id !== sorted[k - 1]) ids[++out] = id;
      values[out]! += idf[id]! / norm;
    }
    return { ids, values };
  };
}

/** An open-addressing hash table from a pair of small non-negative integers to an index (-1: absent). */
class PairTable {
  private readonly keys: Int32Array;
  private readonly values: Int32Array;
  private readonly mask: number;

  constructor(entries: Array<[number, number, number]>) {
    let size = 16;
    while (size < entries.length * 2) size *= 2;
    this.mask = size - 1;
    this.keys = new Int32Array(2 * size).fill(-1);
    this.values = new Int32Array(size).fill(-1);
    for (const [a, b, value] of entries) {
      let slot = this.slot(a, b);
      while (this.keys[2 * slot]! >= 0) slot = (slot + 1) & this.mask;
      this.keys[2 * slot] = a;
      this.keys[2 * slot + 1] = b;
      this.values[slot] = value;
    }
  }

  private slot(a: number, b: number): number {
    return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b)) & this.mask;
  }

  get(a: number, b: number): number {
    for (let slot = this.slot(a, b); ; slot = (slot + 1) & this.mask) {
      const key = this.keys[2 * slot]!;
      if (key < 0) return -1;
      if (key === a && this.keys[2 * slot + 1] === b) return this.values[slot]!;
    }
  }
}
