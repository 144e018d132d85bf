/**
 * The whole workflow, end to end through the real engine and the real ASL file, on the embedded
 * runtime: promote, reject, failure, and the history persisted across a reopen.
 */
import { readFileSync } from "node:fs";
import { openTollgate, type Tollgate } from "@tollgate/local/app";
import { afterEach, describe, expect, it } from "vitest";
import { pathThrough, readAsl } from "../helpers/asl-path.ts";
import { fixtureGate, type Row, tempHome, topicRows } from "../helpers/topics.ts";

const open: Tollgate[] = [];
afterEach(() => {
  for (const tg of open.splice(0)) tg.close();
});

function start(faults: string[] = [], home = tempHome()): Tollgate {
  const tg = openTollgate({ home, faults });
  open.push(tg);
  return tg;
}

async function ingestAndRun(tg: Tollgate, name: string, rows: Row[], gate = fixtureGate(0.8)) {
  const key = `raw/topics/${name}.jsonl`;
  await tg.portsFor("test").data.put(key, rows.map((r) => JSON.stringify(r)).join("\n"));
  const input = { dataset: "topics", modelName: "topics", gate, seed: 7, sources: [key] };
  const run = await tg.workflow.start(name, input);
  return run.done;
}

describe("the retrain workflow on the embedded runtime", () => {
  it("promotes the first model that passes the gate and serves it as live", async () => {
    const tg = start();
    const execution = await ingestAndRun(tg, "run-1", topicRows(600, 1));
    expect(execution.status).toBe("SUCCEEDED");
    const output = JSON.parse(execution.output ?? "{}");
    expect(output.decision.decision).toBe("promoted");
    expect(output.evaluation.accuracy).toBeGreaterThanOrEqual(0.8);
    const live = await tg.stores.registry.getLive("topics");
    expect(live?.version).toBe(output.trained.modelVersion);
    const record = await tg.stores.registry.getModelVersion("topics", live!.version);
    expect(record?.status).toBe("live");
    expect(record?.metrics.testAccuracy).toBeCloseTo(output.evaluation.accuracy, 10);
    expect(await tg.stores.objects.models.exists(record!.modelKey)).toBe(true);
  });

  it("rejects a candidate under minAccuracy and leaves the live model unchanged", async () => {
    const tg = start();
    await ingestAndRun(tg, "run-clean", topicRows(600, 2));
    const before = await tg.stores.registry.getLive("topics");
    // Twice as many rows with random labels drag the candidate under the gate.
    const execution = await ingestAndRun(tg, "run-noisy", topicRows(1200, 3, 1));
    expect(execution.status).toBe("SUCCEEDED");
    const output = JSON.parse(execution.output ?? "{}");
    expect(output.decision.decision).toBe("rejected");
    expect(output.evaluation.accuracy).toBeLessThan(0.8);
    expect(output.evaluation.live.version).toBe(before?.version);
    expect(output.decision.reason).toMatch(/< minAccuracy 0\.8000/);
    expect(await tg.stores.registry.getLive("topics")).toEqual(before);
    const rejected = await tg.stores.registry.getModelVersion("topics", output.trained.modelVersion);
    expect(rejected?.status).toBe("rejected");
    expect((await tg.stores.registry.getRun("run-noisy"))?.decision).toBe("rejected");
  });

  it("fails the run with the step's named error, records it, and keeps the live model", async () => {
    const home = tempHome();
    const healthy = start([], home);
    await ingestAndRun(healthy, "run-ok", topicRows(600, 4));
    const before = await healthy.stores.registry.getLive("topics");
    healthy.close();
    open.splice(open.indexOf(healthy), 1);
    const faulty = start(["Score"], home);
    const execution = await ingestAndRun(faulty, "run-fault", topicRows(300, 5));
    expect(execution.status).toBe("FAILED");
    expect(execution.error).toBe("InjectedFaultError");
    expect(await faulty.stores.registry.getLive("topics")).toEqual(before);
    const run = await faulty.stores.registry.getRun("run-fault");
    expect(run?.decision).toBe("failed");
    expect(run?.reason).toMatch(/^InjectedFaultError/);
    const candidate = await faulty.stores.registry.getModelVersion("topics", run!.modelVersion!);
    expect(candidate?.status).toBe("failed");
    const types = faulty.stores.executions.history("run-fault").map((e) => e.type);
    expect(types).toContain("TaskFailed");
    expect(types.at(-1)).toBe("ExecutionFailed");
  });

  it("fails fast with InvalidDatasetError when the data has a single label", async () => {
    const tg = start();
    const rows = topicRows(200, 6).map((r) => ({ ...r, label: "animal" }));
    const execution = await ingestAndRun(tg, "run-mono", rows);
    expect(execution.status).toBe("FAILED");
    expect(execution.error).toBe("InvalidDatasetError");
    expect(execution.cause).toMatch(/at least two/);
    expect(await tg.stores.registry.getLive("topics")).toBeUndefined();
  });

  it("persists the history in GetExecutionHistory shape, readable after reopening the store", async () => {
    const home = tempHome();
    const tg = start([], home);
    await ingestAndRun(tg, "run-history", topicRows(400, 8));
    const first = tg.stores.executions.history("run-history");
    tg.close();
    open.splice(open.indexOf(tg), 1);
    const reopened = start([], home);
    const again = reopened.stores.executions.history("run-history");
    expect(again).toEqual(first);
    expect(again[0]).toMatchObject({ id: 1, type: "ExecutionStarted" });
    expect(again.map((e) => e.id)).toEqual(again.map((_, i) => i + 1));
    const types = again.map((e) => e.type);
    for (const t of [
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskSucceeded",
      "TaskStateExited",
      "ChoiceStateEntered",
      "ExecutionSucceeded",
    ]) {
      expect(types).toContain(t);
    }
    const entered = again
      .filter((e) => e.type.endsWith("StateEntered"))
      .map((e) => (e.stateEnteredEventDetails as { name: string }).name);
    expect(entered).toEqual(pathThrough(readAsl(), { SpecCounted: "Sharded", Gate: "Approval", Approval: "Promote" }));
    expect(entered).toEqual(expect.arrayContaining(["Etl", "Preprocess", "Train", "Evaluate", "Gate", "Promote"]));
    expect(reopened.stores.executions.get("run-history")?.status).toBe("SUCCEEDED");
  });

  it("runs the exact deployed ASL file: the engine's definition is the file, and a run walks its states", async () => {
    const asl = JSON.parse(readFileSync("workflows/retrain.asl.json", "utf8"));
    const tg = start();
    // the file as the engine runs it: equal but for the DefinitionSubstitutions (`${EvaluateFunctionArn}`, …)
    const pattern = JSON.stringify(asl)
      .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
      .replace(/\\\$\\\{\w+\\\}/g, '[^"]+');
    expect(JSON.stringify(tg.workflow.definition)).toMatch(new RegExp(`^${pattern}$`));
    const run = await ingestAndRun(tg, "run-deployed", topicRows(300, 4));
    expect(run.status).toBe("SUCCEEDED");
    const entered = tg.stores.executions
      .history("run-deployed")
      .filter((e) => e.type.endsWith("StateEntered"))
      .map((e) => (e.stateEnteredEventDetails as { name: string }).name);
    expect(entered[0]).toBe(asl.StartAt);
    for (const state of entered) expect(Object.keys(asl.States)).toContain(state);
    // each step follows the file's transition out of the one before it
    for (const [i, state] of entered.slice(0, -1).entries()) {
      const def = asl.States[state];
      const targets = [def.Next, def.Default, ...(def.Choices ?? []).map((c: { Next: string }) => c.Next)];
      expect(targets).toContain(entered[i + 1]);
    }
  });
});
