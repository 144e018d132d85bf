/**
 * `tollgate --stage emu gc` against the emulator (moto server), with nothing stubbed between the
 * program and the wire: the registry table, the versioned data and model buckets, a state machine
 * (gc asks which runs are in progress). gc tags each object it removes (`tollgate-gc=collected`)
 * before deleting it, so the noncurrent version the versioned bucket keeps carries the tag the
 * stacks' lifecycle rule expires (test/infra/retention.test.ts checks that rule).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetObjectTaggingCommand, ListObjectVersionsCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateStateMachineCommand, SFNClient } from "@aws-sdk/client-sfn";
import { DynamoRegistry, S3ObjectStore } from "@tollgate/aws";
import { COLLECTED_TAG } from "@tollgate/aws/s3-object-store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempHome } from "../../../../test/helpers/topics.ts";
import { createBuckets, createRegistryTable } from "../../../../test/moto/resources.ts";
import { type MotoServer, startMoto } from "../../../../test/moto/server.ts";
import { versionRecord } from "../../../local/test/registry-contract.ts";
import { AwsBackend } from "../../src/aws/backend.ts";
import { tollgate } from "./harness.ts";

const STAGE = "emu";
const DATA = "emu-gc-data";
const MODELS = "emu-gc-models";
const TABLE = "emu-gc-registry";
const M = "topics";

let moto: MotoServer;
let s3: S3Client;
let registry: DynamoRegistry;
const saved = { ...process.env };
const stage = () => new AwsBackend({ stage: STAGE });

const manifest = (i: number) =>
  JSON.stringify({
    dataset: M,
    datasetVersion: `d${i}`,
    createdAt: `2026-01-0${i}T00:00:00.000Z`,
    sources: [{ key: "raw/topics/a.jsonl", rows: 1, quarantined: 0 }],
    counts: { read: 1, valid: 1, duplicates: 0, quarantined: 0 },
    labels: { a: 1 },
    shards: [{ key: `curated/${M}/d${i}/part-00000.jsonl`, rows: 1, bytes: 30, sha256: "0", labels: { a: 1 } }],
    quarantineKeys: [],
  });

beforeAll(async () => {
  moto = await startMoto();
  await createBuckets(moto, [DATA, MODELS]);
  await createRegistryTable(moto, TABLE);
  const config = moto.clientConfig();
  s3 = new S3Client(config);
  const dynamo = new DynamoDBClient(config);
  registry = new DynamoRegistry({ tableName: TABLE, client: dynamo });
  const data = new S3ObjectStore({ bucket: DATA, client: s3 });
  const models = new S3ObjectStore({ bucket: MODELS, client: s3 });
  // versions v1..v3 (v3 live after v2), each with a model file, a run and its dataset version
  await data.put("raw/topics/a.jsonl", '{"text":"x","label":"a"}');
  for (let i = 1; i <= 3; i++) {
    await registry.putModelVersion(
      versionRecord(M, `v${i}`, {
        runId: `r${i}`,
        datasetVersion: `d${i}`,
        createdAt: `2026-01-0${i}T00:00:00.000Z`,
        status: "retired",
      }),
    );
    await models.put(`models/${M}/v${i}/model.onnx`, "m".repeat(1000));
    await data.put(`runs/r${i}/manifest.json`, manifest(i));
    await data.put(`runs/r${i}/train/fit.json`, "f".repeat(200));
    await data.put(`curated/${M}/d${i}/part-00000.jsonl`, "c".repeat(30));
    await data.put(`curated/${M}/d${i}/manifest.json`, manifest(i));
  }
  await registry.swapLive(M, null, "v2", "run:r2");
  await registry.swapLive(M, "v2", "v3", "run:r3");

  const sfn = new SFNClient(config);
  const { stateMachineArn = "" } = await sfn.send(
    new CreateStateMachineCommand({
      name: "emu-Retrain",
      roleArn: "arn:aws:iam::123456789012:role/emu-retrain",
      definition: JSON.stringify({ StartAt: "P", States: { P: { Type: "Pass", End: true } } }),
    }),
  );
  sfn.destroy();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: config.endpoint,
    AWS_REGION: config.region,
    AWS_ACCESS_KEY_ID: config.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: config.credentials.secretAccessKey,
  });
  delete process.env.AWS_PROFILE;
  const outputs = join(tempHome(), "outputs.json");
  writeFileSync(
    outputs,
    JSON.stringify({
      [`${STAGE}-tollgate-Storage`]: { DataBucket: DATA, ModelBucket: MODELS, RegistryTable: TABLE },
      [`${STAGE}-tollgate-Pipeline`]: { StateMachineArn: stateMachineArn, EtlJobName: "emu-etl", CoalesceSeconds: "0" },
    }),
  );
  process.env.TOLLGATE_STAGE_OUTPUTS = outputs;
}, 120_000);

afterAll(async () => {
  process.env = { ...saved };
  s3?.destroy();
  await moto?.stop();
});

/** The versions of `key` in `bucket`, newest first, with their tags. */
async function versionsOf(bucket: string, key: string) {
  const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
  return Promise.all(
    (listed.Versions ?? [])
      .filter((v) => v.Key === key)
      .map(async (v) => ({
        latest: v.IsLatest,
        tags: (await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key, VersionId: v.VersionId }))).TagSet,
      })),
  );
}

describe("tollgate --stage gc against the emulator", () => {
  it("--dry-run lists what would go; then gc removes v1's files, tagged, and records it in the registry", async () => {
    const dry = JSON.parse(await tollgate(stage(), "gc", "--keep", "1", "--dry-run", "--json"));
    expect(dry.models[0].collected).toEqual([{ version: "v1", bytes: 1200 }]);
    // model 1000 + run artifacts 200 + curated d1 (30 + its manifest)
    expect(dry.bytes).toBe(1200 + 30 + manifest(1).length);
    expect((await versionsOf(MODELS, `models/${M}/v1/model.onnx`)).map((v) => v.latest)).toEqual([true]);

    const out = JSON.parse(await tollgate(stage(), "gc", "--keep", "1", "--json"));
    expect(out.bytes).toBe(dry.bytes);
    const models = new S3ObjectStore({ bucket: MODELS, client: s3 });
    const data = new S3ObjectStore({ bucket: DATA, client: s3 });
    expect(await models.list(`models/${M}/`)).toEqual([`models/${M}/v2/model.onnx`, `models/${M}/v3/model.onnx`]);
    expect(await data.list("runs/r1/")).toEqual(["runs/r1/manifest.json"]);
    expect(await data.list(`curated/${M}/d1/`)).toEqual([]);
    expect(await data.list("raw/")).toEqual(["raw/topics/a.jsonl"]);
    // the versioned bucket keeps the removed bytes as a noncurrent version: tagged for the lifecycle rule
    const removed = await versionsOf(MODELS, `models/${M}/v1/model.onnx`);
    expect(removed).toEqual([{ latest: false, tags: [COLLECTED_TAG] }]);
    // what kept versions need carries no such tag
    expect(await versionsOf(MODELS, `models/${M}/v2/model.onnx`)).toEqual([{ latest: true, tags: [] }]);
    expect((await registry.getModelVersion(M, "v1"))?.collected).toMatchObject({ bytes: 1200 });
    await expect(tollgate(stage(), "promote", "v1", "--model", M)).rejects.toThrow(/was removed by `tollgate gc`/);
  });
});
