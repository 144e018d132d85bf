/** core/steps/define.ts: the input contract at the step's boundary and the correlation keys of its logs. */
import { DecisionInput } from "@tollgate/core/contracts";
import { InvalidInputError } from "@tollgate/core/errors";
import { correlationOf, defineStep, parseInput } from "@tollgate/core/steps";
import { describe, expect, it } from "vitest";
import { capturingLogger, freshPorts } from "./fixtures.ts";

describe("parseInput", () => {
  it("throws InvalidInputError naming the boundary and every problem", () => {
    expect(() => parseInput(DecisionInput, { runId: 7, dataset: "Bad Name" }, "Promote")).toThrow(InvalidInputError);
    expect(() =>
      parseInput(DecisionInput, { runId: 7, dataset: "Bad Name" }, "Promote"),
    ).toThrowErrorMatchingInlineSnapshot(`
      [InvalidInputError: Promote input is invalid: ✖ Invalid input: expected string, received number
        → at runId
      ✖ names are lowercase letters, digits and dashes, at most 63, starting with a letter or digit
        → at dataset
      ✖ Invalid input: expected string, received undefined
        → at modelName
      ✖ Invalid input: expected string, received undefined
        → at datasetVersion
      ✖ Invalid input: expected object, received undefined
        → at gate
      ✖ Invalid input: expected object, received undefined
        → at evaluation]
    `);
  });
});

describe("correlationOf", () => {
  it("finds the run id and the model version where each step's input names them", () => {
    expect(correlationOf("Evaluate", { runId: "r1", modelVersion: "v2" })).toEqual({
      step: "Evaluate",
      runId: "r1",
      modelVersion: "v2",
    });
    expect(correlationOf("Promote", { runId: "r1", evaluation: { candidateVersion: "v3" } })).toEqual({
      step: "Promote",
      runId: "r1",
      modelVersion: "v3",
    });
    expect(correlationOf("RecordFailure", { runId: "r1", state: { trained: { modelVersion: "v4" } } })).toMatchObject({
      modelVersion: "v4",
    });
    expect(correlationOf("Preprocess", { runId: "r1" })).toEqual({ step: "Preprocess", runId: "r1" });
    expect(correlationOf("Train", "not an object")).toEqual({ step: "Train" });
  });
});

describe("defineStep", () => {
  it("hands core a logger that carries the step's correlation keys", async () => {
    // Prepare
    const { logger, lines } = capturingLogger();
    const step = defineStep("Promote", DecisionInput, async (_ports, input, log) => {
      log.info("deciding");
      return input.runId;
    });
    const input = {
      runId: "r9",
      dataset: "topics",
      modelName: "topics",
      datasetVersion: "v1",
      gate: { minAccuracy: 0.5, minGain: 0 },
      evaluation: {
        candidateVersion: "v5",
        accuracy: 0.9,
        macroF1: 0.9,
        testRows: 300,
        minRecall: 0.8,
        minRecallLabel: "food",
        metricsKey: "m",
        live: null,
      },
    };

    // Act
    const out = await step.make(freshPorts())(input, logger);

    // Assess
    expect(out).toBe("r9");
    expect(lines).toEqual([
      expect.objectContaining({ msg: "deciding", step: "Promote", runId: "r9", modelVersion: "v5" }),
    ]);
  });
});
