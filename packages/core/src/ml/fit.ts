/**
 * The plain fit: epochs of AdaGrad over a set of examples with early stopping on validation loss
 * (the best epoch's weights are kept). Used for the final model and for each selection candidate.
 */
import { InvalidDatasetError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { AdaGrad } from "./adagrad.ts";
import type { ExampleSet } from "./examples.ts";
import { evaluate, runPass } from "./pass.ts";
import { mulberry32 } from "./random.ts";

export const DEFAULT_TRAIN_OPTIONS = {
  epochs: 25,
  learningRate: 3,
  l2: 1e-6,
  patience: 1,
  average: true,
  tolerance: 0.02,
  shuffleBuffer: 16_384,
  minGradient: 0.01,
  /** Refit on train + validation for the best epoch count once early stopping has found it (`refit.ts`). */
  refit: true,
};

export type FitOptions = typeof DEFAULT_TRAIN_OPTIONS & {
  seed: number;
  averageFrom?: number;
  /** Score on validation only from this epoch on (selection candidates: their last epoch); default 1. */
  evaluateFrom?: number;
};

/** One epoch's figures (the loss curve of the model card). */
export interface EpochFigures {
  epoch: number;
  trainLoss: number;
  validationLoss: number;
  validationAccuracy: number;
}

export interface FitResult {
  weights: Float32Array;
  bias: Float32Array;
  validation: { loss: number; accuracy: number };
  epochsRun: number;
  bestEpoch: number;
  examplesSeen: number;
  /** Examples in one pass over the training set. */
  trainRows: number;
  validationRows: number;
  curve: EpochFigures[];
}

/**
 * Epochs of AdaGrad over `train` with early stopping on `validation` (the best epoch's weights are
 * kept): the plain fit, used for the final model and for each selection candidate.
 * @throws InvalidDatasetError on an empty training set.
 */
export async function fitLinear(
  spec: { vocabulary: { length: number }; labels: { length: number } },
  train: ExampleSet,
  validation: ExampleSet,
  opts: FitOptions,
  /**
   * Where the epoch lines go (the caller's logger; none in a worker thread: the logger module, with
   * pino and the settings' schemas, is not loaded there, so that a thread boots sooner).
   */
  log?: Pick<Logger, "debug">,
  /**
   * Called as each epoch starts, with the best epoch so far (0 before any): the refit beside it may
   * start its own (`refit-beside.ts`); the exact race's wide work may start once its budget is sure.
   */
  onEpoch?: (epoch: number, bestSoFar: number) => void,
): Promise<FitResult> {
  const optimizer = new AdaGrad(spec.vocabulary.length, spec.labels.length, opts);
  const rand = mulberry32(opts.seed);
  const averageFrom = opts.averageFrom ?? 1;
  let best = { loss: Number.POSITIVE_INFINITY, accuracy: 0, epoch: 0, ...optimizer.snapshot() };
  const curve: EpochFigures[] = [];
  let epoch = 0;
  let seen = 0;
  let trainRows = 0;
  let validationRows = 0;
  let lastGain = 0;
  for (epoch = 1; epoch <= opts.epochs; epoch++) {
    if (opts.average && epoch === averageFrom) optimizer.restartAverage();
    onEpoch?.(epoch, best.epoch);
    // Messages from other threads (a selection candidate's figures, `rung.ts`) are handled between epochs.
    await new Promise((resolve) => setImmediate(resolve));
    const pass = await runPass(optimizer, train, rand, opts.shuffleBuffer);
    if (pass.count === 0) throw new InvalidDatasetError("the training split is empty");
    seen += pass.count;
    trainRows = pass.count;
    if (epoch < (opts.evaluateFrom ?? 1)) continue;
    const snapshot = optimizer.snapshot();
    const v = await evaluate(snapshot, validation);
    validationRows = v.count;
    // Without validation rows (tiny datasets) the training loss stands in, and nothing stops early.
    const score = v.count > 0 ? v : { loss: pass.loss, accuracy: 0 };
    curve.push({ epoch, trainLoss: pass.loss, validationLoss: score.loss, validationAccuracy: score.accuracy });
    log?.debug({ epoch, trainLoss: pass.loss, validation: score }, "epoch");
    if (score.loss < best.loss * (1 - opts.tolerance)) lastGain = epoch;
    if (score.loss < best.loss) best = { ...score, epoch, ...snapshot };
    if (v.count > 0 && epoch - lastGain >= opts.patience) break;
  }
  return {
    weights: best.weights,
    bias: best.bias,
    validation: { loss: best.loss, accuracy: best.accuracy },
    epochsRun: Math.min(epoch, opts.epochs),
    bestEpoch: best.epoch,
    examplesSeen: seen,
    trainRows,
    validationRows,
    curve,
  };
}
