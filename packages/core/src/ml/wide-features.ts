/**
 * The exact race's wide representation (`wide.ts`): every term of the training rows (minimum
 * document frequency 1, only the weight bound), in the order first seen, with sublinear tf. Its
 * examples are built from the spec builder's own term indices as it counts (a term's index is its
 * feature id), and validation's by looking its terms up in the builder's tables: no term strings are
 * built or parsed again for a featurizer (Austen: 173k terms). The spec's strings are made only when
 * asked (`spec()`: the model needs them if the representation wins). The same spec and the same
 * vectors as `encoder(spec)` gives, bit for bit (the same terms, sorted, then `sublinearVector`).
 */
import { classIndexOf, type ExampleSet, encoder, fillCache, type Row } from "./examples.ts";
import type { FeatureOptions, FeatureSpec } from "./feature-spec.ts";
import { sortIds, sublinearVector } from "./featurizer.ts";
import { type TermTables, termTables } from "./onnx/term-tables.ts";
import { VectorCache } from "./row-cache.ts";
import { FeatureSpecBuilder, featureLimit, TermLists } from "./spec-builder.ts";

/** The wide representation's cached training and validation examples, over `terms` features. */
export interface WideExamples {
  terms: number;
  train: ExampleSet & { kind: "cached" };
  validation: ExampleSet & { kind: "cached" };
}

/** The wide representation: its examples, and its spec and the spec's export term tables (each made when first asked). */
export type WideFeatures = WideExamples & { spec: () => FeatureSpec; tables: () => TermTables };

/** The wide representation of a spec's options: every term seen (minimum df 1, only the weight bound), sublinear tf. */
export const wideOptions = (options: FeatureOptions): FeatureOptions => ({
  ...options,
  minDf: 1,
  maxFeatures: options.maxWeights,
  sublinearTf: true,
});

type Cached = ExampleSet & { kind: "cached" };

type WideInput = { train: Row[]; validation: Row[]; labels: string[]; options: FeatureOptions };

/**
 * Builds the wide spec from the training rows and featurizes both splits with it; undefined if
 * `stop` (asked every 64 training rows) says the work is no longer wanted.
 */
export async function wideFeatures(job: WideInput): Promise<WideFeatures>;
export async function wideFeatures(job: WideInput, stop: () => boolean): Promise<WideFeatures | undefined>;
export async function wideFeatures(job: WideInput, stop?: () => boolean): Promise<WideFeatures | undefined> {
  const options = wideOptions(job.options);
  const builder = new FeatureSpecBuilder(job.labels, options);
  const trainTerms = new TermLists();
  for (const [i, row] of job.train.entries()) {
    if (i % 64 === 0 && stop?.()) return undefined;
    if ("ids" in row) builder.addTokens(row.label, row.ids, row.tokens, trainTerms);
    else builder.add(row, trainTerms);
  }
  const df = builder.documentFrequencies;
  const terms = df.length;
  if (!builder.complete || terms > featureLimit(options, job.labels.length)) {
    // Not every term, or not at its first index: the spec's top terms, featurized from it.
    const spec = builder.build();
    const encode = encoder(spec);
    const cached = async (rows: Row[]) =>
      ({ kind: "cached", cache: (await fillCache(() => rows, Number.POSITIVE_INFINITY, encode))! }) as Cached;
    const [train, validation] = [await cached(job.train), await cached(job.validation)];
    const tables = () => termTables(spec.vocabulary, spec.options);
    return { terms: spec.vocabulary.length, train, validation, spec: () => spec, tables };
  }
  // Every term, in the order first seen: the model needs a fixed order, not the sorted one.
  const documents = builder.documentCount;
  const idf = new Float64Array(terms);
  for (let j = 0; j < terms; j++) idf[j] = Math.log((1 + documents) / (1 + df[j]!)) + 1;
  const validationTerms = new TermLists();
  for (const row of job.validation) builder.lookup(row, validationTerms);
  const classOf = classIndexOf(job.labels);
  const classes = (rows: Row[]) => rows.map((row) => classOf(row.label));
  let spec: FeatureSpec | undefined;
  return {
    terms,
    train: cachedLists(trainTerms, classes(job.train), idf),
    validation: cachedLists(validationTerms, classes(job.validation), idf),
    spec: () => {
      spec ??= builder.buildAll();
      return spec;
    },
    // (from the terms' token ids: the same tables as from the spec's strings)
    tables: () => builder.termTables(),
  };
}

/** The examples of documents given as term indices (sorted in place), in the featurizer's sublinear form. */
function cachedLists(lists: TermLists, classes: number[], idf: Float64Array): Cached {
  const cache = new VectorCache(Number.POSITIVE_INFINITY);
  let from = 0;
  for (const [d, end] of lists.ends.entries()) {
    const n = end - from;
    cache.add(sublinearVector(sortIds(lists.ids.subarray(from, end), n), n, idf), classes[d]!);
    from = end;
  }
  return { kind: "cached", cache };
}
