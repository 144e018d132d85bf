/** core/steps/check-new-data.ts: is there anything to train, compared with the live model? */
import type { RunInput } from "@tollgate/core/contracts";
import { trainingSettingsDigest } from "@tollgate/core/ml/training-settings";
import { checkNewData, promote, type StepPorts } from "@tollgate/core/steps";
import { describe, expect, it } from "vitest";
import { freshPorts } from "./fixtures.ts";
import { trainedCandidate } from "./pipeline.ts";

const run = (over: Partial<RunInput> = {}): RunInput => ({
  dataset: "topics",
  modelName: "topics",
  gate: { minAccuracy: 0.5, minGain: 0, minTestRows: 1 },
  seed: 42,
  trainingOptions: { selectionBudget: 3 },
  sources: [],
  force: false,
  ...over,
});
const MANIFEST = "runs/run-1/manifest.json";

/** A home where run-1 trained on the fixture (dataset version "v1", seed 42) and went live. */
async function liveOnV1(): Promise<{ ports: StepPorts; live: string }> {
  const ports = freshPorts();
  const { prepared, trained } = await trainedCandidate(ports, "run-1");
  const evaluation = {
    candidateVersion: trained.modelVersion,
    accuracy: 0.9,
    macroF1: 0.9,
    testRows: 40,
    minRecall: 0.9,
    minRecallLabel: "a",
    metricsKey: "m",
    live: null,
  };
  const gate = { minAccuracy: 0.5, minGain: 0, minTestRows: 1 };
  await promote(ports, {
    runId: "run-1",
    dataset: "topics",
    modelName: "topics",
    datasetVersion: prepared.datasetVersion,
    gate,
    evaluation,
  });
  return { ports, live: trained.modelVersion };
}

describe("CheckNewData", () => {
  it("finds nothing new when the dataset version and training settings are the live model's, and records the run", async () => {
    // Prepare
    const { ports, live } = await liveOnV1();

    // Act
    const out = await checkNewData(ports, { runId: "run-2", manifestKey: MANIFEST, run: run() });

    // Assess
    expect(out).toMatchObject({
      unchanged: true,
      datasetVersion: "v1",
      live,
      trainingSettings: trainingSettingsDigest(42),
    });
    expect(out.reason).toMatch(/^no new data: .* are those of live /);
    expect(await ports.registry.getRun("run-2")).toMatchObject({ decision: "no-new-data", modelVersion: live });
    expect((await ports.registry.getLive("topics"))?.version).toBe(live);
  });

  it("goes on when forced, when the settings differ, or when nothing is live, and records nothing", async () => {
    const { ports, live } = await liveOnV1();
    const forced = await checkNewData(ports, { runId: "run-3", manifestKey: MANIFEST, run: run({ force: true }) });
    expect(forced).toMatchObject({ unchanged: false, live });
    expect(forced.reason).toMatch(/retraining as forced/);
    const otherSeed = await checkNewData(ports, { runId: "run-4", manifestKey: MANIFEST, run: run({ seed: 7 }) });
    expect(otherSeed).toMatchObject({ unchanged: false, reason: expect.stringMatching(/other training settings/) });
    const otherModel = await checkNewData(ports, {
      runId: "run-5",
      manifestKey: MANIFEST,
      run: run({ modelName: "other" }),
    });
    expect(otherModel).toMatchObject({ unchanged: false, live: null });
    for (const runId of ["run-3", "run-4", "run-5"]) expect(await ports.registry.getRun(runId)).toBeUndefined();
  });

  it("goes on when the dataset version differs from the live model's", async () => {
    const { ports } = await liveOnV1();
    const manifest = JSON.parse(new TextDecoder().decode(await ports.data.get(MANIFEST)));
    await ports.data.put("runs/run-6/manifest.json", JSON.stringify({ ...manifest, datasetVersion: "v2" }));
    const out = await checkNewData(ports, { runId: "run-6", manifestKey: "runs/run-6/manifest.json", run: run() });
    expect(out).toMatchObject({ unchanged: false, datasetVersion: "v2" });
    expect(out.reason).toMatch(/^new data: /);
  });

  it("reads a run input without `force` as not forced (an execution started by hand)", async () => {
    const { ports } = await liveOnV1();
    const { force: _, ...withoutForce } = run();
    const step = (await import("../../functions/check-new-data.ts")).step.make(ports);
    const out = await step({ runId: "run-7", manifestKey: MANIFEST, run: withoutForce });
    expect(out).toMatchObject({ unchanged: true });
  });
});
