/**
 * Feature spec: a vocabulary of unigrams and bigrams chosen on the training split, with
 * smoothed idf. A document becomes a sparse vector x with, for each vocabulary term j,
 * `x_j = count_j · idf_j / sqrt(Σ_k count_k · idf_k²)`: tf-idf whose l2-style normaliser counts every
 * occurrence separately (equal to the usual l2 norm when no term repeats). This form sums over
 * token positions, so the ONNX graph computes it with Gather + ReduceSum, without a dense
 * N × vocabulary matrix. Out-of-vocabulary terms are ignored (idf 0). With `sublinearTf`, the
 * peers' form instead: `(1 + ln count_j) · idf_j` over the distinct terms, l2-normalized.
 */

import { z } from "zod";
import { FEATURE_DEFAULTS, FeatureSpecBuilder } from "./spec-builder.ts";

// The builder and its helpers, without zod (a worker thread loads them: spec-builder.ts).
export {
  FEATURE_DEFAULTS,
  FeatureSpecBuilder,
  FIRST_TOKEN_PREFIX,
  featureLimit,
  specFromTerms,
  TermLists,
  termsOf,
} from "./spec-builder.ts";

export const FeatureOptions = z.object({
  /** 1: unigrams; 2: unigrams and bigrams (adjacent tokens joined by one space). */
  ngramMax: z.number().int().min(1).max(2).default(FEATURE_DEFAULTS.ngramMax),
  /** Add a term "^ first-token" marking the document's first token (e.g. the part of speech of a definition). */
  firstToken: z.boolean().default(FEATURE_DEFAULTS.firstToken),
  /** Keep terms found in at least this many training documents. */
  minDf: z.number().int().min(1).default(FEATURE_DEFAULTS.minDf),
  /** Keep at most this many terms (highest document frequency first); bounds the model size. */
  maxFeatures: z.number().int().min(1).default(FEATURE_DEFAULTS.maxFeatures),
  /** Keep at most this many weights (terms × labels): bounds the ONNX model (4 bytes each) whatever the label count. */
  maxWeights: z.number().int().min(1).default(FEATURE_DEFAULTS.maxWeights),
  /** Bound on distinct terms counted while scanning; rare ones are pruned beyond it (bounded memory). */
  maxCandidates: z.number().int().min(1000).default(FEATURE_DEFAULTS.maxCandidates),
  /**
   * Sublinear term frequency: `x_j = (1 + ln count_j) · idf_j / ‖·‖₂` over the document's distinct
   * terms (scikit-learn's `sublinear_tf=True` with the l2 norm) instead of the form above. Absent
   * (the default) for the spec Preprocess writes; the small-data race's wide candidate sets it.
   */
  sublinearTf: z.boolean().optional(),
});
export type FeatureOptions = z.infer<typeof FeatureOptions>;

export const FeatureSpec = z.object({
  version: z.literal(1),
  kind: z.literal("vocabulary-tfidf"),
  labels: z.array(z.string()).min(2),
  options: FeatureOptions,
  documents: z.number().int().nonnegative().describe("training documents scanned"),
  vocabulary: z.array(z.string()).describe("terms; a bigram is two tokens joined by one space"),
  idf: z.array(z.number()).describe("ln((1 + documents) / (1 + df)) + 1, per vocabulary term"),
});
export type FeatureSpec = z.infer<typeof FeatureSpec>;

/**
 * Scans the training split once and chooses the vocabulary and idf.
 * @throws InvalidDatasetError when a row's label is not in `labels`, or fewer than two labels.
 * @example
 * const spec = await buildFeatureSpec(rows(), ["pos", "neg"], { minDf: 1 });
 * spec.vocabulary.length // number of terms kept
 */
export async function buildFeatureSpec(
  train: AsyncIterable<{ text: string; label: string }> | Iterable<{ text: string; label: string }>,
  labels: string[],
  options: Partial<FeatureOptions> = {},
): Promise<FeatureSpec> {
  const builder = new FeatureSpecBuilder(labels, FeatureOptions.parse(options));
  for await (const row of train) builder.add(row);
  return builder.build();
}
