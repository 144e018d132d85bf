/**
 * Task events against the AWS documentation: every field the Step Functions API reference lists as
 * required is there, nothing it does not list is, and values have its types
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html and the
 * Task*EventDetails pages it links). A `glue:startJobRun.sync` task records TaskSubmitted with the
 * JobRunId that StartJobRun answered, as AWS does for the `.sync` pattern.
 */
import { afterEach, describe, expect, it } from "vitest";
import { lambdaTask, type TestWorkflow, testWorkflow } from "../helpers/workflow.ts";

let wf: TestWorkflow | undefined;
afterEach(() => wf?.close());

type Field = "string" | "number" | "object";
/** API reference: details object per event type, its fields (required ones marked) and their types. */
const API: Record<string, { details: string; required: Record<string, Field>; optional: Record<string, Field> }> = {
  TaskScheduled: {
    details: "taskScheduledEventDetails",
    required: { resourceType: "string", resource: "string", region: "string", parameters: "string" },
    optional: { timeoutInSeconds: "number", heartbeatInSeconds: "number", taskCredentials: "object" },
  },
  TaskStarted: {
    details: "taskStartedEventDetails",
    required: { resourceType: "string", resource: "string" },
    optional: {},
  },
  TaskSubmitted: {
    details: "taskSubmittedEventDetails",
    required: { resourceType: "string", resource: "string" },
    optional: { output: "string", outputDetails: "object" },
  },
  TaskSucceeded: {
    details: "taskSucceededEventDetails",
    required: { resourceType: "string", resource: "string" },
    optional: { output: "string", outputDetails: "object" },
  },
  TaskFailed: {
    details: "taskFailedEventDetails",
    required: { resourceType: "string", resource: "string" },
    optional: { error: "string", cause: "string" },
  },
  TaskTimedOut: {
    details: "taskTimedOutEventDetails",
    required: { resourceType: "string", resource: "string" },
    optional: { error: "string", cause: "string" },
  },
  TaskStateEntered: {
    details: "stateEnteredEventDetails",
    required: { name: "string" },
    optional: { input: "string", inputDetails: "object" },
  },
  TaskStateExited: {
    details: "stateExitedEventDetails",
    required: { name: "string" },
    optional: { output: "string", outputDetails: "object" },
  },
};

function expectDocumentedShape(event: Record<string, unknown>) {
  const spec = API[event.type as string];
  if (!spec) return;
  const { id, previousEventId, timestamp, type, ...rest } = event;
  expect(Object.keys(rest), `${type} has one details object`).toEqual([spec.details]);
  expect(typeof id).toBe("number");
  expect(typeof previousEventId).toBe("number");
  expect(Number.isNaN(Date.parse(String(timestamp)))).toBe(false);
  const details = rest[spec.details] as Record<string, unknown>;
  for (const [field, kind] of Object.entries(spec.required))
    expect(typeof details[field], `${type}.${field}`).toBe(kind);
  for (const [field, value] of Object.entries(details)) {
    const kind = spec.required[field] ?? spec.optional[field];
    expect(kind, `${type} has no documented field ${field}`).toBeDefined();
    expect(typeof value, `${type}.${field}`).toBe(kind);
  }
}

const glueTask = {
  Type: "Task",
  Resource: "arn:aws:states:::glue:startJobRun.sync",
  Parameters: { JobName: "etl", Arguments: { "--dataset.$": "$.dataset" } },
  TimeoutSeconds: 3600,
  ResultSelector: { "jobRunId.$": "$.Id" },
  ResultPath: "$.etl",
};

describe("Task events", () => {
  it("have the fields the API reference documents, for .sync, invoke, failure and timeout", async () => {
    wf = testWorkflow(
      {
        StartAt: "Etl",
        States: {
          Etl: { ...glueTask, Next: "Train" },
          Train: lambdaTask("train", { ResultPath: "$.trained", Next: "Flaky" }),
          Flaky: lambdaTask("flaky", {
            Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.failure", Next: "Slow" }],
            End: true,
          }),
          Slow: lambdaTask("slow", {
            TimeoutSeconds: 1,
            Catch: [{ ErrorEquals: ["States.Timeout"], ResultPath: "$.timeout", Next: "Done" }],
            End: true,
          }),
          Done: { Type: "Succeed" },
        },
      },
      {
        train: async () => ({ modelVersion: "v1" }),
        flaky: async () => {
          throw Object.assign(new Error("no rows"), { name: "InvalidDatasetError" });
        },
        slow: () => new Promise((resolve) => setTimeout(resolve, 2500)),
      },
      { glueJobs: { etl: async (id, args) => ({ Id: id, JobRunState: "SUCCEEDED", Arguments: args }) } },
    );
    const run = await wf.run("task-events", { dataset: "wordnet" });
    expect(run.status).toBe("SUCCEEDED");
    for (const event of run.history) expectDocumentedShape(event);
    const types = run.history.map((e) => e.type);
    for (const t of ["TaskSubmitted", "TaskSucceeded", "TaskFailed", "TaskTimedOut"]) expect(types).toContain(t);

    // .sync: Scheduled, Started, Submitted (StartJobRun's answer), Succeeded (the finished JobRun).
    const etl = run.history.slice(1, 7).map((e) => e.type);
    expect(etl).toEqual([
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskSubmitted",
      "TaskSucceeded",
      "TaskStateExited",
    ]);
    const submitted = JSON.parse((run.history[4]!.taskSubmittedEventDetails as { output: string }).output);
    const succeeded = JSON.parse((run.history[5]!.taskSucceededEventDetails as { output: string }).output);
    expect(submitted.JobRunId).toMatch(/^jr_/);
    expect(succeeded.Id).toBe(submitted.JobRunId);
    expect(run.history[2]!.taskScheduledEventDetails).toMatchObject({
      resourceType: "glue",
      resource: "startJobRun.sync",
      timeoutInSeconds: 3600,
    });

    // A Lambda error: TaskFailed with the function's errorType, caught into TaskStateExited.
    const failed = run.history.find((e) => e.type === "TaskFailed")!;
    expect(failed.taskFailedEventDetails).toEqual({
      resourceType: "lambda",
      resource: "invoke",
      error: "InvalidDatasetError",
      cause: JSON.stringify({ errorType: "InvalidDatasetError", errorMessage: "no rows" }),
    });
    expect(run.history[run.history.indexOf(failed) + 1]?.type).toBe("TaskStateExited");
    const timedOut = run.history.find((e) => e.type === "TaskTimedOut")!;
    expect(timedOut.taskTimedOutEventDetails).toMatchObject({ error: "States.Timeout" });
    // Every event points back to the one before it in a Task-only run.
    expect(run.history.slice(2).every((e, i) => e.previousEventId === (run.history[i + 1]!.id as number))).toBe(true);
  });

  it("give a task without TimeoutSeconds Step Functions' default (99999999 s), not an instant timeout", async () => {
    wf = testWorkflow(
      { StartAt: "Wait", States: { Wait: lambdaTask("slow", { End: true }) } },
      { slow: () => new Promise((resolve) => setTimeout(() => resolve("done"), 300)) },
    );
    const run = await wf.run("default-timeout", {});
    expect(run).toMatchObject({ status: "SUCCEEDED", output: { value: "done" } });
    expect(run.history.find((e) => e.type === "TaskScheduled")?.taskScheduledEventDetails).not.toHaveProperty(
      "timeoutInSeconds",
    );
  });
});
