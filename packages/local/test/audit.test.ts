import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AuditRecord } from "@tollgate/core/contracts";
import { LiveModelChangedError } from "@tollgate/core/errors";
import { beforeEach, describe, expect, it } from "vitest";
import { JsonlAuditLog, readAudit } from "../src/stores/audit-log.ts";
import { auditedObjectStore, auditedRegistry } from "../src/stores/audited.ts";
import { FolderObjectStore } from "../src/stores/object-store.ts";
import { SqliteRegistry } from "../src/stores/registry-sqlite.ts";
import { versionRecord } from "./registry-contract.ts";

const alice = { type: "IAMUser", principalId: "alice", arn: "arn:aws:iam::000000000000:user/alice" };

describe("JsonlAuditLog", () => {
  let dir: string;
  let log: JsonlAuditLog;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "tollgate-audit-"));
    log = new JsonlAuditLog(join(dir, "sub", "audit.jsonl"));
  });

  it("appends CloudTrail-shaped records, one per line, and filters by run", async () => {
    expect(await log.readAudit()).toEqual([]);
    const base = { userIdentity: alice, requestParameters: { name: "r1" }, resources: [] };
    await log.record({ ...base, eventSource: "states.amazonaws.com", eventName: "StartExecution", runId: "r1" });
    await log.record({ ...base, eventSource: "s3.amazonaws.com", eventName: "PutObject", runId: "r2" });
    await log.record({ ...base, eventSource: "s3.amazonaws.com", eventName: "PutObject" });
    const all = await log.readAudit();
    expect(all.map((r) => r.eventName)).toEqual(["StartExecution", "PutObject", "PutObject"]);
    for (const r of all) {
      expect(AuditRecord.parse(r)).toEqual(r);
      expect(r).toMatchObject({
        eventVersion: "1.08",
        awsRegion: "local",
        eventType: "AwsApiCall",
        userIdentity: alice,
      });
      expect(r.eventID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(r.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    expect(new Set(all.map((r) => r.eventID)).size).toBe(3);
    expect((await log.readAudit({ runId: "r1" })).map((r) => r.eventName)).toEqual(["StartExecution"]);
    expect(await log.readAudit({ eventName: "PutObject", runId: "r2" })).toHaveLength(1);
    expect(readFileSync(log.path, "utf8").trim().split("\n")).toHaveLength(3);
  });

  it("rejects malformed input and skips a torn last line", async () => {
    await expect(
      log.record({
        eventSource: "x",
        eventName: "y",
        userIdentity: { type: "t" },
        requestParameters: {},
        resources: [],
      } as never),
    ).rejects.toThrow();
    await log.record({ eventSource: "x", eventName: "y", userIdentity: alice, requestParameters: {}, resources: [] });
    appendFileSync(log.path, '{"eventVersion":"1.08","eventID":"tor');
    expect(await log.readAudit()).toHaveLength(1);
  });

  it("keeps every record when many writes overlap", async () => {
    const other = new JsonlAuditLog(log.path);
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 ? log : other).record({
          eventSource: "s3.amazonaws.com",
          eventName: "PutObject",
          userIdentity: alice,
          requestParameters: { key: `k${i}`, pad: "x".repeat(3000) },
          resources: [],
          runId: `r${i}`,
        }),
      ),
    );
    const keys = (await log.readAudit()).map((r) => r.requestParameters.key);
    expect(new Set(keys).size).toBe(200);
  });
});

describe("audited decorators", () => {
  it("records object writes and registry writes, not reads or failed writes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-audited-"));
    const log = new JsonlAuditLog(join(dir, "audit.jsonl"));
    let runId = "run-1";
    const ctx = () => ({ userIdentity: alice, runId });
    const models = auditedObjectStore(new FolderObjectStore(join(dir, "m"), "tollgate-models"), log, ctx);
    const registry = auditedRegistry(new SqliteRegistry(join(dir, "r.db")), log, ctx, "reg");

    await models.put("models/m/v1/model.onnx", new Uint8Array([1, 2, 3]));
    await models.get("models/m/v1/model.onnx");
    await models.list("models/");
    await registry.putModelVersion(versionRecord("m", "v1"));
    await registry.putModelVersion(versionRecord("m", "v2"));
    await registry.swapLive("m", null, "v1", "run-1");
    runId = "run-2";
    await registry.swapLive("m", "v1", "v2", "run-2");
    await expect(registry.swapLive("m", "v1", "v2", "run-3")).rejects.toBeInstanceOf(LiveModelChangedError);
    await registry.getLive("m");

    const records = await log.readAudit();
    expect(records.map((r) => `${r.eventSource} ${r.eventName}`)).toEqual([
      "s3.amazonaws.com PutObject",
      "dynamodb.amazonaws.com PutItem",
      "dynamodb.amazonaws.com PutItem",
      "dynamodb.amazonaws.com PutItem",
      "dynamodb.amazonaws.com PutItem",
    ]);
    expect(records[0]?.resources).toContainEqual({
      type: "AWS::S3::Object",
      ARN: "arn:aws:s3:::tollgate-models/models/m/v1/model.onnx",
    });
    expect(records[0]?.requestParameters).toMatchObject({ bucketName: "tollgate-models", contentLength: 3 });
    expect(records[4]?.resources).toEqual([
      { type: "AWS::DynamoDB::Table", ARN: "arn:aws:dynamodb:local:000000000000:table/reg" },
    ]);
    expect(records[4]?.requestParameters).toMatchObject({
      key: { pk: "MODEL#m", sk: "LIVE" },
      conditionExpression: "version = :expected AND since = :since",
      expectedVersion: "v1",
      newVersion: "v2",
    });
    expect((await log.readAudit({ runId: "run-2" })).map((r) => r.eventName)).toEqual(["PutItem"]);

    const named = auditedObjectStore(new FolderObjectStore(join(dir, "d")), log, { userIdentity: alice, bucket: "b2" });
    await named.put("k", "v");
    const [last] = await readAudit(log.path, { eventSource: "s3.amazonaws.com" }).then((r) => r.slice(-1));
    expect(last?.resources[0]?.ARN).toBe("arn:aws:s3:::b2/k");
    expect(last?.runId).toBeUndefined();
  });
});
