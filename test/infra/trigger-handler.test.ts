/**
 * functions/trigger.ts with the real Step Functions client against the emulator (moto server, one
 * per file): the executions it starts, as ListExecutions and DescribeExecution show them.
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
} from "@aws-sdk/client-sfn";
import { StepFunctionsRuns } from "@tollgate/aws";
import type { Logger } from "@tollgate/core/logger";
import type { ExecutionStarter } from "@tollgate/core/workflow/upload-trigger";
import type { SQSEvent } from "aws-lambda";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTriggerHandler } from "../../functions/trigger.ts";
import { type MotoServer, startMoto } from "../moto/server.ts";
import { objectCreated } from "./events.ts";

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

let moto: MotoServer;
let sfn: SFNClient;
beforeAll(async () => {
  moto = await startMoto();
  sfn = new SFNClient(moto.clientConfig());
});
afterAll(async () => {
  sfn?.destroy();
  await moto?.stop();
});

let machines = 0;
/** A fresh state machine (its executions are the test's only). */
async function stateMachine(): Promise<string> {
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name: `retrain-${++machines}`,
      roleArn: "arn:aws:iam::123456789012:role/retrain",
      definition: JSON.stringify({ StartAt: "Etl", States: { Etl: { Type: "Pass", End: true } } }),
    }),
  );
  return stateMachineArn ?? "";
}

/** The machine's executions: name → input. */
async function executions(stateMachineArn: string): Promise<Record<string, unknown>> {
  const { executions: listed = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
  const out: Record<string, unknown> = {};
  for (const e of listed) {
    const { input } = await sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }));
    out[e.name ?? ""] = JSON.parse(input ?? "null");
  }
  return out;
}

describe("trigger handler", () => {
  let log: ReturnType<typeof fakeLogger>;
  let arn: string;
  let handle: ReturnType<typeof createTriggerHandler>;
  const handlerFor = (starter: ExecutionStarter) =>
    createTriggerHandler({
      starter,
      settings: { coalesceSeconds: 120, gate: { minAccuracy: 0.5, minGain: 0, minTestRows: 200 }, seed: 42 },
      logger: log as unknown as Logger,
    });

  beforeEach(async () => {
    log = fakeLogger();
    arn = await stateMachine();
    handle = handlerFor(new StepFunctionsRuns(sfn, arn));
  });

  it("starts one execution for a burst, named by dataset and window, with the objects as input", async () => {
    const out = await handle(
      sqs(
        objectCreated("raw/reviews/a.jsonl", { time: "2025-03-01T12:00:05Z" }),
        objectCreated("raw/reviews/b.jsonl", { time: "2025-03-01T12:01:00Z" }),
      ),
    );
    expect(out).toEqual({ batchItemFailures: [] });
    expect(await executions(arn)).toEqual({
      "reviews-20250301T120000Z": {
        dataset: "reviews",
        modelName: "reviews",
        gate: { minAccuracy: 0.5, minGain: 0, minTestRows: 200 },
        seed: 42,
        trainingOptions: { selectionBudget: 3 },
        sources: ["s3://tollgate-data/raw/reviews/a.jsonl#v1", "s3://tollgate-data/raw/reviews/b.jsonl#v1"],
        force: false,
      },
    });
  });

  it("starts nothing new when the same event comes again", async () => {
    const event = objectCreated("raw/reviews/a.jsonl");
    expect(await handle(sqs(event))).toEqual({ batchItemFailures: [] });
    expect(await handle(sqs(event))).toEqual({ batchItemFailures: [] });
    expect(Object.keys(await executions(arn))).toEqual(["reviews-20250301T120200Z"]);
  });

  it("treats ExecutionAlreadyExists (a later batch of a window that started) as a no-op, logged", async () => {
    await handle(sqs(objectCreated("raw/reviews/c.jsonl")));
    // a later SQS batch of the same window: same name, other input
    const out = await handle(sqs(objectCreated("raw/reviews/d.jsonl", { time: "2025-03-01T12:03:59Z" })));
    expect(out).toEqual({ batchItemFailures: [] });
    expect(log.info).toHaveBeenCalledWith(
      expect.objectContaining({ runId: "reviews-20250301T120200Z" }),
      "execution exists: no-op",
    );
    const runs = await executions(arn);
    expect((runs["reviews-20250301T120200Z"] as { sources: string[] }).sources).toEqual([
      "s3://tollgate-data/raw/reviews/c.jsonl#v1",
    ]);
  });

  it("reports only the messages of a run that could not start, so SQS retries just those", async () => {
    // the emulator never throttles: the starter throttles one run and sends the other to it
    const runs = new StepFunctionsRuns(sfn, arn);
    const throttled: ExecutionStarter = {
      start: async (name, input) => {
        if (name.startsWith("spam-")) throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
        return runs.start(name, input);
      },
    };
    const out = await handlerFor(throttled)(
      sqs(objectCreated("raw/reviews/a.jsonl"), objectCreated("raw/spam/a.jsonl")),
    );
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: "m2" }] });
    expect(log.error).toHaveBeenCalled();
    expect(Object.keys(await executions(arn))).toEqual(["reviews-20250301T120200Z"]);
  });

  it("reports every message when the state machine does not exist", async () => {
    const missing = handlerFor(new StepFunctionsRuns(sfn, `${arn}-gone`));
    const out = await missing(sqs(objectCreated("raw/reviews/a.jsonl"), objectCreated("raw/spam/a.jsonl")));
    expect(out.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(["m1", "m2"]);
  });

  it("drops messages that are not S3 Object Created events under raw/<dataset>/, without starting anything", async () => {
    const out = await handle(
      sqs("not json", { hello: "world" }, objectCreated("raw/top-level.csv"), objectCreated("raw/Bad Name/a.csv")),
    );
    expect(out).toEqual({ batchItemFailures: [] });
    expect(await executions(arn)).toEqual({});
    // each one said, the objects with their keys (none is dropped silently)
    expect(log.warn).toHaveBeenCalledTimes(4);
    expect(log.warn.mock.calls.map(([fields]) => (fields as { key?: string }).key).filter(Boolean)).toEqual([
      "raw/top-level.csv",
      "raw/Bad Name/a.csv",
    ]);
  });
});

describe("trigger Lambda entry point", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    vi.resetModules();
  });

  it("reads its settings and the endpoint from the environment and starts executions of STATE_MACHINE_ARN", async () => {
    const arn = await stateMachine();
    const { endpoint, region, credentials } = moto.clientConfig();
    Object.assign(process.env, {
      STATE_MACHINE_ARN: arn,
      TOLLGATE_COALESCE_SECONDS: "0",
      TOLLGATE_MIN_ACCURACY: "0.7",
      TOLLGATE_MIN_GAIN: "0.01",
      AWS_REGION: region,
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    });
    const { handler } = await import("../../functions/trigger.ts");
    expect(await handler(sqs(objectCreated("raw/reviews/a.jsonl")))).toEqual({ batchItemFailures: [] });
    const runs = Object.entries(await executions(arn));
    expect(runs).toHaveLength(1);
    const [name, input] = runs[0]!;
    expect(name).toMatch(/^reviews-[0-9a-f]{16}$/);
    expect((input as { gate: unknown }).gate).toEqual({
      minAccuracy: 0.7,
      minGain: 0.01,
      minTestRows: 200,
      approval: "auto",
    });
  });

  it("fails fast, naming the missing variable", async () => {
    delete process.env.STATE_MACHINE_ARN;
    const { handler } = await import("../../functions/trigger.ts");
    await expect(handler(sqs())).rejects.toThrowErrorMatchingInlineSnapshot(
      `[InvalidInputError: trigger environment is invalid: STATE_MACHINE_ARN (stateMachineArn): not set (required)]`,
    );
  });
});
