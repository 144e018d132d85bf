/** functions/trigger.ts against a mocked Step Functions client (aws-sdk-client-mock): no AWS. */
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { StepFunctionsRuns } from "@tollgate/aws";
import type { Logger } from "@tollgate/core/logger";
import type { SQSEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTriggerHandler } from "../../functions/trigger.ts";
import { objectCreated } from "./events.ts";

const ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:retrain";
const sfn = mockClient(SFNClient);

function sqs(...bodies: unknown[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `m${i + 1}`,
      receiptHandle: `r${i + 1}`,
      body: typeof body === "string" ? body : JSON.stringify(body),
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: "0",
        SenderId: "events",
        ApproximateFirstReceiveTimestamp: "0",
      },
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:trigger",
      awsRegion: "us-east-1",
    })),
  };
}

function fakeLogger() {
  const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn(), child: () => log };
  return log;
}

describe("trigger handler", () => {
  let log: ReturnType<typeof fakeLogger>;
  let handle: ReturnType<typeof createTriggerHandler>;

  beforeEach(() => {
    sfn.reset();
    log = fakeLogger();
    handle = createTriggerHandler({
      starter: new StepFunctionsRuns(new SFNClient({ region: "us-east-1" }), ARN),
      settings: { coalesceSeconds: 120, gate: { minAccuracy: 0.5, minGain: 0 }, seed: 42 },
      logger: log as unknown as Logger,
    });
  });

  it("starts one execution for a burst, named by dataset and window, with the objects as input", async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN}:x`, startDate: new Date() });
    const out = await handle(
      sqs(
        objectCreated("raw/reviews/a.jsonl", { time: "2025-03-01T12:00:05Z" }),
        objectCreated("raw/reviews/b.jsonl", { time: "2025-03-01T12:01:00Z" }),
      ),
    );
    expect(out).toEqual({ batchItemFailures: [] });
    const calls = sfn.commandCalls(StartExecutionCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.stateMachineArn).toBe(ARN);
    expect(input.name).toBe("reviews-20250301T120000Z");
    expect(JSON.parse(input.input ?? "")).toEqual({
      dataset: "reviews",
      modelName: "reviews",
      gate: { minAccuracy: 0.5, minGain: 0 },
      seed: 42,
      sources: ["s3://tollgate-data/raw/reviews/a.jsonl#v1", "s3://tollgate-data/raw/reviews/b.jsonl#v1"],
    });
  });

  it("sends the same name and input when the same event comes again", async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN}:x`, startDate: new Date() });
    const event = objectCreated("raw/reviews/a.jsonl");
    await handle(sqs(event));
    await handle(sqs(event));
    const [first, second] = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
    expect(second).toEqual(first);
  });

  it("treats ExecutionAlreadyExists as a no-op: no failure reported, and logged", async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: "Execution Already Exists: 'x'", $metadata: {} }));
    const out = await handle(sqs(objectCreated("raw/reviews/c.jsonl")));
    expect(out).toEqual({ batchItemFailures: [] });
    expect(log.info).toHaveBeenCalledWith(
      expect.objectContaining({ runId: "reviews-20250301T120200Z" }),
      "execution exists: no-op",
    );
  });

  it("reports only the messages of a run that could not start, so SQS retries just those", async () => {
    sfn
      .on(StartExecutionCommand, { name: "spam-20250301T120200Z" })
      .rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }))
      .on(StartExecutionCommand, { name: "reviews-20250301T120200Z" })
      .resolves({ executionArn: `${ARN}:x`, startDate: new Date() });
    const out = await handle(sqs(objectCreated("raw/reviews/a.jsonl"), objectCreated("raw/spam/a.jsonl")));
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: "m2" }] });
    expect(log.error).toHaveBeenCalled();
  });

  it("drops messages that are not S3 Object Created events under raw/<dataset>/, without starting anything", async () => {
    const out = await handle(sqs("not json", { hello: "world" }, objectCreated("raw/top-level.csv")));
    expect(out).toEqual({ batchItemFailures: [] });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(log.warn).toHaveBeenCalledTimes(2);
  });
});

describe("trigger Lambda entry point", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    vi.resetModules();
    sfn.reset();
  });

  it("reads its settings from the environment once and starts executions of STATE_MACHINE_ARN", async () => {
    Object.assign(process.env, {
      STATE_MACHINE_ARN: ARN,
      TOLLGATE_COALESCE_SECONDS: "0",
      TOLLGATE_MIN_ACCURACY: "0.7",
      TOLLGATE_MIN_GAIN: "0.01",
      AWS_REGION: "us-east-1",
    });
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN}:x`, startDate: new Date() });
    const { handler } = await import("../../functions/trigger.ts");
    await handler(sqs(objectCreated("raw/reviews/a.jsonl")));
    const calls = sfn.commandCalls(StartExecutionCommand);
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.args[0].input.stateMachineArn).toBe(ARN);
    expect(call.args[0].input.name).toMatch(/^reviews-[0-9a-f]{16}$/);
    expect(JSON.parse(call.args[0].input.input ?? "").gate).toEqual({ minAccuracy: 0.7, minGain: 0.01 });
  });

  it("fails fast, naming the missing variable", async () => {
    delete process.env.STATE_MACHINE_ARN;
    const { handler } = await import("../../functions/trigger.ts");
    await expect(handler(sqs())).rejects.toThrowErrorMatchingInlineSnapshot(
      `[InvalidInputError: trigger environment is invalid: STATE_MACHINE_ARN (stateMachineArn): Invalid input: expected string, received undefined]`,
    );
  });
});
