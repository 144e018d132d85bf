/**
 * Data quality through the CLI on the local backend (the real engine, the local ETL and stores):
 * `show` prints the ETL counts, the quarantine reasons, the smallest classes and a label-shift
 * warning; `tollgate quarantine <run>` lists the quarantined rows with file, line and reason.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type DataQuality, LABEL_SHIFT_WARNING, totalVariation } from "@tollgate/core/workflow/data-quality";
import { beforeAll, describe, expect, it } from "vitest";
import { localCli } from "../helpers/cli.ts";
import { FIXTURE_ENV, tempHome, topicRows, writeJsonl } from "../helpers/topics.ts";

const home = tempHome();
const env = { TOLLGATE_HOME: home, ...FIXTURE_ENV };

const { tollgate, json } = localCli(env);

let first: string;
let second: string;

beforeAll(async () => {
  first = (await json<{ name: string }>("ingest", writeJsonl(topicRows(600, 2)), "--dataset", "topics")).name;
  // Nearly all "animal", plus two rows the ETL quarantines (lines 3 and 6 of the file).
  const animals = topicRows(4000, 3)
    .filter((r) => r.label === "animal")
    .slice(0, 1200);
  const lines = animals.map((r) => JSON.stringify(r));
  lines.splice(2, 0, "{not json");
  lines.splice(5, 0, JSON.stringify({ text: "a row without its label" }));
  const file = join(tempHome(), "animals.jsonl");
  writeFileSync(file, lines.join("\n"));
  second = (await json<{ name: string }>("ingest", file, "--dataset", "topics")).name;
});

describe("show: data quality", () => {
  it("prints rows read, valid, duplicates, quarantined per reason and the smallest classes", async () => {
    const { quality } = await json<{ quality: DataQuality }>("show", second);
    expect(quality.counts).toMatchObject({ quarantined: 2 });
    expect(quality.counts.read).toBe(600 + 1202);
    expect(quality.counts.valid + quality.counts.quarantined + quality.counts.duplicates).toBe(quality.counts.read);
    expect(quality.quarantinedByReason).toEqual({ malformed_json: 1, missing_label: 1 });
    expect(quality.smallest[0]?.rows).toBe(Math.min(...Object.values(quality.labels)));
    const text = await tollgate("show", second);
    expect(text).toMatch(
      new RegExp(
        `^data\\s+read ${quality.counts.read}\\s+valid ${quality.counts.valid}\\s+duplicates \\d+\\s+quarantined 2 \\((malformed_json 1, missing_label 1|missing_label 1, malformed_json 1)\\)$`,
        "m",
      ),
    );
    expect(text).toMatch(/^labels\s+3 classes; smallest: \w+ \d+, \w+ \d+, animal \d+$/m);
  });

  it("warns of a sharp label shift from the live model's training data, with the measure", async () => {
    const { quality } = await json<{ quality: DataQuality }>("show", second);
    const live = (await json<{ versions: { version: string; runId: string }[] }>("models")).versions.find(
      (v) => v.runId === first,
    );
    expect(quality.shift?.baseline.version).toBe(live?.version);
    expect(quality.shift?.tvd).toBeGreaterThanOrEqual(LABEL_SHIFT_WARNING);
    expect(quality.shift?.warning).toBe(true);
    expect(await tollgate("show", second)).toMatch(
      /^WARNING label shift 0\.\d{3} \(total variation distance ≥ 0\.2\) vs the training data of /m,
    );
    // the first run had no model to compare with
    expect((await json<{ quality: DataQuality }>("show", first)).quality.shift).toBeNull();
  });

  it("measures shift as the total variation distance", () => {
    expect(totalVariation({ a: 50, b: 50 }, { a: 50, b: 50 })).toBe(0);
    expect(totalVariation({ a: 1 }, { b: 1 })).toBe(1);
    expect(totalVariation({ a: 3, b: 1 }, { a: 1, b: 1 })).toBeCloseTo(0.25, 12);
  });
});

describe("quarantine <run>", () => {
  it("lists the quarantined rows with their file, line and reason", async () => {
    const out = await json<{ total: number; rows: { source: string; line: number; reason: string; raw: string }[] }>(
      "quarantine",
      second,
    );
    expect(out.total).toBe(2);
    expect(out.rows.map((r) => [r.line, r.reason, r.raw])).toEqual([
      [3, "malformed_json", "{not json"],
      [6, "missing_label", JSON.stringify({ text: "a row without its label" })],
    ]);
    expect(out.rows[0]?.source).toMatch(/^raw\/topics\//);
    const text = await tollgate("quarantine", second, "--reason", "missing_label");
    expect(text).toMatch(/^raw\/topics\/\S+\s+6\s+missing_label\s+\{"text":"a row without its label"\}$/m);
    expect(await tollgate("quarantine", first)).toBe(`run ${first} quarantined no rows`);
  });
});
