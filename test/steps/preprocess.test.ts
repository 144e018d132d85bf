/** core/steps/preprocess.ts: the deterministic split and the feature spec, and the datasets it refuses. */

import { CuratedRow } from "@tollgate/core/contracts";
import { InvalidDatasetError } from "@tollgate/core/errors";
import { readJson, readJsonLines } from "@tollgate/core/json-lines";
import { FeatureSpec } from "@tollgate/core/ml/feature-spec";
import { splitOf } from "@tollgate/core/ml/split";
import { MAX_CLASSES, preprocess } from "@tollgate/core/steps/preprocess";
import { describe, expect, it } from "vitest";
import { topicRows } from "../helpers/topics.ts";
import { freshPorts, putCurated } from "./fixtures.ts";

describe("Preprocess", () => {
  it("puts each row in the split the hash of its text names, and builds the spec on the train split", async () => {
    // Prepare
    const ports = freshPorts();
    const rows = topicRows(300, 1);
    const manifestKey = await putCurated(ports, "topics", rows);

    // Act
    const out = await preprocess(ports, { runId: "run-1", dataset: "topics", manifestKey });

    // Assess
    expect(out.counts.train + out.counts.validation + out.counts.test).toBe(rows.length);
    expect(out.classes).toBe(3);
    for (const split of ["train", "validation", "test"] as const) {
      expect(out.splits[split].every((key) => key.startsWith("prepared/topics/v1/"))).toBe(true);
      const written = [];
      for await (const row of readJsonLines(ports.data, out.splits[split], CuratedRow)) written.push(row);
      expect(written).toHaveLength(out.counts[split]);
      expect(written.every((row) => splitOf(row.text) === split)).toBe(true);
    }
    const spec = await readJson(ports.data, out.featureSpecKey, FeatureSpec);
    expect(spec).toMatchObject({ labels: ["animal", "food", "sport"], documents: out.counts.train });
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
    const run = preprocess(ports, { runId: "run-1", dataset: "topics", manifestKey });

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
    const run = preprocess(ports, { runId: "run-1", dataset: "ids", manifestKey });

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
    const run = preprocess(ports, { runId: "run-1", dataset: "topics", manifestKey });

    // Assess
    await expect(run).rejects.toThrow(InvalidDatasetError);
    await expect(run).rejects.toThrowErrorMatchingInlineSnapshot(
      `[InvalidDatasetError: dataset topics has 2 valid rows: too few to fill the validation and test split(s); add more rows (at least a few dozen)]`,
    );
  });
});
