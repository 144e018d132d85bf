/**
 * The Map Run worker pool survives a worker that dies under it: closing the pool while a killed
 * worker's exit is still unseen (what a Map Run does when a failed child stops it) must neither
 * throw EPIPE nor hang. One pool serves an app's Map Runs: a worker stays warm from one Map Run (a
 * group) to the next, each group keeps to its own limit, and killing one group spares the others.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { Outcome } from "../../src/engine/asl/execution.ts";
import { bundleReady, workerBundle } from "../../src/engine/map-run/bundle.ts";
import type { ChildRun } from "../../src/engine/map-run/child.ts";
import { WorkerPool } from "../../src/engine/map-run/pool.ts";
import { lambdaTask } from "../helpers/workflow.ts";

const RUNTIME = new URL("../fixtures/map-child-runtime.ts", import.meta.url).href;
const homes: string[] = [];
const pools: WorkerPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.kill()));
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

/** A pool over a fresh home, killed after the test. */
function poolOf(size: number, idleMs?: number) {
  const home = mkdtempSync(join(tmpdir(), "tollgate-pool-"));
  homes.push(home);
  const pool = new WorkerPool(size, { module: RUNTIME, options: { home } }, idleMs);
  pools.push(pool);
  return pool;
}

/** A child that runs the fixture's `shard` function (it answers its worker's pid, after `sleepMs`). */
function shard(name: string, sleepMs = 0): ChildRun {
  return {
    ...child(name),
    input: { key: name, sleepMs },
    processor: { StartAt: "Shard", States: { Shard: lambdaTask("shard", { End: true }) } },
  };
}
const pidOf = (outcome: Outcome) => (outcome as { output: { value: { pid: number } } }).output.value.pid;

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
  it("forks its workers on the bundle of the worker and its runtime module once built: no tsx loader there", async () => {
    const worker = fileURLToPath(new URL("../../src/engine/map-run/worker.ts", import.meta.url));
    const bundle = await bundleReady(worker, fileURLToPath(RUNTIME));
    expect(bundle?.worker).toMatch(/\/node_modules\/\.cache\/tollgate\/bundle-[0-9a-f]{16}-[0-9a-f]{16}\/worker\.mjs$/);
    expect(workerBundle(worker, fileURLToPath(RUNTIME))).toEqual(bundle);
    const outcome = await poolOf(1).run(shard("bundled"));
    const argv = readFileSync(`/proc/${pidOf(outcome)}/cmdline`, "utf8").split("\0");
    expect(argv).toContain(bundle?.worker);
    expect(argv.join(" ")).not.toMatch(/tsx/);
  });

  it("a stack trace in a bundled worker names the .ts source and its line, not the bundle's chunk", async () => {
    const worker = fileURLToPath(new URL("../../src/engine/map-run/worker.ts", import.meta.url));
    await bundleReady(worker, fileURLToPath(RUNTIME));
    const outcome = await poolOf(1).run({
      ...child("where"),
      processor: { StartAt: "Where", States: { Where: lambdaTask("where", { End: true }) } },
    });
    const { stack } = (outcome as { output: { value: { stack: string } } }).output.value;
    const fixture = fileURLToPath(RUNTIME);
    const line =
      readFileSync(fixture, "utf8")
        .split("\n")
        .findIndex((text) => text.includes('"where am I"')) + 1;
    expect(stack).toContain(`${fixture}:${line}:`);
    expect(stack.split("\n").filter((frame) => frame.includes(".mjs:"))).toEqual([]);
  });

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

  it("keeps a worker warm from one group (Map Run) to the next, and boots one ahead when asked", async () => {
    const pool = poolOf(2);
    pool.warm(1);
    const [warm] = pool.pids();
    expect(warm).toBeGreaterThan(0);
    const first = await pool.group(0).run(shard("a"));
    const second = await pool.group(0).run(shard("b"));
    expect([pidOf(first), pidOf(second)]).toEqual([warm, warm]);
    expect(pool.pids()).toEqual([warm]);
  });

  it("runs at most a group's limit of its children at once", async () => {
    const pool = poolOf(2);
    const group = pool.group(1);
    const runningAtStart: number[] = [];
    const outcomes = await Promise.all(
      ["a", "b", "c"].map((name) => group.run(shard(name, 150), () => runningAtStart.push(pool.running().length))),
    );
    expect(outcomes.map((o) => o.status)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
    expect(runningAtStart).toEqual([1, 1, 1]);
  });

  it("killing one group stops its children only; the other group's child finishes", async () => {
    const pool = poolOf(2);
    // The doomed group runs one child at a time, so "queued" waits behind "slow" whatever the
    // worker boot time (with no limit it took the second worker and could finish before the kill).
    const doomed = pool.group(1);
    const spared = pool.group(0);
    const slow = doomed.run(shard("slow", 5_000));
    const queued = doomed.run(shard("queued"));
    const other = spared.run(shard("other", 500));
    const refused = [
      expect(slow).rejects.toMatchObject({ name: "WorkerProcessExited" }),
      expect(queued).rejects.toMatchObject({ name: "WorkerProcessExited" }),
    ];
    await new Promise((resolve) => setTimeout(resolve, 300));
    await doomed.kill();
    await Promise.all(refused);
    await expect(doomed.run(shard("later"))).rejects.toMatchObject({ name: "WorkerProcessExited" });
    expect(await other).toMatchObject({ status: "SUCCEEDED" });
    expect(await spared.run(shard("after"))).toMatchObject({ status: "SUCCEEDED" });
  });

  it("an idle worker exits after the idle time", async () => {
    const pool = poolOf(1, 200);
    await pool.run(shard("a"));
    const [pid] = pool.pids();
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(pool.pids()).toEqual([]);
    expect(() => process.kill(pid as number, 0)).toThrow();
  });
});
