/**
 * Training: multinomial logistic regression by AdaGrad SGD, streaming over the rows each epoch
 * (memory grows with the model and a bounded shuffle buffer, not with the data), L2 on the rows
 * touched by each example, early stopping on validation loss (the best epoch's weights are kept).
 * Fully reproducible for a seed: a seeded PRNG drives initial order mixing; no Math.random.
 */
import { InvalidDatasetError } from "./errors.ts";
import type { FeatureSpec } from "./features.ts";
import { logger } from "./logger.ts";
import { argmax, exampleGradient, type LinearModel } from "./model.ts";
import { AdaGrad } from "./sgd.ts";
import { featurizer, type SparseVector } from "./vectorize.ts";

export interface TrainOptions {
  /** Seed of the shuffle PRNG; same seed and same row order → identical weights. */
  seed: number;
  /** Maximum passes over the training rows (default 20). */
  epochs?: number;
  /** AdaGrad base learning rate (default 0.5). */
  learningRate?: number;
  /** L2 penalty, applied to the weights of the features an example touches (default 1e-6). */
  l2?: number;
  /** Stop after this many epochs without a lower validation loss (default 2). */
  patience?: number;
  /** Average the iterates (Polyak–Ruppert) and use the average (default true). */
  average?: boolean;
  /** Rows held in the seeded shuffle buffer (default 16384); larger mixes sorted inputs better. */
  shuffleBuffer?: number;
}

export const DEFAULT_TRAIN_OPTIONS = {
  epochs: 20,
  learningRate: 0.5,
  l2: 1e-6,
  patience: 2,
  shuffleBuffer: 16_384,
  average: true,
};

type Row = { text: string; label: string };
type Rows = () => AsyncIterable<Row> | Iterable<Row>;

/**
 * A small, fast seeded PRNG (mulberry32) returning floats in [0, 1).
 * @example
 * const rand = mulberry32(42); rand(); // 0.6011037519201636
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Yields the rows in a locally shuffled order: a buffer of `size` rows, a seeded random pick each time. */
async function* shuffled<T>(rows: AsyncIterable<T> | Iterable<T>, size: number, rand: () => number): AsyncGenerator<T> {
  const buffer: T[] = [];
  for await (const row of rows) {
    if (buffer.length < size) {
      buffer.push(row);
      continue;
    }
    const k = Math.floor(rand() * size);
    yield buffer[k]!;
    buffer[k] = row;
  }
  while (buffer.length > 0) {
    const k = Math.floor(rand() * buffer.length);
    yield buffer[k]!;
    buffer[k] = buffer[buffer.length - 1]!;
    buffer.pop();
  }
}

/** Mean cross-entropy and accuracy of the weights on a stream of rows. */
async function evaluate(model: LinearModel, rows: Rows, classOf: (label: string) => number) {
  const featurize = featurizer(model.spec);
  const grad = new Float64Array(model.labels.length);
  let loss = 0;
  let correct = 0;
  let count = 0;
  for await (const row of rows()) {
    const y = classOf(row.label);
    loss += exampleGradient(model.weights, model.bias, featurize(row.text), y, grad);
    grad[y]! += 1; // back to probabilities
    if (argmax(grad) === y) correct++;
    count++;
  }
  return { loss: count ? loss / count : Number.NaN, accuracy: count ? correct / count : Number.NaN, count };
}

/**
 * Trains a linear model on the rows of `train`, early-stopping on `validation` (both are called
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
  const classOf = (label: string): number => {
    const y = classIndex.get(label);
    if (y === undefined) throw new InvalidDatasetError(`unknown label ${JSON.stringify(label)}`);
    return y;
  };
  const model: LinearModel = {
    spec,
    labels: [...spec.labels],
    weights: new Float32Array(0),
    bias: new Float32Array(0),
  };
  const optimizer = new AdaGrad(F, C, opts);
  const featurize = featurizer(spec);
  const grad = new Float64Array(C);
  const rand = mulberry32(opts.seed);
  let best = { loss: Number.POSITIVE_INFINITY, accuracy: 0, epoch: 0, ...optimizer.snapshot() };
  let epoch = 0;
  let examples = 0;
  for (epoch = 1; epoch <= opts.epochs; epoch++) {
    let trainLoss = 0;
    let seen = 0;
    for await (const row of shuffled(train(), opts.shuffleBuffer, rand)) {
      const y = classOf(row.label);
      const x: SparseVector = featurize(row.text);
      trainLoss += exampleGradient(optimizer.weights, optimizer.bias, x, y, grad);
      optimizer.step(x, grad);
      seen++;
    }
    if (seen === 0) throw new InvalidDatasetError("the training split is empty");
    examples += seen;
    Object.assign(model, optimizer.snapshot());
    const v = await evaluate(model, validation, classOf);
    const score = v.count > 0 ? v : { loss: trainLoss / seen, accuracy: Number.NaN };
    logger.debug({ epoch, trainLoss: trainLoss / seen, validation: score }, "epoch");
    if (score.loss < best.loss) {
      best = { ...score, epoch, weights: model.weights, bias: model.bias };
    } else if (v.count > 0 && epoch - best.epoch >= opts.patience) {
      break;
    }
  }
  model.weights = best.weights;
  model.bias = best.bias;
  const final = await evaluate(model, validation, classOf);
  return {
    model,
    validation: { accuracy: final.count ? final.accuracy : 0, loss: final.count ? final.loss : best.loss },
    params: {
      algorithm: `multinomial logistic regression, AdaGrad SGD${opts.average ? " with averaging" : ""}`,
      ...opts,
      epochsRun: Math.min(epoch, opts.epochs),
      bestEpoch: best.epoch,
      examples,
      features: F,
      classes: C,
      validationRows: final.count,
    },
  };
}
