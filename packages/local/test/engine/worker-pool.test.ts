/**
 * The Map Run worker pool survives a worker that dies under it: closing the pool while a killed
 * worker's exit is still unseen (what a Map Run does when a failed child stops it) must neither
 * throw EPIPE nor hang.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ChildRun } from "../../src/engine/map-run/child.ts";
import { WorkerPool } from "../../src/engine/map-run/pool.ts";

const RUNTIME = new URL("../fixtures/map-child-runtime.ts", import.meta.url).href;
const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

function child(name: string): ChildRun {
  return {
    name,
    executionArn: `arn:aws:states:us-east-1:000000000000:execution:test/map:${name}`,
    stateMachineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:test/map",
    stateMachineName: "test/map",
    mapRunArn: "arn:aws:states:us-east-1:000000000000:mapRun:test/map:run",
    parentName: "parent",
    mapState: "Shards",
    index: 0,
    input: { n: 1 },
    processor: { StartAt: "Echo", States: { Echo: { Type: "Pass", End: true } } },
  };
}

describe("WorkerPool", () => {
  it("closes cleanly when its worker was killed and the exit is not yet seen", async () => {
    const home = mkdtempSync(join(tmpdir(), "tollgate-pool-"));
    homes.push(home);
    const pool = new WorkerPool(1, { module: RUNTIME, options: { home } });
    expect(await pool.run(child("one"))).toMatchObject({ status: "SUCCEEDED", output: { n: 1 } });
    const [pid] = pool.pids();
    expect(pid).toBeGreaterThan(0);
    void pool.kill();
    // Block this event loop until the worker is surely gone, so its "exit" is still unprocessed
    // when close() runs (a write to it then fails with EPIPE).
    execFileSync("sleep", ["0.3"]);
    await pool.close();
    expect(() => process.kill(pid as number, 0)).toThrow();
  });

  it("closes cleanly when its worker died on its own and the exit is not yet seen", async () => {
    const home = mkdtempSync(join(tmpdir(), "tollgate-pool-"));
    homes.push(home);
    const pool = new WorkerPool(1, { module: RUNTIME, options: { home } });
    await pool.run(child("one"));
    const [pid] = pool.pids();
    process.kill(pid as number, "SIGKILL");
    execFileSync("sleep", ["0.3"]);
    await pool.close();
    expect(pool.pids()).toEqual([]);
  });

  it("a run after kill is refused with WorkerProcessExited", async () => {
    const home = mkdtempSync(join(tmpdir(), "tollgate-pool-"));
    homes.push(home);
    const pool = new WorkerPool(1, { module: RUNTIME, options: { home } });
    await pool.kill();
    await expect(pool.run(child("two"))).rejects.toMatchObject({ name: "WorkerProcessExited" });
  });
});
