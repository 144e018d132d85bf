import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { EtlArguments } from "@tollgate/core/contracts";
import { UnsupportedAslFeatureError } from "@tollgate/core/errors";
import { type AslDefinition, LAMBDA_INVOKE, lambdaSteps, walkStates } from "@tollgate/core/workflow/asl";
import { localSubstitutions, readLambdaSteps } from "@tollgate/local/app";
import { type ChoiceRule, evaluateRule } from "@tollgate/local/engine/asl/choice";
import { assertSupported, loadDefinition, substitute } from "@tollgate/local/engine/definition";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const validate = require("asl-validator") as (definition: unknown) => { isValid: boolean; errors: unknown[] };
const FILE = "workflows/retrain.asl.json";
const raw = readFileSync(FILE, "utf8");
const asl = JSON.parse(raw) as AslDefinition;

interface Retrier {
  ErrorEquals: string[];
  MaxAttempts?: number;
  MaxDelaySeconds?: number;
}

/** Where a Choice state of the real definition sends `input` (the local engine's rule evaluation). */
function choose(state: string, input: unknown): string {
  const choice = asl.States[state] as unknown as { Choices: ChoiceRule[]; Default: string };
  const context = { Execution: { Name: "r" } } as never;
  return choice.Choices.find((rule) => evaluateRule(rule, input, context))?.Next ?? choice.Default;
}

/** A copy of the real definition with one state changed. */
function withState(name: string, patch: Record<string, unknown>): AslDefinition {
  const copy = structuredClone(asl);
  copy.States[name] = { ...copy.States[name]!, ...patch };
  return copy;
}

describe("workflows/retrain.asl.json", () => {
  it("passes asl-validator as written, DefinitionSubstitutions in place", () => {
    // asl-validator writes QueryLanguage into every state: give it a copy
    expect(validate(structuredClone(asl))).toMatchObject({ isValid: true, errors: [] });
  });

  it("passes asl-validator after the local substitutions, and a broken copy does not", () => {
    expect(validate(loadDefinition(FILE, localSubstitutions(readLambdaSteps(FILE))))).toMatchObject({
      isValid: true,
      errors: [],
    });
    const broken = withState("Gate", { Default: "Nowhere" });
    expect(validate(broken).isValid).toBe(false);
  });

  it("names every ARN and job through DefinitionSubstitutions", () => {
    const names = [...raw.matchAll(/\$\{([A-Za-z]+)\}/g)].map((m) => m[1]);
    const functions = lambdaSteps(asl).map(({ key }) => `${key}FunctionArn`);
    expect(new Set(names)).toEqual(
      new Set(["EtlJobName", "DataBucketName", "MapConcurrency", "RowsPerChild", "SpecSampleRows", ...functions]),
    );
    expect(raw).not.toMatch(/arn:aws:lambda:/);
  });

  it("catches every failure of every task into RecordFailure, then Failed", () => {
    for (const [name, state] of Object.entries(asl.States)) {
      if (state.Type !== "Task" || name === "RecordFailure") continue;
      expect((state.Catch as unknown[]).at(-1), name).toEqual({
        ErrorEquals: ["States.ALL"],
        ResultPath: "$.failure",
        Next: "RecordFailure",
      });
    }
    expect(asl.States.RecordFailure?.Next).toBe("Failed");
    expect(asl.States.Failed).toMatchObject({ Type: "Fail", ErrorPath: "$.failure.Error" });
  });

  it("leaves a failed Map child uncaught, so that an AWS redrive restarts at its Map Run (not at Fail)", () => {
    const maps = Object.entries(asl.States).filter(([, state]) => state.Type === "Map");
    expect(maps.map(([name]) => name)).toEqual(["CountTerms", "MergeTerms", "Train", "Evaluate"]);
    for (const [name, state] of maps) {
      // ItemReader/ResultWriter failures are caught (nothing ran: a redrive has nothing to rerun) …
      const caught = ((state.Catch ?? []) as { ErrorEquals: string[] }[]).flatMap((c) => c.ErrorEquals);
      expect(caught, name).toEqual(["States.ItemReaderFailed", "States.ResultWriterFailed"]);
      // … a child's failure (States.ExceedToleratedFailureThreshold) ends the run at the Map
      expect(caught, name).not.toContain("States.ALL");
      expect(state.ToleratedFailurePercentage ?? 0, name).toBe(0);
      // no Retry on the Map: a retry would start a new Map Run (every child again), not redrive this one
      expect(state.Retry, name).toBeUndefined();
      expect(state.ItemProcessor, name).toMatchObject({ ProcessorConfig: { Mode: "DISTRIBUTED" } });
      const children = Object.values((state.ItemProcessor as AslDefinition).States);
      for (const child of children) expect(child.Catch, name).toBeUndefined();
    }
  });

  it("reads the Maps' items from the shard list in S3 and writes their results there", () => {
    for (const name of ["CountTerms", "Train", "Evaluate"]) {
      expect(asl.States[name], name).toMatchObject({
        ItemReader: { Resource: "arn:aws:states:::s3:getObject", Parameters: { "Key.$": "$.prepared.shardsKey" } },
        ItemBatcher: { MaxItemsPerBatchPath: "$.prepared.fanOut.shardsPerChild" },
        MaxConcurrencyPath: "$.prepared.fanOut.maxConcurrency",
        ResultWriter: { Resource: "arn:aws:states:::s3:putObject" },
      });
    }
    // the exact spec: CountTerms → MergeTerms (a Map over the term partitions) → SelectTerms → Sharded
    expect(asl.States.MergeTerms, "MergeTerms").toMatchObject({
      ItemReader: {
        Resource: "arn:aws:states:::s3:getObject",
        Parameters: { "Key.$": "$.prepared.termMerge.partsKey" },
      },
      ItemBatcher: {
        MaxItemsPerBatchPath: "$.prepared.termMerge.partsPerChild",
        BatchInput: { "results.$": "$.terms" },
      },
      MaxConcurrencyPath: "$.prepared.fanOut.maxConcurrency",
      ResultWriter: { Resource: "arn:aws:states:::s3:putObject" },
    });
    expect(asl.States.CountTerms?.Next).toBe("MergeTerms");
    expect(asl.States.MergeTerms?.Next).toBe("SelectTerms");
    expect(asl.States.SelectTerms).toMatchObject({
      Parameters: { Payload: { "children.$": "$.prepared.termMerge.children", "results.$": "$.terms" } },
      Next: "Sharded",
    });
    // the round loop: Train → Merge → MoreRounds → Train | Export
    expect(asl.States.Train?.Next).toBe("Merge");
    expect(asl.States.Merge?.Next).toBe("MoreRounds");
    expect(asl.States.MoreRounds).toMatchObject({ Choices: [{ Next: "Train" }], Default: "Export" });
  });

  it("retries every Lambda task on Lambda's transient errors, as AWS recommends for lambda:invoke", () => {
    const transient = [
      "Lambda.ClientExecutionTimeoutException",
      "Lambda.ServiceException",
      "Lambda.AWSLambdaException",
      "Lambda.SdkClientException",
      "Lambda.TooManyRequestsException",
    ];
    const tasks = [...walkStates(asl.States)].filter(({ state }) => state.Resource === LAMBDA_INVOKE);
    expect(tasks.length).toBe(lambdaSteps(asl).flatMap((s) => s.states).length);
    for (const { path, state } of tasks) {
      const retried = ((state.Retry ?? []) as Retrier[]).flatMap((r) => r.ErrorEquals);
      expect(retried, path).toEqual(expect.arrayContaining(transient));
    }
  });

  it("retries the Etl state when the Glue job is at its concurrent-run limit, with backoff", () => {
    const retry = ((asl.States.Etl?.Retry ?? []) as Retrier[]).find((r) =>
      r.ErrorEquals.includes("Glue.ConcurrentRunsExceededException"),
    );
    expect(retry).toMatchObject({ BackoffRate: 2, JitterStrategy: "FULL" });
    expect(retry?.MaxAttempts).toBeGreaterThanOrEqual(5);
    // the whole backoff fits in the state's timeout
    expect(retry?.MaxDelaySeconds).toBeLessThan(asl.States.Etl?.TimeoutSeconds as number);
  });

  it("gates on minAccuracy and on the live model's threshold", () => {
    const gate = JSON.stringify(asl.States.Gate);
    expect(gate).toContain('"NumericGreaterThanEqualsPath":"$.gate.minAccuracy"');
    expect(gate).toContain('"NumericGreaterThanEqualsPath":"$.evaluation.live.threshold"');
    expect(asl.States.Gate).toMatchObject({ Type: "Choice", Default: "Reject" });
  });

  it("rejects below a macro-F1 or class-recall floor only when the gate sets one, then asks for approval when required", () => {
    const evaluation = { accuracy: 0.9, macroF1: 0.7, minRecall: 0.4, live: null };
    const run = (gate: object) => {
      const input = { gate: { minAccuracy: 0.5, minGain: 0, ...gate }, evaluation };
      const gated = choose("Gate", input);
      return gated === "Approval" ? choose("Approval", input) : gated;
    };
    expect(run({})).toBe("Promote");
    expect(run({ minMacroF1: 0.8 })).toBe("Reject");
    expect(run({ minMacroF1: 0.7 })).toBe("Promote");
    expect(run({ minClassRecall: 0.5 })).toBe("Reject");
    expect(run({ minClassRecall: 0.4, minMacroF1: 0.6 })).toBe("Promote");
    expect(run({ approval: "required" })).toBe("RequestApproval");
    expect(run({ approval: "auto" })).toBe("Promote");
    expect(run({ approval: "required", minAccuracy: 0.95 })).toBe("Reject");
    expect(asl.States.RequestApproval).toMatchObject({ Type: "Task", End: true });
  });

  it("passes the Glue job the arguments of the ETL contract", () => {
    const args = Object.keys((asl.States.Etl!.Parameters as { Arguments: object }).Arguments).map((k) =>
      k.replace(/^--|\.\$$/g, ""),
    );
    expect(args.sort()).toEqual(["data_bucket", ...Object.keys(EtlArguments.shape)].sort());
  });
});

describe("the local engine's definition loader", () => {
  it("loads the real file with the local substitutions", () => {
    expect(loadDefinition(FILE, localSubstitutions(readLambdaSteps(FILE))).StartAt).toBe("Etl");
  });

  it("refuses a substitution without a local value, naming it", () => {
    expect(() => substitute(`{"a":"\${Nope}"}`, {})).toThrow(/Nope/);
  });

  it.each([
    ["JSONata", () => ({ ...asl, QueryLanguage: "JSONata" }), /JSONata/],
    ["Assign", () => withState("Train", { Assign: { x: 1 } }), /state "Train" uses variables \(Assign\)/],
    [
      "ItemReader outside a Distributed Map",
      () => withState("Score", { ItemReader: {} }),
      /state "Score" uses ItemReader, which only a Distributed Map may have/,
    ],
    ["ItemBatcher", () => withState("Score", { ItemBatcher: {} }), /ItemBatcher/],
    ["ResultWriter", () => withState("Score", { ResultWriter: {} }), /ResultWriter/],
    [
      "waitForTaskToken",
      () => withState("Promote", { Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken" }),
      /state "Promote" uses the callback pattern/,
    ],
    ["HeartbeatSeconds", () => withState("Train", { HeartbeatSeconds: 60 }), /state "Train" uses HeartbeatSeconds/],
    ["JSONata Arguments", () => withState("Train", { Arguments: {} }), /JSONata Arguments/],
  ])("rejects %s with an error naming the state and the feature", (_, make, message) => {
    const run = () => assertSupported(make());
    expect(run).toThrow(UnsupportedAslFeatureError);
    expect(run).toThrow(message);
  });

  it("rejects a nested Distributed Map feature inside a Map's ItemProcessor", () => {
    const def = withState("Evaluate", {
      Type: "Map",
      ItemProcessor: {
        ProcessorConfig: { Mode: "DISTRIBUTED" },
        StartAt: "X",
        States: { X: { Type: "Pass", Assign: {}, End: true } },
      },
    });
    expect(() => assertSupported(def)).toThrow(/Evaluate > X" uses variables/);
  });
});
