/**
 * The emulator harness itself: moto server answers the real SDK v3 clients on its own loopback port,
 * enforces IAM when told to, and takes runtime config (Step Functions execution simulation).
 */
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
  type S3ServiceException,
} from "@aws-sdk/client-s3";
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOTO_ACCOUNT, type MotoServer, startMoto } from "./server.ts";

const BUCKET = "harness-data";
const readOnlyUnder = (prefix: string) => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/${prefix}*` }],
});

async function errorOf(promise: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await promise;
  } catch (err) {
    return err as S3ServiceException;
  }
  throw new Error("expected the request to fail");
}

describe("moto server harness", () => {
  let moto: MotoServer;
  let other: MotoServer;
  beforeAll(async () => {
    [moto, other] = await Promise.all([startMoto(), startMoto()]);
  });
  afterAll(async () => {
    await Promise.all([moto?.stop(), other?.stop()]);
  });

  it("runs each server on its own loopback port with its own state, answering the real SDK", async () => {
    expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(moto.port).not.toBe(other.port);
    const s3 = new S3Client(moto.clientConfig());
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "runs/a.json", Body: '{"a":1}' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "runs/a.json" }));
    expect(await got.Body?.transformToString()).toBe('{"a":1}');
    const elsewhere = new S3Client(other.clientConfig());
    expect((await errorOf(elsewhere.send(new HeadBucketCommand({ Bucket: BUCKET })))).$metadata.httpStatusCode).toBe(
      404,
    );
  });

  it("enforces IAM once told to: a user may read only under its granted prefix", async () => {
    const s3 = new S3Client(moto.clientConfig());
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "curated/b.json", Body: "{}" }));
    const reader = await moto.createUser("runs-reader", readOnlyUnder("runs/"));
    await moto.enforceIam();
    try {
      const asReader = new S3Client(moto.clientConfig(reader));
      const ok = await asReader.send(new GetObjectCommand({ Bucket: BUCKET, Key: "runs/a.json" }));
      expect(await ok.Body?.transformToString()).toBe('{"a":1}');
      const denied = await errorOf(asReader.send(new GetObjectCommand({ Bucket: BUCKET, Key: "curated/b.json" })));
      expect(denied.$metadata.httpStatusCode).toBe(403);
      expect(denied.name).toBe("AccessDenied");
      // Dummy credentials belong to no IAM user: refused too.
      const anonymous = await errorOf(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "runs/a.json" })));
      expect(anonymous.$metadata.httpStatusCode).toBe(403);
    } finally {
      await moto.relaxIam();
    }
    await expect(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "curated/b.json" }))).resolves.toBeDefined();
  });

  it("enforces IAM after INITIAL_NO_AUTH_ACTION_COUNT unchecked requests", async () => {
    const counted = await startMoto({ initialNoAuthActionCount: 1 });
    try {
      const s3 = new S3Client(counted.clientConfig());
      await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
      const denied = await errorOf(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "k", Body: "" })));
      expect(denied.$metadata.httpStatusCode).toBe(403);
    } finally {
      await counted.stop();
    }
  });

  it("turns on Step Functions execution through /moto-api/config", async () => {
    const sfn = new SFNClient(other.clientConfig());
    const run = async (settle: boolean) => {
      const { stateMachineArn } = await sfn.send(
        new CreateStateMachineCommand({
          name: `harness-${settle}`,
          roleArn: `arn:aws:iam::${MOTO_ACCOUNT}:role/harness`,
          definition: JSON.stringify({ StartAt: "Real", States: { Real: { Type: "Pass", Result: 7, End: true } } }),
        }),
      );
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: "{}" }));
      let status = "RUNNING";
      for (let i = 0; settle && i < 100 && status === "RUNNING"; i++) {
        status = (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status ?? "";
        if (status === "RUNNING") await new Promise((r) => setTimeout(r, 50));
      }
      const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
      return events.map((e) => [e.type, e.stateEnteredEventDetails?.name ?? e.executionSucceededEventDetails?.output]);
    };
    // Off by default: moto answers a canned history that has nothing to do with the definition.
    expect(await run(false)).not.toContainEqual(["PassStateEntered", "Real"]);
    // On: a different backend (state machines created before the switch are not seen by it).
    await other.config({ stepfunctions: { execute_state_machine: true } });
    expect(await run(true)).toEqual([
      ["ExecutionStarted", undefined],
      ["PassStateEntered", "Real"],
      ["PassStateExited", undefined],
      ["ExecutionSucceeded", "7"],
    ]);
  });
});
