/**
 * Text → sparse feature vector under a feature spec (see `features.ts` for the definition).
 * Fast path for training: each token is looked up once; bigram and first-token terms are
 * found by integer keys built from token ids, without building their strings.
 */

import type { FeatureSpec } from "./feature-spec.ts";
import { TermCounts } from "./term-counts.ts";
import { FIRST_TOKEN_PREFIX } from "./term-tables.ts";
import { ForeignTokens } from "./token-table.ts";

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
  // The vocabulary in the term tables of a count (src/ml/term-counts.ts), a term's index its feature
  // id: every token of a term gets a token id there, and a document's terms are looked up, counted
  // and weighted there (WebAssembly).
  const counts = new TermCounts({ bigrams: spec.options.ngramMax >= 2, first: spec.options.firstToken });
  const { table } = counts;
  for (const term of spec.vocabulary) {
    if (term.startsWith(FIRST_TOKEN_PREFIX)) counts.put(table.intern(term.slice(FIRST_TOKEN_PREFIX.length)), -2);
    else {
      const space = term.indexOf(" ");
      if (space >= 0) counts.put(table.intern(term.slice(0, space)), table.intern(term.slice(space + 1)));
      else counts.put(table.intern(term), -1);
    }
  }
  counts.setIdf(spec.idf);
  const idf = Float64Array.from(spec.idf);
  let found = new Int32Array(256);
  const vectorOf = (tokenIds: Int32Array, count: number, view: boolean): SparseVector => {
    if (spec.options.sublinearTf === true) {
      let n = 0;
      counts.lookup(tokenIds, count, (indices) => {
        if (found.length < indices.length) found = new Int32Array(2 * indices.length);
        found.set(indices);
        n = indices.length;
      });
      return sublinearVector(sortIds(found, n), n, idf);
    }
    const { ids, values } = counts.vector(tokenIds, count);
    // (views of the module's memory, which the next call reuses)
    return view ? { ids, values } : { ids: ids.slice(), values: values.slice() };
  };
  // A handoff row's token ids as this table's (−1: the token is in no term).
  const foreign = new ForeignTokens((token) => table.get(token));
  return {
    text: (text, view = false) => {
      const count = table.scan(text, false); // (then its ids: a scan may move them)
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
