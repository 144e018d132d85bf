/**
 * The training settings of a run, as one digest: what, besides the data, decides the model a run
 * trains. Two runs with the same dataset version and the same digest train the same model, so a
 * run whose digest and dataset version equal the live model's has nothing new to train
 * (the CheckNewData step; `run --force` trains anyway).
 */
import { createHash } from "node:crypto";
import { DEFAULT_EXACT } from "./dual-cd.ts";
import { FeatureOptions } from "./feature-spec.ts";
import { DEFAULT_TRAIN_OPTIONS } from "./fit.ts";
import { DEFAULT_SELECTION } from "./selection.ts";

/**
 * The trainer's version. Bump it with any change under ml/ that makes the same rows and seed train
 * a different model (the defaults below are part of the digest already, so changing one of them
 * needs no bump).
 */
export const TRAINER_VERSION = "2026-11-30.3";

/**
 * The settings that decide the model a run trains from its data.
 * @example trainingSettings(42) // { trainer: "2026-11-30.3", seed: 42, fit: {...}, selection: {...}, features: {...} }
 */
export function trainingSettings(seed: number) {
  return {
    trainer: TRAINER_VERSION,
    seed,
    fit: DEFAULT_TRAIN_OPTIONS,
    selection: DEFAULT_SELECTION,
    exact: DEFAULT_EXACT,
    features: FeatureOptions.parse({}),
  };
}

/**
 * A short digest of {@link trainingSettings} (sha256 of its JSON, 16 hex digits).
 * @example trainingSettingsDigest(42) // "3f9c2a1b0d4e5f67"
 */
export function trainingSettingsDigest(seed: number): string {
  return createHash("sha256")
    .update(JSON.stringify(trainingSettings(seed)))
    .digest("hex")
    .slice(0, 16);
}
