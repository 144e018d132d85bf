/**
 * core/steps/spec-terms.ts: the CountTerms Map's children and MergeTerms give the exact spec (the
 * one a single scan of every training row gives) when Preprocess did not read every row, whatever
 * the number of term partitions and the order the children are listed in.
 */
import { CuratedRow } from "@tollgate/core/contracts";
import { readJson, readJsonLines } from "@tollgate/core/json-lines";
import { buildFeatureSpec, FeatureSpec } from "@tollgate/core/ml/feature-spec";
import { splitOf } from "@tollgate/core/ml/split";
import { countShardTerms, mergeTerms, preprocess, termTableKey } from "@tollgate/core/steps";
import { describe, expect, it } from "vitest";
import { topicRows } from "../helpers/topics.ts";
import { freshPorts, putCurated, putMapResults } from "./fixtures.ts";
import { batches, countedSpec, SCALE } from "./pipeline.ts";

const LABELS = ["animal", "food", "sport"];

async function prepared(specSampleRows: number) {
  const ports = freshPorts();
  const rows = topicRows(1200, 7, 0.2);
  const manifestKey = await putCurated(ports, "topics", rows, 12);
  const out = await preprocess(ports, {
    runId: "run-1",
    dataset: "topics",
    manifestKey,
    scale: { ...SCALE, specSampleRows, rowsPerChild: 200, sampleRows: 20 },
  });
  const train = rows.filter((row) => splitOf(row.text) === "train");
  return { ports, manifestKey, out, exact: await buildFeatureSpec(train, LABELS) };
}

describe("the exact spec of a corpus Preprocess did not read whole", () => {
  it("is the spec of a scan of every training row, counted by the children and merged by partition", async () => {
    // Prepare: 1,200 rows in 12 shards, Preprocess stops after ~300 spec rows → not exact, 4 partitions
    const { ports, manifestKey, out, exact } = await prepared(300);
    expect(out.exact).toBe(false);
    expect(out.termParts).toBe(4);
    expect(out.fanOut.children).toBe(6);

    // Act
    const merged = await countedSpec(ports, "run-1", out, manifestKey);

    // Assess
    const spec = await readJson(ports.data, out.featureSpecKey, FeatureSpec);
    expect(spec).toEqual(exact);
    expect(merged).toEqual({
      featureSpecKey: out.featureSpecKey,
      documents: exact.documents,
      features: exact.vocabulary.length,
    });
    // every term of a child is in exactly one partition's table
    const first = await batches(ports, out);
    const tables = [0, 1, 2, 3].map((part) => termTableKey("run-1", part, first[0]?.[0]?.index ?? -1));
    const lines = await Promise.all(
      tables.map(async (key) =>
        new TextDecoder()
          .decode(await ports.data.get(key))
          .split("\n")
          .filter(Boolean),
      ),
    );
    expect(lines.every((part) => part.length > 0)).toBe(true);
    expect(new Set(lines.flat().map((l) => l.split("\t")[0])).size).toBe(lines.flat().length);
  });

  it("does not depend on the children's order or on the number of partitions", async () => {
    const { ports, manifestKey, out, exact } = await prepared(100);
    const jobs = await batches(ports, out);
    for (const termParts of [1, 7]) {
      const runId = `run-parts-${termParts}`;
      const outputs = [];
      for (const Items of jobs)
        outputs.push(await countShardTerms(ports, { BatchInput: { runId, manifestKey, termParts }, Items }));
      const results = await putMapResults(ports, `runs/${runId}/maps/terms`, outputs.reverse());
      const featureSpecKey = `prepared/${runId}/features.json`;
      await mergeTerms(ports, { runId, manifestKey, featureSpecKey, termParts, children: jobs.length, results });
      expect(await readJson(ports.data, featureSpecKey, FeatureSpec), `${termParts} partitions`).toEqual(exact);
    }
  });

  it("counts only the training rows of the child's own shards", async () => {
    const { ports, manifestKey, out } = await prepared(100);
    const [Items = []] = await batches(ports, out);
    const counted = await countShardTerms(ports, { BatchInput: { runId: "run-1", manifestKey, termParts: 2 }, Items });
    let train = 0;
    for await (const row of readJsonLines(
      ports.data,
      Items.map((i) => i.key),
      CuratedRow,
    ))
      if (splitOf(row.text) === "train") train++;
    expect(counted).toMatchObject({ index: Items[0]?.index, documents: train });
  });
});
