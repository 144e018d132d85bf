/**
 * The refit: once the early-stopped fit on the training split has found how many epochs help,
 * the final model is fitted again from scratch on the training and validation rows together for
 * that many epochs. It is how the peers are run (scikit-learn's search then `refit`, LIBLINEAR's
 * and VW's users: choose on validation, then train on all the labelled rows), and it gives the
 * model the validation rows (10% more data by default) instead of leaving them out.
 *
 * Chosen on validation only: with an inner split of each benchmark collection's training part
 * (early stopping on a tenth of it, both models scored on the validation split), the refit
 * model scored at least as well as the held-out one in every case tried
 * (docs/adr/0005-hyperparameter-selection.md).
 */
import { AdaGrad } from "./adagrad.ts";
import { type Example, type ExampleSet, type Row, type Rows, sizeOf } from "./examples.ts";
import type { FitOptions } from "./fit.ts";
import { runPass } from "./pass.ts";
import { mulberry32 } from "./random.ts";
import { VectorCache } from "./row-cache.ts";

/**
 * The training and validation examples as one set: one cache holding both when both are cached
 * (so every epoch visits one full permutation of all of them), else the rows of both, streamed
 * through the shuffle buffer and featurized with `encode`.
 */
export async function unionSet(
  train: { set: ExampleSet; rows: Rows },
  validation: { set: ExampleSet; rows: Rows },
  encode: (row: Row) => Example,
): Promise<ExampleSet> {
  if (train.set.kind === "cached" && validation.set.kind === "cached") {
    return { kind: "cached", cache: unionCache(train.set, validation.set) };
  }
  const rows = async function* () {
    yield* train.rows();
    yield* validation.rows();
  };
  return { kind: "streamed", rows, encode };
}

/** One cache holding the examples of cached sets, in order (each set's subset only). */
export function unionCache(...sets: (ExampleSet & { kind: "cached" })[]): VectorCache {
  const cache = new VectorCache(Number.POSITIVE_INFINITY);
  for (const set of sets) cache.append(set.cache, set.subset);
  return cache;
}

/**
 * `epochs` passes of AdaGrad over `set` (no early stopping: the epoch count was chosen on
 * validation), with the fit's options; returns the last epoch's (averaged) weights.
 * @example
 * const model = await refitLinear(spec.vocabulary.length, spec.labels.length, all, fit.bestEpoch, opts);
 */
export async function refitLinear(
  features: number,
  classes: number,
  set: ExampleSet,
  epochs: number,
  opts: FitOptions,
): Promise<{ weights: Float32Array; bias: Float32Array; rows: number; passes: number }> {
  const optimizer = new AdaGrad(features, classes, opts);
  const rand = mulberry32(opts.seed);
  let rows = sizeOf(set) ?? 0;
  for (let epoch = 1; epoch <= epochs; epoch++) rows = await refitEpoch(optimizer, set, rand, opts, epoch);
  return { ...optimizer.snapshot(), rows, passes: epochs };
}

/**
 * Epoch `epoch` (from 1) of the refit: the one loop body `refitLinear` and the refit beside the
 * fit (`refit-worker.ts`) both run, so the two give the same weights. Returns the rows visited.
 */
export async function refitEpoch(
  optimizer: AdaGrad,
  set: ExampleSet,
  rand: () => number,
  opts: FitOptions,
  epoch: number,
): Promise<number> {
  if (opts.average && epoch === (opts.averageFrom ?? 1)) optimizer.restartAverage();
  return (await runPass(optimizer, set, rand, opts.shuffleBuffer)).count;
}
