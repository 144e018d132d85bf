/** core/steps/preprocess.ts: bounded samples, the feature spec, the Maps' fan-out, and the datasets it refuses. */

import { CuratedRow, type ScaleSettings, ShardItem } from "@tollgate/core/contracts";
import { InvalidDatasetError } from "@tollgate/core/errors";
import { readJson } from "@tollgate/core/json-lines";
import { readJsonLines } from "@tollgate/core/json-lines-reader";
import { buildFeatureSpec, FeatureSpec } from "@tollgate/core/ml/feature-spec";
import { splitOf } from "@tollgate/core/ml/split";
import { fanOutOf, MAX_CLASSES, preprocess } from "@tollgate/core/steps/preprocess";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { topicRows } from "../helpers/topics.ts";
import { freshPorts, putCurated } from "./fixtures.ts";
import { SCALE } from "./pipeline.ts";

const inputOf = (manifestKey: string, scale: Partial<ScaleSettings> = {}, dataset = "topics") => ({
  runId: "run-1",
  dataset,
  manifestKey,
  scale: { ...SCALE, ...scale },
});

describe("Preprocess", () => {
  it("reads a dataset within its samples whole: exact split counts, the spec on the train split, the samples, the shard list", async () => {
    // Prepare
    const ports = freshPorts();
    const rows = topicRows(300, 1);
    const manifestKey = await putCurated(ports, "topics", rows, 3);

    // Act
    const out = await preprocess(ports, inputOf(manifestKey));

    // Assess
    expect(out.exact).toBe(true);
    expect(out.classes).toBe(3);
    for (const split of ["train", "validation", "test"] as const) {
      expect(out.counts[split]).toBe(rows.filter((r) => splitOf(r.text) === split).length);
    }
    const spec = await readJson(ports.data, out.featureSpecKey, FeatureSpec);
    expect(spec).toMatchObject({ labels: ["animal", "food", "sport"], documents: out.counts.train });
    for (const split of ["train", "validation"] as const) {
      const sample = [];
      for await (const row of readJsonLines(ports.data, [out.samples[split]], CuratedRow)) sample.push(row);
      expect(sample).toHaveLength(out.counts[split]);
      expect(sample.every((row) => splitOf(row.text) === split)).toBe(true);
    }
    const shards = await readJson(ports.data, out.shardsKey, z.array(ShardItem));
    expect(shards.map((s) => [s.index, s.key, s.rows])).toEqual([
      [0, "curated/topics/v1/part-00000.jsonl", 100],
      [1, "curated/topics/v1/part-00001.jsonl", 100],
      [2, "curated/topics/v1/part-00002.jsonl", 100],
    ]);
  });

  it("gives the spec an unsharded scan gives: the train rows in shard order", async () => {
    // Prepare
    const ports = freshPorts();
    const manifestKey = await putCurated(ports, "topics", topicRows(400, 3), 4);
    const shards = [0, 1, 2, 3].map((k) => `curated/topics/v1/part-0000${k}.jsonl`);
    const trainRows = [];
    for await (const row of readJsonLines(ports.data, shards, CuratedRow))
      if (splitOf(row.text) === "train") trainRows.push(row);

    // Act
    const out = await preprocess(ports, inputOf(manifestKey));

    // Assess
    const spec = await readJson(ports.data, out.featureSpecKey, FeatureSpec);
    expect(spec).toEqual(await buildFeatureSpec(trainRows, ["animal", "food", "sport"]));
  });

  it("stops reading at the shard where the spec sample and both row samples are full", async () => {
    // Prepare
    const ports = freshPorts();
    const manifestKey = await putCurated(ports, "topics", topicRows(800, 4), 8);

    // Act
    const out = await preprocess(ports, inputOf(manifestKey, { specSampleRows: 150, sampleRows: 5 }));

    // Assess: two shards of 100 rows hold 150+ training rows (and 5 of each sample); the spec is
    // left to the CountTerms Map, over 800 / 150 → 6 partitions of the terms
    expect(out.exact).toBe(false);
    expect(out.counts.train + out.counts.validation + out.counts.test).toBe(200);
    expect(await ports.data.exists(out.featureSpecKey)).toBe(false);
    expect(out.termParts).toBe(6);
    for (const split of ["train", "validation"] as const) {
      const sample = [];
      for await (const row of readJsonLines(ports.data, [out.samples[split]], CuratedRow)) sample.push(row);
      expect(sample).toHaveLength(5);
    }
  });

  it("batches shards to about rowsPerChild rows per Map child, at the configured concurrency", async () => {
    // Prepare
    const ports = freshPorts();
    const manifestKey = await putCurated(ports, "topics", topicRows(1000, 5), 10);

    // Act
    const out = await preprocess(ports, inputOf(manifestKey, { rowsPerChild: 300, mapConcurrency: 3 }));

    // Assess: 10 shards of 100 rows, 3 per child
    expect(out.fanOut).toEqual({ children: 4, shardsPerChild: 3, maxConcurrency: 3 });
    expect(fanOutOf([{ rows: 10 }, { rows: 10 }], { rowsPerChild: 1_000_000, mapConcurrency: 1 })).toEqual({
      children: 1,
      shardsPerChild: 100_000,
      maxConcurrency: 1,
    });
  });

  it("throws InvalidDatasetError when the dataset has one label", async () => {
    // Prepare
    const ports = freshPorts();
    const manifestKey = await putCurated(
      ports,
      "topics",
      topicRows(50, 2).map((r) => ({ ...r, label: "animal" })),
    );

    // Act
    const run = preprocess(ports, inputOf(manifestKey));

    // Assess
    await expect(run).rejects.toThrow(InvalidDatasetError);
    await expect(run).rejects.toThrowErrorMatchingInlineSnapshot(
      `[InvalidDatasetError: dataset topics has 1 label(s) (animal); a classifier needs at least two: add rows of another label]`,
    );
  });

  it(`throws InvalidDatasetError when the labels number more than ${MAX_CLASSES}`, async () => {
    // Prepare
    const ports = freshPorts();
    const rows = Array.from({ length: MAX_CLASSES + 1 }, (_, i) => ({ text: `row ${i}`, label: `id-${i}` }));
    const manifestKey = await putCurated(ports, "ids", rows);

    // Act
    const run = preprocess(ports, inputOf(manifestKey, {}, "ids"));

    // Assess
    await expect(run).rejects.toThrowErrorMatchingInlineSnapshot(
      `[InvalidDatasetError: dataset ids has 501 distinct labels (at most 500): check that the label field holds a class, not free text or an id]`,
    );
  });

  it("throws InvalidDatasetError when a split would be empty", async () => {
    // Prepare
    const ports = freshPorts();
    const rows = [
      { text: "a dog", label: "animal" },
      { text: "a goal", label: "sport" },
    ];
    const manifestKey = await putCurated(ports, "topics", rows);

    // Act
    const run = preprocess(ports, inputOf(manifestKey));

    // Assess
    await expect(run).rejects.toThrow(InvalidDatasetError);
    await expect(run).rejects.toThrowErrorMatchingInlineSnapshot(
      `[InvalidDatasetError: dataset topics has 2 valid rows: too few to fill the validation and test split(s); add more rows (at least a few dozen)]`,
    );
  });
});
