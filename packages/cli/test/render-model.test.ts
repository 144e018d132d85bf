/** `models show` of a version whose run stopped before Evaluate: the card's search is still listed. */
import { ModelVersionRecord } from "@tollgate/core/contracts";
import type { ModelDetail } from "@tollgate/core/registry/model-detail";
import { describe, expect, it } from "vitest";
import { renderModelDetail } from "../src/render-model.ts";

const candidate = (rung: number, learningRate: number, validationAccuracy: number) => ({
  rung,
  rows: 100 * (rung + 1),
  epochs: 2,
  learningRate,
  l2: 1e-6,
  ngramMax: 2,
  minDf: 2,
  validationAccuracy,
  validationLoss: 1 - validationAccuracy,
});

const failedDetail = (): ModelDetail => ({
  record: ModelVersionRecord.parse({
    modelName: "topics",
    version: "v7",
    status: "failed",
    statusReason: "TestSplitTooSmallError: 138 test rows < 200",
    runId: "run-7",
    datasetVersion: "d1",
    modelKey: "models/topics/v7/model.onnx",
    cardKey: "models/topics/v7/model-card.json",
    metrics: { validationAccuracy: 0.9, testAccuracy: null, macroF1: null },
    createdAt: "2026-12-01T00:00:00.000Z",
  }),
  card: {
    training: {
      algorithm: "multinomial logistic regression, AdaGrad SGD with averaging",
      learningRate: 1,
      l2: 1e-6,
      selection: {
        method: "successive halving",
        budget: 3,
        passes: 4,
        seconds: 0.1,
        candidates: [candidate(0, 0.3, 0.81), candidate(0, 1, 0.86), candidate(1, 1, 0.9)],
        chosen: { learningRate: 1, l2: 1e-6, ngramMax: 2, minDf: 2 },
      },
    },
  },
  test: null,
  confusions: [],
});

describe("models show", () => {
  it("lists the search's candidates of a version that never reached Evaluate", () => {
    const text = renderModelDetail(failedDetail());
    expect(text.split("\n")[0]).toBe("topics@v7  failed (TestSplitTooSmallError: 138 test rows < 200)");
    expect(text).toContain("test         not evaluated (the run stopped before Evaluate)");
    expect(text).toContain("\nalgorithm    multinomial logistic regression, AdaGrad SGD with averaging\n");
    const rows = text.split("\n").filter((l) => /^\s*\*?\s+[01]\s+\d+\s+2\s+/.test(l));
    expect(rows).toHaveLength(3);
    // the chosen values are marked in the last rung they reached
    expect(rows.filter((l) => l.trimStart().startsWith("*"))).toEqual([expect.stringMatching(/^\*\s+1\s+200\s/)]);
  });
});
