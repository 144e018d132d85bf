/**
 * Training examples as the trainer sees them: rows featurized once into a bounded cache (all of
 * them, or a subset of its indices), or else a stream of rows featurized on the fly. Also the
 * restriction of cached examples to a smaller feature spec (a selection candidate with fewer
 * terms) without re-reading or re-tokenising the rows.
 */
import { InvalidDatasetError } from "../errors.ts";
import type { FeatureSpec } from "./feature-spec.ts";
import { featurizer, reusingFeaturizer, type SparseVector, tokenFeaturizer } from "./featurizer.ts";
import { VectorCache } from "./row-cache.ts";
import { FIRST_TOKEN_PREFIX } from "./term-tables.ts";

/**
 * A row as text, or as Preprocess handed it over (steps/handoff.ts): the ids of its tokens in
 * `tokens` (the token list of the handoff), in the text's order, and no text.
 */
export type Row = { text: string; label: string } | TokenRow;
export type TokenRow = { label: string; ids: Int32Array; tokens: readonly string[] };
/** A source of rows, called once per pass; it must yield the same rows each time. */
export type Rows = () => AsyncIterable<Row> | Iterable<Row>;
export type Example = { x: SparseVector; y: number };

/** Examples to train or evaluate on: cached (optionally only the cache indices in `subset`), or streamed. */
export type ExampleSet =
  | { kind: "cached"; cache: VectorCache; subset?: Int32Array }
  | { kind: "streamed"; rows: Rows; encode: (row: Row) => Example };

export const sizeOf = (set: ExampleSet): number | undefined =>
  set.kind === "cached" ? (set.subset?.length ?? set.cache.count) : undefined;

/**
 * Row → example under `spec`.
 * @throws InvalidDatasetError on a label outside `spec.labels`.
 */
export function encoder(spec: FeatureSpec): (row: Row) => Example {
  return encoderOf(spec, featurizer(spec), tokenFeaturizer(spec));
}

/**
 * Row → example under `spec`, its vector a view that the next call reuses: for a caller that copies
 * it at once (`fillCache`, a cache's `add`). The same example as `encoder`'s.
 * @throws InvalidDatasetError on a label outside `spec.labels`.
 */
export function cacheEncoder(spec: FeatureSpec): (row: Row) => Example {
  const { text, tokens } = reusingFeaturizer(spec);
  return encoderOf(spec, text, tokens);
}

function encoderOf(
  spec: FeatureSpec,
  featurize: (text: string) => SparseVector,
  fromTokens: (ids: Int32Array, tokens: readonly string[]) => SparseVector,
): (row: Row) => Example {
  const classOf = classIndexOf(spec.labels);
  return (row) => {
    const y = classOf(row.label);
    return { x: "ids" in row ? fromTokens(row.ids, row.tokens) : featurize(row.text), y };
  };
}

/**
 * A label's class: its index in `labels`.
 * @throws InvalidDatasetError on a label outside `labels`.
 */
export function classIndexOf(labels: readonly string[]): (label: string) => number {
  const classIndex = new Map(labels.map((label, i) => [label, i]));
  return (label) => {
    const y = classIndex.get(label);
    if (y === undefined) throw new InvalidDatasetError(`unknown label ${JSON.stringify(label)}`);
    return y;
  };
}

/** Featurizes all rows into a cache of at most `limit` bytes, or returns undefined when they do not fit. */
export async function fillCache(
  rows: Rows,
  limit: number,
  encode: (row: Row) => Example,
): Promise<VectorCache | undefined> {
  if (limit <= 0) return undefined;
  const cache = new VectorCache(limit);
  for await (const row of rows()) {
    const { x, y } = encode(row);
    if (!cache.add(x, y)) return undefined;
  }
  return cache;
}

/** The examples of a set, as one (cached views, valid until the next step) at a time. */
export async function* eachExample(set: ExampleSet): AsyncGenerator<Example> {
  if (set.kind === "streamed") {
    for await (const row of set.rows()) yield set.encode(row);
    return;
  }
  const n = sizeOf(set)!;
  for (let k = 0; k < n; k++) yield set.cache.get(set.subset ? set.subset[k]! : k);
}

/**
 * A seeded uniform sample of up to `size` rows of a stream (reservoir sampling, Vitter's
 * Algorithm R), in random order; also how many rows the stream had.
 */
export async function reservoir(rows: Rows, size: number, rand: () => number): Promise<{ rows: Row[]; seen: number }> {
  const kept: Row[] = [];
  let seen = 0;
  for await (const row of rows()) {
    seen++;
    if (kept.length < size) kept.push(row);
    else {
      const j = Math.floor(rand() * seen);
      if (j < size) kept[j] = row;
    }
  }
  for (let i = kept.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [kept[i], kept[j]] = [kept[j]!, kept[i]!];
  }
  return { rows: kept, seen };
}

/**
 * The spec restricted to its unigram (and first-token) terms, or to terms in at least `minDf`
 * documents (df is recovered from idf = ln((1 + N) / (1 + df)) + 1), and the map from the
 * spec's term ids to the restricted one's (−1: dropped). Preprocess builds the widest spec;
 * selection candidates with fewer terms are derived from it here.
 */
export function restrictSpec(
  spec: FeatureSpec,
  want: { ngramMax?: number; minDf?: number },
): { spec: FeatureSpec; map: Int32Array } {
  const ngramMax = Math.min(want.ngramMax ?? spec.options.ngramMax, spec.options.ngramMax);
  const minDf = Math.max(want.minDf ?? spec.options.minDf, spec.options.minDf);
  const map = new Int32Array(spec.vocabulary.length).fill(-1);
  const vocabulary: string[] = [];
  const idf: number[] = [];
  spec.vocabulary.forEach((term, j) => {
    const bigram = !term.startsWith(FIRST_TOKEN_PREFIX) && term.includes(" ");
    const df = Math.round((1 + spec.documents) / Math.exp(spec.idf[j]! - 1) - 1);
    if ((bigram && ngramMax < 2) || df < minDf) return;
    map[j] = vocabulary.length;
    vocabulary.push(term);
    idf.push(spec.idf[j]!);
  });
  return { spec: { ...spec, options: { ...spec.options, ngramMax, minDf }, vocabulary, idf }, map };
}

/**
 * The spec a choice of n-grams and minimum df trains with: the restricted spec when the choice
 * drops terms, else `spec` itself (so a choice that drops nothing keeps the spec's own options).
 * @example const trained = specFor(spec, { ngramMax: 1, minDf: 2 });
 */
export function specFor(spec: FeatureSpec, chosen: { ngramMax: number; minDf: number }): FeatureSpec {
  const restricted = restrictSpec(spec, chosen).spec;
  return restricted.vocabulary.length < spec.vocabulary.length ? restricted : spec;
}

/**
 * Cached examples of `set` (all, or its subset) under a restricted spec: ids mapped by `map`,
 * values renormalized as the featurizer would compute them for that spec, without the text.
 * The featurizer's value is `c_j·idf_j / n` with `n² = Σ c_k·idf_k²` over the terms found, so
 * `n = Σ v_k·idf_k` and, over the kept terms, `n'² = n · Σ_kept v_k·idf_k` and `v'_j = v_j · n / n'`.
 */
export function restrictCache(set: ExampleSet & { kind: "cached" }, map: Int32Array, idf: number[]): VectorCache {
  const { cache, subset } = set;
  const n = sizeOf(set)!;
  // Flat loops over the arrays, into arrays sized for the kept terms (no view or copy per example).
  let bound = 0;
  for (let k = 0; k < n; k++) {
    const i = subset ? subset[k]! : k;
    bound += cache.offsets[i + 1]! - cache.offsets[i]!;
  }
  const ids = new Int32Array(Math.max(1, bound));
  const values = new Float64Array(Math.max(1, bound));
  const offsets = new Int32Array(n + 1);
  const classes = new Int32Array(Math.max(1, n));
  let m = 0;
  for (let k = 0; k < n; k++) {
    const i = subset ? subset[k]! : k;
    const from = m;
    let norm = 0;
    let kept = 0;
    for (let e = cache.offsets[i]!, end = cache.offsets[i + 1]!; e < end; e++) {
      const j = cache.ids[e]!;
      const v = cache.values[e]!;
      norm += v * idf[j]!;
      const to = map[j]!;
      if (to < 0) continue;
      kept += v * idf[j]!;
      ids[m] = to;
      values[m++] = v;
    }
    const scale = kept > 0 ? norm / Math.sqrt(norm * kept) : 0;
    for (let e = from; e < m; e++) values[e]! *= scale;
    classes[k] = cache.classes[i]!;
    offsets[k + 1] = m;
  }
  return VectorCache.from({ ids, values, offsets, classes, count: n });
}
