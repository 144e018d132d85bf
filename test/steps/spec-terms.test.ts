/**
 * core/steps/spec-terms.ts: the CountTerms Map's children, the MergeTerms Map's children and
 * SelectTerms give the exact spec (the one a single scan of every training row gives) when
 * Preprocess did not read every row, whatever the number of term partitions, of partitions per
 * MergeTerms child, and the order the children of both Maps are listed in.
 */
import { CuratedRow } from "@tollgate/core/contracts";
import { readJson } from "@tollgate/core/json-lines";
import { readJsonLines } from "@tollgate/core/json-lines-reader";
import { buildFeatureSpec, FeatureSpec } from "@tollgate/core/ml/feature-spec";
import { splitOf } from "@tollgate/core/ml/split";
import { partitionOf, type TermCount, TopTerms } from "@tollgate/core/ml/term-tables";
import { countShardTerms, preprocess, termCandidatesKey, termTableKey } from "@tollgate/core/steps";
import { describe, expect, it } from "vitest";
import { rng, topicRows } from "../helpers/topics.ts";
import { freshPorts, putCurated } from "./fixtures.ts";
import { batches, countedSpec, SCALE, termSpec } from "./pipeline.ts";

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

  it("does not depend on the children's order, the number of partitions or of partitions per merge child", async () => {
    const { ports, manifestKey, out, exact } = await prepared(100);
    const jobs = await batches(ports, out);
    const runs = [
      { termParts: 1, partsPerChild: 1 },
      { termParts: 7, partsPerChild: 1, reversed: true },
      { termParts: 7, partsPerChild: 3, reversed: true },
      { termParts: 5, partsPerChild: 5 },
    ];
    for (const run of runs) {
      const runId = `run-${run.termParts}-${run.partsPerChild}`;
      const featureSpecKey = `prepared/${runId}/features.json`;
      await termSpec(ports, { runId, manifestKey, featureSpecKey }, jobs, run);
      expect(await readJson(ports.data, featureSpecKey, FeatureSpec), JSON.stringify(run)).toEqual(exact);
    }
    // the merge child of partitions 3–5 wrote the terms of its partitions only
    const candidates = new TextDecoder().decode(await ports.data.get(termCandidatesKey("run-7-3", 3)));
    const parts = candidates
      .split("\n")
      .filter(Boolean)
      .map((line) => partitionOf(line.split("\t")[0] ?? "", 7));
    expect(parts.length).toBeGreaterThan(0);
    expect(new Set(parts)).toEqual(new Set([3, 4, 5]));
  });

  it("selects the same top terms from the merge children's cut candidate lists as from every term", () => {
    // the step's cap (100k terms) is far above these fixtures' vocabularies: cut at 50 here, as a child does at the cap
    const random = rng(3);
    const terms: TermCount[] = Array.from({ length: 2000 }, (_, i) => [`t${i}`, 1 + Math.floor(random() * 40)]);
    const all = new TopTerms(50, 2);
    for (const [term, df] of terms) all.offer(term, df);
    for (const [parts, perChild] of [
      [7, 1],
      [7, 3],
      [16, 5],
    ] as const) {
      const final = new TopTerms(50, 2);
      for (let first = 0; first < parts; first += perChild) {
        const child = new TopTerms(50, 2);
        for (const [term, df] of terms) {
          const part = partitionOf(term, parts);
          if (part >= first && part < first + perChild) child.offer(term, df);
        }
        for (const [term, df] of child.result().reverse()) final.offer(term, df);
      }
      expect(final.result(), `${parts} partitions, ${perChild} a child`).toEqual(all.result());
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
