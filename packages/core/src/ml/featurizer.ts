/**
 * Text → sparse feature vector under a feature spec (see `features.ts` for the definition).
 * Fast path for training: each token is looked up once; bigram and first-token terms are
 * found by integer keys built from token ids, without building their strings.
 */

import { type FeatureSpec, FIRST_TOKEN_PREFIX } from "./feature-spec.ts";
import { pairIndexOf } from "./pair-index.ts";
import { ForeignTokens, TokenTable } from "./token-table.ts";

/** A sparse feature vector: distinct term indices (ascending) and their values. */
export interface SparseVector {
  ids: Int32Array;
  values: Float64Array;
}

/** Above this many terms a document's ids are sorted by TypedArray#sort instead of an insertion sort. */
const INSERTION_SORT_MAX = 64;

/**
 * Sorts the first `n` ids in place: by insertion for the usual tens of terms (faster there than
 * TypedArray#sort), by TypedArray#sort for long documents (e-mails: thousands of terms), where
 * insertion would be quadratic.
 */
export function sortIds(ids: Int32Array, n: number): Int32Array {
  if (n > INSERTION_SORT_MAX) {
    ids.subarray(0, n).sort();
    return ids;
  }
  for (let i = 1; i < n; i++) {
    const id = ids[i]!;
    let k = i - 1;
    while (k >= 0 && ids[k]! > id) {
      ids[k + 1] = ids[k]!;
      k--;
    }
    ids[k + 1] = id;
  }
  return ids;
}

/** A spec's featurizer: from text, or from token ids given in another table's numbering. */
interface Featurizers {
  text: (text: string, view?: boolean) => SparseVector;
  tokens: (ids: Int32Array, tokens: readonly string[], view?: boolean) => SparseVector;
}

const featurizers = new WeakMap<FeatureSpec, Featurizers>();

function featurizersOf(spec: FeatureSpec): Featurizers {
  let cached = featurizers.get(spec);
  if (!cached) {
    cached = makeFeaturizer(spec);
    featurizers.set(spec, cached);
  }
  return cached;
}

/**
 * A function from text to its sparse feature vector under `spec` (cached per spec object).
 * @example
 * const featurize = featurizer(spec);
 * const { ids, values } = featurize("a small dog");
 */
export function featurizer(spec: FeatureSpec): (text: string) => SparseVector {
  const { text } = featurizersOf(spec);
  return (t) => text(t);
}

/**
 * A function from a document's token ids (`ids[i]` is the token `tokens[ids[i]]`, in the text's
 * order: what `TokenTable.scan` gave Preprocess, see steps/handoff.ts) to the vector `featurizer`
 * gives for its text, without the text.
 * @example tokenFeaturizer(spec)(Int32Array.of(0, 1, 2), ["a", "small", "dog"]) // = featurizer(spec)("a small dog")
 */
export function tokenFeaturizer(spec: FeatureSpec): (ids: Int32Array, tokens: readonly string[]) => SparseVector {
  const { tokens } = featurizersOf(spec);
  return (ids, list) => tokens(ids, list);
}

/**
 * `featurizer` and `tokenFeaturizer` whose vectors are views of two buffers that the next call of
 * either reuses: for a caller that copies each vector at once (into a cache), so that no arrays are
 * allocated per row. The same values.
 */
export function reusingFeaturizer(spec: FeatureSpec): {
  text: (text: string) => SparseVector;
  tokens: (ids: Int32Array, tokens: readonly string[]) => SparseVector;
} {
  const { text, tokens } = featurizersOf(spec);
  return { text: (t) => text(t, true), tokens: (ids, list) => tokens(ids, list, true) };
}

function makeFeaturizer(spec: FeatureSpec): Featurizers {
  // Every token that occurs in a term gets a token id; terms are keyed by token ids.
  const table = new TokenTable();
  const tokenId = (token: string): number => table.intern(token);
  // Unigram and first-token terms as (term id, token id) pairs, bigrams as (a, b, term id)
  const unigram: number[] = [];
  const first: number[] = [];
  const pairs: Array<[number, number, number]> = [];
  spec.vocabulary.forEach((term, j) => {
    if (term.startsWith(FIRST_TOKEN_PREFIX)) first.push(j, tokenId(term.slice(FIRST_TOKEN_PREFIX.length)));
    else {
      const space = term.indexOf(" ");
      if (space >= 0) pairs.push([tokenId(term.slice(0, space)), tokenId(term.slice(space + 1)), j]);
      else unigram.push(j, tokenId(term));
    }
  });
  const K = table.tokens.length;
  const bigram = pairIndexOf(pairs);
  const uniOf = new Int32Array(K).fill(-1);
  for (let k = 0; k < unigram.length; k += 2) uniOf[unigram[k + 1]!] = unigram[k]!;
  const firstOf = new Int32Array(K).fill(-1);
  for (let k = 0; k < first.length; k += 2) firstOf[first[k + 1]!] = first[k]!;
  // Tokens that open or close some bigram of the vocabulary: most pairs of a text are in no term,
  // and these two bytes answer that without a probe of the pair table.
  const opens = new Uint8Array(K);
  const closes = new Uint8Array(K);
  for (const [a, b] of pairs) {
    opens[a] = 1;
    closes[b] = 1;
  }
  const idf = Float64Array.from(spec.idf);
  const bigrams = spec.options.ngramMax >= 2;
  const firstToken = spec.options.firstToken;
  const sublinear = spec.options.sublinearTf === true;
  let found = new Int32Array(256);

  // A vector's arrays: new ones, or (`view`) views of two buffers reused by the next call, for a
  // caller that copies them at once (a cache): no two ArrayBuffers allocated per row.
  let bufferIds = new Int32Array(256);
  let bufferValues = new Float64Array(256);
  const arrays = (distinct: number, view: boolean): SparseVector => {
    if (!view) return { ids: new Int32Array(distinct), values: new Float64Array(distinct) };
    if (bufferIds.length < distinct) {
      bufferIds = new Int32Array(2 * distinct);
      bufferValues = new Float64Array(2 * distinct);
    }
    bufferValues.fill(0, 0, distinct);
    return { ids: bufferIds.subarray(0, distinct), values: bufferValues.subarray(0, distinct) };
  };

  const vectorOf = (tokenIds: Int32Array, count: number, view: boolean): SparseVector => {
    if (found.length < 2 * count + 1) found = new Int32Array(2 * count + 1);
    let n = 0;
    let prev = -1;
    for (let i = 0; i < count; i++) {
      const t = tokenIds[i]!;
      if (t >= 0) {
        if (uniOf[t]! >= 0) found[n++] = uniOf[t]!;
        if (i === 0 && firstToken && firstOf[t]! >= 0) found[n++] = firstOf[t]!;
        if (bigrams && prev >= 0 && opens[prev] === 1 && closes[t] === 1) {
          const j = bigram.get(prev, t);
          if (j >= 0) found[n++] = j;
        }
      }
      prev = t;
    }
    if (n > INSERTION_SORT_MAX && !sublinear) return tallied(n, view);
    const sorted = sortIds(found, n);
    if (sublinear) return sublinearVector(sorted, n, idf);
    let norm2 = 0;
    let distinct = 0;
    for (let k = 0; k < n; k++) {
      norm2 += idf[sorted[k]!]! * idf[sorted[k]!]!;
      if (k === 0 || sorted[k] !== sorted[k - 1]) distinct++;
    }
    const norm = Math.max(Math.sqrt(norm2), 1e-12);
    const { ids, values } = arrays(distinct, view);
    let out = -1;
    for (let k = 0; k < n; k++) {
      const id = sorted[k]!;
      if (k === 0 || id !== sorted[k - 1]) ids[++out] = id;
      values[out]! += idf[id]! / norm;
    }
    return { ids, values };
  };
  // A long document (e-mails: thousands of terms, most repeated): its distinct terms sorted, each
  // with its count, instead of every occurrence sorted. The same sums in the same order (each
  // term's idf² and idf / norm added once per occurrence, terms ascending), so the same floats.
  const tally = new Int32Array(idf.length);
  let distinctIds = new Int32Array(256);
  const tallied = (n: number, view: boolean): SparseVector => {
    if (distinctIds.length < n) distinctIds = new Int32Array(2 * n);
    let distinct = 0;
    for (let k = 0; k < n; k++) if (tally[found[k]!]!++ === 0) distinctIds[distinct++] = found[k]!;
    const sorted = sortIds(distinctIds, distinct);
    let norm2 = 0;
    for (let k = 0; k < distinct; k++) {
      const id = sorted[k]!;
      for (let c = tally[id]!; c > 0; c--) norm2 += idf[id]! * idf[id]!;
    }
    const norm = Math.max(Math.sqrt(norm2), 1e-12);
    const { ids, values } = arrays(distinct, view);
    for (let k = 0; k < distinct; k++) {
      const id = sorted[k]!;
      ids[k] = id;
      let value = 0;
      for (let c = tally[id]!; c > 0; c--) value += idf[id]! / norm;
      values[k] = value;
      tally[id] = 0;
    }
    return { ids, values };
  };
  // A handoff row's token ids as this table's (−1: the token is in no term).
  const foreign = new ForeignTokens((token) => table.get(token));
  return {
    text: (text, view = false) => {
      const count = table.scan(text, false); // (it may replace table.ids: read them after)
      return vectorOf(table.ids, count, view);
    },
    tokens: (tokenIds, tokens, view = false) => vectorOf(foreign.map(tokenIds, tokens), tokenIds.length, view),
  };
}

/**
 * The sublinear form of the first `n` sorted term ids (repeats adjacent): `(1 + ln count) · idf`
 * per distinct term, divided by the l2 norm of those values.
 */
export function sublinearVector(sorted: Int32Array, n: number, idf: Float64Array): SparseVector {
  let distinct = 0;
  for (let k = 0; k < n; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) distinct++;
  const ids = new Int32Array(distinct);
  const values = new Float64Array(distinct);
  let out = 0;
  let norm2 = 0;
  for (let k = 0; k < n; ) {
    const id = sorted[k]!;
    let end = k + 1;
    while (end < n && sorted[end] === id) end++;
    const value = (1 + Math.log(end - k)) * idf[id]!;
    ids[out] = id;
    values[out++] = value;
    norm2 += value * value;
    k = end;
  }
  const norm = Math.max(Math.sqrt(norm2), 1e-12);
  for (let k = 0; k < distinct; k++) values[k]! /= norm;
  return { ids, values };
}
