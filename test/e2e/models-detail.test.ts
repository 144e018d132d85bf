/**
 * `tollgate models show` and `models compare` on the local backend, with two versions made by the
 * real workflow: the card's numbers are those Train and Evaluate recorded, and the comparison
 * scores both versions on the newer one's test split (the same split Evaluate used).
 */
import type { Metrics } from "@tollgate/core/contracts";
import type { Lineage } from "@tollgate/core/registry/lineage";
import type { Comparison, ModelDetail } from "@tollgate/core/registry/model-detail";
import { openTollgate } from "@tollgate/local/app";
import { beforeAll, describe, expect, it } from "vitest";
import { localCli } from "../helpers/cli.ts";
import { FIXTURE_ENV, tempHome, topicRows, writeJsonl } from "../helpers/topics.ts";

const home = tempHome();
const env = { TOLLGATE_HOME: home, ...FIXTURE_ENV };

const { tollgate, json } = localCli(env);

let older: string;
let newer: string;

beforeAll(async () => {
  await tollgate("ingest", writeJsonl(topicRows(400, 5)), "--dataset", "topics");
  await tollgate("ingest", writeJsonl(topicRows(900, 6)), "--dataset", "topics");
  const models = await json<{ versions: { version: string }[] }>("models");
  [newer, older] = models.versions.map((v) => v.version) as [string, string];
});

/** What Evaluate stored for the newer version: its metrics and the live (older) model's on the same rows. */
async function evaluated(): Promise<{ candidate: Metrics; live: { version: string; metrics: Metrics } }> {
  const tg = openTollgate({ home });
  try {
    const record = await tg.stores.registry.getModelVersion("topics", newer);
    const bytes = await tg.stores.objects.models.get(record?.metricsKey ?? "");
    return JSON.parse(Buffer.from(bytes).toString("utf8"));
  } finally {
    tg.close();
  }
}

describe("models show", () => {
  it("prints the card: data version, splits, hyperparameters, test metrics per class and the confusions", async () => {
    const detail = await json<ModelDetail>("models", "show", newer);
    const { candidate } = await evaluated();
    expect(detail.record.version).toBe(newer);
    expect(detail.test).toEqual(candidate);
    const card = detail.card as { counts: { test: number }; datasetVersion: string };
    expect(card.counts.test).toBe(candidate.count);
    const text = await tollgate("models", "show", newer);
    expect(text).toContain(`dataset version ${card.datasetVersion}`);
    expect(text).toMatch(/^splits\s+train \d+\s+validation \d+\s+test \d+$/m);
    expect(text).toMatch(/^training\s+learning rate [\d.]+\s+L2 [\de.-]+\s+n-grams 1–[12]\s+min df \d+/m);
    for (const label of ["animal", "food", "sport"]) {
      const m = candidate.perClass[label];
      expect(text).toMatch(
        new RegExp(
          `^${label}\\s+${m?.precision.toFixed(4)}\\s+${m?.recall.toFixed(4)}\\s+${m?.f1.toFixed(4)}\\s+${m?.support}$`,
          "m",
        ),
      );
    }
    expect(text).toMatch(/^TRUE \\ PREDICTED\s+\w+\s+\w+\s+\w+$/m);
    // every cell of the matrix is in the table, which has one row per class
    const rows = text.split("\n").filter((l) => /^(animal|food|sport)\s+\d+\s+\d+\s+\d+$/.test(l));
    expect(rows).toHaveLength(3);
    const total = rows.flatMap((r) => r.split(/\s+/).slice(1).map(Number)).reduce((a, b) => a + b, 0);
    expect(total).toBe(candidate.count);
  });

  it("lists every candidate the search scored on validation, and marks the one chosen", async () => {
    const detail = await json<ModelDetail>("models", "show", newer);
    type Scored = { validationAccuracy: number; validationLoss: number };
    const { selection } = (detail.card as { training: { selection: SelectionCard } }).training;
    type SelectionCard = {
      candidates: (Scored & { rung: number; rows: number; learningRate: number; l2: number })[];
      exact: { candidates: (Scored & { c: number; passes: number })[]; chosen: { c: number } | null };
    };
    expect(selection.candidates.length).toBeGreaterThan(1);
    const text = await tollgate("models", "show", newer);
    const rows = text.split("\n");
    for (const k of selection.candidates) {
      const row = `${k.rung}\\s+${k.rows}\\s+\\d+\\s+${k.learningRate}\\s+${k.l2}\\s+1–[12]\\s+\\d+\\s+${k.validationAccuracy.toFixed(4)}\\s+${k.validationLoss.toFixed(4)}$`;
      expect(rows.some((l) => new RegExp(`^[ *]\\s+${row}`).test(l))).toBe(true);
    }
    // the small fixture runs the exact solver's race too: its candidates are listed the same way
    expect(selection.exact.candidates.length).toBeGreaterThan(0);
    for (const k of selection.exact.candidates) {
      const row = `${k.c}\\s+.+\\s+${k.passes}\\s+${k.validationAccuracy.toFixed(4)}\\s+${k.validationLoss.toFixed(4)}$`;
      expect(rows.some((l) => new RegExp(`^[ *]\\s+${row}`).test(l))).toBe(true);
    }
    // one winner: a rung's row when the race chose nothing, else the race's row
    expect(rows.filter((l) => l.startsWith("*"))).toHaveLength(1);
    const marked = rows.find((l) => l.startsWith("*")) ?? "";
    if (selection.exact.chosen) expect(marked).toMatch(new RegExp(`^\\*\\s+${selection.exact.chosen.c}\\s`));
    else expect(marked).toMatch(/^\*\s+1\s/);
  });

  it("names a version that does not exist", async () => {
    await expect(tollgate("models", "show", "v-nope")).rejects.toThrow(/has no version v-nope/);
  });
});

describe("models compare", () => {
  it("scores both versions on the newer one's test split: the accuracies Evaluate found, McNemar, per-class F1", async () => {
    const c = await json<Comparison>("models", "compare", older, newer);
    const { candidate, live } = await evaluated();
    expect(live.version).toBe(older);
    expect(c.on.rows).toBe(candidate.count);
    expect(c.a.metrics.accuracy).toBeCloseTo(live.metrics.accuracy, 12);
    expect(c.b.metrics.accuracy).toBeCloseTo(candidate.accuracy, 12);
    const { onlyA, onlyB } = c.accuracy.mcnemar;
    expect(c.accuracy.difference).toBeCloseTo((onlyB - onlyA) / c.on.rows, 12);
    expect(c.accuracy.ci95[0]).toBeLessThanOrEqual(c.accuracy.difference);
    expect(c.accuracy.ci95[1]).toBeGreaterThanOrEqual(c.accuracy.difference);
    expect(c.perClass.map((p) => p.label).sort()).toEqual(["animal", "food", "sport"]);
    for (const p of c.perClass) expect(p.difference).toBeCloseTo(p.b - p.a, 12);
    const text = await tollgate("models", "compare", older, newer);
    expect(text).toMatch(/^accuracy\s+\d\.\d{4}\s+\d\.\d{4}\s+[+-]\d\.\d{4}\s+\[[+-]\d\.\d{4}, [+-]\d\.\d{4}\]$/m);
    expect(text).toMatch(
      /^McNemar: only A right \d+, only B right \d+; χ² [\d.]+ \(continuity-corrected\) p [\d.e-]+; exact p/m,
    );
  });

  it("scores on another dataset version with --on, and refuses one without a test split", async () => {
    const olderCard = (await json<ModelDetail>("models", "show", older)).card as { datasetVersion: string };
    const c = await json<Comparison>("models", "compare", older, newer, "--on", olderCard.datasetVersion);
    expect(c.on.datasetVersion).toBe(olderCard.datasetVersion);
    expect(c.on.rows).toBe((await json<ModelDetail>("models", "show", older)).test?.count);
    await expect(tollgate("models", "compare", older, newer, "--on", "nope")).rejects.toThrow(/no test split/);
  });
});

describe("lineage", () => {
  it("goes from the raw files through the dataset and run to the version and every decision, with who and why", async () => {
    await tollgate("rollback", "--reason", "checking lineage");
    const l = await json<Lineage>("lineage", older);
    const card = (await json<ModelDetail>("models", "show", older)).card as { datasetVersion: string; runId: string };
    expect(l.model.version).toBe(older);
    expect(l.live).toBe(true);
    expect(l.data?.datasetVersion).toBe(card.datasetVersion);
    expect(l.data?.rawFiles).toHaveLength(1);
    expect(l.data?.rawFiles[0]?.key).toMatch(/^raw\/topics\//);
    expect(l.run?.runId).toBe(card.runId);
    expect(l.decisions.map((d) => [d.action, d.live.before, d.live.after])).toEqual([
      ["promote", null, older],
      ["promote", older, newer],
      ["rollback", newer, older],
    ]);
    expect(l.decisions.at(-1)).toMatchObject({ by: expect.stringMatching(/^cli:/), reason: "checking lineage" });
    const text = await tollgate("lineage", older);
    expect(text).toMatch(new RegExp(`^dataset\\s+${card.datasetVersion}$`, "m"));
    expect(text).toMatch(new RegExp(`^model\\s+topics@${older}\\s+live\\s+created `, "m"));
    expect(text).toMatch(/ rollback .* cli:\S+\s+checking lineage$/m);
    await tollgate("promote", newer);
  });
});
