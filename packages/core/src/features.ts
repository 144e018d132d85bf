/**
 * Feature spec: a vocabulary of unigrams and bigrams chosen on the training split, with
 * smoothed idf. A document becomes a sparse vector x with, for each vocabulary term j,
 * `x_j = count_j · idf_j / sqrt(Σ_k count_k · idf_k²)`: tf-idf whose l2-style normaliser counts every
 * occurrence separately (equal to the usual l2 norm when no term repeats). This form sums over
 * token positions, so the ONNX graph computes it with Gather + ReduceSum, without a dense
 * N × vocabulary matrix. Out-of-vocabulary terms are ignored (idf 0).
 */
import { z } from "zod";
import { InvalidDatasetError } from "./errors.ts";
import { tokenize } from "./text.ts";

export const FeatureOptions = z.object({
  /** 1: unigrams; 2: unigrams and bigrams (adjacent tokens joined by one space). */
  ngramMax: z.number().int().min(1).max(2).default(2),
  /** Add a term "^ first-token" marking the document's first token (e.g. the part of speech of a definition). */
  firstToken: z.boolean().default(true),
  /** Keep terms found in at least this many training documents. */
  minDf: z.number().int().min(1).default(2),
  /** Keep at most this many terms (highest document frequency first); bounds the model size. */
  maxFeatures: z.number().int().min(1).default(100_000),
  /** Keep at most this many weights (terms × labels): bounds the ONNX model (4 bytes each) whatever the label count. */
  maxWeights: z.number().int().min(1).default(5_000_000),
  /** Bound on distinct terms counted while scanning; rare ones are pruned beyond it (bounded memory). */
  maxCandidates: z.number().int().min(1000).default(2_000_000),
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

/** The prefix of the first-token term ("^" is never part of a token). */
export const FIRST_TOKEN_PREFIX = "^ ";

/**
 * The terms of a token list, in the order the ONNX graph produces them: unigrams, then
 * (ngramMax 2) bigrams, then (firstToken) the first-token term.
 * @example
 * termsOf(["a", "small", "dog"], { ngramMax: 2, firstToken: true }) // ["a", "small", "dog", "a small", "small dog", "^ a"]
 */
export function termsOf(tokens: string[], options: Pick<FeatureOptions, "ngramMax" | "firstToken">): string[] {
  const terms = tokens.slice();
  if (options.ngramMax >= 2) for (let i = 0; i + 1 < tokens.length; i++) terms.push(`${tokens[i]} ${tokens[i + 1]}`);
  if (options.firstToken && tokens.length > 0) terms.push(FIRST_TOKEN_PREFIX + tokens[0]);
  return terms;
}

function pruneCounts(df: Map<string, number>, limit: number): void {
  for (let threshold = 1; df.size > limit / 2; threshold++) {
    for (const [term, n] of df) if (n <= threshold) df.delete(term);
  }
}

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
  const opts = FeatureOptions.parse(options);
  if (new Set(labels).size !== labels.length || labels.length < 2) {
    throw new InvalidDatasetError(`need at least two distinct labels, got ${JSON.stringify(labels)}`);
  }
  const known = new Set(labels);
  const df = new Map<string, number>();
  let documents = 0;
  for await (const row of train) {
    if (!known.has(row.label)) throw new InvalidDatasetError(`unknown label ${JSON.stringify(row.label)}`);
    documents++;
    for (const term of new Set(termsOf(tokenize(row.text), opts))) df.set(term, (df.get(term) ?? 0) + 1);
    if (df.size > opts.maxCandidates) pruneCounts(df, opts.maxCandidates);
  }
  const kept = [...df].filter(([, n]) => n >= opts.minDf);
  // Most frequent first; among equals, single tokens before bigrams (they generalise better), then by text.
  const rank = (term: string): number => (term.startsWith(FIRST_TOKEN_PREFIX) || !term.includes(" ") ? 0 : 1);
  kept.sort((a, b) => b[1] - a[1] || rank(a[0]) - rank(b[0]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  kept.length = Math.min(kept.length, opts.maxFeatures, Math.floor(opts.maxWeights / labels.length));
  return {
    version: 1,
    kind: "vocabulary-tfidf",
    labels: [...labels],
    options: opts,
    documents,
    vocabulary: kept.map(([term]) => term),
    idf: kept.map(([, n]) => Math.log((1 + documents) / (1 + n)) + 1),
  };
}
