/**
 * The AWS backend's registry path (DynamoRegistry over the clients the backend builds) against
 * AWS's DynamoDB Local, with the same contract suite the SQLite registry passes; then the
 * `models`, `promote` and `rollback` commands through the program on the same table.
 */
import { DynamoRegistry } from "@tollgate/aws";
import { makeClients } from "@tollgate/aws/clients";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registryContract, toOutcomes, versionRecord } from "../../../local/test/registry-contract.ts";
import { type DynamoDbLocal, startDynamoDbLocal, TEST_CREDENTIALS, TEST_REGION } from "./dynamodb-local.ts";
import { stageBackendFor, tollgate } from "./harness.ts";

let local: DynamoDbLocal;
const TABLE = "registry-contract";

/** The DynamoDB client exactly as the backend builds it, pointed at DynamoDB Local. */
const backendClient = () =>
  makeClients({
    region: TEST_REGION,
    credentials: async () => TEST_CREDENTIALS,
    endpoints: { dynamo: local.endpoint },
  }).dynamo;

beforeAll(async () => {
  local = await startDynamoDbLocal();
  console.info(`DynamoDB Local answered after ${local.startupMs} ms`);
  await local.createTable(TABLE);
});
afterAll(async () => {
  await local?.stop();
});

registryContract("DynamoRegistry on DynamoDB Local (the AWS backend's clients)", async () => ({
  registry: new DynamoRegistry({ tableName: TABLE, client: backendClient() }),
  // one client (own connections) per contender; the requests go out together
  racingSwaps: async (model, expected, nexts) => {
    const contenders = nexts.map(() => new DynamoRegistry({ tableName: TABLE, client: backendClient() }));
    return toOutcomes(
      await Promise.allSettled(contenders.map((r, i) => r.swapLive(model, expected, nexts[i] ?? "", `racer-${i}`))),
    );
  },
}));

describe("models, promote and rollback on a stage (DynamoDB Local)", () => {
  it("lists versions with the live one marked and swaps by compare-and-swap", async () => {
    const registry = new DynamoRegistry({ tableName: TABLE, client: backendClient() });
    await registry.putModelVersion(versionRecord("cli-m", "v1", { createdAt: "2025-01-01T00:00:00.000Z" }));
    await registry.putModelVersion(versionRecord("cli-m", "v2", { createdAt: "2025-01-02T00:00:00.000Z" }));
    await registry.swapLive("cli-m", null, "v1", "run-v1");
    const backend = stageBackendFor({ registryTable: TABLE, clients: { dynamo: backendClient() } });
    const models = JSON.parse(await tollgate(backend, "models", "--model", "cli-m", "--json"));
    expect(models.live).toMatchObject({ modelName: "cli-m", version: "v1" });
    expect(models.versions.map((v: { version: string; status: string }) => [v.version, v.status])).toEqual([
      ["v2", "candidate"],
      ["v1", "live"],
    ]);
    expect(await tollgate(backend, "promote", "v2", "--model", "cli-m")).toBe("cli-m@v2 is live (was v1)");
    expect(await tollgate(backend, "models", "--model", "cli-m")).toMatch(/^\*\s+v2\s+live/m);
    expect(await tollgate(backend, "rollback", "--model", "cli-m")).toBe("cli-m@v1 is live again (was v2)");
    await expect(tollgate(backend, "promote", "v9", "--model", "cli-m")).rejects.toThrow(/has no version v9/);
  });
});
