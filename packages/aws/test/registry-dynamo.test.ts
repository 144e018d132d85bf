/**
 * DynamoRegistry with the real SDK client against the emulator (moto server, one per file): the
 * registry contract the SQLite registry passes, and the DynamoDB specifics. The server answers one
 * request at a time: moto's threaded server lets two racing conditional writes on one item both
 * succeed, which DynamoDB never does, so the race cases would test moto's threading, not our
 * conditions (a swap without its condition still lets every racer win here).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRegistryTable } from "../../../test/moto/resources.ts";
import { type MotoServer, startMoto } from "../../../test/moto/server.ts";
import { registryContract, toOutcomes, versionRecord } from "../../local/test/registry-contract.ts";
import { DynamoRegistry } from "../src/dynamo-registry.ts";
import { registryTableDefinition } from "../src/table.ts";

let moto: MotoServer;
beforeAll(async () => {
  moto = await startMoto({ serial: true });
});
afterAll(() => moto?.stop());

/** A fresh table and a client for it. */
async function table(name: string) {
  await createRegistryTable(moto, name);
  const client = new DynamoDBClient(moto.clientConfig());
  return { client, doc: DynamoDBDocumentClient.from(client), close: () => client.destroy() };
}

registryContract("DynamoRegistry on the emulator", async () => {
  const tableName = "registry-contract";
  const local = await table(tableName);
  return {
    registry: new DynamoRegistry({ tableName, client: local.client }),
    // One client (own connections) per contender; the requests go out together.
    racingSwaps: async (model, expected, nexts) => {
      const clients = nexts.map(() => new DynamoDBClient(moto.clientConfig()));
      try {
        const contenders = clients.map((client) => new DynamoRegistry({ tableName, client }));
        return toOutcomes(
          await Promise.allSettled(contenders.map((r, i) => r.swapLive(model, expected, nexts[i] ?? "", `racer-${i}`))),
        );
      } finally {
        for (const c of clients) c.destroy();
      }
    },
    close: () => local.close(),
  };
});

describe("DynamoRegistry specifics", () => {
  it("stores the documented single-table layout", async () => {
    const local = await table("layout");
    try {
      const { doc } = local;
      const registry = new DynamoRegistry({ tableName: "layout", client: doc });
      await registry.putModelVersion(versionRecord("m", "v1"));
      await registry.swapLive("m", null, "v1", "run-1");
      await registry.putRun({
        runId: "r1",
        dataset: "d",
        modelName: "m",
        datasetVersion: null,
        modelVersion: "v1",
        decision: "promoted",
        reason: null,
        updatedAt: "t",
      });
      const { Items = [] } = await doc.send(new ScanCommand({ TableName: "layout" }));
      expect(Items.map((i) => `${i.pk} ${i.sk}`).sort()).toEqual(["MODEL#m LIVE", "MODEL#m VERSION#v1", "RUN#r1 RUN"]);
      expect(registryTableDefinition("x").KeySchema).toEqual([
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ]);
    } finally {
      local.close();
    }
  });

  it("derives 'live' from the pointer when a swap died before updating statuses", async () => {
    const local = await table("crash");
    try {
      const { doc } = local;
      const registry = new DynamoRegistry({ tableName: "crash", client: doc });
      await registry.putModelVersion(versionRecord("m", "v1"));
      await registry.putModelVersion(versionRecord("m", "v2", { createdAt: "2025-02-01T00:00:00.000Z" }));
      await registry.swapLive("m", null, "v1", "run-1");
      // Simulate a crash right after the commit point of v1 → v2: pointer moved, statuses not.
      await doc.send(
        new PutCommand({
          TableName: "crash",
          Item: { pk: "MODEL#m", sk: "LIVE", modelName: "m", version: "v2", since: "t", by: "run-2", previous: "v1" },
        }),
      );
      expect((await registry.listModelVersions("m")).map((r) => [r.version, r.status])).toEqual([
        ["v2", "live"],
        ["v1", "retired"],
      ]);
      expect((await registry.getModelVersion("m", "v1"))?.status).toBe("retired");
      expect((await registry.getModelVersion("m", "v2"))?.status).toBe("live");
      // The next swap proceeds from the pointer and repairs the stored statuses.
      await registry.swapLive("m", "v2", "v1", "rollback");
      expect((await registry.listModelVersions("m")).map((r) => [r.version, r.status])).toEqual([
        ["v2", "retired"],
        ["v1", "live"],
      ]);
    } finally {
      local.close();
    }
  });
});
