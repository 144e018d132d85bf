/** core/steps/train.ts: the candidate's files and registry record, determinism, and the correlated log lines. */
import { TrainInput } from "@tollgate/core/contracts";
import { defineStep, preprocess, train } from "@tollgate/core/steps";
import { describe, expect, it } from "vitest";
import { topicRows } from "../helpers/topics.ts";
import { capturingLogger, freshPorts, putCurated } from "./fixtures.ts";

async function prepared(ports: ReturnType<typeof freshPorts>) {
  const manifestKey = await putCurated(ports, "topics", topicRows(400, 5));
  return preprocess(ports, { runId: "run-1", dataset: "topics", manifestKey });
}

describe("Train", () => {
  it("writes model.onnx and its card, and registers the version as a candidate", async () => {
    // Prepare
    const ports = freshPorts();
    const input = { runId: "run-1", modelName: "topics", seed: 42, prepared: await prepared(ports) };

    // Act
    const out = await train(ports, input);

    // Assess
    expect(out.modelVersion).toMatch(/^20250301120000-[0-9a-f]{6}$/);
    expect(out.modelKey).toBe(`models/topics/${out.modelVersion}/model.onnx`);
    expect((await ports.models.get(out.modelKey)).byteLength).toBe(out.sizeBytes);
    const card = JSON.parse(new TextDecoder().decode(await ports.models.get(out.cardKey)));
    expect(card).toMatchObject({ version: out.modelVersion, runId: "run-1", labels: ["animal", "food", "sport"] });
    expect(await ports.registry.getModelVersion("topics", out.modelVersion)).toMatchObject({
      status: "candidate",
      metrics: { validationAccuracy: out.validationAccuracy, testAccuracy: null },
    });
  });

  it("gives the same model bytes for the same rows and seed", async () => {
    // Prepare
    const [a, b] = [freshPorts(), freshPorts()];
    const input = async (ports: typeof a) => ({
      runId: "run-1",
      modelName: "topics",
      seed: 7,
      prepared: await prepared(ports),
    });

    // Act
    const [outA, outB] = [await train(a, await input(a)), await train(b, await input(b))];

    // Assess
    expect(Buffer.from(await a.models.get(outA.modelKey)).equals(Buffer.from(await b.models.get(outB.modelKey)))).toBe(
      true,
    );
  });

  it("logs every epoch with the step's name and run id (the handler's correlation keys)", async () => {
    // Prepare
    const ports = freshPorts();
    const step = defineStep("Train", TrainInput, train);
    const { logger, lines } = capturingLogger();
    const input = { runId: "run-7", modelName: "topics", seed: 42, prepared: await prepared(ports) };

    // Act
    await step.make(ports)(input, logger);

    // Assess
    const epochs = lines.filter((line) => line.msg === "epoch");
    expect(epochs.length).toBeGreaterThan(0);
    for (const line of epochs) expect(line).toMatchObject({ step: "Train", runId: "run-7" });
  });

  it("refuses an input without a run id, naming the field", async () => {
    // Prepare
    const step = defineStep("Train", TrainInput, train);

    // Act
    const run = step.make(freshPorts())({ modelName: "topics", seed: 42 });

    // Assess
    await expect(run).rejects.toThrowErrorMatchingInlineSnapshot(`
      [InvalidInputError: Train input is invalid: ✖ Invalid input: expected string, received undefined
        → at runId
      ✖ Invalid input: expected object, received undefined
        → at prepared]
    `);
  });
});
