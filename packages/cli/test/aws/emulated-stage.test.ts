/**
 * The CLI's `--stage` backend against a stage on the emulator (moto server, one for the file), with
 * nothing stubbed between the program and the wire: credentials, region and endpoint from the
 * environment, outputs from an SST outputs file (`TOLLGATE_STAGE_OUTPUTS`), the real SDK clients.
 *
 * - `runs` and `show`: executions of the deployed ASL run by moto's Step Functions interpreter, its
 *   Task states answered by Pass states (moto runs no Lambda without Docker, and its
 *   `glue:startJobRun.sync` wait fails), so the histories are moto's AWS-shaped ones.
 * - `models`, `promote`, `rollback`: the registry table on moto, holding two versions trained by
 *   the real workflow (locally) with their model files in moto's model bucket.
 * - `predict`: SigV4-signed calls to a Function URL stand-in that checks each signature and runs the
 *   predict Lambda's entry point (functions/predict.ts), which reads the live model from moto.
 */
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { DynamoRegistry, S3ObjectStore } from "@tollgate/aws";
import type { AslDefinition } from "@tollgate/core/workflow/asl";
import { toFunctionUrlEvent, writeResult } from "@tollgate/local/server";
import { openLocalStores } from "@tollgate/local/stores";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempHome } from "../../../../test/helpers/topics.ts";
import { createBuckets, createRegistryTable } from "../../../../test/moto/resources.ts";
import { type MotoServer, startMoto } from "../../../../test/moto/server.ts";
import { MODEL, type TwoModels, twoModels } from "../../../../test/serving/models.ts";
import { AwsBackend } from "../../src/aws/backend.ts";
import { validSignature } from "./fixtures/sigv4.ts";
import { tollgate } from "./harness.ts";

const STAGE = "emu";
const DATA = "emu-tollgate-data";
const MODELS = "emu-tollgate-models";
const TABLE = "emu-tollgate-registry";

/** What each Task state of the retrain workflow returns, as its ResultSelector would shape it. */
const STEP_RESULTS: Record<string, unknown> = {
  Etl: { jobRunId: "jr_emulated", state: "SUCCEEDED" },
  Preprocess: {
    datasetVersion: "d".repeat(64),
    counts: { train: 420, validation: 90, test: 90 },
    exact: true,
    classes: 4,
    featureSpecKey: "prepared/features.json",
    shardsKey: "prepared/shards.json",
    samples: { train: "prepared/sample-train.jsonl", validation: "prepared/sample-validation.jsonl" },
    fanOut: { children: 1, shardsPerChild: 1, maxConcurrency: 100 },
    termParts: 1,
  },
  // a Distributed Map's result: where its ResultWriter put the children's outputs
  Train: {
    MapRunArn: "arn:map-run/train",
    ResultWriterDetails: { Bucket: DATA, Key: "runs/r/maps/train/manifest.json" },
  },
  Merge: {
    round: 1,
    chosen: { learningRate: 1, l2: 1e-6, ngramMax: 2, minDf: 1 },
    weightsKey: "runs/r/train/round-001/merged.state",
    best: { round: 1, key: "runs/r/train/round-001/merged.state", validationLoss: 0.4, validationAccuracy: 0.9 },
    rounds: [],
    continue: false,
  },
  Export: {
    modelVersion: "20250601000000-abc123",
    modelKey: "k",
    cardKey: "c",
    validationAccuracy: 0.9,
    sizeBytes: 1e6,
    rounds: 1,
    selection: null,
  },
  Evaluate: {
    MapRunArn: "arn:map-run/evaluate",
    ResultWriterDetails: { Bucket: DATA, Key: "runs/r/maps/evaluate/manifest.json" },
  },
  Score: { candidateVersion: "20250601000000-abc123", accuracy: 0.91, macroF1: 0.9, metricsKey: "m", live: null },
  Promote: { decision: "promoted", modelVersion: "20250601000000-abc123", previousLive: null, reason: "passed" },
  Reject: { decision: "rejected", modelVersion: "20250601000000-abc123", previousLive: null, reason: "gate" },
  RecordFailure: {},
};

/**
 * The deployed ASL with every Task state, and every Distributed Map (moto cannot read its items
 * from S3), answered by a Pass state of the same name, result and path.
 */
function standInDefinition(): AslDefinition {
  const asl = JSON.parse(readFileSync("workflows/retrain.asl.json", "utf8")) as AslDefinition;
  for (const [name, state] of Object.entries(asl.States)) {
    if (state.Type !== "Task" && state.Type !== "Map") continue;
    asl.States[name] = {
      Type: "Pass",
      Result: STEP_RESULTS[name],
      ResultPath: state.ResultPath ?? "$",
      ...(state.Next ? { Next: state.Next } : { End: true }),
    };
  }
  return asl;
}

let moto: MotoServer;
let models: TwoModels;
let predictServer: Server;
const saved = { ...process.env };
const signatures: boolean[] = [];

/** The stage's backend as `tollgate --stage emu` builds it (connects from the environment). */
const stage = () => new AwsBackend({ stage: STAGE, poll: { intervalMs: 100, startTimeoutMs: 1000 } });

async function waitUntilDone(sfn: SFNClient, executionArn: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (status !== "RUNNING") return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${executionArn} still running`);
}

/** Copies the locally trained versions (files and registry records) to the emulated stage. */
async function publishModels(s3: S3Client, registry: DynamoRegistry): Promise<void> {
  const local = openLocalStores(models.home);
  try {
    const store = new S3ObjectStore({ bucket: MODELS, client: s3 });
    for (const record of await local.registry.listModelVersions(MODEL)) {
      for (const key of [record.modelKey, record.cardKey, record.metricsKey]) {
        if (key) await store.put(key, await local.objects.models.get(key));
      }
      await registry.putModelVersion({ ...record, status: "candidate", statusReason: null });
    }
    await registry.swapLive(MODEL, null, models.first.version, "run:run-first");
  } finally {
    local.close();
  }
}

/** A Function URL stand-in: checks the signature, then runs the predict Lambda's handler. */
async function startFunctionUrl(region: string, credentials: { accessKeyId: string; secretAccessKey: string }) {
  const { handler } = await import("../../../../functions/predict.ts");
  predictServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      signatures.push(await validSignature(req, body.toString("utf8"), region, credentials));
      const requestId = randomUUID();
      writeResult(res, await handler(toFunctionUrlEvent(req, body, requestId)), requestId);
    });
  });
  await new Promise<void>((resolve) => predictServer.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(predictServer.address() as AddressInfo).port}/`;
}

beforeAll(async () => {
  [moto, models] = await Promise.all([
    startMoto({ config: { stepfunctions: { execute_state_machine: true } } }),
    twoModels(tempHome()),
  ]);
  await createBuckets(moto, [DATA, MODELS]);
  await createRegistryTable(moto, TABLE);
  const config = moto.clientConfig();
  const s3 = new S3Client(config);
  const sfn = new SFNClient(config);
  const dynamo = new DynamoDBClient(config);
  const registry = new DynamoRegistry({ tableName: TABLE, client: dynamo });
  await publishModels(s3, registry);

  const { stateMachineArn = "" } = await sfn.send(
    new CreateStateMachineCommand({
      name: "emu-Retrain",
      roleArn: "arn:aws:iam::123456789012:role/emu-retrain",
      definition: JSON.stringify(standInDefinition()),
    }),
  );
  for (const [name, minAccuracy, decision] of [
    ["topics-promoted", 0.5, "promoted"],
    ["topics-rejected", 0.99, "rejected"],
  ] as const) {
    const input = { dataset: MODEL, modelName: MODEL, gate: { minAccuracy, minGain: 0 }, seed: 7, sources: [] };
    const { executionArn = "" } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
    );
    await waitUntilDone(sfn, executionArn);
    // what the Promote or Reject Lambda would have recorded
    await registry.putRun({
      runId: name,
      dataset: MODEL,
      modelName: MODEL,
      datasetVersion: "d".repeat(64),
      modelVersion: "20250601000000-abc123",
      decision,
      reason: decision,
      updatedAt: new Date().toISOString(),
    });
  }

  Object.assign(process.env, {
    AWS_ENDPOINT_URL: config.endpoint,
    AWS_REGION: config.region,
    AWS_ACCESS_KEY_ID: config.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: config.credentials.secretAccessKey,
    // what the predict Lambda is deployed with (stacks/Serving.ts)
    DATA_BUCKET: DATA,
    MODEL_BUCKET: MODELS,
    REGISTRY_TABLE: TABLE,
    TOLLGATE_MODEL: MODEL,
    TOLLGATE_SERVE_POINTER_TTL_MS: "0",
  });
  delete process.env.AWS_PROFILE;
  const predictUrl = await startFunctionUrl(config.region, config.credentials);
  const outputs = join(tempHome(), "outputs.json");
  writeFileSync(
    outputs,
    JSON.stringify({
      [`${STAGE}-tollgate-Storage`]: { DataBucket: DATA, ModelBucket: MODELS, RegistryTable: TABLE },
      [`${STAGE}-tollgate-Pipeline`]: { StateMachineArn: stateMachineArn, EtlJobName: "emu-etl", CoalesceSeconds: "0" },
      [`${STAGE}-tollgate-Serving`]: { PredictUrl: predictUrl },
    }),
  );
  process.env.TOLLGATE_STAGE_OUTPUTS = outputs;
  for (const c of [s3, sfn, dynamo]) c.destroy();
}, 180_000);

afterAll(async () => {
  process.env = { ...saved };
  await new Promise<void>((resolve) => (predictServer ? predictServer.close(() => resolve()) : resolve()));
  await moto?.stop();
});

describe("tollgate --stage against the emulator", () => {
  it("runs: both executions, newest first, with the decisions the registry recorded", async () => {
    const { runs: rows } = JSON.parse(await tollgate(stage(), "runs", "--json")) as {
      runs: { name: string; status: string; decision: string; input: unknown }[];
    };
    expect(rows.map((r) => [r.name, r.status, r.decision])).toEqual([
      ["topics-rejected", "SUCCEEDED", "rejected"],
      ["topics-promoted", "SUCCEEDED", "promoted"],
    ]);
    // the same fields as the local store's records, in the same order
    expect(Object.keys(rows[0] ?? {})).toEqual([
      "executionArn",
      "name",
      "stateMachineArn",
      "status",
      "input",
      "output",
      "error",
      "cause",
      "startDate",
      "stopDate",
      "redriveCount",
      "decision",
    ]);
    // the input arrives as an object, not as JSON text (docs/cli-json.md)
    expect(rows[0]?.input).toMatchObject({ dataset: MODEL, modelName: MODEL });
    const text = await tollgate(stage(), "runs", "--status", "SUCCEEDED", "--limit", "1");
    expect(text.split("\n")).toHaveLength(2);
    expect(text).toMatch(/^topics-rejected\s+SUCCEEDED\s+\S+\s+\d+\.\d+s\s+rejected$/m);
  });

  it("show: every state of the run from moto's history, the gate's numbers and the decision", async () => {
    const shown = JSON.parse(await tollgate(stage(), "show", "topics-rejected", "--json"));
    expect(shown.states.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([
      ["Etl", "succeeded"],
      ["CheckNewData", "succeeded"],
      ["NewData", "succeeded"],
      ["Preprocess", "succeeded"],
      ["SpecCounted", "succeeded"],
      ["Sharded", "succeeded"],
      ["OneChild", "succeeded"],
      ["Train", "succeeded"],
      ["Merge", "succeeded"],
      ["MoreRounds", "succeeded"],
      ["Export", "succeeded"],
      ["Evaluate", "succeeded"],
      ["Score", "succeeded"],
      ["Gate", "succeeded"],
      ["Reject", "succeeded"],
    ]);
    expect(shown.events[0]).toMatchObject({ id: 1, previousEventId: 0, type: "ExecutionStarted" });
    expect(shown.run).toMatchObject({ decision: "rejected" });
    const text = await tollgate(stage(), "show", "topics-rejected");
    expect(text).toMatch(/^run\s+topics-rejected$/m);
    expect(text).toMatch(/^Reject\s+Pass\s+succeeded/m);
    expect(text).toMatch(/^gate\s+minAccuracy 0\.9900\s+minGain 0\.0000\s+no live model$/m);
    expect(text).toMatch(/^decision\s+REJECTED: gate$/m);
    await expect(tollgate(stage(), "show", "nope")).rejects.toThrow("no run named nope");
  });

  it("models, promote, rollback: the registry on the emulator, by compare-and-swap", async () => {
    const listed = JSON.parse(await tollgate(stage(), "models", "--model", MODEL, "--json"));
    expect(listed.live).toMatchObject({ modelName: MODEL, version: models.first.version });
    expect(new Set(listed.versions.map((v: { version: string }) => v.version))).toEqual(
      new Set([models.first.version, models.second.version]),
    );
    // published as candidates: the gate never passed them here, so promoting one needs a reason
    await expect(tollgate(stage(), "promote", models.second.version, "--model", MODEL)).rejects.toThrow(
      /did not pass the gate \(candidate\); promoting it anyway needs a reason/,
    );
    expect(await tollgate(stage(), "promote", models.second.version, "--model", MODEL, "--reason", "test")).toBe(
      `${MODEL}@${models.second.version} is live (was ${models.first.version})`,
    );
    expect(await tollgate(stage(), "models", "--model", MODEL)).toMatch(
      new RegExp(`^\\*\\s+${models.second.version}\\s+live`, "m"),
    );
    expect(await tollgate(stage(), "rollback", "--model", MODEL, "--reason", "back")).toBe(
      `${MODEL}@${models.first.version} is live again (was ${models.second.version})`,
    );
    const decisions = JSON.parse(await tollgate(stage(), "models", "--model", MODEL, "--json")).decisions;
    expect(decisions.map((d: { action: string; reason: string | null }) => [d.action, d.reason])).toEqual([
      ["promote", "test"],
      ["rollback", "back"],
    ]);
    await expect(tollgate(stage(), "promote", "v9", "--model", MODEL)).rejects.toThrow(/has no version v9/);
  });

  it("predict: the predict Lambda's handler answers signed requests with the live model from the emulator", async () => {
    signatures.length = 0;
    const lines = (await tollgate(stage(), "predict", "--model", MODEL, "a small dog barks", "bread and butter")).split(
      "\n",
    );
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.split("\t")[2]).toBe(models.first.version);
    expect(signatures).toEqual([true, true]);
    await tollgate(stage(), "promote", models.second.version, "--model", MODEL, "--reason", "test");
    // the service loads the new live model beside the old one and swaps when it is ready
    let answeredBy = "";
    for (let i = 0; i < 50 && answeredBy !== models.second.version; i++) {
      answeredBy = (await tollgate(stage(), "predict", "--model", MODEL, "a small dog barks")).split("\t")[2] ?? "";
      if (answeredBy !== models.second.version) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(answeredBy).toBe(models.second.version);
    await expect(tollgate(stage(), "predict", "--model", "reviews", "x")).rejects.toThrow(
      `this stage serves model ${MODEL}, not reviews`,
    );
  });

  it("predict --file: the live model read from the model bucket on the emulator, rows scored here", async () => {
    const live = (
      JSON.parse(await tollgate(stage(), "models", "--model", MODEL, "--json")) as { live: { version: string } }
    ).live.version;
    const dir = tempHome();
    const input = join(dir, "in.jsonl");
    writeFileSync(
      input,
      ["a small dog barks", "bread and butter"].map((text, id) => JSON.stringify({ id, text })).join("\n"),
    );
    const output = join(dir, "out.jsonl");
    await tollgate(stage(), "predict", "--model", MODEL, "--file", input, "--out", output);
    const rows = readFileSync(output, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: number; prediction: { modelVersion: string } });
    expect(rows.map((r) => [r.id, r.prediction.modelVersion])).toEqual([
      [0, live],
      [1, live],
    ]);
  });

  it("stop: a RUNNING execution on the emulator ends ABORTED by StopExecution; a second stop is refused", async () => {
    // its own state machine, whose Etl waits (moto's interpreter ends the Pass-state stand-in at once),
    // and the stage outputs naming it, so `stop` addresses it as a deployed stage's run
    const sfn = new SFNClient(moto.clientConfig());
    const held = standInDefinition();
    held.States.Etl = { Type: "Wait", Seconds: 600, Next: "CheckNewData" };
    const { stateMachineArn = "" } = await sfn.send(
      new CreateStateMachineCommand({
        name: "emu-Held",
        roleArn: "arn:aws:iam::123456789012:role/emu-retrain",
        definition: JSON.stringify(held),
      }),
    );
    const input = { dataset: MODEL, modelName: MODEL, gate: { minAccuracy: 0.5, minGain: 0 }, seed: 7, sources: [] };
    const { executionArn = "" } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: "topics-held", input: JSON.stringify(input) }),
    );
    const outputs = JSON.parse(readFileSync(process.env.TOLLGATE_STAGE_OUTPUTS ?? "", "utf8"));
    outputs[`${STAGE}-tollgate-Pipeline`].StateMachineArn = stateMachineArn;
    const heldOutputs = join(tempHome(), "outputs.json");
    writeFileSync(heldOutputs, JSON.stringify(outputs));
    const before = process.env.TOLLGATE_STAGE_OUTPUTS;
    process.env.TOLLGATE_STAGE_OUTPUTS = heldOutputs;
    try {
      expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe("RUNNING");

      const stopped = JSON.parse(await tollgate(stage(), "stop", "topics-held", "--json"));

      expect(stopped).toMatchObject({ schemaVersion: 1, name: "topics-held", status: "ABORTED" });
      expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe("ABORTED");
      await expect(tollgate(stage(), "stop", "topics-held")).rejects.toThrow(
        "run topics-held is ABORTED: only RUNNING runs can be stopped",
      );
    } finally {
      process.env.TOLLGATE_STAGE_OUTPUTS = before;
      sfn.destroy();
    }
  });
});
