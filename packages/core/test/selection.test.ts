import { describe, expect, it } from "vitest";
import { type ExampleSet, encoder, fillCache, restrictCache, restrictSpec } from "../src/ml/examples.ts";
import { buildFeatureSpec } from "../src/ml/feature-spec.ts";
import { featurizer } from "../src/ml/featurizer.ts";
import { DEFAULT_TRAIN_OPTIONS } from "../src/ml/fit.ts";
import { FitThread } from "../src/ml/fit-thread.ts";
import { scoreTexts } from "../src/ml/linear-model.ts";
import { trainShardPass } from "../src/ml/pass.ts";
import { firstRungSample, selectHyperparameters, startFirstRung } from "../src/ml/selection.ts";
import { trainLinear } from "../src/ml/trainer.ts";
import { FIXTURE_LABELS, fixtureRows } from "./fixture.ts";

const rows = fixtureRows(900, 21);
const train = rows.slice(0, 720);
const validation = rows.slice(720);

async function cached(spec: Awaited<ReturnType<typeof buildFeatureSpec>>, of: typeof rows): Promise<ExampleSet> {
  return { kind: "cached", cache: (await fillCache(() => of, Number.POSITIVE_INFINITY, encoder(spec)))! };
}

describe("hyperparameter selection", () => {
  it("restricts cached examples exactly as the featurizer computes them under the restricted spec", async () => {
    const spec = await buildFeatureSpec(train, FIXTURE_LABELS, { minDf: 1 });
    const { spec: unigrams, map } = restrictSpec(spec, { ngramMax: 1, minDf: 3 });
    expect(unigrams.vocabulary.length).toBeLessThan(spec.vocabulary.length);
    expect(unigrams.vocabulary.some((t) => t.includes(" ") && !t.startsWith("^ "))).toBe(false);
    const set = (await cached(spec, validation)) as ExampleSet & { kind: "cached" };
    const restricted = restrictCache(set, map, spec.idf);
    const direct = featurizer(unigrams);
    validation.forEach((row, i) => {
      const want = direct(row.text);
      const got = restricted.get(i).x;
      expect(Array.from(got.ids)).toEqual(Array.from(want.ids));
      for (let k = 0; k < want.values.length; k++) expect(got.values[k]).toBeCloseTo(want.values[k]!, 10);
    });
  });

  it("is deterministic for a seed, stays within its pass budget and picks the best of its last rung on validation", async () => {
    const spec = await buildFeatureSpec(train, FIXTURE_LABELS, { minDf: 1 });
    const data = { trainSet: await cached(spec, train), validationSet: await cached(spec, validation) };
    const defaults = { ...DEFAULT_TRAIN_OPTIONS, seed: 3 };
    const [a, b] = [
      await selectHyperparameters(spec, data, defaults),
      await selectHyperparameters(spec, data, defaults),
    ];
    const strip = (r: typeof a) => ({ ...r, seconds: 0 });
    expect(strip(a)).toEqual(strip(b));
    // 3 learning rates × 2 n-gram sizes, then the best third (2) × 2 L2 values.
    expect(a.candidates.filter((c) => c.rung === 0)).toHaveLength(6);
    const last = a.candidates.filter((c) => c.rung === 1);
    expect(last).toHaveLength(4);
    expect(a.passes).toBeLessThanOrEqual((a.budget - 1) * 2 + 0.05);
    expect(a.passes).toBeGreaterThan(0);
    expect(a.validationRows).toBe(validation.length);
    const best = last.reduce((x, y) => (y.validationAccuracy > x.validationAccuracy ? y : x));
    const chosen = last.find(
      (c) => c.learningRate === a.chosen.learningRate && c.l2 === a.chosen.l2 && c.ngramMax === a.chosen.ngramMax,
    )!;
    expect(chosen.validationAccuracy).toBe(best.validationAccuracy);
    const other = await selectHyperparameters(spec, data, { ...defaults, seed: 4 });
    expect(other.candidates.map((c) => c.validationLoss)).not.toEqual(a.candidates.map((c) => c.validationLoss));
  });

  it("gives the same report when rung 0 started on its sample before the training cache was complete", async () => {
    // Prepare: rung 0's sample featurized alone, in the seeded order, as the Train step does on large data
    const spec = await buildFeatureSpec(train, FIXTURE_LABELS, { minDf: 1 });
    const data = { trainSet: await cached(spec, train), validationSet: await cached(spec, validation) };
    const defaults = { ...DEFAULT_TRAIN_OPTIONS, seed: 3 };
    const plan = firstRungSample(spec, train.length, defaults, {})!;
    const rows = Array.from(plan.subset.subarray(0, plan.rows), (i) => train[i]!);
    const sample = (await fillCache(() => rows, Number.POSITIVE_INFINITY, encoder(spec)))!;
    const thread = await FitThread.start();

    // Act
    const early = startFirstRung(spec, plan.subset, sample, data.validationSet, defaults, {}, thread);
    const got = await selectHyperparameters(spec, { ...data, early }, defaults);
    await thread?.close();
    const want = await selectHyperparameters(spec, data, defaults);

    // Assess
    expect(plan.rows).toBe(want.candidates[0]!.rows);
    expect({ ...got, seconds: 0 }).toEqual({ ...want, seconds: 0 });
  });

  it("trains the final model with the chosen values and spec (a unigram choice drops the bigram terms)", async () => {
    const spec = await buildFeatureSpec(train, FIXTURE_LABELS, { minDf: 1 });
    const out = await trainLinear(
      spec,
      () => train,
      () => validation,
      // Without the refit, the model is the early-stopped one, whose validation figures are reported.
      { seed: 5, refit: false, selection: { ngrams: [1], learningRates: [0.5, 2] } },
    );
    expect(out.selection?.chosen.ngramMax).toBe(1);
    expect([0.5, 2]).toContain(out.params.learningRate);
    expect(out.model.spec.options.ngramMax).toBe(1);
    expect(out.model.weights.length).toBe(out.model.spec.vocabulary.length * FIXTURE_LABELS.length);
    expect(out.curve.length).toBe(out.params.epochsRun);
    const scored = scoreTexts(
      out.model,
      validation.map((r) => r.text),
    );
    const accuracy = scored.labels.filter((l, i) => l === validation[i]!.label).length / validation.length;
    expect(accuracy).toBeCloseTo(out.validation.accuracy, 6);
  });

  it("trains one shard pass from given weights and returns the example count (the unit of sharded training)", async () => {
    const spec = await buildFeatureSpec(train, FIXTURE_LABELS, { minDf: 1 });
    const options = { seed: 8, learningRate: 1, l2: 1e-6, average: true, shuffleBuffer: 64 };
    const zero = {
      weights: new Float32Array(spec.vocabulary.length * FIXTURE_LABELS.length),
      bias: new Float32Array(FIXTURE_LABELS.length),
    };
    const first = await trainShardPass(spec, zero, () => train.slice(0, 360), options);
    const again = await trainShardPass(spec, zero, () => train.slice(0, 360), options);
    expect(first.examples).toBe(360);
    expect(Buffer.from(first.weights.buffer).equals(Buffer.from(again.weights.buffer))).toBe(true);
    expect(zero.weights.every((w) => w === 0)).toBe(true);
    const second = await trainShardPass(spec, first, () => train.slice(0, 360), options);
    expect(second.loss).toBeLessThan(first.loss);
  });
});
