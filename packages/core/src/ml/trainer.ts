/**
 * Training: multinomial logistic regression by AdaGrad SGD (one accumulator per feature row)
 * with iterate averaging, L2 on the rows touched by each example, updates skipped for the
 * classes whose gradient is negligible, and early stopping on validation loss (the best epoch's weights
 * are kept). Fully reproducible for a seed: seeded PRNG only, no Math.random.
 *
 * Data: the first pass featurizes the rows into a compact cache (about 12 bytes per non-zero
 * feature) when it fits in `cacheBytes` (by default as large as the optimiser state, so bounded
 * by the model, not the data); then every epoch visits a full seeded permutation,
 * without re-reading or re-tokenising. Beyond that bound, training streams over the rows each
 * epoch through a seeded shuffle buffer (memory: the model and the buffer, not the data).
 * Streaming cannot fully mix an input sorted by label; averaging from the first step keeps
 * it usable, but shards written in hash order train better.
 */

import { InvalidDatasetError } from "../errors.ts";
import { logger } from "../logger.ts";
import { AdaGrad } from "./adagrad.ts";
import type { FeatureSpec } from "./feature-spec.ts";
import { featurizer, type SparseVector } from "./featurizer.ts";
import { argmax, exampleGradientRange, type LinearModel } from "./linear-model.ts";
import { mulberry32, permutation, shuffled } from "./random.ts";
import { VectorCache } from "./row-cache.ts";

export interface TrainOptions {
  /** Seed of the shuffling PRNG; same seed and same rows → identical weights. */
  seed: number;
  /** Maximum passes over the training rows (default 25; early stopping usually ends far sooner). */
  epochs?: number;
  /** AdaGrad base learning rate (default 3, chosen on WordNet validation loss; the accumulators are per feature row). */
  learningRate?: number;
  /** L2 penalty, applied to the weights of the features an example touches (default 1e-6). */
  l2?: number;
  /** Stop after this many epochs without a gain (see `tolerance`) in validation loss (default 1). */
  patience?: number;
  /** Average the iterates (Polyak–Ruppert) and use the average (default true). */
  average?: boolean;
  /**
   * With averaging, average from this epoch on (default 1: from the first step; with the
   * per-row step sizes this converges in 2 epochs on WordNet, and is robust to an input sorted by
   * label that streaming only mixes locally).
   */
  averageFrom?: number;
  /**
   * An epoch gains only if it lowers the best validation loss by this fraction (default 0.1: stop
   * once an epoch gains less than 10%, keeping the best weights; 2 epochs on WordNet).
   */
  tolerance?: number;
  /**
   * Byte bound of the featurized-row cache (0: always stream). Default: as many bytes as the
   * optimiser's own state (12 per weight: weights and their running average), at least 16 MiB,
   * so memory grows with the model, not with the data: larger data streams through the shuffle buffer.
   */
  cacheBytes?: number;
  /** Rows in the seeded shuffle buffer when streaming (default 16384). */
  shuffleBuffer?: number;
  /**
   * Skip, for an example, the weight updates of the classes whose logit gradient is below this
   * in absolute value (default 0.01: most of them once the model is fair; 0: update all).
   */
  minGradient?: number;
}

export const DEFAULT_TRAIN_OPTIONS = {
  epochs: 25,
  learningRate: 3,
  l2: 1e-6,
  patience: 1,
  average: true,
  tolerance: 0.1,
  shuffleBuffer: 16_384,
  minGradient: 0.01,
};

/** The smallest default cache bound (bytes), whatever the model size. */
const MIN_CACHE_BYTES = 16 * 1024 * 1024;

type Row = { text: string; label: string };
type Rows = () => AsyncIterable<Row> | Iterable<Row>;
type Example = { x: SparseVector; y: number };

/** Featurizes all rows into a cache, or returns undefined when they do not fit. */
async function fillCache(rows: Rows, limit: number, encode: (row: Row) => Example): Promise<VectorCache | undefined> {
  if (limit <= 0) return undefined;
  const cache = new VectorCache(limit);
  for await (const row of rows()) {
    const { x, y } = encode(row);
    if (!cache.add(x, y)) return undefined;
  }
  return cache;
}

/** The examples of a stream of rows (through `mix` when given). */
async function* examples(
  rows: Rows,
  encode: (row: Row) => Example,
  mix?: (rows: AsyncIterable<Row> | Iterable<Row>) => AsyncIterable<Row>,
): AsyncGenerator<Example> {
  for await (const row of mix ? mix(rows()) : rows()) yield encode(row);
}

/** Mean cross-entropy and accuracy of a model on cached examples, or else on a stream of them. */
async function evaluate(model: LinearModel, cache: VectorCache | undefined, data: () => AsyncIterable<Example>) {
  const p = new Float64Array(model.labels.length);
  let loss = 0;
  let correct = 0;
  let count = 0;
  const score = (ids: Int32Array, values: Float64Array, start: number, end: number, y: number) => {
    loss += exampleGradientRange(model.weights, model.bias, ids, values, start, end, y, p);
    p[y]! += 1; // back to probabilities
    if (argmax(p) === y) correct++;
    count++;
  };
  if (cache) {
    const { ids, values, offsets, classes } = cache;
    for (let i = 0; i < cache.count; i++) score(ids, values, offsets[i]!, offsets[i + 1]!, classes[i]!);
  } else {
    for await (const { x, y } of data()) score(x.ids, x.values, 0, x.ids.length, y);
  }
  return { loss: count ? loss / count : Number.NaN, accuracy: count ? correct / count : 0, count };
}

/**
 * Trains a linear model on the rows of `train`, early-stopping on `validation` (each is called
 * once per pass and must yield the same rows each time).
 * @throws InvalidDatasetError on a label outside `spec.labels` or an empty training split.
 * @example
 * const { model, validation } = await trainLinear(spec, () => rows("train"), () => rows("validation"), { seed: 42 });
 */
export async function trainLinear(
  spec: FeatureSpec,
  train: Rows,
  validation: Rows,
  options: TrainOptions,
): Promise<{ model: LinearModel; validation: { accuracy: number; loss: number }; params: Record<string, unknown> }> {
  const opts = { ...DEFAULT_TRAIN_OPTIONS, ...options };
  const C = spec.labels.length;
  const F = spec.vocabulary.length;
  const classIndex = new Map(spec.labels.map((label, i) => [label, i]));
  const featurize = featurizer(spec);
  const encode = (row: Row): Example => {
    const y = classIndex.get(row.label);
    if (y === undefined) throw new InvalidDatasetError(`unknown label ${JSON.stringify(row.label)}`);
    return { x: featurize(row.text), y };
  };
  const cacheBytes = options.cacheBytes ?? Math.max(MIN_CACHE_BYTES, 12 * F * C);
  const trainCache = await fillCache(train, cacheBytes, encode);
  const validationCache = await fillCache(validation, cacheBytes - (trainCache?.bytes ?? 0), encode);
  const averageFrom = opts.averageFrom ?? 1;
  const model: LinearModel = {
    spec,
    labels: [...spec.labels],
    weights: new Float32Array(0),
    bias: new Float32Array(0),
  };
  const optimizer = new AdaGrad(F, C, opts);
  const grad = new Float64Array(C);
  const rand = mulberry32(opts.seed);
  const mix = (rows: AsyncIterable<Row> | Iterable<Row>) => shuffled(rows, opts.shuffleBuffer, rand);
  let best = { loss: Number.POSITIVE_INFINITY, accuracy: 0, epoch: 0, ...optimizer.snapshot() };
  let epoch = 0;
  let seen = 0;
  let validationRows = 0;
  let lastGain = 0;
  for (epoch = 1; epoch <= opts.epochs; epoch++) {
    if (opts.average && epoch === averageFrom) optimizer.restartAverage();
    const order = trainCache ? permutation(trainCache.count, rand) : undefined;
    let trainLoss = 0;
    let count = 0;
    const learn = (ids: Int32Array, values: Float64Array, start: number, end: number, y: number) => {
      trainLoss += exampleGradientRange(optimizer.weights, optimizer.bias, ids, values, start, end, y, grad);
      optimizer.stepRange(ids, values, start, end, grad);
      count++;
    };
    if (trainCache && order) {
      // Cached rows: a plain loop over the flat arrays (no generator, no per-example objects).
      const { ids, values, offsets, classes } = trainCache;
      for (let k = 0; k < order.length; k++) {
        const i = order[k]!;
        learn(ids, values, offsets[i]!, offsets[i + 1]!, classes[i]!);
      }
    } else {
      for await (const { x, y } of examples(train, encode, mix)) learn(x.ids, x.values, 0, x.ids.length, y);
    }
    if (count === 0) throw new InvalidDatasetError("the training split is empty");
    seen += count;
    Object.assign(model, optimizer.snapshot());
    const v = await evaluate(model, validationCache, () => examples(validation, encode));
    validationRows = v.count;
    // Without validation rows (tiny datasets) the training loss stands in, and nothing stops early.
    const score = v.count > 0 ? v : { loss: trainLoss / count, accuracy: 0 };
    logger.debug({ epoch, trainLoss: trainLoss / count, validation: score }, "epoch");
    if (score.loss < best.loss * (1 - opts.tolerance)) lastGain = epoch;
    if (score.loss < best.loss) best = { ...score, epoch, weights: model.weights, bias: model.bias };
    if (v.count > 0 && epoch - lastGain >= opts.patience) break;
  }
  model.weights = best.weights;
  model.bias = best.bias;
  return {
    model,
    validation: { accuracy: best.accuracy, loss: best.loss },
    params: {
      algorithm: `multinomial logistic regression, AdaGrad SGD${opts.average ? " with averaging" : ""}`,
      ...opts,
      cacheBytes,
      averageFrom,
      epochsRun: Math.min(epoch, opts.epochs),
      bestEpoch: best.epoch,
      examplesSeen: seen,
      cached: { train: trainCache !== undefined, validation: validationCache !== undefined },
      features: F,
      classes: C,
      validationRows,
    },
  };
}
