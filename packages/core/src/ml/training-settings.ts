/**
 * The training settings of a run, as one digest: what, besides the data, decides the model a run
 * trains. Two runs with the same dataset version and the same digest train the same model, so a
 * run whose digest and dataset version equal the live model's has nothing new to train
 * (the CheckNewData step; `run --force` trains anyway).
 */
import { createHash } from "node:crypto";
import { PINNABLE, type TrainingOptions } from "../contracts.ts";
import { DEFAULT_EXACT } from "./dual-cd.ts";
import { FeatureOptions } from "./feature-spec.ts";
import { DEFAULT_TRAIN_OPTIONS } from "./fit.ts";
import { type Candidate, DEFAULT_SELECTION, type SelectionOptions } from "./selection.ts";

/** A run's training options when its input has none (the defaults). */
export const DEFAULT_TRAINING_OPTIONS: TrainingOptions = { selectionBudget: DEFAULT_SELECTION.budget };

/** The hyperparameters `options` pins (only those set). */
export function pinnedOf(options: TrainingOptions): Partial<Candidate> {
  return Object.fromEntries(PINNABLE.filter((k) => options[k] !== undefined).map((k) => [k, options[k]]));
}

/** The fit's stopping rule as `options` sets it (only what it sets: the rest stays the default). */
export function fitOverrides(options: TrainingOptions): { epochs?: number; patience?: number } {
  return {
    ...(options.maxEpochs === undefined ? {} : { epochs: options.maxEpochs }),
    ...(options.patience === undefined ? {} : { patience: options.patience }),
  };
}

/**
 * What the trainer takes from a run's training options.
 * @example trainOptionsOf({ selectionBudget: 1, learningRate: 0.5 }) // { selection: { budget: 1, pinned: { learningRate: 0.5 } } }
 */
export function trainOptionsOf(options: TrainingOptions): {
  epochs?: number;
  patience?: number;
  selection: SelectionOptions;
} {
  return { ...fitOverrides(options), selection: { budget: options.selectionBudget, pinned: pinnedOf(options) } };
}

/**
 * The trainer's version. Bump it with any change under ml/ that makes the same rows and seed train
 * a different model (the defaults below are part of the digest already, so changing one of them
 * needs no bump).
 */
export const TRAINER_VERSION = "2026-11-30.3";

/**
 * The settings that decide the model a run trains from its data. With the default options it is
 * what it was before the options existed (so a live model's digest still matches); a pinned value
 * adds `pinned`.
 * @example trainingSettings(42) // { trainer: "2026-11-30.3", seed: 42, fit: {...}, selection: {...}, features: {...} }
 */
export function trainingSettings(seed: number, options: TrainingOptions = DEFAULT_TRAINING_OPTIONS) {
  const pinned = pinnedOf(options);
  return {
    trainer: TRAINER_VERSION,
    seed,
    fit: { ...DEFAULT_TRAIN_OPTIONS, ...fitOverrides(options) },
    selection: { ...DEFAULT_SELECTION, budget: options.selectionBudget },
    exact: DEFAULT_EXACT,
    features: FeatureOptions.parse({}),
    ...(Object.keys(pinned).length ? { pinned } : {}),
  };
}

/**
 * A short digest of {@link trainingSettings} (sha256 of its JSON, 16 hex digits).
 * @example trainingSettingsDigest(42) // "3f9c2a1b0d4e5f67"
 */
export function trainingSettingsDigest(seed: number, options: TrainingOptions = DEFAULT_TRAINING_OPTIONS): string {
  return createHash("sha256")
    .update(JSON.stringify(trainingSettings(seed, options)))
    .digest("hex")
    .slice(0, 16);
}
