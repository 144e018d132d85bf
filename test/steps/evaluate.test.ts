/** core/steps/evaluate.ts: champion / challenger on the same test split. */
import { ModelNotFoundError } from "@tollgate/core/errors";
import { evaluate } from "@tollgate/core/steps";
import { describe, expect, it } from "vitest";
import { topicRows } from "../helpers/topics.ts";
import { freshPorts } from "./fixtures.ts";
import { trainedCandidate } from "./pipeline.ts";

describe("Evaluate", () => {
  it("scores the candidate's model.onnx on the test split and records the metrics, with nothing live", async () => {
    // Prepare
    const ports = freshPorts();
    const { prepared, trained } = await trainedCandidate(ports, "run-1");
    const input = { runId: "run-1", modelName: "topics", ...trained, testShards: prepared.splits.test, minGain: 0 };

    // Act
    const out = await evaluate(ports, input);

    // Assess
    expect(out).toMatchObject({ candidateVersion: trained.modelVersion, live: null });
    expect(out.accuracy).toBeGreaterThan(0.8);
    const record = await ports.registry.getModelVersion("topics", trained.modelVersion);
    expect(record?.metrics).toMatchObject({ testAccuracy: out.accuracy, macroF1: out.macroF1 });
    expect(record?.metricsKey).toBe(out.metricsKey);
    expect(await ports.models.exists(out.metricsKey)).toBe(true);
  });

  it("scores the live model on the same split and sets the threshold to its accuracy plus minGain", async () => {
    // Prepare
    const ports = freshPorts();
    const first = await trainedCandidate(ports, "run-1");
    await ports.registry.swapLive("topics", null, first.trained.modelVersion, "run:run-1");
    const second = await trainedCandidate(ports, "run-2", topicRows(600, 6));
    const input = {
      runId: "run-2",
      modelName: "topics",
      ...second.trained,
      testShards: second.prepared.splits.test,
      minGain: 0.01,
    };

    // Act
    const out = await evaluate(ports, input);

    // Assess
    expect(out.live?.version).toBe(first.trained.modelVersion);
    expect(out.live?.threshold).toBeCloseTo((out.live?.accuracy ?? Number.NaN) + 0.01, 12);
  });

  it("throws ModelNotFoundError when the candidate is not registered", async () => {
    // Prepare
    const ports = freshPorts();
    const { prepared, trained } = await trainedCandidate(ports, "run-1");
    const input = {
      runId: "run-1",
      modelName: "topics",
      ...trained,
      modelVersion: "20250101000000-000000",
      testShards: prepared.splits.test,
      minGain: 0,
    };

    // Act
    const run = evaluate(ports, input);

    // Assess
    await expect(run).rejects.toThrow(ModelNotFoundError);
    await expect(run).rejects.toThrowErrorMatchingInlineSnapshot(
      `[ModelNotFoundError: candidate topics@20250101000000-000000 is not registered]`,
    );
  });
});
