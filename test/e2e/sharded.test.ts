/**
 * A run that fans out, end to end through the real engine and the real ASL file: the local Glue job
 * writes 3 curated shards (a shard-size limit), Preprocess reads too few of them for the spec, so the
 * CountTerms Map counts it (3 children), the MergeTerms Map sums its 5–6 term partitions (3 children,
 * 2 partitions each) and SelectTerms writes the exact spec; Select chooses the
 * hyperparameters, the Train Map runs 3 children per round in worker processes, Merge averages them,
 * the Evaluate Map scores 3 shards and Score sums their counts. The CLI's progress printer shows each
 * Map's children done out of total, the rows per second and the time left. `tollgate show` (the CLI on
 * the same home) shows each Map state's child counts, lists a Map state's children (`--map`) and opens
 * a child.
 */
import { progressPrinter } from "@tollgate/cli/progress";
import { CuratedRow, Manifest } from "@tollgate/core/contracts";
import { readJson } from "@tollgate/core/json-lines";
import { readJsonLines } from "@tollgate/core/json-lines-reader";
import { buildFeatureSpec, FeatureSpec } from "@tollgate/core/ml/feature-spec";
import { splitOf } from "@tollgate/core/ml/split";
import { openTollgate, type Tollgate } from "@tollgate/local/app";
import { afterAll, describe, expect, it } from "vitest";
import { localCli } from "../helpers/cli.ts";
import { FIXTURE_ENV, fixtureGate, tempHome } from "../helpers/topics.ts";
import { addRaw, mapRunChildren, SHARDED } from "../reliability/inputs.ts";

let tg: Tollgate | undefined;
afterAll(() => tg?.close());
const home = tempHome();

describe("a run over several curated shards", () => {
  it("counts the spec, selects, trains and evaluates in several Map children, and promotes", async () => {
    tg = openTollgate({ home, ...SHARDED.options });
    const key = await addRaw(tg, "sharded", SHARDED.rows, 11);
    const input = { dataset: "topics", modelName: "topics", gate: fixtureGate(0.8), seed: 7, sources: [key] };
    const printed: string[] = [];
    const execution = await (
      await tg.workflow.start(
        "sharded-1",
        input,
        progressPrinter((l) => printed.push(l)),
      )
    ).done;
    expect(execution.status, execution.cause ?? "").toBe("SUCCEEDED");

    // The path: the spec counted by the CountTerms Map, Select before the Train Map
    const entered = tg.stores.executions
      .history("sharded-1")
      .filter((e) => e.type.endsWith("StateEntered"))
      .map((e) => (e.stateEnteredEventDetails as { name: string }).name);
    expect(entered.slice(0, 10)).toEqual([
      "Etl",
      "CheckNewData",
      "NewData",
      "Preprocess",
      "SpecCounted",
      "CountTerms",
      "MergeTerms",
      "SelectTerms",
      "Sharded",
      "Select",
    ]);
    expect(entered).toContain("Train");
    expect(entered).toContain("Evaluate");

    // Every Map Run had 3 children, each its own execution with its own history
    const runs = tg.stores.mapRuns.list("sharded-1");
    const byState = (state: string) => runs.filter((r) => r.stateName === state);
    for (const state of ["CountTerms", "MergeTerms", "Train", "Evaluate"]) {
      expect(byState(state).length, state).toBeGreaterThan(0);
      for (const run of byState(state)) {
        expect(run.executionCounts, state).toMatchObject({ total: 3, succeeded: 3, failed: 0 });
        const children = tg.stores.executions.list({ mapRunArn: run.mapRunArn });
        expect(children.map((c) => c.status)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
      }
    }

    // The terminal's progress: a line each time a Map child ends, with the time left while some remain
    // and the rows per second of the children that report rows (not MergeTerms': it sums tables)
    for (const state of ["CountTerms", "MergeTerms", "Train", "Evaluate"]) {
      const rate = state === "MergeTerms" ? "" : ", \\d+ rows/s";
      expect(printed, state).toContainEqual(
        expect.stringMatching(new RegExp(`^  ↻ ${state}: 1/3 children done, [\\d.]+s${rate}, ~\\d+s left$`)),
      );
      expect(printed, state).toContainEqual(
        expect.stringMatching(new RegExp(`^  ↻ ${state}: 3/3 children done, [\\d.]+s${rate}$`)),
      );
    }

    // The spec is the exact one: a scan of every training row of the curated shards
    const output = JSON.parse(execution.output ?? "{}");
    const data = tg.stores.objects.data;
    const manifest = await readJson(data, `runs/sharded-1/manifest.json`, Manifest);
    expect(manifest.shards).toHaveLength(3);
    const train = [];
    let test = 0;
    for await (const row of readJsonLines(
      data,
      manifest.shards.map((s) => s.key),
      CuratedRow,
    ))
      if (splitOf(row.text) === "train") train.push(row);
      else if (splitOf(row.text) === "test") test++;
    const spec = await readJson(data, output.prepared.featureSpecKey, FeatureSpec);
    expect(output.prepared.exact).toBe(false);
    expect(output.prepared.termMerge).toMatchObject({ partsPerChild: 2, children: 3 });
    expect(spec).toEqual(await buildFeatureSpec(train, Object.keys(manifest.labels).sort()));

    // Sharded training chose its hyperparameters in Select, and the model went live
    expect(output.training.chosen).not.toBeNull();
    expect(output.evaluation.testRows).toBe(test);
    expect(output.decision.decision).toBe("promoted");
    expect(output.evaluation.accuracy).toBeGreaterThanOrEqual(0.8);
  });
});

interface ShowJson {
  execution: { name: string; mapRunArn?: string; input: unknown; output: unknown };
  parent: { name: string; stateName: string; mapRunArn: string; index: number } | null;
  states: { name: string; type: string; mapRunArn?: string }[];
  mapRuns: {
    mapRunArn: string;
    stateName: string;
    status: string;
    executionCounts: { total: number; succeeded: number; failed: number; running: number; pending: number };
    itemCounts: { total: number };
    toleratedFailurePercentage: number;
    resultWriter: { bucket: string; key: string } | null;
    children?: { name: string; index: number; status: string; durationMs: number }[];
  }[];
}

describe("tollgate show of a sharded run", () => {
  const cli = localCli({ ...FIXTURE_ENV, TOLLGATE_HOME: home });

  it("shows each Map state's child counts, lists a Map state's children and opens a child", async () => {
    expect(tg, "the sharded run above ran first").toBeDefined();
    const text = await cli.tollgate("show", "sharded-1");
    expect(text).toMatch(/^CountTerms\s+Map\s+succeeded\s+[\d.]+s\s+3 children: 3 ✓$/m);
    expect(text).toMatch(/^MergeTerms\s+Map\s+succeeded\s+[\d.]+s\s+3 children: 3 ✓$/m);
    expect(text).toMatch(/^Train\s+Map\s+succeeded\s+[\d.]+s\s+3 children: 3 ✓$/m);
    expect(text).toMatch(/^Evaluate\s+Map\s+succeeded\s+[\d.]+s\s+3 children: 3 ✓$/m);

    // --json: every Map Run with its counts and where its ResultWriter wrote
    const shown = await cli.json<ShowJson>("show", "sharded-1");
    expect(shown.parent).toBeNull();
    const mapStates = shown.states.filter((s) => s.type === "Map");
    expect(shown.mapRuns.map((r) => r.mapRunArn)).toEqual(mapStates.map((s) => s.mapRunArn));
    for (const run of shown.mapRuns) {
      expect(run).toMatchObject({ status: "SUCCEEDED", toleratedFailurePercentage: 0 });
      expect(run.executionCounts).toMatchObject({ total: 3, succeeded: 3, failed: 0, running: 0, pending: 0 });
      expect(run.resultWriter?.bucket).toBe("tollgate-data");
      expect(run.resultWriter?.key).toMatch(
        /^runs\/sharded-1\/maps\/(terms|term-merge|train|evaluate)\/.+\/manifest\.json$/,
      );
      expect(await tg?.stores.objects.data.exists(run.resultWriter?.key ?? "")).toBe(true);
    }

    // --map: the children of every Train round, each with its status and duration
    const listed = await cli.tollgate("show", "sharded-1", "--map", "Train");
    const rounds = shown.mapRuns.filter((r) => r.stateName === "Train").length;
    expect(listed.match(/^Train map run \d+ of \d+ {3}SUCCEEDED {3}3 children: 3 ✓/gm)).toHaveLength(rounds);
    const trainJson = await cli.json<ShowJson>("show", "sharded-1", "--map", "Train");
    const firstRound = trainJson.mapRuns.find((r) => r.stateName === "Train");
    const children = firstRound?.children ?? [];
    expect(children.map((c) => [c.index, c.status])).toEqual([
      [0, "SUCCEEDED"],
      [1, "SUCCEEDED"],
      [2, "SUCCEEDED"],
    ]);
    for (const c of children) {
      expect(c.durationMs).toBeGreaterThan(0);
      expect(listed).toMatch(new RegExp(`^${c.name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}\\s+SUCCEEDED\\s`, "m"));
    }
    await expect(cli.tollgate("show", "sharded-1", "--map", "Gate")).rejects.toThrow(
      "run sharded-1 has no Map Run of state Gate (its Map states: CountTerms, MergeTerms, Train, Evaluate)",
    );

    // a child opens on its own: its states, input and output, and its parent
    const child = children[1]?.name ?? "";
    const childText = await cli.tollgate("show", child);
    expect(childText).toContain(`run       ${child}`);
    expect(childText).toMatch(/^child of {2}sharded-1 {3}Map state Train, item 1 /m);
    expect(childText).toMatch(/^TrainShard\s+Task\s+succeeded\s+[\d.]+s/m);
    const childJson = await cli.json<ShowJson & { events: { type: string }[] }>("show", child);
    expect(childJson.parent).toEqual({
      name: "sharded-1",
      stateName: "Train",
      mapRunArn: firstRound?.mapRunArn,
      index: 1,
    });
    expect(childJson.execution.mapRunArn).toBe(firstRound?.mapRunArn);
    expect(childJson.execution.input).toMatchObject({ BatchInput: { runId: "sharded-1" }, Items: [{}] });
    expect(childJson.execution.output).toMatchObject({ examples: expect.any(Number), key: expect.any(String) });
    expect(childJson.events.map((e) => e.type)).toContain("TaskSucceeded");
    expect(childJson.mapRuns).toEqual([]);
  });
});

describe("a failed child of the MergeTerms Map (issue 12 item 8)", () => {
  it("fails the run at MergeTerms, recorded failed; the redrive reruns only the children that did not succeed", async () => {
    const faultHome = tempHome();
    const options = { home: faultHome, ...SHARDED.options };
    const failing = openTollgate({ ...options, faults: ["MergeTerms[1]"] });
    const mergeChildren = (tg: Tollgate) => mapRunChildren(tg, "merge-fault", "MergeTerms");
    let succeededFirst: { name: string; stopDate: string | null }[] = [];
    try {
      const key = await addRaw(failing, "sharded", SHARDED.rows, 11);
      const input = { dataset: "topics", modelName: "topics", gate: fixtureGate(0.8), seed: 7, sources: [key] };
      const run = await (await failing.workflow.start("merge-fault", input)).done;
      expect(run).toMatchObject({ status: "FAILED", error: "States.ExceedToleratedFailureThreshold" });
      // left uncaught at the Map (so that an AWS redrive reaches the Map Run), recorded failed all the same
      const entered = failing.stores.executions
        .history("merge-fault")
        .filter((e) => e.type === "MapStateEntered" || e.type === "TaskStateEntered")
        .map((e) => (e.stateEnteredEventDetails as { name: string }).name);
      expect(entered.at(-1)).toBe("MergeTerms");
      expect(entered).not.toContain("RecordFailure");
      expect((await failing.stores.registry.getRun("merge-fault"))?.decision).toBe("failed");
      expect(await failing.stores.registry.getLive("topics")).toBeUndefined();
      const { children } = mergeChildren(failing);
      expect(children.find((c) => c.name.endsWith("/1"))).toMatchObject({
        status: "FAILED",
        error: "InjectedFaultError",
      });
      // (a child running beside the failed one is stopped with the Map Run: it is redriven too)
      succeededFirst = children
        .filter((c) => c.status === "SUCCEEDED")
        .map((c) => ({ name: c.name, stopDate: c.stopDate }));
    } finally {
      failing.close();
    }
    const again = openTollgate(options);
    try {
      const run = await (await again.workflow.redrive("merge-fault")).done;
      expect(run).toMatchObject({ status: "SUCCEEDED", redriveCount: 1 });
      const history = again.stores.executions.history("merge-fault");
      const redriven = history.findIndex((e) => e.type === "ExecutionRedriven");
      expect(history[redriven + 1]?.stateEnteredEventDetails).toMatchObject({ name: "MergeTerms" });
      expect(history.filter((e) => e.type === "MapRunRedriven")).toHaveLength(1);
      // the MergeTerms Map Run: every child succeeded; the failed one was redriven, those that had
      // succeeded were not run again (same end, redriveCount 0)
      const { mapRun, children } = mergeChildren(again);
      expect(mapRun).toMatchObject({ status: "SUCCEEDED", redriveCount: 1 });
      expect(children.map((c) => c.status)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
      expect(children.find((c) => c.name.endsWith("/1"))?.redriveCount).toBe(1);
      for (const first of succeededFirst)
        expect(children.find((c) => c.name === first.name)).toMatchObject({
          redriveCount: 0,
          stopDate: first.stopDate,
        });
      expect((await again.stores.registry.getRun("merge-fault"))?.decision).toBe("promoted");
    } finally {
      again.close();
    }
  });
});
