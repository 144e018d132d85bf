/** core/steps/decide.ts: the gate's reason, Promote's compare-and-swap, Reject and RecordFailure. */
import type { DecisionInput, EvaluateOutput } from "@tollgate/core/contracts";
import { LiveModelChangedError } from "@tollgate/core/errors";
import {
  gateReason,
  promote,
  recordFailure,
  recordRunFailure,
  reject,
  requestApproval,
  type StepPorts,
} from "@tollgate/core/steps";
import { describe, expect, it } from "vitest";
import { freshPorts } from "./fixtures.ts";
import { trainedCandidate } from "./pipeline.ts";

const gate = { minAccuracy: 0.5, minGain: 0.01, minTestRows: 10 };
const evaluation = (candidateVersion: string, live: EvaluateOutput["live"] = null): EvaluateOutput => ({
  candidateVersion,
  accuracy: 0.9,
  macroF1: 0.88,
  testRows: 40,
  minRecall: 0.75,
  minRecallLabel: "food",
  metricsKey: `models/topics/${candidateVersion}/metrics.json`,
  live,
});
const decision = (runId: string, evaluated: EvaluateOutput): DecisionInput => ({
  runId,
  dataset: "topics",
  modelName: "topics",
  datasetVersion: "v1",
  gate,
  evaluation: evaluated,
});

/** A registered candidate of run `runId`: its version. */
async function candidate(ports: StepPorts, runId: string): Promise<string> {
  return (await trainedCandidate(ports, runId)).trained.modelVersion;
}

describe("gateReason", () => {
  it("says why, with and without a live model", () => {
    expect(gateReason(gate, evaluation("v2"))).toMatchInlineSnapshot(
      `"accuracy 0.9000 ≥ minAccuracy 0.5000; no live model"`,
    );
    expect(gateReason(gate, { ...evaluation("v2"), accuracy: 0.4 })).toMatchInlineSnapshot(
      `"accuracy 0.4000 < minAccuracy 0.5000; no live model"`,
    );
    expect(
      gateReason(gate, evaluation("v2", { version: "v1", accuracy: 0.895, threshold: 0.905 })),
    ).toMatchInlineSnapshot(`"accuracy 0.9000 ≥ minAccuracy 0.5000; < live v1 0.8950 + minGain 0.0100 = 0.9050"`);
  });

  it("names the optional floors only when they are set", () => {
    const floors = { ...gate, minMacroF1: 0.9, minClassRecall: 0.5 };
    expect(gateReason(floors, evaluation("v2"))).toMatchInlineSnapshot(
      `"accuracy 0.9000 ≥ minAccuracy 0.5000; macro-F1 0.8800 < minMacroF1 0.9000; lowest recall 0.7500 (food) ≥ minClassRecall 0.5000; no live model"`,
    );
  });
});

describe("Promote", () => {
  it("swaps the live pointer from the version Evaluate saw to the candidate and records the run", async () => {
    // Prepare
    const ports = freshPorts();
    const version = await candidate(ports, "run-1");

    // Act
    const out = await promote(ports, decision("run-1", evaluation(version)));

    // Assess
    expect(out).toMatchObject({ decision: "promoted", modelVersion: version, previousLive: null });
    expect(await ports.registry.getLive("topics")).toMatchObject({ version, by: "run:run-1" });
    expect(await ports.registry.getRun("run-1")).toMatchObject({ decision: "promoted", modelVersion: version });
    expect(await ports.registry.listDecisions("topics")).toMatchObject([
      { action: "promote", version, by: "run:run-1", runId: "run-1", live: { before: null, after: version } },
    ]);
  });

  it("completes on a retry after the swap, without a second swap", async () => {
    // Prepare
    const ports = freshPorts();
    const version = await candidate(ports, "run-1");
    await promote(ports, decision("run-1", evaluation(version)));

    // Act
    const again = await promote(ports, decision("run-1", evaluation(version)));

    // Assess
    expect(again.decision).toBe("promoted");
    expect(await ports.registry.getLive("topics")).toMatchObject({ version, previous: null });
    expect(await ports.registry.listDecisions("topics")).toHaveLength(1);
  });

  it("throws LiveModelChangedError when the live model moved since Evaluate, leaving it as it is", async () => {
    // Prepare
    const ports = freshPorts();
    const first = await candidate(ports, "run-1");
    const second = await candidate(ports, "run-2");
    await ports.registry.swapLive("topics", null, first, "cli:someone");

    // Act: run-2 evaluated when nothing was live
    const run = promote(ports, decision("run-2", evaluation(second)));

    // Assess
    await expect(run).rejects.toThrow(LiveModelChangedError);
    await expect(run).rejects.toThrowErrorMatchingInlineSnapshot(
      `[LiveModelChangedError: live model topics is 20250301120000-4e65d3, expected none; not promoting 20250301120000-b9d172]`,
    );
    expect((await ports.registry.getLive("topics"))?.version).toBe(first);
  });
});

describe("Reject", () => {
  it("marks the candidate rejected with the gate's reason and leaves the live model alone", async () => {
    // Prepare
    const ports = freshPorts();
    const live = await candidate(ports, "run-1");
    await ports.registry.swapLive("topics", null, live, "run:run-1");
    const version = await candidate(ports, "run-2");
    const evaluated = evaluation(version, { version: live, accuracy: 0.95, threshold: 0.96 });

    // Act
    const out = await reject(ports, decision("run-2", evaluated));

    // Assess
    expect(out).toMatchObject({ decision: "rejected", previousLive: live, reason: gateReason(gate, evaluated) });
    expect(await ports.registry.getModelVersion("topics", version)).toMatchObject({
      status: "rejected",
      statusReason: out.reason,
    });
    expect((await ports.registry.getLive("topics"))?.version).toBe(live);
  });
});

describe("RequestApproval", () => {
  it("leaves the candidate pending approval with the live version it was compared with, live model untouched", async () => {
    // Prepare
    const ports = freshPorts();
    const live = await candidate(ports, "run-1");
    await ports.registry.swapLive("topics", null, live, "run:run-1");
    const version = await candidate(ports, "run-2");
    const evaluated = evaluation(version, { version: live, accuracy: 0.8, threshold: 0.81 });

    // Act
    const out = await requestApproval(ports, decision("run-2", evaluated));
    await requestApproval(ports, decision("run-2", evaluated)); // a retry writes nothing twice

    // Assess
    expect(out).toMatchObject({ decision: "pending-approval", modelVersion: version, previousLive: live });
    expect(out.reason).toMatch(/; approval required$/);
    expect(await ports.registry.getModelVersion("topics", version)).toMatchObject({ status: "pending-approval" });
    expect(await ports.registry.getRun("run-2")).toMatchObject({ decision: "pending-approval" });
    expect(await ports.registry.listDecisions("topics")).toMatchObject([
      { action: "pending-approval", version, by: "run:run-2", live: { before: live, after: live } },
    ]);
    expect((await ports.registry.getLive("topics"))?.version).toBe(live);
  });
});

describe("RecordFailure", () => {
  const failure = { Error: "InvalidDatasetError", Cause: "too few rows" };

  it("marks the run and its registered candidate failed", async () => {
    // Prepare
    const ports = freshPorts();
    const version = await candidate(ports, "run-1");
    const state = { dataset: "topics", modelName: "topics", trained: { modelVersion: version }, failure };

    // Act
    await recordFailure(ports, { runId: "run-1", state });

    // Assess
    expect(await ports.registry.getModelVersion("topics", version)).toMatchObject({
      status: "failed",
      statusReason: "InvalidDatasetError: too few rows",
    });
    expect(await ports.registry.getRun("run-1")).toMatchObject({ decision: "failed", modelVersion: version });
  });

  it("never marks the live version failed (a failure after the swap)", async () => {
    // Prepare
    const ports = freshPorts();
    const version = await candidate(ports, "run-1");
    await ports.registry.swapLive("topics", null, version, "run:run-1");
    const state = { dataset: "topics", modelName: "topics", trained: { modelVersion: version }, failure };

    // Act
    await recordFailure(ports, { runId: "run-1", state });

    // Assess
    expect(await ports.registry.getModelVersion("topics", version)).toMatchObject({ status: "live" });
    expect((await ports.registry.getLive("topics"))?.version).toBe(version);
  });

  it("keeps a Lambda error's message, not its JSON envelope, as the reason", async () => {
    // Prepare
    const ports = freshPorts();
    const version = await candidate(ports, "run-1");
    const Cause = JSON.stringify({
      errorType: "TestSplitTooSmallError",
      errorMessage: "138 test rows < 200",
      trace: [],
    });
    const state = {
      dataset: "topics",
      modelName: "topics",
      trained: { modelVersion: version },
      failure: { Error: "TestSplitTooSmallError", Cause },
    };

    // Act
    await recordFailure(ports, { runId: "run-1", state });

    // Assess
    const reason = "TestSplitTooSmallError: 138 test rows < 200";
    expect(await ports.registry.getModelVersion("topics", version)).toMatchObject({ statusReason: reason });
    expect(await ports.registry.getRun("run-1")).toMatchObject({ reason });
  });

  it("records a run that failed before training", async () => {
    // Prepare
    const ports = freshPorts();

    // Act
    await recordFailure(ports, { runId: "run-1", state: { dataset: "topics", modelName: "topics", failure } });

    // Assess
    expect(await ports.registry.getRun("run-1")).toMatchObject({
      decision: "failed",
      modelVersion: null,
      datasetVersion: null,
      reason: "InvalidDatasetError: too few rows",
    });
  });

  describe("from a run's status change (a failure no Catch routed to it)", () => {
    const changed = (runId: string, status: "FAILED" | "TIMED_OUT" | "ABORTED", input: unknown) => ({
      source: "aws.states" as const,
      "detail-type": "Step Functions Execution Status Change" as const,
      detail: {
        executionArn: `arn:aws:states:local:000000000000:execution:tollgate-retrain:${runId}`,
        name: runId,
        status,
        input: JSON.stringify(input),
        error: status === "FAILED" ? "States.ExceedToleratedFailureThreshold" : null,
        cause: status === "FAILED" ? "The specified tolerated failure threshold was exceeded" : null,
      },
    });
    const runInput = { dataset: "topics", modelName: "topics", gate, seed: 42, sources: [] };

    it("marks the run and the candidate it registered failed, with the execution's error", async () => {
      // Prepare
      const ports = freshPorts();
      const version = await candidate(ports, "run-1");

      // Act
      const out = await recordRunFailure(ports, changed("run-1", "FAILED", runInput));

      // Assess
      expect(out).toEqual({ recorded: true });
      expect(await ports.registry.getModelVersion("topics", version)).toMatchObject({ status: "failed" });
      expect(await ports.registry.getRun("run-1")).toMatchObject({
        decision: "failed",
        modelVersion: version,
        datasetVersion: "v1",
        reason: "States.ExceedToleratedFailureThreshold: The specified tolerated failure threshold was exceeded",
      });
    });

    it("names a timeout or a stop by its status", async () => {
      // Prepare
      const ports = freshPorts();

      // Act
      await recordRunFailure(ports, changed("run-1", "ABORTED", runInput));

      // Assess
      expect((await ports.registry.getRun("run-1"))?.reason).toBe("States.ABORTED: the run ended ABORTED");
    });

    it("leaves a run that was already decided, and an execution that is not a retrain run", async () => {
      // Prepare
      const ports = freshPorts();
      const version = await candidate(ports, "run-1");
      await reject(ports, decision("run-1", evaluation(version)));

      // Act
      const decided = await recordRunFailure(ports, changed("run-1", "FAILED", runInput));
      const foreign = await recordRunFailure(ports, changed("run-2", "FAILED", { something: "else" }));

      // Assess
      expect([decided, foreign]).toEqual([{ recorded: false }, { recorded: false }]);
      expect(await ports.registry.getRun("run-1")).toMatchObject({ decision: "rejected" });
      expect(await ports.registry.getRun("run-2")).toBeUndefined();
    });
  });
});
