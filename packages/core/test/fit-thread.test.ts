/**
 * ml/fit-thread.ts: a selection candidate fitted in the second thread has the figures it has when
 * fitted in the main thread; a closed thread refuses, so the caller fits the candidate itself.
 */
import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { encoder, fillCache } from "../src/ml/examples.ts";
import { buildFeatureSpec } from "../src/ml/feature-spec.ts";
import { DEFAULT_TRAIN_OPTIONS, fitLinear } from "../src/ml/fit.ts";
import { FitThread } from "../src/ml/fit-thread.ts";
import { mulberry32, permutation } from "../src/ml/random.ts";
import { FIXTURE_LABELS, fixtureRows } from "./fixture.ts";

async function candidate() {
  const rows = fixtureRows(600, 13);
  const gen = (from: number, to: number) =>
    async function* () {
      yield* rows.slice(from, to);
    };
  const spec = await buildFeatureSpec(gen(0, 500)(), FIXTURE_LABELS);
  const encode = encoder(spec);
  const trainCache = (await fillCache(gen(0, 500), 1e9, encode))!;
  // a rung's sample: a seeded subset of the training rows, as selection fits it
  const train = {
    kind: "cached" as const,
    cache: trainCache,
    subset: permutation(500, mulberry32(3)).subarray(0, 300),
  };
  const validation = { kind: "cached" as const, cache: (await fillCache(gen(500, 600), 1e9, encode))! };
  const opts = { ...DEFAULT_TRAIN_OPTIONS, seed: 9, learningRate: 1, epochs: 2, evaluateFrom: 2 };
  return { spec, train, validation, opts, shape: { features: spec.vocabulary.length, classes: spec.labels.length } };
}

describe("the second thread for selection candidates", () => {
  it("gives a candidate the validation figures the main thread gives it", async () => {
    // Prepare
    const { spec, train, validation, opts, shape } = await candidate();
    const here = await fitLinear(spec, train, validation, opts);
    const thread = await FitThread.start();
    if (availableParallelism() < 2) return void expect(thread).toBeUndefined();

    // Act
    const there = await thread!.fit(shape, train, validation, opts);
    await thread!.close();

    // Assess
    expect(there).toEqual({ validation: here.validation, epochsRun: 2 });
  });

  it("refuses once closed", async () => {
    // Prepare
    const { train, validation, opts, shape } = await candidate();
    const thread = await FitThread.start();
    if (availableParallelism() < 2) return void expect(thread).toBeUndefined();

    // Act
    await thread!.close();

    // Assess
    await expect(thread!.fit(shape, train, validation, opts)).rejects.toThrow(/closed/);
  });
});
