/**
 * Task states nested in Parallel branches and inline Map iterations run through the same local
 * bindings as top-level ones (before, they passed the loader and were sent to real Lambda), and a
 * nested Task with no local implementation is refused when the definition is loaded.
 */
import { UnsupportedAslFeatureError } from "@tollgate/core/errors";
import { afterEach, describe, expect, it } from "vitest";
import { lambdaTask, type TestWorkflow, testWorkflow } from "../helpers/workflow.ts";

let wf: TestWorkflow | undefined;
afterEach(() => wf?.close());

const double = async (payload: unknown) => (payload as { n: number }).n * 2;

describe("nested Task states", () => {
  it("run locally inside a Parallel branch and an inline Map iteration", async () => {
    const calls: unknown[] = [];
    wf = testWorkflow(
      {
        StartAt: "Fan",
        States: {
          Fan: {
            Type: "Parallel",
            Branches: [
              { StartAt: "Twice", States: { Twice: lambdaTask("double", { End: true }) } },
              {
                StartAt: "Each",
                States: {
                  Each: {
                    Type: "Map",
                    ItemsPath: "$.items",
                    ItemProcessor: { StartAt: "EachTwice", States: { EachTwice: lambdaTask("double", { End: true }) } },
                    End: true,
                  },
                },
              },
            ],
            End: true,
          },
        },
      },
      {
        double: async (p) => {
          calls.push(p);
          return double(p);
        },
      },
    );
    const run = await wf.run("nested", { n: 3, items: [{ n: 1 }, { n: 2 }] });
    expect(run.status).toBe("SUCCEEDED");
    expect(run.output).toEqual([{ value: 6 }, [{ value: 2 }, { value: 4 }]]);
    expect(calls).toHaveLength(3);
    const scheduled = run.history.filter((e) => e.type === "TaskScheduled");
    expect(scheduled).toHaveLength(3);
    expect(scheduled.map((e) => (e.taskScheduledEventDetails as { resourceType: string }).resourceType)).toEqual([
      "lambda",
      "lambda",
      "lambda",
    ]);
  });

  it("are refused when the definition is loaded if their resource has no local implementation", () => {
    const definition = {
      StartAt: "Fan",
      States: {
        Fan: {
          Type: "Parallel",
          Branches: [
            {
              StartAt: "Notify",
              States: {
                Notify: {
                  Type: "Task",
                  Resource: "arn:aws:states:::sns:publish",
                  Parameters: { TopicArn: "arn:aws:sns:local:000000000000:t", Message: "hi" },
                  End: true,
                },
              },
            },
          ],
          End: true,
        },
      },
    };
    expect(() => testWorkflow(definition)).toThrow(UnsupportedAslFeatureError);
    expect(() => testWorkflow(definition)).toThrow(
      /state "Fan \[branch 0\] > Notify" uses resource arn:aws:states:::sns:publish/,
    );
  });

  it("are refused when the function they name has no local handler", () => {
    const definition = {
      StartAt: "Each",
      States: {
        Each: {
          Type: "Map",
          ItemProcessor: { StartAt: "T", States: { T: lambdaTask("nope", { End: true }) } },
          End: true,
        },
      },
    };
    expect(() => testWorkflow(definition, { double })).toThrow(
      /state "Each > T" targets "arn:aws:lambda:local:000000000000:function:nope"/,
    );
  });
});
