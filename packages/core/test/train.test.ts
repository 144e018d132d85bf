import { describe, expect, it } from "vitest";
import { InvalidDatasetError } from "../src/errors.ts";
import { buildFeatureSpec, FeatureOptions, type FeatureSpec } from "../src/ml/feature-spec.ts";
import { featurizer } from "../src/ml/featurizer.ts";
import { exampleGradient, scoreTexts } from "../src/ml/linear-model.ts";
import { mulberry32 } from "../src/ml/random.ts";
import { trainLinear } from "../src/ml/trainer.ts";
import { FIXTURE_LABELS, fixtureRows } from "./fixture.ts";

const tinySpec: FeatureSpec = {
  version: 1,
  kind: "vocabulary-tfidf",
  labels: ["x", "y", "z"],
  options: FeatureOptions.parse({ ngramMax: 1, firstToken: false }),
  documents: 3,
  vocabulary: ["red", "green", "blue", "cyan"],
  idf: [1, 1.5, 2, 1.25],
};

describe("trainer", () => {
  it("computes the cross-entropy gradient (finite-difference check)", () => {
    const rand = mulberry32(3);
    const C = 3;
    const weights = Float32Array.from({ length: 4 * C }, () => Math.round((rand() - 0.5) * 256) / 64);
    const bias = Float32Array.from({ length: C }, () => Math.round((rand() - 0.5) * 256) / 64);
    const x = featurizer(tinySpec)("red blue blue cyan");
    expect(Array.from(x.ids)).toEqual([0, 2, 3]);
    const y = 1;
    const grad = new Float64Array(C);
    exampleGradient(weights, bias, x, y, grad);
    const scratch = new Float64Array(C);
    const h = 1 / 128;
    for (let k = 0; k < x.ids.length; k++) {
      for (let c = 0; c < C; c++) {
        const i = x.ids[k]! * C + c;
        const w0 = weights[i]!;
        weights[i] = w0 + h;
        const up = exampleGradient(weights, bias, x, y, scratch);
        weights[i] = w0 - h;
        const down = exampleGradient(weights, bias, x, y, scratch);
        weights[i] = w0;
        expect(grad[c]! * x.values[k]!).toBeCloseTo((up - down) / (2 * h), 3);
      }
    }
    for (let c = 0; c < C; c++) {
      const b0 = bias[c]!;
      bias[c] = b0 + h;
      const up = exampleGradient(weights, bias, x, y, scratch);
      bias[c] = b0 - h;
      const down = exampleGradient(weights, bias, x, y, scratch);
      bias[c] = b0;
      expect(grad[c]!).toBeCloseTo((up - down) / (2 * h), 3);
    }
  });

  it("reaches 100% accuracy on a separable toy set", async () => {
    const words = { a: ["alpha", "apple"], b: ["beta", "banana"], c: ["gamma", "grape"] };
    const rows = Array.from({ length: 90 }, (_, i) => {
      const label = (["a", "b", "c"] as const)[i % 3]!;
      return { text: `${words[label][i % 2]} shared words ${i % 5}`, label };
    });
    const spec = await buildFeatureSpec(rows, ["a", "b", "c"], { minDf: 1 });
    const { model, validation } = await trainLinear(
      spec,
      () => rows,
      () => rows,
      { seed: 5 },
    );
    expect(validation.accuracy).toBe(1);
    const scored = scoreTexts(
      model,
      rows.map((r) => r.text),
    );
    expect(scored.labels).toEqual(rows.map((r) => r.label));
  });

  it.each([
    ["cached rows", {}],
    ["streamed rows (no cache)", { cacheBytes: 0 }],
    ["streamed rows (cache overflow)", { cacheBytes: 4096 }],
  ])("is deterministic for a seed, and the seed matters: %s", async (_, extra) => {
    const rows = fixtureRows(400, 11);
    const spec = await buildFeatureSpec(rows, FIXTURE_LABELS, { minDf: 1 });
    const run = (seed: number) =>
      trainLinear(
        spec,
        () => rows.slice(0, 320),
        () => rows.slice(320),
        {
          seed,
          epochs: 3,
          shuffleBuffer: 64,
          ...extra,
        },
      );
    const [a, b, c] = await Promise.all([run(9), run(9), run(10)]);
    expect(a.params.cached).toEqual({ train: !("cacheBytes" in extra), validation: !("cacheBytes" in extra) });
    expect(Buffer.from(a.model.weights.buffer).equals(Buffer.from(b.model.weights.buffer))).toBe(true);
    expect(Array.from(a.model.bias)).toEqual(Array.from(b.model.bias));
    expect(Buffer.from(a.model.weights.buffer).equals(Buffer.from(c.model.weights.buffer))).toBe(false);
    expect(a.validation.accuracy).toBeGreaterThan(0.8);
  });

  it("early-stops on validation loss and returns the best epoch's weights", async () => {
    const rows = fixtureRows(300, 5);
    const spec = await buildFeatureSpec(rows, FIXTURE_LABELS, { minDf: 1 });
    // Every validation label is wrong (the fixture cycles labels by index): the validation loss only grows.
    const noisy = rows.slice(240).map((r, i) => ({ text: r.text, label: FIXTURE_LABELS[(i + 241) % 3]! }));
    const { model, params } = await trainLinear(
      spec,
      () => rows.slice(0, 240),
      () => noisy,
      {
        seed: 1,
        epochs: 10,
        patience: 2,
      },
    );
    expect(params.bestEpoch).toBe(1);
    expect(params.epochsRun).toBe((params.bestEpoch as number) + 2);
    expect(model.weights.some((w) => w !== 0)).toBe(true);
  });

  it.each([
    ["cached rows", {}],
    ["streamed rows", { cacheBytes: 0 }],
  ])("refits on train + validation for the early-stopped fit's best epoch count: %s", async (_, extra) => {
    const rows = fixtureRows(300, 6);
    // Words seen only in validation rows, each always with one label: only a model trained on them knows them.
    const marked = rows.slice(240).map((r, i) => ({ text: `${r.text} mark${i % 3}`, label: FIXTURE_LABELS[i % 3]! }));
    const spec = await buildFeatureSpec([...rows.slice(0, 240), ...marked], FIXTURE_LABELS, { minDf: 1 });
    const run = (refit: boolean) =>
      trainLinear(
        spec,
        () => rows.slice(0, 240),
        () => marked,
        { seed: 3, refit, ...extra },
      );
    const [held, refit, again] = await Promise.all([run(false), run(true), run(true)]);
    expect(held.params.refit).toBe(false);
    expect(refit.params.refit).toEqual({ epochs: refit.params.bestEpoch, rows: 300 });
    expect(Buffer.from(refit.model.weights.buffer).equals(Buffer.from(again.model.weights.buffer))).toBe(true);
    // The reported validation figures are the held-out ones of the early-stopped fit, in both cases.
    expect(refit.validation).toEqual(held.validation);
    const probe = FIXTURE_LABELS.map((_, c) => `mark${c}`);
    expect(scoreTexts(refit.model, probe).labels).toEqual(FIXTURE_LABELS);
    expect(scoreTexts(held.model, probe).labels).not.toEqual(FIXTURE_LABELS);
  });

  it("bounds its default cache by the model size (12 bytes per weight, at least 64 MiB), not the data", async () => {
    const rows = fixtureRows(200, 4);
    const spec = await buildFeatureSpec(rows, FIXTURE_LABELS, { minDf: 1 });
    const { params } = await trainLinear(
      spec,
      () => rows,
      () => rows.slice(0, 20),
      { seed: 1, epochs: 1 },
    );
    expect(params.cacheBytes).toBe(Math.max(64 * 1024 * 1024, 12 * spec.vocabulary.length * FIXTURE_LABELS.length));
    expect(params.cached).toEqual({ train: true, validation: true });
  });

  it("rejects labels outside the spec", async () => {
    const spec = await buildFeatureSpec([{ text: "a", label: "x" }], ["x", "y"], { minDf: 1 });
    await expect(
      trainLinear(
        spec,
        () => [{ text: "a", label: "w" }],
        () => [],
        { seed: 1 },
      ),
    ).rejects.toThrow(InvalidDatasetError);
    await expect(buildFeatureSpec([{ text: "a", label: "w" }], ["x", "y"])).rejects.toThrow(InvalidDatasetError);
  });
});
