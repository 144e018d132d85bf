import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { registryContract, toOutcomes, versionRecord } from "../../local/test/registry-contract.ts";
import { DynamoRegistry } from "../src/dynamo-registry.ts";
import { registryTableDefinition } from "../src/table.ts";
import { startDynalite } from "./local-aws.ts";

registryContract("DynamoRegistry on dynalite", async () => {
  const tableName = "registry-contract";
  const local = await startDynalite(tableName);
  return {
    registry: new DynamoRegistry({ tableName, client: local.client }),
    // One client (own connections) per contender; the requests go out together.
    racingSwaps: async (model, expected, nexts) => {
      const contenders = nexts.map(() => new DynamoRegistry({ tableName, client: local.makeClient() }));
      return toOutcomes(
        await Promise.allSettled(contenders.map((r, i) => r.swapLive(model, expected, nexts[i] ?? "", `racer-${i}`))),
      );
    },
    close: () => local.close(),
  };
});

describe("DynamoRegistry specifics", () => {
  it("stores the documented single-table layout", async () => {
    const local = await startDynalite("layout");
    try {
      const doc = DynamoDBDocumentClient.from(local.client);
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
      const { Items = [] } = await doc.send(
        new (await import("@aws-sdk/lib-dynamodb")).ScanCommand({ TableName: "layout" }),
      );
      expect(Items.map((i) => `${i.pk} ${i.sk}`).sort()).toEqual(["MODEL#m LIVE", "MODEL#m VERSION#v1", "RUN#r1 RUN"]);
      expect(registryTableDefinition("x").KeySchema).toEqual([
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ]);
    } finally {
      await local.close();
    }
  });

  it("derives 'live' from the pointer when a swap died before updating statuses", async () => {
    const local = await startDynalite("crash");
    try {
      const doc = DynamoDBDocumentClient.from(local.client);
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
      await local.close();
    }
  });
});
