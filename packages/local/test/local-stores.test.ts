import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openLocalStores } from "../src/stores/index.ts";
import { versionRecord } from "./registry-contract.ts";

describe("openLocalStores", () => {
  it("lays out the home folder and persists across reopen", async () => {
    const home = join(mkdtempSync(join(tmpdir(), "tollgate-home-")), "nested", ".tollgate");
    const s = openLocalStores(home);
    await s.objects.data.put("raw/reviews/a.jsonl", "x\n");
    await s.objects.models.put("models/m/v1/model.onnx", "onnx");
    await s.registry.putModelVersion(versionRecord("m", "v1"));
    await s.registry.swapLive("m", null, "v1", "test");
    s.executions.create({
      executionArn: "arn:e:1",
      name: "e1",
      stateMachineArn: "arn:sm",
      input: "{}",
      startDate: "2025-01-01T00:00:00Z",
    });
    s.executions.appendEvents("e1", [{ type: "ExecutionStarted", timestamp: "2025-01-01T00:00:00Z" }]);
    await s.audit.record({
      eventSource: "states.amazonaws.com",
      eventName: "StartExecution",
      userIdentity: { type: "Local", principalId: "me" },
      requestParameters: {},
      resources: [],
    });
    s.close();
    s.close();

    expect(existsSync(join(home, "objects", "data", "raw", "reviews", "a.jsonl"))).toBe(true);
    expect(existsSync(join(home, "objects", "models", "models", "m", "v1", "model.onnx"))).toBe(true);
    expect(existsSync(join(home, "tollgate.db"))).toBe(true);
    expect(existsSync(join(home, "audit.jsonl"))).toBe(true);

    const again = openLocalStores(home);
    expect((await again.registry.getLive("m"))?.version).toBe("v1");
    expect(again.executions.history("e1").map((e) => e.type)).toEqual(["ExecutionStarted"]);
    expect(await again.objects.data.list("raw/")).toEqual(["raw/reviews/a.jsonl"]);
    expect(await again.audit.readAudit()).toHaveLength(1);
    expect(again.objects.models.bucket).toBe(again.names.modelBucket);
    again.close();
  });
});
