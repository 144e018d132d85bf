import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ExecutionAlreadyExistsError, ExecutionNotFoundError } from "@tollgate/core/errors";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type NewExecution, SqliteExecutionStore } from "../src/stores/execution-store.ts";
import { raceChildren } from "./spawn-children.ts";

const CHILD = fileURLToPath(new URL("./fixtures/create-child.ts", import.meta.url));

const exec = (name: string, over: Partial<NewExecution> = {}): NewExecution => ({
  executionArn: `arn:aws:states:local:000000000000:execution:retrain:${name}`,
  name,
  stateMachineArn: "arn:aws:states:local:000000000000:stateMachine:retrain",
  input: JSON.stringify({ dataset: "reviews" }),
  startDate: "2025-01-01T00:00:00.000Z",
  ...over,
});

describe("SqliteExecutionStore", () => {
  let db: string;
  let store: SqliteExecutionStore;
  beforeEach(() => {
    db = join(mkdtempSync(join(tmpdir(), "tollgate-exec-")), "tollgate.db");
    store = new SqliteExecutionStore(db);
  });
  afterEach(() => store.close());

  it("creates RUNNING executions; same name + input is idempotent, different input throws", () => {
    const a = store.create(exec("a"));
    expect(a).toMatchObject({ name: "a", status: "RUNNING", output: null, stopDate: null, redriveCount: 0 });
    expect(store.create(exec("a"))).toEqual(a);
    expect(store.tryCreate(exec("a")).created).toBe(false);
    expect(() => store.create(exec("a", { input: "{}" }))).toThrow(ExecutionAlreadyExistsError);
    expect(() => store.create(exec("b", { executionArn: a.executionArn }))).toThrow(ExecutionAlreadyExistsError);
    expect(store.get("b")).toBeUndefined();
    expect(store.tryCreate(exec("c")).created).toBe(true);
  });

  it("lists newest first, filtered by status, limited", () => {
    store.create(exec("old", { startDate: "2025-01-01T00:00:00.000Z" }));
    store.create(exec("new", { startDate: "2025-03-01T00:00:00.000Z" }));
    store.create(exec("mid", { startDate: "2025-02-01T00:00:00.000Z" }));
    store.finish("mid", { status: "FAILED", error: "States.TaskFailed", cause: "boom" });
    expect(store.list().map((e) => e.name)).toEqual(["new", "mid", "old"]);
    expect(store.list({ status: "RUNNING" }).map((e) => e.name)).toEqual(["new", "old"]);
    expect(store.list({ limit: 1 }).map((e) => e.name)).toEqual(["new"]);
    expect(store.get("mid")).toMatchObject({
      status: "FAILED",
      error: "States.TaskFailed",
      cause: "boom",
      output: null,
    });
    expect(store.get("mid")?.stopDate).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("finish closes only a RUNNING execution; unknown names throw", () => {
    store.create(exec("a"));
    expect(store.finish("a", { status: "ABORTED" })).toBe(true);
    expect(store.finish("a", { status: "SUCCEEDED", output: "{}" })).toBe(false);
    expect(store.get("a")).toMatchObject({ status: "ABORTED", output: null });
    expect(() => store.finish("zzz", { status: "SUCCEEDED" })).toThrow(ExecutionNotFoundError);
  });

  it("claimRedrive reopens an unsuccessful execution once and counts redrives, never a running or successful one", () => {
    store.create(exec("a"));
    expect(store.claimRedrive("a")).toBe(false);
    store.finish("a", { status: "FAILED", error: "E" });
    expect(store.claimRedrive("a")).toBe(true);
    expect(store.claimRedrive("a")).toBe(false);
    expect(store.get("a")).toMatchObject({ status: "RUNNING", stopDate: null, error: null, redriveCount: 1 });
    store.finish("a", { status: "SUCCEEDED", output: '{"ok":true}' });
    expect(store.claimRedrive("a")).toBe(false);
    expect(store.get("a")).toMatchObject({ status: "SUCCEEDED", redriveCount: 1 });
    expect(store.claimRedrive("zzz")).toBe(false);
  });

  it("lists RUNNING executions whose owning process is gone as orphans", () => {
    store.create(exec("a"));
    store.create(exec("b"));
    store.finish("b", { status: "SUCCEEDED" });
    expect(store.orphans(() => true)).toEqual([]);
    expect(store.orphans((pid) => pid !== process.pid).map((e) => e.name)).toEqual(["a"]);
  });

  it("assigns event ids per execution and keeps details; history survives reopening", () => {
    store.create(exec("a"));
    store.create(exec("b"));
    const t = "2025-01-01T00:00:01.000Z";
    const first = store.appendEvents("a", [
      { type: "ExecutionStarted", timestamp: t, previousEventId: 0, executionStartedEventDetails: { input: "{}" } },
      { type: "TaskStateEntered", timestamp: t, stateEnteredEventDetails: { name: "Etl", input: "{}" } },
    ]);
    expect(first.map((e) => [e.id, e.previousEventId])).toEqual([
      [1, 0],
      [2, 1],
    ]);
    store.appendEvents("b", [{ type: "ExecutionStarted", timestamp: t }]);
    store.appendEvents("a", [
      { type: "TaskSucceeded", timestamp: t, previousEventId: 1, taskSucceededEventDetails: { output: "1" } },
    ]);
    expect(() => store.appendEvents("zzz", [{ type: "X", timestamp: t }])).toThrow(ExecutionNotFoundError);
    store.close();

    store = new SqliteExecutionStore(db);
    const history = store.history("a");
    expect(history).toEqual([
      {
        id: 1,
        previousEventId: 0,
        timestamp: t,
        type: "ExecutionStarted",
        executionStartedEventDetails: { input: "{}" },
      },
      {
        id: 2,
        previousEventId: 1,
        timestamp: t,
        type: "TaskStateEntered",
        stateEnteredEventDetails: { name: "Etl", input: "{}" },
      },
      { id: 3, previousEventId: 1, timestamp: t, type: "TaskSucceeded", taskSucceededEventDetails: { output: "1" } },
    ]);
    expect(store.history("b").map((e) => e.id)).toEqual([1]);
    expect(store.history("zzz")).toEqual([]);
    expect(store.get("a")?.status).toBe("RUNNING");
  });

  it("lets exactly one of several processes create an execution; their events get distinct ids", async () => {
    store.close();
    const input = '{"k":1}';
    const results = await raceChildren<{ ok: boolean; created?: boolean; eventId?: number }>(
      CHILD,
      Array.from({ length: 4 }, () => [db, "race", input]),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results.map((r) => r.eventId).sort()).toEqual([1, 2, 3, 4]);
    store = new SqliteExecutionStore(db);
    expect(store.list().map((e) => e.name)).toEqual(["race"]);
    expect(store.history("race")).toHaveLength(4);
  });
});
