/**
 * IAM enforced, with the deployed policies (issue 13): every role's statements are read from the
 * synthesized templates (deployed.ts) and loaded into the emulator's IAM, one user per role. Then:
 *
 * 1. The whole retrain workflow runs through the local engine, each Lambda step being its Lambda
 *    entry point (functions/<step>.ts `handler`, with the function's environment from the template
 *    and its role's credentials) and the Etl state the local ETL with the Glue role's credentials,
 *    against the emulated S3 and DynamoDB: a promotion, a rejection and a failure (RecordFailure),
 *    plus the trigger and predict entry points. It must pass with exactly the deployed policies.
 * 2. Each data-access statement (S3, DynamoDB, Step Functions) of each role, removed alone, makes
 *    that role's code fail with a named error when it runs again on the event it got in (1):
 *    every statement is needed, and the test can fail. Each removal runs the affected step only.
 * 3. What no local run can exercise is listed in NOT_EXERCISED with its reason; the synthesis
 *    checks (test/infra/checks/privilege.ts) cover those statements instead.
 *
 * A new step needs nothing here: its role, function and environment come from the templates and
 * its runner is its entry point. A new kind of role (e.g. a Distributed Map's child executions
 * run by the state machine's role) needs a RUNNERS entry and, until then, a NOT_EXERCISED line.
 */

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { CreateStateMachineCommand, ListExecutionsCommand, SFNClient } from "@aws-sdk/client-sfn";
import { S3ObjectStore } from "@tollgate/aws";
import { type AslDefinition, lambdaSteps, walkStates } from "@tollgate/core/workflow/asl";
import type { ExecutionRecord } from "@tollgate/core/workflow/executions";
import { type OpenOptions, openTollgate, type Tollgate } from "@tollgate/local/app";
import { localGlueJob } from "@tollgate/local/engine/glue";
import { LOCAL_NAMES } from "@tollgate/local/stores";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fixtureGate, tempHome, topicRows } from "../helpers/topics.ts";
import { objectCreated } from "../infra/events.ts";
import { synthesize } from "../infra/synth.ts";
import { createBuckets, createRegistryTable } from "../moto/resources.ts";
import { type Credentials, type MotoServer, startMoto } from "../moto/server.ts";
import { type DeployedRole, deployedRoles, policyOf, type ResolvedStatement, type StageNames } from "./deployed.ts";
import type { MapChildrenOptions } from "./map-children.ts";
import { withEnv } from "./with-env.ts";

const NAMES: StageNames = {
  dataBucket: "iam-tollgate-data",
  modelBucket: "iam-tollgate-models",
  registryTable: "iam-tollgate-registry",
  stateMachine: "iam-tollgate-Retrain",
  etlJob: "tollgate-etl",
};

/** The Lambda steps the test's runs (a promotion, a rejection, a failure) go through. */
const RUN_STEPS = [
  "Preprocess",
  "TrainShard",
  "Merge",
  "Export",
  "EvaluateShard",
  "Score",
  "Promote",
  "Reject",
  "RequestApproval",
  "RecordFailure",
];

/**
 * Statements (by role and action) that no local run exercises, and why. A data-access statement
 * that is neither exercised nor listed here fails the test.
 */
const NOT_EXERCISED: { role: (r: DeployedRole) => boolean; action: RegExp; reason: string }[] = [
  {
    role: () => true,
    action: /^logs:/,
    reason:
      "the Lambda runtime, Glue and Step Functions write the logs with the role; none of them runs here (the synthesis checks hold these to the function's or job's own log groups)",
  },
  {
    role: (r) => r.service === "states",
    action: /./,
    reason:
      "the state machine's role is used by Step Functions itself (invoking the step Lambdas, running the Glue job, delivering logs, starting Distributed Map children, ItemReader and ResultWriter); the local engine runs the same ASL without a role (here its Maps read and write the emulated bucket as admin). privilege.ts checks every action against the ASL's integrations",
  },
  {
    role: (r) => r.key === "Trigger",
    action: /^sqs:/,
    reason: "Lambda's SQS poller receives and deletes the trigger's messages with its role; no poller runs here",
  },
  {
    role: (r) => r.service === "lambda",
    action: /^s3:ListBucket$/,
    reason:
      "S3 answers a missing key 404 to a caller that may list it and 403 otherwise; moto answers 404 either way, and the steps never list. Checked on the templates (privilege.ts) and by the 403 test of packages/aws/test/s3-object-store.test.ts",
  },
  {
    role: (r) => r.service === "glue",
    action: /^s3:DeleteObject$/,
    reason:
      "the PySpark job's S3 connector removes directory markers; the local ETL writes objects directly and deletes nothing",
  },
];

/** The reason a statement is not exercised, or undefined when a removal test must run. */
function notExercised(role: DeployedRole, s: ResolvedStatement): string | undefined {
  if (role.service === "glue" && s.Resource.every((r) => r.includes(":s3:::cdk-"))) {
    return "Glue fetches the job's script and --extra-py-files (CDK assets) with the role; no Glue runs here";
  }
  const reasons = s.Action.map((a) => NOT_EXERCISED.find((n) => n.role(role) && n.action.test(a))?.reason);
  return reasons.every((r) => r !== undefined) ? reasons[0] : undefined;
}

/**
 * The policy as the emulator can check it. moto matches statement resources only for S3: for other
 * services it authorizes the action on resource "*", so a DynamoDB or Step Functions statement
 * scoped to an ARN would never match there. Those statements are loaded with "*": the emulator
 * checks their actions, and the synthesis checks (privilege.ts) their resources.
 */
function asMotoPolicy(statements: ResolvedStatement[]) {
  return policyOf(statements.map((s) => (s.Action.every((a) => a.startsWith("s3:")) ? s : { ...s, Resource: ["*"] })));
}

/**
 * The name of an access denial. moto answers a denied DynamoDB or Step Functions request with IAM's
 * XML error, which those services' JSON protocol cannot parse (the SDK throws a SyntaxError with
 * the 403); AWS answers AccessDeniedException.
 */
function errorName(err: unknown): string {
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (err instanceof SyntaxError && status === 403) return "AccessDeniedException";
  return (err as Error).name;
}

/**
 * What a denied role's code ends with: the adapters' named access errors; the trigger's message
 * reported failed (it logs the error and lets SQS retry); or (predict, which answers
 * HTTP) a 503 ServiceUnavailableError saying the live model cannot be loaded because of the denial
 * (for DynamoDB, moto's XML answer shows as the SDK's parse error, see errorName).
 */
const DENIED =
  /^(ObjectAccessDeniedError|AccessDeniedException|AccessDenied|TriggerMessageFailed):|^ServiceUnavailableError: .*the live model cannot be loaded: (access denied|Unexpected token '<')/;

/** A data-access statement: what a removal test is about. */
const isDataAccess = (s: ResolvedStatement) => s.Action.some((a) => /^(s3|dynamodb|states):/.test(a));

let moto: MotoServer;
let roles: DeployedRole[];
let admin: Credentials;
const creds: Record<string, Credentials> = {};
/** The event each role's code got in the workflow runs, to run it again alone. */
const events: Record<string, unknown> = {};
const runs: Record<string, ExecutionRecord> = {};
const saved = { ...process.env };

/** Runs `fn` with these environment variables set (each Lambda has its own environment). */
/** What a role's Lambda sees: its function's environment, the emulator, the role's credentials. */
function lambdaEnv(role: DeployedRole, c: Credentials): Record<string, string> {
  return {
    ...role.env,
    TOLLGATE_LOG_LEVEL: "silent",
    AWS_REGION: moto.region,
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: c.accessKeyId,
    AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
  };
}

/** The steps that run as a Distributed Map's children (in the Map Run's worker processes). */
function mapChildSteps(): string[] {
  const asl = JSON.parse(readFileSync("workflows/retrain.asl.json", "utf8")) as AslDefinition;
  return [...walkStates(asl.States)].flatMap(({ state }) => {
    const processor = (state as unknown as { ItemProcessor?: AslDefinition & { ProcessorConfig?: { Mode?: string } } })
      .ItemProcessor;
    return processor?.ProcessorConfig?.Mode === "DISTRIBUTED" ? lambdaSteps(processor).map((s) => s.key) : [];
  });
}

/** A role's Lambda entry point as Lambda runs it: its own module instance, environment and credentials. */
async function entryPoint(role: DeployedRole, c: Credentials): Promise<(event: unknown) => Promise<unknown>> {
  const env = lambdaEnv(role, c);
  vi.resetModules();
  const module = (await withEnv(env, () => import(`../../functions/${role.handlerFile}.ts`))) as {
    handler: (event: unknown) => Promise<unknown>;
  };
  return (event) => withEnv(env, () => module.handler(event));
}

/** The Glue role's code here: the local ETL over the data bucket, with the role's credentials. */
function etlJob(c: Credentials) {
  const store = new S3ObjectStore({ bucket: NAMES.dataBucket, client: new S3Client(moto.clientConfig(c)) });
  return { store, run: localGlueJob(store, NAMES.etlJob) };
}

const role = (key: string): DeployedRole => {
  const found = roles.find((r) => r.key === key);
  if (!found) throw new Error(`no deployed role ${key}`);
  return found;
};
const stepRoles = () => roles.filter((r) => r.service === "lambda" && r.key !== "Trigger" && r.key !== "Predict");

/** A predict request as a Function URL delivers it. */
const health = {
  version: "2.0",
  rawPath: "/",
  requestContext: { requestId: "iam-health", http: { method: "GET" } },
} as unknown as LambdaFunctionURLEvent;

/** Runs a role's code on the event it got in the workflow runs; resolves to its outcome. */
async function runAlone(r: DeployedRole, c: Credentials): Promise<unknown> {
  if (r.service === "glue") return etlJob(c).run("jr_iam", events.Etl as Record<string, string>);
  const handler = await entryPoint(r, c);
  if (r.key === "Predict") {
    const answer = (await handler(health)) as { statusCode: number; body: string };
    if (answer.statusCode !== 200) {
      const { error, message } = JSON.parse(answer.body) as { error: string; message: string };
      throw Object.assign(new Error(message), { name: error });
    }
    return answer;
  }
  if (r.key === "Trigger") {
    const out = (await handler(events.Trigger)) as { batchItemFailures: unknown[] };
    // the trigger does not throw: it reports the message as failed, so SQS delivers it again
    if (out.batchItemFailures.length > 0) {
      throw Object.assign(new Error("the message was reported failed (StartExecution refused)"), {
        name: "TriggerMessageFailed",
      });
    }
    return out;
  }
  return handler(events[r.key]);
}

async function upload(key: string, rows: unknown[]): Promise<void> {
  const s3 = new S3ObjectStore({ bucket: NAMES.dataBucket, client: new S3Client(moto.clientConfig(admin)) });
  await s3.put(key, rows.map((r) => JSON.stringify(r)).join("\n"));
}

async function runWorkflow(
  tg: Tollgate,
  name: string,
  seed: number,
  gate: ReturnType<typeof fixtureGate> & { approval?: "required" },
) {
  const key = `raw/topics/${name}.jsonl`;
  await upload(key, topicRows(600, seed));
  const input = { dataset: "topics", modelName: "topics", gate, seed: 7, sources: [key] };
  runs[name] = await (await tg.workflow.start(name, input)).done;
  const etl = tg.stores.executions
    .history(name)
    .find(
      (e) =>
        e.type === "TaskScheduled" &&
        (e.taskScheduledEventDetails as { resourceType?: string }).resourceType === "glue",
    );
  const details = etl?.taskScheduledEventDetails as { parameters: string } | undefined;
  const args = JSON.parse(details?.parameters ?? "{}").Arguments ?? {};
  events.Etl = Object.fromEntries(Object.entries(args as Record<string, string>).map(([k, v]) => [k.slice(2), v]));
}

beforeAll(async () => {
  // what `TOLLGATE_MODEL=topics sst deploy` would see
  process.env.TOLLGATE_MODEL ??= "topics";
  const [app, server] = await Promise.all([synthesize({ bundle: false }), startMoto()]);
  moto = server;
  try {
    roles = deployedRoles(app, NAMES);
  } finally {
    await app.cleanup();
  }
  await createBuckets(moto, [NAMES.dataBucket, NAMES.modelBucket]);
  await createRegistryTable(moto, NAMES.registryTable);
  await new SFNClient(moto.clientConfig()).send(
    new CreateStateMachineCommand({
      name: NAMES.stateMachine,
      roleArn: `arn:aws:iam::123456789012:role/${NAMES.stateMachine}`,
      definition: JSON.stringify({ StartAt: "Etl", States: { Etl: { Type: "Pass", End: true } } }),
    }),
  );
  admin = await moto.createUser("admin", policyOf([{ Effect: "Allow", Action: ["*"], Resource: ["*"] }]));
  for (const r of roles) creds[r.key] = await moto.createUser(`role-${r.key}`, asMotoPolicy(r.statements));
  await moto.enforceIam();
}, 240_000);

afterAll(async () => {
  process.env = { ...saved };
  await moto?.stop();
});

describe("the deployed policies on the emulator, IAM enforced", () => {
  it("reads every role from the templates, each Lambda with its entry point and environment", () => {
    expect(
      stepRoles()
        .map((r) => r.key)
        .sort(),
    ).toEqual(["CheckNewData", "CountShardTerms", "MergeTermParts", "SelectTerms", "Select", ...RUN_STEPS].sort());
    expect(role("TrainShard").env).toMatchObject({
      DATA_BUCKET: NAMES.dataBucket,
      MODEL_BUCKET: NAMES.modelBucket,
      REGISTRY_TABLE: NAMES.registryTable,
    });
    expect(role("Etl").service).toBe("glue");
    expect(role("Retrain").service).toBe("states");
  });

  it("enforces IAM: credentials without a grant are refused", async () => {
    const { run } = etlJob({ accessKeyId: "unknown", secretAccessKey: "unknown" });
    await expect(run("jr_none", { dataset: "topics" })).rejects.toThrow();
  });

  it("runs the workflow with exactly the deployed policies: a promotion, a rejection, an approval request, a failure, a sharded run", async () => {
    const lambdas: Record<string, (event: unknown) => Promise<unknown>> = {};
    for (const r of stepRoles()) {
      const handler = await entryPoint(r, creds[r.key]!);
      lambdas[r.key] = (event) => {
        events[r.key] = event;
        return handler(event);
      };
    }
    const etlStore = etlJob(creds.Etl!).store;
    // the Map children run in worker processes: there, each runs as its entry point with its role
    const children = mapChildSteps();
    const eventsDir = mkdtempSync(join(tmpdir(), "iam-events-"));
    const open = (faults: string[] = [], more: Pick<OpenOptions, "etlLimits" | "scale"> = {}) => {
      const home = tempHome();
      const options: MapChildrenOptions = {
        home,
        eventsDir,
        steps: children.map((key) => ({
          key,
          handlerFile: role(key).handlerFile!,
          env: lambdaEnv(role(key), creds[key]!),
        })),
      };
      const admins = new S3ObjectStore({ bucket: NAMES.dataBucket, client: new S3Client(moto.clientConfig(admin)) });
      return openTollgate({
        home,
        lambdas,
        etlStore: () => etlStore,
        faults,
        mapRuntime: { module: new URL("./map-children.ts", import.meta.url).href, options },
        mapBuckets: () => ({ [LOCAL_NAMES.dataBucket]: admins }),
        ...more,
      });
    };
    const tg = open();
    try {
      await runWorkflow(tg, "iam-promote", 1, fixtureGate(0.5));
      await runWorkflow(tg, "iam-reject", 2, fixtureGate(0.5, 0.5));
      await runWorkflow(tg, "iam-approval", 4, { ...fixtureGate(0.5, -1), approval: "required" });
    } finally {
      tg.close();
    }
    const failing = open(["Score"]);
    try {
      await runWorkflow(failing, "iam-fail", 3, fixtureGate(0.5));
    } finally {
      failing.close();
    }
    // last (its events are the ones replayed below): the dataset's 3,000 rows (5 uploads) in curated shards
    // of 200, 1,000 rows a child, a spec sample of 500 rows, so Preprocess does not count every row:
    // CountTerms (3 children), MergeTerms (6 term partitions, 3 children), SelectTerms, Select, Train
    // rounds of 3 children, Merge writing their average
    const sharded = open([], {
      etlLimits: { shardRows: 200 },
      scale: { rowsPerChild: 1000, specSampleRows: 500, mapConcurrency: 3 },
    });
    try {
      await runWorkflow(sharded, "iam-sharded", 5, fixtureGate(0.5, -1));
    } finally {
      sharded.close();
    }
    for (const key of children) events[key] = JSON.parse(readFileSync(join(eventsDir, `${key}.json`), "utf8"));
    expect(runs["iam-promote"]).toMatchObject({ status: "SUCCEEDED", error: null });
    expect(JSON.parse(runs["iam-promote"]?.output ?? "{}").decision.decision).toBe("promoted");
    expect(JSON.parse(runs["iam-reject"]?.output ?? "{}").decision.decision).toBe("rejected");
    expect(JSON.parse(runs["iam-approval"]?.output ?? "{}").decision.decision).toBe("pending-approval");
    expect(runs["iam-fail"]).toMatchObject({ status: "FAILED", error: "InjectedFaultError" });
    expect(runs["iam-sharded"], runs["iam-sharded"]?.cause ?? "").toMatchObject({ status: "SUCCEEDED", error: null });
    const path = runs["iam-sharded"] && JSON.parse(runs["iam-sharded"].output ?? "{}");
    expect(path.prepared).toMatchObject({ exact: false, fanOut: { children: 3 }, termMerge: { children: 3 } });
    expect(path.training.chosen).not.toBeNull();
    expect(path.decision.decision).toBe("promoted");
    for (const key of [...RUN_STEPS, "CountShardTerms", "MergeTermParts", "SelectTerms", "Select"]) {
      expect(events[key], key).toBeDefined();
    }
  }, 240_000);

  it("the trigger starts a run and predict serves the live model, each with its deployed role", async () => {
    events.Trigger = {
      Records: [{ messageId: "m1", body: JSON.stringify(objectCreated("raw/topics/iam-promote.jsonl")) }],
    };
    await runAlone(role("Trigger"), creds.Trigger!);
    const { executions = [] } = await new SFNClient(moto.clientConfig(admin)).send(
      new ListExecutionsCommand({
        stateMachineArn: `arn:aws:states:us-east-1:123456789012:stateMachine:${NAMES.stateMachine}`,
      }),
    );
    expect(executions).toHaveLength(1);
    const answer = (await runAlone(role("Predict"), creds.Predict!)) as { body: string };
    expect(JSON.parse(answer.body)).toMatchObject({
      modelName: "topics",
      // the live model: the last run's (iam-sharded, promoted whatever its gain)
      modelVersion: JSON.parse(runs["iam-sharded"]?.output ?? "{}").trained.modelVersion,
    });
  });

  it("lists every statement no local run exercises, with its reason", () => {
    const listed = roles.flatMap((r) =>
      r.statements
        .map((s) => ({ s, reason: notExercised(r, s) }))
        .filter(({ reason }) => reason !== undefined)
        .map(({ s, reason }) => `${r.key}: ${s.Action.join(",")} — ${reason}`),
    );
    expect(listed.length).toBeGreaterThan(0);
    for (const line of listed) expect(line).toMatch(/ — \S/);
    // every role has its code run here, or all of its statements listed
    for (const r of roles) {
      const exercised = r.statements.filter((s) => isDataAccess(s) && !notExercised(r, s));
      if (exercised.length === 0)
        expect(
          r.statements.every((s) => notExercised(r, s)),
          r.key,
        ).toBe(true);
    }
  });

  const removals = () =>
    roles.flatMap((r) => r.statements.flatMap((s, i) => (isDataAccess(s) && !notExercised(r, s) ? [{ r, i, s }] : [])));

  it("removing any one data-access statement makes that role's code fail with a named error", async () => {
    const cases = removals();
    expect(cases.length).toBeGreaterThanOrEqual(15);
    const survived: string[] = [];
    for (const { r, i, s } of cases) {
      const without = r.statements.filter((_, j) => j !== i);
      const c = await moto.createUser(`without-${r.key}-${i}`, asMotoPolicy(without), admin);
      const outcome = await runAlone(r, c).then(
        () => "succeeded",
        (err: unknown) => `${errorName(err)}: ${(err as Error).message}`,
      );
      if (!DENIED.test(outcome))
        survived.push(`${r.key} without ${s.Action.join(",")} on ${s.Resource.join(",")}: ${outcome}`);
    }
    expect(survived).toEqual([]);
  }, 300_000);
});
