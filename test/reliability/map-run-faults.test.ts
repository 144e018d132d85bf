/**
 * TOLLGATE_FAULTS can fail one chosen child of a Distributed Map (`<MapState>[<index>]`): the
 * children run in worker processes that build the same step handlers over the same home, the
 * failed child fails the run with a named error, and the live model stays as it was.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderMapChildren, renderShow } from "@tollgate/cli/render";
import { mapRunViews, toChild } from "@tollgate/core/workflow/map-runs";
import { beforeAll, describe, expect, it } from "vitest";
import { tempHome } from "../helpers/topics.ts";
import { addRaw, expectConsistent, input, open } from "./helpers.ts";

const home = tempHome();
const definitionFile = join(home, "fan-out.asl.json");
writeFileSync(
  definitionFile,
  JSON.stringify({
    StartAt: "Shards",
    States: {
      Shards: {
        Type: "Map",
        ItemsPath: "$.items",
        MaxConcurrency: 1,
        ItemProcessor: {
          ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
          StartAt: "Pick",
          States: {
            Pick: {
              Type: "Choice",
              Choices: [{ Variable: "$.step", BooleanEquals: true, Next: "Step" }],
              Default: "Skip",
            },
            Step: {
              Type: "Task",
              Resource: "arn:aws:states:::lambda:invoke",
              // biome-ignore lint/suspicious/noTemplateCurlyInString: a DefinitionSubstitution, as in the ASL file
              Parameters: { FunctionName: "${PreprocessFunctionArn}", "Payload.$": "$" },
              End: true,
            },
            Skip: { Type: "Pass", End: true },
          },
        },
        End: true,
      },
    },
  }),
);
const items = { items: [{ step: false }, { step: false }, { step: true }] };

let liveBefore: string | undefined;
beforeAll(async () => {
  const tg = open({ home });
  await (await tg.workflow.start("base", input([await addRaw(tg, "base", 300, 1)]))).done;
  liveBefore = await expectConsistent(tg);
  tg.close();
});

describe("a fault in one child of a Distributed Map", () => {
  it("fails that child only, and the run with States.ExceedToleratedFailureThreshold", async () => {
    const tg = open({ home, definitionFile, faults: ["Shards[2]"] });
    try {
      const run = await (await tg.workflow.start("fan-out-fault", items)).done;
      expect(run).toMatchObject({ status: "FAILED", error: "States.ExceedToleratedFailureThreshold" });
      const [mapRun] = tg.stores.mapRuns.list("fan-out-fault");
      const children = tg.stores.executions.list({ mapRunArn: mapRun!.mapRunArn });
      expect(children.map((c) => [c.status, c.error])).toEqual([
        ["SUCCEEDED", null],
        ["SUCCEEDED", null],
        ["FAILED", "InjectedFaultError"],
      ]);
      expect(await expectConsistent(tg)).toBe(liveBefore);

      // `tollgate show`: the failed Map row with its counts and error, the children with the failed one
      const events = tg.stores.executions.history("fan-out-fault");
      const [view] = mapRunViews(tg.stores.mapRuns.list("fan-out-fault"), events);
      expect(renderShow(run, events, undefined, view ? [view] : [])).toMatch(
        /^Shards\s+Map\s+failed\s+[\d.]+s\s+3 children: 2 ✓ 1 ✗; States\.ExceedToleratedFailureThreshold$/m,
      );
      const listed = renderMapChildren("fan-out-fault", "Shards", [
        { ...view!, children: children.map((c) => toChild(c)) },
      ]);
      expect(listed).toMatch(
        /^Shards map run 1 of 1 {3}FAILED {3}3 children: 2 ✓ 1 ✗ {3}3 items {3}tolerated 0% \/ 0$/m,
      );
      expect(listed).toMatch(new RegExp(`^${children[2]!.name.replace("/", "\\/")}\\s+FAILED\\s`, "m"));
    } finally {
      tg.close();
    }
  });

  it("without the fault, the child runs the real step in its worker (which refuses this input by name)", async () => {
    const tg = open({ home, definitionFile });
    try {
      const run = await (await tg.workflow.start("fan-out-real", items)).done;
      expect(run.status).toBe("FAILED");
      const [mapRun] = tg.stores.mapRuns.list("fan-out-real");
      const [, , child] = tg.stores.executions.list({ mapRunArn: mapRun!.mapRunArn });
      expect(child).toMatchObject({ status: "FAILED", error: "InvalidInputError" });
    } finally {
      tg.close();
    }
  });
});
