/**
 * Bad input: the run either succeeds on the valid rows with every bad row quarantined with a
 * reason, or fails fast with a named error that says what to fix. Nothing is dropped silently.
 */
import { describe, expect, it } from "vitest";
import { tempHome } from "../helpers/topics.ts";
import { good, jsonl, MIXED } from "./bad-files.ts";
import { input, open } from "./helpers.ts";

async function runOn(dataset: string, files: Record<string, Uint8Array | string>) {
  const tg = open({ home: tempHome() });
  try {
    const data = tg.portsFor("test").data;
    for (const [key, body] of Object.entries(files)) await data.put(key.replace("raw/mixed/", `raw/${dataset}/`), body);
    const execution = await (await tg.workflow.start(`run-${dataset}`, { ...input(), dataset, modelName: dataset }))
      .done;
    const manifestKey = `runs/run-${dataset}/manifest.json`;
    const manifest = (await data.exists(manifestKey))
      ? JSON.parse(new TextDecoder().decode(await data.get(manifestKey)))
      : null;
    const quarantine: { source: string; reason: string }[] = [];
    for (const key of manifest?.quarantineKeys ?? []) {
      const text = new TextDecoder().decode(await data.get(key));
      quarantine.push(
        ...text
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l)),
      );
    }
    return { execution, manifest, quarantine };
  } finally {
    tg.close();
  }
}

describe("a dataset mixing good rows with every kind of bad input", () => {
  it("succeeds on the valid rows and accounts for every record: valid + duplicates + quarantined", async () => {
    const { execution, manifest, quarantine } = await runOn(
      "mixed",
      Object.fromEntries(Object.entries(MIXED).map(([k, v]) => [k, v.body])),
    );
    expect(execution.status).toBe("SUCCEEDED");
    const fed = Object.values(MIXED).reduce((n, f) => n + f.records, 0);
    const { valid, duplicates, quarantined } = manifest.counts;
    expect(valid + duplicates + quarantined).toBe(fed);
    expect(quarantine).toHaveLength(quarantined);
    const reasons = new Set(quarantine.map((q: { reason: string }) => q.reason));
    for (const reason of [
      "malformed_json",
      "not_an_object",
      "malformed_csv",
      "text_too_long",
      "invalid_utf8",
      "invalid_label",
      "label_too_long",
      "label_not_string",
      "binary_file",
    ]) {
      expect(reasons).toContain(reason);
    }
    for (const q of quarantine) expect(q.source).toMatch(/^raw\/mixed\//);
  });
});

describe("input that cannot train a model fails fast with a named error saying what to fix", () => {
  it.each([
    ["only empty files", { "raw/mixed/a.jsonl": "", "raw/mixed/b.csv": "text,label\n" }, /InvalidDatasetError/],
    ["a single class", { "raw/mixed/a.jsonl": jsonl(good.map((r) => ({ ...r, label: "animal" }))) }, /at least two/],
    [
      "10,000 distinct labels",
      { "raw/mixed/a.jsonl": jsonl(Array.from({ length: 10_000 }, (_, i) => ({ text: `doc ${i}`, label: `l${i}` }))) },
      /10000 distinct labels/,
    ],
    [
      "a file that is not text at all",
      { "raw/mixed/a.jsonl": MIXED["raw/mixed/binary.jsonl"]!.body },
      /InvalidDatasetError/,
    ],
  ])("%s", async (_, files, message) => {
    const { execution } = await runOn(`bad-${Math.random().toString(36).slice(2, 8)}`, files);
    expect(execution.status).toBe("FAILED");
    expect(execution.error).toMatch(/^(InvalidDatasetError|States\.TaskFailed)$/);
    expect(`${execution.error}: ${execution.cause}`).toMatch(message);
  });
});
