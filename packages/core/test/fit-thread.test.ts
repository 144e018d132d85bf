/**
 * ml/fit-thread.ts: a selection candidate fitted in the second thread has the figures it has when
 * fitted in the main thread, and the exact solver's refit the weights; a closed thread refuses, so
 * the caller fits the candidate itself.
 */
import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { fitDualCd } from "../src/ml/dual-cd.ts";
import { encoder, fillCache } from "../src/ml/examples.ts";
import { buildFeatureSpec } from "../src/ml/feature-spec.ts";
import { DEFAULT_TRAIN_OPTIONS, fitLinear } from "../src/ml/fit.ts";
import { FitThread } from "../src/ml/fit-thread.ts";
import { mulberry32, permutation } from "../src/ml/random.ts";
import { unionCache } from "../src/ml/refit.ts";
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

  it("refits the exact solver with the weights the main thread gives, ahead of the race", async () => {
    // Prepare
    const { train, validation, shape } = await candidate();
    const all = unionCache({ kind: "cached", cache: train.cache }, validation);
    const fit = { c: 100, passes: 5, seed: 4 };
    const here = fitDualCd(all, undefined, shape.features, shape.classes, fit, mulberry32(fit.seed));
    const thread = await FitThread.start();
    if (availableParallelism() < 2) return void expect(thread).toBeUndefined();

    // Act
    const there = await thread!.refitExact(shape, { kind: "cached", cache: all }, fit);
    await thread!.close();

    // Assess
    expect(shape.classes).toBeGreaterThan(2);
    expect(there.passes).toBe(here.passes);
    expect(Buffer.from(there.weights.buffer).equals(Buffer.from(here.weights.buffer))).toBe(true);
    expect(Buffer.from(there.bias.buffer).equals(Buffer.from(here.bias.buffer))).toBe(true);
    expect(here.weights.some((w) => w !== 0)).toBe(true);
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
