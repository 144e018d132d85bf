/**
 * Step Functions' 256 KiB payload quota: a task result, a state's output or a state's effective
 * input over it fails the execution with States.DataLimitExceeded, which a States.ALL Catch does
 * not catch (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
 */
import { afterEach, describe, expect, it } from "vitest";
import { lambdaTask, type TestWorkflow, testWorkflow } from "../helpers/workflow.ts";

let wf: TestWorkflow | undefined;
afterEach(() => wf?.close());

const KIB = 1024;
const catchAll = { Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.failure", Next: "Recover" }] };
const recover = { Recover: { Type: "Pass", End: true } };

describe("payloads over 256 KiB", () => {
  it("fail a task with States.DataLimitExceeded that States.ALL does not catch", async () => {
    wf = testWorkflow(
      { StartAt: "Big", States: { Big: lambdaTask("big", { ...catchAll, End: true }), ...recover } },
      { big: async () => "x".repeat(300 * KIB) },
    );
    const run = await wf.run("big-result", {});
    expect(run).toMatchObject({ status: "FAILED", error: "States.DataLimitExceeded" });
    const types = run.history.map((e) => e.type);
    expect(types).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskFailed",
      "ExecutionFailed",
    ]);
    expect(run.history[4]?.taskFailedEventDetails).toMatchObject({
      error: "States.DataLimitExceeded",
      resourceType: "lambda",
    });
  });

  it("fail a state whose output is over the quota, and one whose effective input is", async () => {
    const copy = { "a.$": "$.s", "b.$": "$.s" };
    wf = testWorkflow({ StartAt: "Twice", States: { Twice: { Type: "Pass", Parameters: copy, End: true } } });
    const output = await wf.run("big-output", { s: "y".repeat(150 * KIB) });
    expect(output).toMatchObject({ status: "FAILED", error: "States.DataLimitExceeded" });
    wf.close();
    let called = false;
    wf = testWorkflow(
      {
        StartAt: "Send",
        States: {
          Send: lambdaTask("f", {
            Parameters: { FunctionName: "arn:aws:lambda:local:000000000000:function:f", Payload: copy },
            ...catchAll,
            End: true,
          }),
          ...recover,
        },
      },
      {
        f: async () => {
          called = true;
          return 1;
        },
      },
    );
    const input = await wf.run("big-input", { s: "z".repeat(150 * KIB) });
    expect(input).toMatchObject({ status: "FAILED", error: "States.DataLimitExceeded" });
    expect(called).toBe(false);
  });

  it("leave payloads under the quota alone", async () => {
    wf = testWorkflow(
      { StartAt: "Small", States: { Small: lambdaTask("small", { End: true }) } },
      {
        small: async () => "x".repeat(200 * KIB),
      },
    );
    expect((await wf.run("small", {})).status).toBe("SUCCEEDED");
  });
});
