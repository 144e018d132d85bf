import { hash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { batchOf, LEXNAMES, parseDataFile, readWordnetGlosses, writeSample } from "../src/sample/wordnet.ts";

describe("WordNet sample", () => {
  it("reads every gloss of WordNet 3.1 with its lexicographer file", async () => {
    const glosses = await readWordnetGlosses();
    expect(glosses).toHaveLength(117_791);
    expect(new Set(glosses.map((g) => g.label)).size).toBe(45);
    expect(glosses[0]).toEqual({
      text: "that which is perceived or known or inferred to have its own distinct existence (living or nonliving)",
      label: "noun.Tops",
    });
    expect(glosses.every((g) => g.text.length > 0 && !g.text.endsWith(" "))).toBe(true);
    const batch1 = glosses.filter((g) => batchOf(g.text) === 1).length;
    expect(Math.abs(batch1 / glosses.length - 0.5)).toBeLessThan(0.01);
  });

  it("skips the license header and maps file numbers to names", () => {
    const content = "  1 This software and database is being provided\n00001740 29 v 01 breathe 0 000 | draw air\n";
    expect(parseDataFile(content)).toEqual([{ text: "draw air", label: "verb.body" }]);
    expect(LEXNAMES).toHaveLength(45);
    expect(LEXNAMES[44]).toBe("adj.ppl");
  });
});

describe("writeSample", () => {
  it("writes the two batches, the whole set and the license", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tollgate-sample-"));
    try {
      const sample = await writeSample(dir);
      expect(sample.batch1.rows + sample.batch2.rows).toBe(sample.all.rows);
      expect(sample.labels).toBe(45);
      const first = (await readFile(sample.batch1.file, "utf8")).split("\n", 1)[0]!;
      expect(Object.keys(JSON.parse(first))).toEqual(["text", "label"]);
      expect(await readFile(sample.license, "utf8")).toMatch(/Princeton University/);
      // The same bytes as ever (the demo's runs are named by these digests, its accuracies depend on them).
      const digest = async (file: string) => hash("sha256", await readFile(file), "hex");
      expect(await digest(sample.batch1.file)).toBe("766214306d2d96c89c937e14fcf6d658eded7c9c48ce36e9a19cb5e8c08678ac");
      expect(await digest(sample.batch2.file)).toBe("bd801e6d5b148fc8397430133e849f46b7571eb27626c6cba895c8f0a35d6389");
      expect(await digest(sample.all.file)).toBe("d7ad81f3be8902b58cb20a73899c19c20ee0fa03c29c5b03253c5f7f7a291b0a");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
