/**
 * A run that fans out, end to end through the real engine and the real ASL file: the local Glue job
 * writes 3 curated shards (a shard-size limit), Preprocess reads too few of them for the spec, so the
 * CountTerms Map counts it (3 children) and MergeTerms writes the exact spec; Select chooses the
 * hyperparameters, the Train Map runs 3 children per round in worker processes, Merge averages them,
 * the Evaluate Map scores 3 shards and Score sums their counts. The CLI's progress printer shows each
 * Map's children done out of total and the time left.
 */
import { progressPrinter } from "@tollgate/cli/progress";
import { CuratedRow, Manifest } from "@tollgate/core/contracts";
import { readJson, readJsonLines } from "@tollgate/core/json-lines";
import { buildFeatureSpec, FeatureSpec } from "@tollgate/core/ml/feature-spec";
import { splitOf } from "@tollgate/core/ml/split";
import { openTollgate, type Tollgate } from "@tollgate/local/app";
import { afterAll, describe, expect, it } from "vitest";
import { fixtureGate, tempHome } from "../helpers/topics.ts";
import { addRaw } from "../reliability/inputs.ts";

let tg: Tollgate | undefined;
afterAll(() => tg?.close());

describe("a run over several curated shards", () => {
  it("counts the spec, selects, trains and evaluates in several Map children, and promotes", async () => {
    tg = openTollgate({
      home: tempHome(),
      etlLimits: { shardRows: 200 },
      scale: { rowsPerChild: 200, specSampleRows: 100 },
    });
    const key = await addRaw(tg, "sharded", 600, 11);
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
    expect(entered.slice(0, 9)).toEqual([
      "Etl",
      "CheckNewData",
      "NewData",
      "Preprocess",
      "SpecCounted",
      "CountTerms",
      "MergeTerms",
      "Sharded",
      "Select",
    ]);
    expect(entered).toContain("Train");
    expect(entered).toContain("Evaluate");

    // Every Map Run had 3 children, each its own execution with its own history
    const runs = tg.stores.mapRuns.list("sharded-1");
    const byState = (state: string) => runs.filter((r) => r.stateName === state);
    for (const state of ["CountTerms", "Train", "Evaluate"]) {
      expect(byState(state).length, state).toBeGreaterThan(0);
      for (const run of byState(state)) {
        expect(run.executionCounts, state).toMatchObject({ total: 3, succeeded: 3, failed: 0 });
        const children = tg.stores.executions.list({ mapRunArn: run.mapRunArn });
        expect(children.map((c) => c.status)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
      }
    }

    // The terminal's progress: a line each time a Map child ends, with the time left while some remain
    for (const state of ["CountTerms", "Train", "Evaluate"]) {
      expect(printed, state).toContainEqual(
        expect.stringMatching(new RegExp(`^  ↻ ${state}: 1/3 children done, [\\d.]+s, ~\\d+s left$`)),
      );
      expect(printed, state).toContainEqual(
        expect.stringMatching(new RegExp(`^  ↻ ${state}: 3/3 children done, [\\d.]+s$`)),
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
    expect(spec).toEqual(await buildFeatureSpec(train, Object.keys(manifest.labels).sort()));

    // Sharded training chose its hyperparameters in Select, and the model went live
    expect(output.training.chosen).not.toBeNull();
    expect(output.evaluation.testRows).toBe(test);
    expect(output.decision.decision).toBe("promoted");
    expect(output.evaluation.accuracy).toBeGreaterThanOrEqual(0.8);
  });
});
