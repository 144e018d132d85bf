/**
 * Test harness for the AWS backend: a stage context whose clients answer in-process (mocked with
 * aws-sdk-client-mock where the emulator cannot answer, see each test file); any request that reaches the HTTP layer
 * unanswered fails the test. Nothing is sent to AWS.
 */
import type { HttpHandler } from "@smithy/protocol-http";
import { type AwsClients, makeClients } from "@tollgate/aws/clients";
import type { StageContext, StageOutputs } from "@tollgate/aws/stage";
import { AwsBackend } from "../../src/aws/backend.ts";
import type { Backend } from "../../src/backend.ts";
import { buildProgram } from "../../src/program.ts";

export const REGION = "eu-west-1";
export const ACCOUNT = "111122223333";
export const STATE_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:RetrainA1B2C3`;
export const CREDENTIALS = { accessKeyId: "AKIDTEST", secretAccessKey: "secret-test" };

export const OUTPUTS: StageOutputs = {
  DataBucket: "prod-tollgate-data",
  ModelBucket: "prod-tollgate-models",
  RegistryTable: "prod-tollgate-registry",
  StateMachineArn: STATE_MACHINE_ARN,
  EtlJobName: "EtlJob-a1b2c3",
  PredictUrl: "https://abcdefghij.lambda-url.eu-west-1.on.aws/",
  TrailBucket: "prod-tollgate-trail",
};

/** Fails any request that gets past the mocks. */
export const refuseAll: HttpHandler = {
  handle: async (request) => {
    throw new Error(`unexpected request to ${request.hostname}${request.path}`);
  },
  updateHttpClientConfig: () => {},
  httpHandlerConfigs: () => ({}),
};

/** Clients that never reach a network (each replaced by `clients` where given). */
export function testClients(clients: Partial<AwsClients> = {}): AwsClients {
  return {
    ...makeClients({ region: REGION, credentials: async () => CREDENTIALS, requestHandler: refuseAll, maxAttempts: 1 }),
    ...clients,
  };
}

/** What a test can vary. */
export interface StageOptions {
  registryTable?: string;
  outputs?: Partial<StageOutputs>;
  clients?: Partial<AwsClients>;
  coalesceSeconds?: number;
  notices?: string[];
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** An AWS backend on a stage context built from `options`; polls do not wait. */
export function stageBackendFor(options: StageOptions = {}): AwsBackend {
  const ctx: StageContext = {
    stage: {
      name: "prod",
      outputs: {
        ...OUTPUTS,
        ...(options.registryTable ? { RegistryTable: options.registryTable } : {}),
        ...options.outputs,
      },
    },
    region: REGION,
    credentials: async () => CREDENTIALS,
    clients: testClients(options.clients),
    settings: {
      coalesceSeconds: options.coalesceSeconds ?? 0,
      gate: { minAccuracy: 0.8, minGain: 0, minTestRows: 200 },
      seed: 7,
    },
  };
  return new AwsBackend({
    stage: "prod",
    connect: async () => ctx,
    notice: (line) => options.notices?.push(line),
    poll: {
      intervalMs: 0,
      startTimeoutMs: 1000,
      sleep: options.sleep ?? (async () => {}),
      ...(options.now ? { now: options.now } : {}),
    },
  });
}

/** Runs one CLI command on a backend (the program closes it after the command); resolves to its stdout. */
export async function tollgate(backend: Backend | (() => Backend), ...args: string[]): Promise<string> {
  const out: string[] = [];
  const program = buildProgram(
    { out: (t) => out.push(t), err: () => {} },
    typeof backend === "function" ? backend : () => backend,
  );
  program.exitOverride();
  await program.parseAsync(args, { from: "user" });
  return out.join("\n");
}
