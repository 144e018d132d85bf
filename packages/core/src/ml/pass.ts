/**
 * One training pass and one evaluation: the building blocks of every fit, and the unit of sharded
 * training (issue 12: a Distributed Map child trains from the merged weights on its shard for one
 * pass, returns weights and example count; the merge averages them weighted by examples and
 * scores the result on validation with `evaluate`).
 */
import { InvalidDatasetError } from "../errors.ts";
import { type Accumulators, AdaGrad, type SgdOptions } from "./adagrad.ts";
import { type ExampleSet, eachExample, encoder, fillCache, type Rows } from "./examples.ts";
import type { FeatureSpec } from "./feature-spec.ts";
import { argmax, exampleGradientRange, type LinearModel } from "./linear-model.ts";
import type { ModelState } from "./model-state.ts";
import { mulberry32, permutation, shuffled } from "./random.ts";
import { scoreCached } from "./sgd-module.ts";

/**
 * One pass of `optimizer` over `set` in a seeded random order (cached: a full permutation;
 * streamed: through a shuffle buffer of `shuffleBuffer` rows). Returns the mean training loss
 * and the number of examples.
 */
export async function runPass(
  optimizer: AdaGrad,
  set: ExampleSet,
  rand: () => number,
  shuffleBuffer: number,
): Promise<{ loss: number; count: number }> {
  const grad = new Float64Array(optimizer.bias.length);
  const { weights, bias } = optimizer;
  let loss = 0;
  let count = 0;
  if (set.kind === "cached") {
    // A plain loop over the flat arrays (no generator, no per-example objects, no closure).
    const { ids, values, offsets, classes } = set.cache;
    const n = set.subset?.length ?? set.cache.count;
    const order = permutation(n, rand);
    const subset = set.subset;
    if (AdaGrad.fitsPass(set.cache)) {
      // In WebAssembly (the same floats as the loop below).
      const rows = subset ? order.map((k) => subset[k]!) : order;
      return { loss: n ? optimizer.passCached(set.cache, rows) / n : Number.NaN, count: n };
    }
    for (let k = 0; k < n; k++) {
      const i = subset ? subset[order[k]!]! : order[k]!;
      const start = offsets[i]!;
      const end = offsets[i + 1]!;
      loss += exampleGradientRange(weights, bias, ids, values, start, end, classes[i]!, grad);
      optimizer.stepRange(ids, values, start, end, grad);
    }
    count = n;
  } else {
    for await (const row of shuffled(set.rows(), shuffleBuffer, rand)) {
      const { x, y } = set.encode(row);
      loss += exampleGradientRange(weights, bias, x.ids, x.values, 0, x.ids.length, y, grad);
      optimizer.stepRange(x.ids, x.values, 0, x.ids.length, grad);
      count++;
    }
  }
  return { loss: count ? loss / count : Number.NaN, count };
}

/** Mean cross-entropy and accuracy of a model on a set of examples. */
export async function evaluate(
  model: Pick<LinearModel, "weights" | "bias">,
  set: ExampleSet,
): Promise<{ loss: number; accuracy: number; count: number }> {
  const p = new Float64Array(model.bias.length);
  let loss = 0;
  let correct = 0;
  let count = 0;
  const score = (ids: Int32Array, values: Float64Array, start: number, end: number, y: number) => {
    loss += exampleGradientRange(model.weights, model.bias, ids, values, start, end, y, p);
    p[y]! += 1; // back to probabilities
    if (argmax(p) === y) correct++;
    count++;
  };
  if (set.kind === "cached" && AdaGrad.fitsPass(set.cache)) {
    const n = set.subset?.length ?? set.cache.count;
    const scored = scoreCached(model, set.cache, set.subset);
    return { loss: n ? scored.loss / n : Number.NaN, accuracy: n ? scored.right / n : 0, count: n };
  }
  if (set.kind === "cached") {
    // A plain loop over the flat arrays, in the set's order (no generator, no per-example objects).
    const { ids, values, offsets, classes } = set.cache;
    const n = set.subset?.length ?? set.cache.count;
    for (let k = 0; k < n; k++) {
      const i = set.subset ? set.subset[k]! : k;
      score(ids, values, offsets[i]!, offsets[i + 1]!, classes[i]!);
    }
  } else for await (const { x, y } of eachExample(set)) score(x.ids, x.values, 0, x.ids.length, y);
  return { loss: count ? loss / count : Number.NaN, accuracy: count ? correct / count : 0, count };
}

export interface ShardPassOptions extends SgdOptions {
  seed: number;
  /** Rows in the shuffle buffer when the shard's examples do not fit `cacheBytes` (default 16384). */
  shuffleBuffer?: number;
  /**
   * Featurized examples of the shard are cached up to this many bytes, so the pass visits them in
   * a full seeded permutation (default 512 MiB); beyond it the pass streams through the shuffle buffer.
   */
  cacheBytes?: number;
}

/** The default bound of a shard pass's example cache. */
export const SHARD_CACHE_BYTES = 512 * 1024 * 1024;

/**
 * The per-shard step of sharded training (iterative parameter mixing): from `start` (the merged
 * weights of the last round and, when given, its step-size accumulators), one pass over the shard's
 * rows in a seeded random order; returns the pass's averaged iterate, its accumulators, the number
 * of examples (the merge's weight) and the mean training loss.
 * Deterministic for a seed and the rows' order.
 * @throws InvalidDatasetError on an empty shard or a label outside the spec.
 * @example
 * const out = await trainShardPass(spec, merged, () => readJsonLines(store, [shardKey], CuratedRow), { seed, ...chosen });
 */
export async function trainShardPass(
  spec: FeatureSpec,
  start: { weights: Float32Array; bias: Float32Array; accumulators?: Accumulators | undefined },
  rows: Rows,
  options: ShardPassOptions,
): Promise<ModelState> {
  const optimizer = new AdaGrad(spec.vocabulary.length, spec.labels.length, options, start);
  const encode = encoder(spec);
  const cache = await fillCache(rows, options.cacheBytes ?? SHARD_CACHE_BYTES, encode);
  const set: ExampleSet = cache ? { kind: "cached", cache } : { kind: "streamed", rows, encode };
  const { loss, count } = await runPass(optimizer, set, mulberry32(options.seed), options.shuffleBuffer ?? 16_384);
  if (count === 0) throw new InvalidDatasetError("the shard has no training rows");
  return { ...optimizer.snapshot(), accumulators: optimizer.accumulators(), examples: count, loss };
}
