/**
 * A run's training options (tollgate.config.json `training`): the selection budget and pinned
 * hyperparameters, as the selection, the trainer, the settings and the digest take them.
 */
import { describe, expect, it } from "vitest";
import { TrainingOptions } from "../src/contracts.ts";
import { type ExampleSet, encoder, fillCache } from "../src/ml/examples.ts";
import { buildFeatureSpec } from "../src/ml/feature-spec.ts";
import { DEFAULT_TRAIN_OPTIONS } from "../src/ml/fit.ts";
import { selectHyperparameters } from "../src/ml/selection.ts";
import { trainLinear } from "../src/ml/trainer.ts";
import { trainingSettings, trainingSettingsDigest, trainOptionsOf } from "../src/ml/training-settings.ts";
import { readSettings, Settings, TRAINING_SETTINGS, trainingOptionsOf } from "../src/settings.ts";
import { FIXTURE_LABELS, fixtureRows } from "./fixture.ts";

const rows = fixtureRows(600, 5);
const train = rows.slice(0, 480);
const validation = rows.slice(480);
const defaults = { ...DEFAULT_TRAIN_OPTIONS, seed: 3 };

async function data() {
  const spec = await buildFeatureSpec(train, FIXTURE_LABELS, { minDf: 1 });
  const cached = async (of: typeof rows): Promise<ExampleSet> => ({
    kind: "cached",
    cache: (await fillCache(() => of, Number.POSITIVE_INFINITY, encoder(spec)))!,
  });
  return { spec, sets: { trainSet: await cached(train), validationSet: await cached(validation) } };
}

describe("pinned hyperparameters and the selection budget", () => {
  it("searches only what is not pinned: a pinned learning rate is the one every candidate fits with", async () => {
    const { spec, sets } = await data();
    const report = await selectHyperparameters(
      spec,
      sets,
      defaults,
      trainOptionsOf({ selectionBudget: 3, learningRate: 0.5 }).selection,
    );
    // rung 0: 1 learning rate × 2 n-gram sizes; rung 1: the best third (1) × 2 L2 values
    expect(report.candidates.filter((c) => c.rung === 0)).toHaveLength(2);
    expect(report.candidates.filter((c) => c.rung === 1)).toHaveLength(2);
    expect(new Set(report.candidates.map((c) => c.learningRate))).toEqual(new Set([0.5]));
    expect(report.chosen.learningRate).toBe(0.5);
    expect(report.pinned).toEqual({ learningRate: 0.5 });
  });

  it("with a budget of 1 tries nothing and gives the plain fit's defaults (pinned values kept)", async () => {
    const { spec, sets } = await data();
    const plain = await selectHyperparameters(spec, sets, defaults, { budget: 1 });
    expect(plain.candidates).toEqual([]);
    expect(plain.passes).toBe(0);
    expect(plain.chosen).toEqual({ learningRate: 3, l2: 1e-6, ngramMax: spec.options.ngramMax, minDf: 1 });
    const pinned = await selectHyperparameters(spec, sets, defaults, { budget: 1, pinned: { ngramMax: 1 } });
    expect(pinned.chosen).toEqual({ learningRate: 3, l2: 1e-6, ngramMax: 1, minDf: 1 });
  });

  it("with every searched value pinned fits them once: no candidates, no exact-solver race, the pinned spec", async () => {
    const { spec } = await data();
    const options = { selectionBudget: 3, learningRate: 0.7, l2: 1e-5, ngramMax: 1, minDf: 2 };
    const fit = await trainLinear(
      spec,
      () => train,
      () => validation,
      { seed: 3, ...trainOptionsOf(options) },
    );
    expect(fit.selection?.candidates).toEqual([]);
    expect(fit.selection?.chosen).toEqual({ learningRate: 0.7, l2: 1e-5, ngramMax: 1, minDf: 2 });
    expect(fit.params).toMatchObject({ learningRate: 0.7, l2: 1e-5, ngramMax: 1 });
    expect(String(fit.params.algorithm)).toContain("AdaGrad");
    expect(fit.model.spec.vocabulary.some((t) => t.includes(" ") && !t.startsWith("^ "))).toBe(false);
    expect(fit.model.spec.vocabulary.length).toBeLessThan(spec.vocabulary.length);
  });

  it("caps the final fit's epochs with maxEpochs", async () => {
    const { spec } = await data();
    const options = { selectionBudget: 1, maxEpochs: 1 };
    const fit = await trainLinear(
      spec,
      () => train,
      () => validation,
      { seed: 3, ...trainOptionsOf(options) },
    );
    expect(fit.params.epochsRun).toBe(1);
    expect(fit.curve).toHaveLength(1);
  });
});

describe("the training settings digest", () => {
  it("is unchanged by the default options (a live model's digest still matches) and changed by any option", () => {
    expect(trainingSettingsDigest(42, { selectionBudget: 3 })).toBe(trainingSettingsDigest(42));
    expect(trainingSettings(42, { selectionBudget: 3 })).not.toHaveProperty("pinned");
    const digests = [
      { selectionBudget: 1 },
      { selectionBudget: 3, learningRate: 0.5 },
      { selectionBudget: 3, l2: 1e-4 },
      { selectionBudget: 3, ngramMax: 1 },
      { selectionBudget: 3, minDf: 3 },
      { selectionBudget: 3, maxEpochs: 5 },
      { selectionBudget: 3, patience: 2 },
    ].map((o) => trainingSettingsDigest(42, o));
    expect(new Set([...digests, trainingSettingsDigest(42)]).size).toBe(digests.length + 1);
  });
});

describe("training settings", () => {
  const Training = Settings.pick(TRAINING_SETTINGS);

  it("reads each from its variable, only the set ones pinned, the budget defaulting to 3", () => {
    expect(trainingOptionsOf(readSettings(Training, {}))).toEqual({ selectionBudget: 3 });
    const env = { TOLLGATE_LEARNING_RATE: "0.5", TOLLGATE_NGRAM_MAX: "1", TOLLGATE_SELECTION_BUDGET: "2" };
    expect(trainingOptionsOf(readSettings(Training, env))).toEqual({
      selectionBudget: 2,
      learningRate: 0.5,
      ngramMax: 1,
    });
  });

  it("names each bad value with its variable and the rule it breaks", () => {
    const env = {
      TOLLGATE_SELECTION_BUDGET: "0.5",
      TOLLGATE_LEARNING_RATE: "0",
      TOLLGATE_L2: "-1",
      TOLLGATE_NGRAM_MAX: "3",
      TOLLGATE_MIN_DF: "1",
      TOLLGATE_MAX_EPOCHS: "2.5",
      TOLLGATE_PATIENCE: "x",
    };
    const error = (() => {
      try {
        readSettings(Training, env);
      } catch (err) {
        return err as Error;
      }
    })();
    expect(error?.name).toBe("InvalidInputError");
    for (const part of [
      'TOLLGATE_SELECTION_BUDGET (selectionBudget): Too small: expected number to be >=1 (got "0.5")',
      'TOLLGATE_LEARNING_RATE (learningRate): Too small: expected number to be >0 (got "0")',
      'TOLLGATE_L2 (l2): Too small: expected number to be >=0 (got "-1")',
      'TOLLGATE_NGRAM_MAX (ngramMax): Too big: expected number to be <=2 (got "3")',
      'TOLLGATE_MIN_DF (minDf): Too small: expected number to be >=2 (got "1")',
      'TOLLGATE_MAX_EPOCHS (maxEpochs): "2.5" is not a whole number',
      'TOLLGATE_PATIENCE (patience): "x" is not a number',
    ])
      expect(error?.message).toContain(part);
  });

  it("the run input's schema checks the same ranges, and refuses unknown fields", () => {
    expect(TrainingOptions.safeParse({ learningRate: 0 }).success).toBe(false);
    expect(TrainingOptions.safeParse({ lr: 1 }).success).toBe(false);
    expect(TrainingOptions.parse({})).toEqual({ selectionBudget: 3 });
  });
});
