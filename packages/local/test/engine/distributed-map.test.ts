/**
 * Distributed Map on the embedded runtime: items from the folder store (JSON, JSON Lines),
 * ItemSelector, ItemBatcher, MaxConcurrency in worker processes, ResultWriter, tolerated failures,
 * Map Run events and counts in AWS's shapes, children as executions with their own histories, and
 * a redrive that reruns only the children that did not succeed.
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stateTimeline } from "@tollgate/core/workflow";
import { afterEach, describe, expect, it } from "vitest";
import { LocalMapRunner } from "../../src/engine/map-run/runner.ts";
import { STATE_MACHINE_ARN, STATE_MACHINE_NAME } from "../../src/engine/runner.ts";
import { SqliteMapRunStore } from "../../src/stores/map-run-store.ts";
import { MemoryObjectStore } from "../helpers/memory-store.ts";
import { lambdaTask, type TestWorkflow, testWorkflow } from "../helpers/workflow.ts";

const BUCKET = "tollgate-data";
const RUNTIME = new URL("../fixtures/map-child-runtime.ts", import.meta.url).href;

let wf: TestWorkflow | undefined;
let mapRuns: SqliteMapRunStore | undefined;
afterEach(() => {
  mapRuns?.close();
  mapRuns = undefined;
  wf?.close();
});

type Events = Record<string, unknown>[];
const types = (events: Events) => events.map((e) => e.type);
const mapRunArnOf = (events: Events) =>
  String(
    (events.find((e) => e.type === "MapRunStarted")?.mapRunStartedEventDetails as { mapRunArn?: string })?.mapRunArn,
  );

/** A workflow whose Distributed Map states run children with the fixture runtime, over `store`. */
function distributed(definition: object, store: MemoryObjectStore, runtime = RUNTIME) {
  wf = testWorkflow(
    definition,
    {},
    {
      maps: (runId, executions, home) => {
        mapRuns ??= new SqliteMapRunStore(join(home, "tollgate.db"));
        const runner = new LocalMapRunner({
          executions,
          mapRuns,
          buckets: { [BUCKET]: store },
          runtime: { module: runtime, options: { home } },
          parent: { name: runId, stateMachineArn: STATE_MACHINE_ARN, stateMachineName: STATE_MACHINE_NAME },
        });
        return { Shards: runner };
      },
    },
  );
  return wf;
}

const processor = (states: object, startAt = Object.keys(states)[0]) => ({
  ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
  StartAt: startAt,
  States: states,
});
const reader = (key: string, type = "JSON") => ({
  Resource: "arn:aws:states:::s3:getObject",
  ReaderConfig: { InputType: type },
  Parameters: { Bucket: BUCKET, "Key.$": key },
});
const shardKeys = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `s${i}` }));

describe("a Distributed Map", () => {
  it("fails, not succeeds with its items left pending, when its workers die before a child begins", async () => {
    const store = new MemoryObjectStore();
    await store.put("runs/r1/shards.json", JSON.stringify(shardKeys(2)));
    const broken = new URL("../fixtures/map-child-runtime-broken.ts", import.meta.url).href;
    const definition = {
      StartAt: "Shards",
      States: {
        Shards: {
          Type: "Map",
          ItemReader: reader("$.shardList"),
          MaxConcurrency: 1,
          ItemProcessor: processor({ Shard: lambdaTask("shard", { End: true }) }),
          End: true,
        },
      },
    };
    const run = await distributed(definition, store, broken).run("boot", { shardList: "runs/r1/shards.json" });
    expect(run.status).toBe("FAILED");
    expect(run.history.find((e) => e.type === "MapRunFailed")?.mapRunFailedEventDetails).toEqual({
      error: "States.ExceedToleratedFailureThreshold",
      cause: "The specified tolerated failure threshold was exceeded",
    });
    expect(mapRuns!.get(mapRunArnOf(run.history))).toMatchObject({
      status: "FAILED",
      itemCounts: { succeeded: 0, failed: 1, pending: 1, total: 2 },
    });
  });

  it("reads its items from an object, runs each child in a worker process and writes the results", async () => {
    const store = new MemoryObjectStore();
    await store.put("runs/r1/shards.json", JSON.stringify(shardKeys(6)));
    const run = await distributed(
      {
        StartAt: "Shards",
        States: {
          Shards: {
            Type: "Map",
            ItemReader: reader("$.shardList"),
            ItemSelector: { "key.$": "$$.Map.Item.Value.key", "index.$": "$$.Map.Item.Index", "run.$": "$.runId" },
            MaxConcurrency: 2,
            ItemProcessor: processor({ Shard: lambdaTask("shard", { End: true }) }),
            ResultWriter: {
              Resource: "arn:aws:states:::s3:putObject",
              Parameters: { Bucket: BUCKET, Prefix: "runs/results" },
            },
            ResultPath: "$.trained",
            End: true,
          },
        },
      },
      store,
    ).run("dmap", { shardList: "runs/r1/shards.json", runId: "r1" });
    expect(run.status).toBe("SUCCEEDED");

    // The parent's history, as AWS records a Distributed Map (and chains it as moto does).
    expect(types(run.history)).toEqual([
      "ExecutionStarted",
      "MapStateEntered",
      "MapStateStarted",
      "MapRunStarted",
      "MapRunSucceeded",
      "MapStateSucceeded",
      "MapStateExited",
      "ExecutionSucceeded",
    ]);
    const [, entered, started, runStarted, runSucceeded, stateSucceeded, exited] = run.history as Events;
    expect(started?.mapStateStartedEventDetails).toEqual({ length: 0 });
    const mapRunArn = mapRunArnOf(run.history);
    expect(mapRunArn).toMatch(/^arn:aws:states:local:000000000000:mapRun:tollgate-retrain\/Shards:dmap-\d+$/);
    expect([started?.previousEventId, runStarted?.previousEventId, runSucceeded?.previousEventId]).toEqual([
      entered?.id,
      started?.id,
      runStarted?.id,
    ]);
    expect([stateSucceeded?.previousEventId, exited?.previousEventId]).toEqual([runSucceeded?.id, runSucceeded?.id]);

    // ResultWriter: the manifest and the children's results in the store; the state's result points there.
    const id = mapRunArn.slice(mapRunArn.lastIndexOf(":") + 1);
    const manifestKey = `runs/results/${id}/manifest.json`;
    expect((run.output as { trained: unknown }).trained).toEqual({
      MapRunArn: mapRunArn,
      ResultWriterDetails: { Bucket: BUCKET, Key: manifestKey },
    });
    const manifest = JSON.parse(store.text(manifestKey));
    expect(manifest).toMatchObject({ DestinationBucket: BUCKET, MapRunArn: mapRunArn });
    expect(manifest.ResultFiles.SUCCEEDED).toEqual([
      { Key: `runs/results/${id}/SUCCEEDED_0.json`, Size: expect.any(Number) },
    ]);
    const succeeded = JSON.parse(store.text(`runs/results/${id}/SUCCEEDED_0.json`)) as {
      Output: string;
      Status: string;
    }[];
    const outputs = succeeded.map((s) => JSON.parse(s.Output).value as { key: string; pid: number });
    expect(outputs.map((o) => o.key).sort()).toEqual(["s0", "s1", "s2", "s3", "s4", "s5"]);

    // Children ran in two worker processes, neither of them this one.
    const pids = new Set(outputs.map((o) => o.pid));
    expect(pids.size).toBe(2);
    expect(pids.has(process.pid)).toBe(false);

    // Each child is an execution with its own history, listed from the Map Run, not among the runs.
    const children = wf!.executions.list({ mapRunArn });
    expect(children.map((c) => [c.name, c.status, c.mapRunArn])).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => [`${id}/${i}`, "SUCCEEDED", mapRunArn]),
    );
    expect(JSON.parse(children[3]!.input)).toEqual({ key: "s3", index: 3, run: "r1" });
    expect(children[3]!.stateMachineArn).toBe(`${STATE_MACHINE_ARN}/Shards`);
    expect(types(wf!.executions.history(children[3]!.name))).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskSucceeded",
      "TaskStateExited",
      "ExecutionSucceeded",
    ]);
    expect(wf!.executions.list().map((e) => e.name)).toEqual(["dmap"]);

    // What `show` and the console read: the Map state's row names its Map Run.
    expect(stateTimeline(run.history as never)).toMatchObject([
      { name: "Shards", type: "Map", status: "succeeded", mapRunArn },
    ]);

    // DescribeMapRun's counts.
    expect(mapRuns!.list("dmap")).toHaveLength(1);
    expect(mapRuns!.get(mapRunArn)).toMatchObject({
      status: "SUCCEEDED",
      stateName: "Shards",
      maxConcurrency: 2,
      itemCounts: { succeeded: 6, failed: 0, pending: 0, running: 0, total: 6, resultsWritten: 6 },
      executionCounts: { succeeded: 6, total: 6, resultsWritten: 6 },
      redriveCount: 0,
    });
  });

  it("batches JSON Lines items with BatchInput, each batch one child", async () => {
    const store = new MemoryObjectStore();
    await store.put(
      "runs/r2/shards.jsonl",
      `${shardKeys(5)
        .map((s) => JSON.stringify(s))
        .join("\n")}\n`,
    );
    const run = await distributed(
      {
        StartAt: "Shards",
        States: {
          Shards: {
            Type: "Map",
            ItemReader: reader("$.list", "JSONL"),
            ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { "run.$": "$.runId" } },
            ItemProcessor: processor({ Echo: { Type: "Pass", End: true } }),
            End: true,
          },
        },
      },
      store,
    ).run("batched", { list: "runs/r2/shards.jsonl", runId: "r2" });
    expect(run.status).toBe("SUCCEEDED");
    expect(run.output).toEqual([
      { BatchInput: { run: "r2" }, Items: [{ key: "s0" }, { key: "s1" }] },
      { BatchInput: { run: "r2" }, Items: [{ key: "s2" }, { key: "s3" }] },
      { BatchInput: { run: "r2" }, Items: [{ key: "s4" }] },
    ]);
    const [mapRun] = mapRuns!.list("batched");
    expect(mapRun).toMatchObject({
      itemCounts: { succeeded: 5, total: 5 },
      executionCounts: { succeeded: 3, total: 3 },
    });
  });
});

describe("a failed child", () => {
  const definition = (extra: object = {}) => ({
    StartAt: "Shards",
    States: {
      Shards: {
        Type: "Map",
        ItemsPath: "$.shards",
        MaxConcurrency: 1,
        ItemProcessor: processor({ Shard: lambdaTask("shard", { End: true }) }),
        ...extra,
        End: true,
      },
    },
  });

  it("fails the run with States.ExceedToleratedFailureThreshold; a redrive reruns only the unsuccessful children", async () => {
    const store = new MemoryObjectStore();
    const flow = distributed(definition(), store);
    writeFileSync(join(flow.home, "fail-items"), "s2\n");
    const failed = await flow.run("fails", { shards: shardKeys(6) });
    expect(failed).toMatchObject({ status: "FAILED", error: "States.ExceedToleratedFailureThreshold" });
    expect(types(failed.history).slice(-4)).toEqual([
      "MapRunStarted",
      "MapRunFailed",
      "MapStateFailed",
      "ExecutionFailed",
    ]);
    const runFailed = failed.history.find((e) => e.type === "MapRunFailed");
    expect(runFailed?.mapRunFailedEventDetails).toEqual({
      error: "States.ExceedToleratedFailureThreshold",
      cause: "The specified tolerated failure threshold was exceeded",
    });
    const mapRunArn = mapRunArnOf(failed.history);
    expect(stateTimeline(failed.history as never)).toMatchObject([
      { name: "Shards", status: "failed", error: "States.ExceedToleratedFailureThreshold", mapRunArn },
    ]);
    const before = flow.executions.list({ mapRunArn });
    expect(before.map((c) => c.status)).toEqual(["SUCCEEDED", "SUCCEEDED", "FAILED"]);
    expect(
      flow.executions.history(before[2]!.name).find((e) => e.type === "TaskFailed")?.taskFailedEventDetails,
    ).toMatchObject({
      error: "ShardError",
    });
    expect(mapRuns!.get(mapRunArn)).toMatchObject({
      status: "FAILED",
      itemCounts: { succeeded: 2, failed: 1, pending: 3, total: 6 },
    });

    rmSync(join(flow.home, "fail-items"));
    const historyOf0 = flow.executions.history(before[0]!.name);
    const redriven = await (await flow.workflow.redrive("fails")).done;
    expect(redriven).toMatchObject({ status: "SUCCEEDED", redriveCount: 1 });
    const history = flow.executions.history("fails");
    const again = history.slice(history.findIndex((e) => e.type === "ExecutionRedriven"));
    expect(types(again)).toEqual([
      "ExecutionRedriven",
      "MapStateEntered",
      "MapStateStarted",
      "MapRunRedriven",
      "MapRunSucceeded",
      "MapStateSucceeded",
      "MapStateExited",
      "ExecutionSucceeded",
    ]);
    expect(again[3]?.mapRunRedrivenEventDetails).toEqual({ mapRunArn, redriveCount: 1 });
    const after = flow.executions.list({ mapRunArn });
    expect(after.map((c) => [c.status, c.redriveCount])).toEqual([
      ["SUCCEEDED", 0],
      ["SUCCEEDED", 0],
      ["SUCCEEDED", 1],
      ["SUCCEEDED", 0],
      ["SUCCEEDED", 0],
      ["SUCCEEDED", 0],
    ]);
    expect(flow.executions.history(before[0]!.name)).toEqual(historyOf0);
    expect(JSON.parse(redriven.output ?? "null").map((r: { value: { key: string } }) => r.value.key)).toEqual([
      "s0",
      "s1",
      "s2",
      "s3",
      "s4",
      "s5",
    ]);
    expect(mapRuns!.get(mapRunArn)).toMatchObject({
      status: "SUCCEEDED",
      redriveCount: 1,
      itemCounts: { succeeded: 6 },
    });
  });

  it("a redrive reruns a child that was stopped before it entered a state (from StartAt, with its input)", async () => {
    const flow = distributed(definition(), new MemoryObjectStore());
    writeFileSync(join(flow.home, "fail-items"), "s1\n");
    const failed = await flow.run("early-stop", { shards: shardKeys(3) });
    expect(failed.status).toBe("FAILED");
    const mapRunArn = mapRunArnOf(failed.history);
    const [first] = flow.executions.list({ mapRunArn });
    expect(flow.executions.list({ mapRunArn }).map((c) => c.status)).toEqual(["SUCCEEDED", "FAILED"]);
    // What the runner leaves when a worker is stopped right after it created child 2 (before its
    // ExecutionStarted): an ABORTED child with no state entered.
    const name = first!.name.replace(/\/0$/, "/2");
    flow.executions.tryCreate({
      name,
      executionArn: first!.executionArn.replace(/\/0$/, "/2"),
      stateMachineArn: first!.stateMachineArn,
      input: JSON.stringify({ key: "s2" }),
      startDate: new Date().toISOString(),
      mapRunArn,
      itemIndex: 2,
    });
    flow.executions.appendEvents(name, [
      {
        timestamp: new Date().toISOString(),
        type: "ExecutionAborted",
        previousEventId: 0,
        executionAbortedEventDetails: { error: "States.Aborted", cause: "the Map Run was stopped" },
      },
    ]);
    flow.executions.finish(name, { status: "ABORTED", error: "States.Aborted", cause: "the Map Run was stopped" });

    rmSync(join(flow.home, "fail-items"));
    const redriven = await (await flow.workflow.redrive("early-stop")).done;
    expect(redriven).toMatchObject({ status: "SUCCEEDED", redriveCount: 1 });
    expect(flow.executions.list({ mapRunArn }).map((c) => [c.status, c.redriveCount])).toEqual([
      ["SUCCEEDED", 0],
      ["SUCCEEDED", 1],
      ["SUCCEEDED", 1],
    ]);
    const child = flow.executions.history(name);
    expect(types(child).slice(0, 3)).toEqual(["ExecutionAborted", "ExecutionRedriven", "TaskStateEntered"]);
    expect(child[2]?.stateEnteredEventDetails).toMatchObject({ name: "Shard", input: JSON.stringify({ key: "s2" }) });
  });

  it("within ToleratedFailureCount leaves the Map Run succeeded, with null for the failed item", async () => {
    const flow = distributed(definition({ ToleratedFailureCount: 1 }), new MemoryObjectStore());
    writeFileSync(join(flow.home, "fail-items"), "s1\n");
    const run = await flow.run("tolerated", { shards: shardKeys(3) });
    expect(run.status).toBe("SUCCEEDED");
    expect((run.output as unknown[]).map((r) => (r as { value?: { key: string } } | null)?.value?.key ?? null)).toEqual(
      ["s0", null, "s2"],
    );
    const [mapRun] = mapRuns!.list("tolerated");
    expect(mapRun).toMatchObject({
      status: "SUCCEEDED",
      toleratedFailureCount: 1,
      itemCounts: { succeeded: 2, failed: 1 },
    });
  });
});
