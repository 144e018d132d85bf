/** core/steps/evaluate-shard.ts and score.ts: champion / challenger over the test rows of every shard. */
import { Confusions } from "@tollgate/core/contracts";
import { LiveModelChangedError, ModelNotFoundError, TestSplitTooSmallError } from "@tollgate/core/errors";
import { readJson } from "@tollgate/core/json-lines";
import { computeMetrics } from "@tollgate/core/ml/metrics";
import { OnnxTextClassifier } from "@tollgate/core/ml/onnx/runtime";
import { evaluateShard, score, splitRows } from "@tollgate/core/steps";
import { describe, expect, it } from "vitest";
import { topicRows } from "../helpers/topics.ts";
import { freshPorts, putMapResults } from "./fixtures.ts";
import { batches, evaluated, trainedCandidate } from "./pipeline.ts";

describe("Evaluate", () => {
  it("scores the candidate's model.onnx on the test rows of every shard and records the metrics, with nothing live", async () => {
    // Prepare
    const ports = freshPorts();
    const { prepared, trained } = await trainedCandidate(ports, "run-1", topicRows(600, 5), {
      shards: 3,
      scale: { rowsPerChild: 200 },
    });

    // Act
    const out = await evaluated(ports, "run-1", prepared, trained);

    // Assess: the same metrics as scoring all the test rows at once
    const shards = (await batches(ports, prepared)).flat().map((s) => s.key);
    const rows = [];
    for await (const row of splitRows(ports.data, shards, "test")) rows.push(row);
    const model = await OnnxTextClassifier.load(await ports.models.get(trained.modelKey));
    const { labels } = await model.predict(rows.map((r) => r.text));
    await model.release();
    const whole = computeMetrics(
      rows.map((r) => r.label),
      labels,
      ["animal", "food", "sport"],
    );
    expect(out).toMatchObject({ candidateVersion: trained.modelVersion, live: null, accuracy: whole.accuracy });
    expect(out.macroF1).toBeCloseTo(whole.macroF1, 12);
    const record = await ports.registry.getModelVersion("topics", trained.modelVersion);
    expect(record?.metrics).toMatchObject({ testAccuracy: out.accuracy, macroF1: out.macroF1 });
    expect(record?.metricsKey).toBe(out.metricsKey);
    const stored = JSON.parse(new TextDecoder().decode(await ports.models.get(out.metricsKey)));
    expect(stored.candidate.confusion).toEqual(whole.confusion);
  });

  it("scores the live model on the same rows and sets the threshold to its accuracy plus minGain", async () => {
    // Prepare
    const ports = freshPorts();
    const first = await trainedCandidate(ports, "run-1");
    await ports.registry.swapLive("topics", null, first.trained.modelVersion, "run:run-1");
    const second = await trainedCandidate(ports, "run-2", topicRows(600, 6));

    // Act
    const out = await evaluated(ports, "run-2", second.prepared, second.trained, 0.01);

    // Assess
    expect(out.live?.version).toBe(first.trained.modelVersion);
    expect(out.live?.threshold).toBeCloseTo((out.live?.accuracy ?? Number.NaN) + 0.01, 12);
  });

  it("writes each child's confusion counts over both models' labels", async () => {
    // Prepare
    const ports = freshPorts();
    const { prepared, trained } = await trainedCandidate(ports, "run-1");
    const [Items] = await batches(ports, prepared);
    const BatchInput = { runId: "run-1", dataset: "topics", modelName: "topics", ...trained };

    // Act
    const out = await evaluateShard(ports, { BatchInput, Items: Items! });

    // Assess
    const counts = await readJson(ports.data, out.key, Confusions);
    expect(counts.labels).toEqual(["animal", "food", "sport"]);
    expect(counts.candidate.confusion.flat().reduce((a, b) => a + b, 0)).toBe(out.rows);
    expect(out.rows).toBe(prepared.counts.test);
    expect(counts.live).toBeNull();
  });

  it("throws LiveModelChangedError when the children scored different live versions", async () => {
    // Prepare
    const ports = freshPorts();
    const { prepared, trained } = await trainedCandidate(ports, "run-1");
    const [Items] = await batches(ports, prepared);
    const child = await evaluateShard(ports, {
      BatchInput: { runId: "run-1", dataset: "topics", modelName: "topics", ...trained },
      Items: Items!,
    });
    const results = await putMapResults(ports, "runs/run-1/maps/evaluate", [
      child,
      { ...child, index: 1, live: "20250101000000-abcdef" },
    ]);
    const input = { runId: "run-1", modelName: "topics", modelVersion: trained.modelVersion, children: 2, results };

    // Act
    const run = score(ports, { ...input, gate: { minAccuracy: 0, minGain: 0, minTestRows: 1 } });

    // Assess
    await expect(run).rejects.toThrow(LiveModelChangedError);
  });

  it("throws ModelNotFoundError when the candidate is not registered", async () => {
    // Prepare
    const ports = freshPorts();
    const { prepared, trained } = await trainedCandidate(ports, "run-1");

    // Act
    const run = evaluated(ports, "run-1", prepared, { ...trained, modelVersion: "20250101000000-000000" });

    // Assess
    await expect(run).rejects.toThrow(ModelNotFoundError);
    await expect(run).rejects.toThrowErrorMatchingInlineSnapshot(
      `[ModelNotFoundError: candidate topics@20250101000000-000000 is not registered]`,
    );
  });

  it("gives the test rows and the lowest class recall, and refuses a test split below the gate's minimum", async () => {
    // Prepare
    const ports = freshPorts();
    const { prepared, trained } = await trainedCandidate(ports, "run-1");

    // Act
    const out = await evaluated(ports, "run-1", prepared, trained);
    const tooFew = evaluated(ports, "run-1", prepared, trained, 0, 200);

    // Assess
    expect(out.testRows).toBe(prepared.counts.test);
    const metrics = JSON.parse(new TextDecoder().decode(await ports.models.get(out.metricsKey)));
    const recalls = Object.values<{ recall: number }>(metrics.candidate.perClass).map((m) => m.recall);
    expect(out.minRecall).toBe(Math.min(...recalls));
    expect(metrics.candidate.perClass[out.minRecallLabel].recall).toBe(out.minRecall);
    await expect(tooFew).rejects.toThrow(TestSplitTooSmallError);
    await expect(tooFew).rejects.toThrow(`the test split has ${prepared.counts.test} rows, fewer than the 200`);
  });
});
