/**
 * `run`, `ingest` and `redrive` on a stage, at the SDK boundary: the trigger's naming, the S3 and
 * Step Functions requests sent, and following the run to its end.
 */
import { writeFileSync } from "node:fs";
import { HeadObjectCommand, ListObjectVersionsCommand, NotFound, PutObjectCommand } from "@aws-sdk/client-s3";
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { executionName } from "@tollgate/core/workflow/upload-trigger";
import { describe, expect, it } from "vitest";
import { tempHome } from "../../../../test/helpers/topics.ts";
import { describeOf, listed, RUN } from "./fixtures/stage-run.ts";
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
      gate: { minAccuracy: 0.8, minGain: 0 },
      seed: 7,
      sources: [`s3://${OUTPUTS.DataBucket}/raw/topics/b.jsonl#vb`],
    });
    expect(s3.commandCalls(ListObjectVersionsCommand)[1]?.args[0].input).toMatchObject({ VersionIdMarker: "old" });
  });

  it("in a coalescing window, names the window's run and lists every object; a repeat starts nothing", async () => {
    s3.on(ListObjectVersionsCommand).resolves({
      Versions: [version("raw/topics/a.jsonl", "va", 1), version("raw/topics/b.jsonl", "vb", 5)],
    });
    const now = Date.UTC(2025, 5, 1, 12, 3, 30);
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: "Execution Already Exists", $metadata: {} }));
    answerRun("topics-20250601T120000Z");
    const backend = stageBackendFor({ coalesceSeconds: 300, now: () => now });

    const result = JSON.parse(await tollgate(backend, "run", "--dataset", "topics", "--json"));

    expect(result).toMatchObject({ name: "topics-20250601T120000Z", started: false });
    const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? "{}");
    expect(input.sources).toEqual([
      `s3://${OUTPUTS.DataBucket}/raw/topics/a.jsonl#va`,
      `s3://${OUTPUTS.DataBucket}/raw/topics/b.jsonl#vb`,
    ]);
  });
});

describe("ingest", () => {
  it("puts the file under raw/<dataset>/ and follows the run whose input lists that object version", async () => {
    const file = `${tempHome()}/rows.jsonl`;
    writeFileSync(file, '{"text":"a dog","label":"animal"}\n');
    s3.on(HeadObjectCommand).rejects(new NotFound({ message: "Not Found", $metadata: { httpStatusCode: 404 } }));
    s3.on(PutObjectCommand).resolves({ VersionId: "v1", ETag: '"e"' });
    const now = Date.now();
    const recent = (name: string) => ({ ...listed(name, 0), startDate: new Date(now), status: "RUNNING" as const });
    sfn.on(ListExecutionsCommand).resolves({ executions: [recent("other-run"), recent(RUN)] });
    answerRun(RUN);
    sfn
      .on(DescribeExecutionCommand, { executionArn: describeOf("other-run").executionArn })
      .resolves(describeOf("other-run", { input: JSON.stringify({ sources: ["s3://elsewhere/x#1"] }) }));
    const key = /^raw\/topics\/[0-9a-f]{16}-rows\.jsonl$/;
    // the fixture run lists the fixture key: answer with one that lists the uploaded key
    sfn.on(DescribeExecutionCommand, { executionArn: describeOf(RUN).executionArn }).callsFake(() => {
      const uploaded = s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Key;
      return describeOf(RUN, { input: JSON.stringify({ sources: [`s3://${OUTPUTS.DataBucket}/${uploaded}#v1`] }) });
    });

    const result = JSON.parse(await tollgate(stageBackendFor(), "ingest", file, "--dataset", "topics", "--json"));

    expect(result).toMatchObject({ name: RUN, started: true, execution: { status: "SUCCEEDED" } });
    expect(result.key).toMatch(key);
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put?.Bucket).toBe(OUTPUTS.DataBucket);
    expect(Buffer.from(put?.Body as Uint8Array).toString()).toBe('{"text":"a dog","label":"animal"}\n');
  });

  it("starts nothing for a file whose content is there already", async () => {
    const file = `${tempHome()}/rows.jsonl`;
    writeFileSync(file, '{"text":"a cat","label":"animal"}\n');
    s3.on(HeadObjectCommand).resolves({ VersionId: "v7", LastModified: new Date() });
    sfn.on(ListExecutionsCommand).resolves({ executions: [{ ...listed(RUN, 0), startDate: new Date() }] });
    answerRun(RUN);
    sfn.on(DescribeExecutionCommand).callsFake(() => {
      const key = s3.commandCalls(HeadObjectCommand)[0]?.args[0].input.Key;
      return describeOf(RUN, { input: JSON.stringify({ sources: [`s3://${OUTPUTS.DataBucket}/${key}#v7`] }) });
    });

    const text = await tollgate(stageBackendFor(), "ingest", file, "--dataset", "topics");

    expect(text).toBe(
      `already ingested: run ${RUN} (same content, no new run)  SUCCEEDED\nsee: pnpm tollgate show ${RUN}`,
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
});
