/**
 * `run`, `ingest` and `redrive` on a stage, at the SDK boundary: the trigger's naming, the S3 and
 * Step Functions requests sent, and following the run to its end. Mocked where the emulator cannot
 * answer: moto has no RedriveExecution, and `run`'s input limit needs 3,000 object versions (an
 * emulator would need 3,000 uploads); the other cases share the same fixtures.
 */
import { writeFileSync } from "node:fs";
import { HeadObjectCommand, ListObjectVersionsCommand, NotFound, PutObjectCommand } from "@aws-sdk/client-s3";
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { executionName } from "@tollgate/core/workflow/upload-trigger";
import { describe, expect, it } from "vitest";
import { tempHome } from "../../../../test/helpers/topics.ts";
import { describeOf, historyOf, RUN } from "./fixtures/stage-run.ts";
import { OUTPUTS, STATE_MACHINE_ARN, stageBackendFor, tollgate } from "./harness.ts";
import { answerRun, s3, sfn } from "./mocks.ts";

describe("run", () => {
  const version = (key: string, versionId: string, second: number) => ({
    Key: key,
    VersionId: versionId,
    IsLatest: true,
    LastModified: new Date(Date.UTC(2025, 5, 1, 11, 0, second)),
  });

  it("starts the newest object's run, named as the trigger names it, and follows it to the end", async () => {
    s3.on(ListObjectVersionsCommand, { Prefix: "raw/topics/" }).resolvesOnce({
      Versions: [
        version("raw/topics/a.jsonl", "va", 1),
        { ...version("raw/topics/a.jsonl", "old", 0), IsLatest: false },
      ],
      IsTruncated: true,
      NextKeyMarker: "raw/topics/a.jsonl",
      NextVersionIdMarker: "old",
    });
    s3.on(ListObjectVersionsCommand, { KeyMarker: "raw/topics/a.jsonl" }).resolves({
      Versions: [version("raw/topics/b.jsonl", "vb", 5)],
      IsTruncated: false,
    });
    const expected = executionName(
      {
        id: "x",
        source: "aws.s3",
        "detail-type": "Object Created",
        time: "2025-06-01T11:00:05.000Z",
        detail: { bucket: { name: OUTPUTS.DataBucket }, object: { key: "raw/topics/b.jsonl", "version-id": "vb" } },
      },
      0,
    );
    sfn
      .on(StartExecutionCommand)
      .resolves({ executionArn: describeOf(expected ?? "").executionArn, startDate: new Date() });
    answerRun(expected ?? "");

    const result = JSON.parse(await tollgate(stageBackendFor(), "run", "--dataset", "topics", "--json"));

    expect(result).toMatchObject({ name: expected, started: true, execution: { status: "SUCCEEDED" } });
    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.stateMachineArn).toBe(STATE_MACHINE_ARN);
    expect(start?.name).toBe(expected);
    expect(JSON.parse(start?.input ?? "{}")).toEqual({
      dataset: "topics",
      modelName: "topics",
      gate: { minAccuracy: 0.8, minGain: 0, minTestRows: 200 },
      seed: 7,
      trainingOptions: { selectionBudget: 3 },
      sources: [`s3://${OUTPUTS.DataBucket}/raw/topics/b.jsonl#vb`],
      force: false,
    });
    expect(s3.commandCalls(ListObjectVersionsCommand)[1]?.args[0].input).toMatchObject({ VersionIdMarker: "old" });
  });

  it("with --force, starts a new run named <dataset>-forced-<time> whose input says force", async () => {
    s3.on(ListObjectVersionsCommand, { Prefix: "raw/topics/" }).resolves({
      Versions: [version("raw/topics/b.jsonl", "vb", 5)],
      IsTruncated: false,
    });
    sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => {
      answerRun(input.name);
      return { executionArn: describeOf(input.name).executionArn, startDate: new Date() };
    });

    const result = JSON.parse(await tollgate(stageBackendFor(), "run", "--dataset", "topics", "--force", "--json"));

    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.name).toMatch(/^topics-forced-\d{8}T\d{6}Z$/);
    expect(result).toMatchObject({ name: start?.name, started: true });
    expect(JSON.parse(start?.input ?? "{}")).toMatchObject({ dataset: "topics", force: true });
  });

  it("in a coalescing window, names the window's run, lists only the newest object, and a repeat starts nothing", async () => {
    // 3,000 objects over three pages: listing them all as sources would exceed the 256 KiB input
    const page = (p: number) =>
      Array.from({ length: 1000 }, (_, i) =>
        version(`raw/topics/${String(p * 1000 + i).padStart(5, "0")}-${"x".repeat(80)}.jsonl`, `v${p}-${i}`, 1),
      );
    s3.on(ListObjectVersionsCommand)
      .resolvesOnce({ Versions: page(0), IsTruncated: true, NextKeyMarker: "k1", NextVersionIdMarker: "m1" })
      .resolvesOnce({
        Versions: [...page(1), version("raw/topics/newest.jsonl", "vn", 9)],
        IsTruncated: true,
        NextKeyMarker: "k2",
        NextVersionIdMarker: "m2",
      })
      .resolvesOnce({ Versions: page(2), IsTruncated: false });
    const now = Date.UTC(2025, 5, 1, 12, 3, 30);
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: "Execution Already Exists", $metadata: {} }));
    answerRun("topics-20250601T120000Z");
    const backend = stageBackendFor({ coalesceSeconds: 300, now: () => now });

    const result = JSON.parse(await tollgate(backend, "run", "--dataset", "topics", "--json"));

    expect(result).toMatchObject({ name: "topics-20250601T120000Z", started: false });
    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.name).toBe("topics-20250601T120000Z");
    expect(JSON.parse(start?.input ?? "{}").sources).toEqual([`s3://${OUTPUTS.DataBucket}/raw/topics/newest.jsonl#vn`]);
    expect(Buffer.byteLength(start?.input ?? "")).toBeLessThan(1024);
    expect(s3.commandCalls(ListObjectVersionsCommand)).toHaveLength(3);
  });
});

describe("ingest", () => {
  const missing = () => new ExecutionDoesNotExist({ message: "Execution Does Not Exist", $metadata: {} });

  it("puts the file under raw/<dataset>/ and follows the run the trigger names for it, though its input lists another upload", async () => {
    const file = `${tempHome()}/rows.jsonl`;
    writeFileSync(file, '{"text":"a dog","label":"animal"}\n');
    const uploaded = new Date(Date.UTC(2025, 5, 1, 12, 1, 40));
    s3.on(HeadObjectCommand)
      .rejectsOnce(new NotFound({ message: "Not Found", $metadata: { httpStatusCode: 404 } }))
      .resolves({ VersionId: "v1", LastModified: uploaded });
    s3.on(PutObjectCommand).resolves({ VersionId: "v1", ETag: '"e"' });
    // the window's run was started by an earlier SQS batch: its input lists another object only
    const windowRun = "topics-20250601T120000Z";
    sfn.on(DescribeExecutionCommand).rejects(missing());
    answerRun(windowRun);

    const backend = stageBackendFor({ coalesceSeconds: 300 });
    const result = JSON.parse(await tollgate(backend, "ingest", file, "--dataset", "topics", "--json"));

    expect(result).toMatchObject({ name: windowRun, started: true, execution: { status: "SUCCEEDED" } });
    expect(result.key).toMatch(/^raw\/topics\/[0-9a-f]{16}-rows\.jsonl$/);
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put?.Bucket).toBe(OUTPUTS.DataBucket);
    expect(Buffer.from(put?.Body as Uint8Array).toString()).toBe('{"text":"a dog","label":"animal"}\n');
    expect(sfn.commandCalls(ListExecutionsCommand)).toHaveLength(0);
  });

  it("without a window, follows the run named by the uploaded object's version", async () => {
    const file = `${tempHome()}/rows.jsonl`;
    writeFileSync(file, '{"text":"a bird","label":"animal"}\n');
    s3.on(HeadObjectCommand)
      .rejectsOnce(new NotFound({ message: "Not Found", $metadata: { httpStatusCode: 404 } }))
      .resolves({ VersionId: "v9", LastModified: new Date() });
    s3.on(PutObjectCommand).resolves({ VersionId: "v9" });
    sfn.on(DescribeExecutionCommand).rejects(missing());
    const key = () => s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Key ?? "";
    const name = () =>
      executionName(
        {
          id: "x",
          source: "aws.s3",
          "detail-type": "Object Created",
          time: new Date().toISOString(),
          detail: { bucket: { name: OUTPUTS.DataBucket }, object: { key: key(), "version-id": "v9" } },
        },
        0,
      ) ?? "";
    // the run appears on the third poll
    let polls = 0;
    sfn.on(DescribeExecutionCommand).callsFake((input: { executionArn: string }) => {
      if (input.executionArn !== describeOf(name()).executionArn || ++polls < 3) throw missing();
      return describeOf(name());
    });

    const result = JSON.parse(await tollgate(stageBackendFor(), "ingest", file, "--dataset", "topics", "--json"));

    expect(result).toMatchObject({ name: name(), started: true });
    expect(polls).toBeGreaterThanOrEqual(3);
  });

  it("starts nothing for a file whose content is there already, and finds the run that took it", async () => {
    const file = `${tempHome()}/rows.jsonl`;
    writeFileSync(file, '{"text":"a cat","label":"animal"}\n');
    s3.on(HeadObjectCommand).resolves({ VersionId: "v7", LastModified: new Date(Date.UTC(2025, 5, 1, 12, 0, 3)) });
    sfn.on(DescribeExecutionCommand).rejects(missing());
    answerRun("topics-20250601T120000Z");

    const text = await tollgate(stageBackendFor({ coalesceSeconds: 120 }), "ingest", file, "--dataset", "topics");

    expect(text).toBe(
      "already ingested: run topics-20250601T120000Z (same content, no new run)  SUCCEEDED\npromoted: accuracy 0.9100 ≥ minAccuracy 0.8000; nothing live yet\nsee: pnpm tollgate show topics-20250601T120000Z",
    );
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});

describe("redrive", () => {
  it("redrives the execution and follows it", async () => {
    answerRun(RUN);
    sfn.on(RedriveExecutionCommand).resolves({ redriveDate: new Date() });
    const result = JSON.parse(await tollgate(stageBackendFor(), "redrive", RUN, "--json"));
    expect(result).toMatchObject({ name: RUN, started: true, execution: { status: "SUCCEEDED" } });
    expect(sfn.commandCalls(RedriveExecutionCommand)[0]?.args[0].input).toEqual({
      executionArn: describeOf(RUN).executionArn,
    });
  });

  it("refuses a run that ended in the Fail state after Catch → RecordFailure, saying why and what to do", async () => {
    const at = new Date(Date.UTC(2025, 5, 1, 12, 0, 9));
    const failed: HistoryEvent[] = [
      ...historyOf().slice(0, 7),
      { timestamp: at, type: "FailStateEntered", stateEnteredEventDetails: { name: "Failed", input: "{}" } },
      { timestamp: at, type: "ExecutionFailed", executionFailedEventDetails: { error: "InvalidDatasetError" } },
    ].map((e, i) => ({ ...e, id: i + 1, previousEventId: i }) as HistoryEvent);
    sfn.on(DescribeExecutionCommand).resolves(describeOf(RUN, { status: "FAILED" }));
    sfn.on(GetExecutionHistoryCommand).resolves({ events: failed });

    const redrive = tollgate(stageBackendFor(), "redrive", RUN);

    await expect(redrive).rejects.toMatchObject({ name: "ExecutionNotRedrivable" });
    await expect(redrive).rejects.toThrow(
      "on AWS a redrive restarts at the state the run failed in, Failed, so it would fail again at once",
    );
    expect(sfn.commandCalls(RedriveExecutionCommand)).toHaveLength(0);
  });
});
