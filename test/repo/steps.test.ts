/**
 * One step list: the ASL file's Lambda states (`lambdaSteps`, nested Map and Parallel states
 * included). The stacks, the local runtime and the tests each derive theirs from it.
 */
import { existsSync, readFileSync } from "node:fs";
import { UnsupportedAslFeatureError } from "@tollgate/core/errors";
import { type AslDefinition, handlerFileOf, lambdaSteps } from "@tollgate/core/workflow/asl";
import { localSubstitutions, readLambdaSteps } from "@tollgate/local/app";
import { describe, expect, it } from "vitest";
import { ASL_PATH, deployedSteps, STEPS } from "../../stacks/Pipeline.ts";

const asl = JSON.parse(readFileSync(ASL_PATH, "utf8")) as AslDefinition;
const task = (key: string) => ({
  Type: "Task",
  Resource: "arn:aws:states:::lambda:invoke",
  Parameters: { FunctionName: `\${${key}FunctionArn}`, "Payload.$": "$" },
  End: true,
});

describe("the workflow's Lambda steps", () => {
  it("are the ASL file's Lambda Task states, keyed by their substitutions", () => {
    expect(lambdaSteps(asl).map(({ key, handlerFile }) => [key, handlerFile])).toEqual([
      ["CheckNewData", "check-new-data"],
      ["Preprocess", "preprocess"],
      ["CountShardTerms", "count-shard-terms"],
      ["MergeTermParts", "merge-term-parts"],
      ["SelectTerms", "select-terms"],
      ["Select", "select"],
      ["TrainShard", "train-shard"],
      ["Merge", "merge"],
      ["Export", "export"],
      ["EvaluateShard", "evaluate-shard"],
      ["Score", "score"],
      ["Promote", "promote"],
      ["Reject", "reject"],
      ["RequestApproval", "request-approval"],
      ["RecordFailure", "record-failure"],
    ]);
  });

  it("include the states nested in Map item processors, Map iterators and Parallel branches", () => {
    const nested: AslDefinition = {
      StartAt: "Shards",
      States: {
        Shards: {
          Type: "Map",
          ItemProcessor: {
            ProcessorConfig: { Mode: "DISTRIBUTED" },
            StartAt: "TrainShard",
            States: { TrainShard: task("TrainShard") },
          },
          Next: "Both",
        },
        Both: {
          Type: "Parallel",
          Branches: [
            { StartAt: "ScoreA", States: { ScoreA: task("Score") } },
            {
              StartAt: "Old",
              States: {
                Old: { Type: "Map", Iterator: { StartAt: "Merge", States: { Merge: task("Merge") } }, End: true },
              },
            },
          ],
          Next: "Done",
        },
        Done: task("Score"),
      },
    };
    const steps = lambdaSteps(nested);
    expect(steps.map((s) => [s.key, s.states.map((p) => p.path)])).toEqual([
      ["TrainShard", ["Shards > TrainShard"]],
      ["Score", ["Both [branch 0] > ScoreA", "Done"]],
      ["Merge", ["Both [branch 1] > Old > Merge"]],
    ]);
    expect(steps.map((s) => s.handlerFile)).toEqual(["train-shard", "score", "merge"]);
  });

  it("refuse a Lambda Task that names its function other than by a substitution", () => {
    const literal: AslDefinition = {
      StartAt: "A",
      States: { A: { ...task("A"), Parameters: { FunctionName: "arn:aws:lambda:us-east-1:1:function:a" } } },
    };
    expect(() => lambdaSteps(literal)).toThrow(UnsupportedAslFeatureError);
    expect(() => lambdaSteps(literal)).toThrowErrorMatchingInlineSnapshot(
      `[UnsupportedAslFeatureError: state "A" must name its function as \${<Key>FunctionArn}, not arn:aws:lambda:us-east-1:1:function:a]`,
    );
  });

  it.each(lambdaSteps(asl))(
    "$key has an entry file under functions/ exporting its step and handler",
    async ({ key, handlerFile }) => {
      expect(handlerFileOf(key)).toBe(handlerFile);
      expect(existsSync(`functions/${handlerFile}.ts`)).toBe(true);
      const module = (await import(`../../functions/${handlerFile}.ts`)) as {
        step: { name: string };
        handler: unknown;
      };
      expect(module.step.name).toBe(key);
      expect(module.handler).toBeTypeOf("function");
    },
  );

  it("are what the stacks deploy (one STEPS entry each, none extra) and what the local runtime binds", () => {
    const keys = lambdaSteps(asl).map((s) => s.key);
    expect(deployedSteps(asl).map((s) => s.key)).toEqual(keys);
    expect(Object.keys(STEPS).sort()).toEqual([...keys].sort());
    expect(readLambdaSteps().map((s) => s.key)).toEqual(keys);
    const functionArns = Object.keys(localSubstitutions(readLambdaSteps())).filter((k) => k.endsWith("FunctionArn"));
    expect(functionArns).toEqual(keys.map((k) => `${k}FunctionArn`));
  });

  it("stop synthesis when the ASL has a step STEPS does not deploy", () => {
    const extra: AslDefinition = { ...asl, States: { ...asl.States, Audit: task("Audit") } };
    expect(() => deployedSteps(extra)).toThrow(/no STEPS entry for \[Audit\]/);
  });
});
