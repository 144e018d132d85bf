/** The exported graph scores documents as `scoreTexts` does: the same labels, probabilities within 1e-5. */
import { expect } from "vitest";
import { type LinearModel, scoreTexts } from "../src/ml/linear-model.ts";
import { exportOnnx } from "../src/ml/onnx/export.ts";
import { OnnxTextClassifier } from "../src/ml/onnx/runtime.ts";

export async function expectOnnxParity(model: LinearModel, docs: string[]): Promise<void> {
  const classifier = await OnnxTextClassifier.load(exportOnnx(model));
  try {
    const expected = scoreTexts(model, docs);
    const actual = await classifier.predict(docs);
    expect(actual.labels).toEqual(expected.labels);
    const diffs = docs.flatMap((_, i) =>
      Array.from(actual.probabilities[i]!, (p, c) => Math.abs(p - expected.probabilities[i]![c]!)),
    );
    expect(Math.max(...diffs)).toBeLessThan(1e-5);
  } finally {
    await classifier.release();
  }
}
