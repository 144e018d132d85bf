/**
 * A Map Run worker dies with the process that forked it (parent-watch.ts). A SIGKILL of that process
 * while its worker is in the middle of a CPU-bound child (its event loop busy, so "disconnect" is
 * not seen) used to leave the worker running, writing the child's history after the parent was gone
 * into a home that another process owned by then. And an app opening the home waits for such a
 * worker before it marks its child interrupted (else the child stays RUNNING and a redrive of the
 * run fails on it with ExecutionNotRedrivable).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { openTollgate } from "../../src/app.ts";
import { guarded } from "../../src/engine/map-run/parent-watch.ts";
import { processAlive } from "../../src/processes.ts";
import { SqliteExecutionStore } from "../../src/stores/execution-store.ts";
import { openLocalStores } from "../../src/stores/index.ts";
import { emptyCounts } from "../../src/stores/map-run-store.ts";
import { openSqlite } from "../../src/stores/sqlite.ts";

const PARENT = fileURLToPath(new URL("../fixtures/map-parent.ts", import.meta.url));
const homes: string[] = [];
const processes: ChildProcess[] = [];
afterEach(() => {
  for (const p of processes.splice(0)) p.kill("SIGKILL");
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});
const tempHome = () => {
  const home = mkdtempSync(join(tmpdir(), "tollgate-orphan-"));
  homes.push(home);
  return home;
};

/** Polls `done` every 20 ms until it holds or `ms` pass; whether it held. */
async function eventually(done: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!done()) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

describe("a Map worker whose parent is gone", () => {
  it("dies with its parent SIGKILLed in the middle of a busy child, and writes nothing after it", async () => {
    const home = tempHome();
    const parent = spawn(process.execPath, ["--import", "tsx", PARENT, home], {
      stdio: ["ignore", "inherit", "inherit"],
    });
    processes.push(parent);
    const holding = join(home, "holding");
    expect(await eventually(() => existsSync(holding), 60_000)).toBe(true);
    const worker = Number(readFileSync(holding, "utf8"));
    const exited = once(parent, "exit");
    parent.kill("SIGKILL");
    await exited;

    // The worker is busy until <home>/go exists: only its watchdog can end it now.
    const diedWithParent = await eventually(() => !processAlive(worker), 10_000);
    writeFileSync(join(home, "go"), ""); // had it survived, it goes on with its child now
    await eventually(() => !processAlive(worker), 30_000);
    const store = new SqliteExecutionStore(join(home, "tollgate.db"));
    const child = { status: store.get("held")?.status, events: store.history("held").map((e) => e.type) };
    store.close();
    expect({ diedWithParent, ...child }).toEqual({
      diedWithParent: true,
      status: "RUNNING",
      events: ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted"],
    });
  }, 120_000);

  it("an app opening the home waits for it to be gone, then marks its child interrupted", () => {
    const home = tempHome();
    const stores = openLocalStores(home);
    const arn = (name: string) => `arn:aws:states:local:000000000000:execution:test:${name}`;
    const machine = "arn:aws:states:local:000000000000:stateMachine:test";
    const mapRunArn = "arn:aws:states:local:000000000000:mapRun:test/Train:run-3";
    const startDate = new Date().toISOString();
    stores.executions.tryCreate({
      name: "run",
      executionArn: arn("run"),
      stateMachineArn: machine,
      input: "{}",
      startDate,
    });
    stores.mapRuns.start(
      {
        mapRunArn,
        executionArn: arn("run"),
        stateName: "Train",
        startDate,
        maxConcurrency: 0,
        toleratedFailurePercentage: 0,
        toleratedFailureCount: 0,
        itemCounts: emptyCounts(),
        executionCounts: emptyCounts(),
      },
      "run",
    );
    stores.executions.tryCreate({
      name: "run-3/0",
      executionArn: arn("run-3/0"),
      stateMachineArn: `${machine}/Train`,
      input: "{}",
      startDate,
      mapRunArn,
      itemIndex: 0,
    });
    stores.close();
    // The run's process is gone; its worker is still running (it ends on its own, as the watchdog would end it).
    const dead = spawnSync("true").pid;
    const worker = spawn("sleep", ["0.5"]);
    processes.push(worker);
    const db = openSqlite(join(home, "tollgate.db"));
    db.prepare("UPDATE executions SET owner_pid = ? WHERE name = ?").run(dead, "run");
    db.prepare("UPDATE executions SET owner_pid = ? WHERE name = ?").run(worker.pid, "run-3/0");
    db.close();

    const tg = openTollgate({ home });
    try {
      expect(processAlive(worker.pid as number)).toBe(false);
      expect(tg.stores.executions.get("run")).toMatchObject({ status: "FAILED", error: "ExecutionInterrupted" });
      expect(tg.stores.executions.get("run-3/0")).toMatchObject({ status: "FAILED", error: "ExecutionInterrupted" });
    } finally {
      tg.close();
    }
  });

  it("a guarded store checks before every call, its nested objects' too", () => {
    const calls: string[] = [];
    let gone = false;
    const stores = guarded(
      {
        executions: { append: (e: string) => calls.push(e) },
        objects: { data: { put: (k: string) => calls.push(k) } },
      },
      () => {
        if (gone) throw new Error("parent gone");
      },
    );
    stores.executions.append("a");
    stores.objects.data.put("k");
    gone = true;
    expect(() => stores.executions.append("b")).toThrow("parent gone");
    expect(() => stores.objects.data.put("k2")).toThrow("parent gone");
    expect(calls).toEqual(["a", "k"]);
  });
});
