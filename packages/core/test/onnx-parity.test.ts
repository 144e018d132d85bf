import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFeatureSpec } from "../src/ml/feature-spec.ts";
import { type LinearModel, scoreTexts } from "../src/ml/linear-model.ts";
import { exportOnnx, termTables } from "../src/ml/onnx/export.ts";
import { OnnxTextClassifier } from "../src/ml/onnx/runtime.ts";
import { trainLinear } from "../src/ml/trainer.ts";
import { edgeDocuments, FIXTURE_LABELS, fixtureRows } from "./fixture.ts";
import { expectOnnxParity } from "./parity.ts";

describe("ONNX export parity with scoreTexts", () => {
  let model: LinearModel;
  let classifier: OnnxTextClassifier;
  const rows = fixtureRows(600);
  const train = rows.slice(0, 500);
  const validation = rows.slice(500);

  beforeAll(async () => {
    const spec = await buildFeatureSpec(train, FIXTURE_LABELS, { minDf: 1 });
    ({ model } = await trainLinear(
      spec,
      () => train,
      () => validation,
      { seed: 1, epochs: 5 },
    ));
    classifier = await OnnxTextClassifier.load(exportOnnx(model));
  });
  afterAll(async () => classifier?.release());

  it("exposes the labels in model order", () => {
    expect(classifier.labels).toEqual(model.labels);
  });

  it("matches probabilities within 1e-5 and labels on edge-case and fixture documents", async () => {
    const docs = [...edgeDocuments(), ...validation.map((r) => r.text)];
    expect(docs.length).toBeGreaterThanOrEqual(20);
    const expected = scoreTexts(model, docs);
    const actual = await classifier.predict(docs);
    expect(actual.labels).toEqual(expected.labels);
    let maxDiff = 0;
    docs.forEach((_, i) => {
      expect(actual.probabilities[i]!.length).toBe(model.labels.length);
      for (let c = 0; c < model.labels.length; c++) {
        maxDiff = Math.max(maxDiff, Math.abs(actual.probabilities[i]![c]! - expected.probabilities[i]![c]!));
      }
    });
    expect(maxDiff).toBeLessThan(1e-5);
    // The model is not trivial: documents disagree on labels, empty text gives the bias-only answer.
    expect(new Set(expected.labels).size).toBe(model.labels.length);
  });

  it("gives the same answers one document at a time as in a batch", async () => {
    const docs = edgeDocuments().slice(0, 20); // includes one-token and no-token documents
    const batch = await classifier.predict(docs);
    for (const [i, doc] of docs.entries()) {
      const single = await classifier.predict([doc]);
      expect(single.labels[0]).toBe(batch.labels[i]);
      // Not bit-identical: padding changes the reduction order inside onnxruntime.
      const diffs = Array.from(single.probabilities[0]!, (p, c) => Math.abs(p - batch.probabilities[i]![c]!));
      expect(Math.max(...diffs)).toBeLessThan(1e-6);
    }
  });

  it("handles an empty batch and all-empty documents", async () => {
    expect(await classifier.predict([])).toEqual({ labels: [], probabilities: [] });
    const out = await classifier.predict(["", "...", ""]);
    const ref = scoreTexts(model, ["", "...", ""]);
    expect(out.labels).toEqual(ref.labels);
    for (let c = 0; c < model.labels.length; c++)
      expect(out.probabilities[0]![c]).toBeCloseTo(ref.probabilities[0]![c]!, 6);
  });
});

describe("ONNX export parity for other feature options", () => {
  const rows = fixtureRows(300, 3);
  it.each([
    ["unigrams only", { ngramMax: 1, firstToken: false, minDf: 1 }],
    ["bigrams, no first-token term", { ngramMax: 2, firstToken: false, minDf: 1 }],
    ["empty vocabulary (bias only)", { minDf: 10_000 }],
    ["sublinear tf (repeated terms: each counted once, scaled by 1 + ln count)", { minDf: 1, sublinearTf: true }],
    ["sublinear tf, unigrams only", { ngramMax: 1, firstToken: false, minDf: 1, sublinearTf: true }],
  ])("%s", async (_, options) => {
    const spec = await buildFeatureSpec(rows, FIXTURE_LABELS, options);
    const { model } = await trainLinear(
      spec,
      () => rows,
      () => [],
      { seed: 3, epochs: 3 },
    );
    await expectOnnxParity(model, [...edgeDocuments().slice(0, 20), ...rows.slice(0, 30).map((r) => r.text)]);
  });
});

describe("the graph's term tables", () => {
  it("give each token an id, unigram and first-token term ids per token, bigram ids by integer pair key", () => {
    const t = termTables(["dog", "a dog", "^ a"], { ngramMax: 2, firstToken: true });
    expect(t.tokens).toEqual(["dog", "a"]);
    // Per token id, then the unknown token (id 2); V = 3 means "no such term".
    expect(Array.from(t.unigram)).toEqual([0, 3, 3]);
    expect(Array.from(t.first)).toEqual([3, 2, 3]);
    expect(Array.from(t.pairKeys)).toEqual([1 * 3 + 0]);
    expect(Array.from(t.pairIds)).toEqual([1]);
  });
});
