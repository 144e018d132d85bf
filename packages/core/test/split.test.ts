import { describe, expect, it } from "vitest";
import { murmur3, splitOf } from "../src/ml/split.ts";

describe("splitOf", () => {
  it("uses MurmurHash3 x86 32 (reference values)", () => {
    const utf8 = new TextEncoder();
    expect(murmur3(utf8.encode(""), 0)).toBe(0);
    expect(murmur3(utf8.encode("hello"), 0)).toBe(613153351);
    expect(murmur3(utf8.encode("The quick brown fox jumps over the lazy dog"), 0)).toBe(776992547);
  });

  it("is stable across runs (golden values) and ignores case, punctuation and spacing", () => {
    const docs = Array.from({ length: 12 }, (_, i) => `document number ${i}`);
    expect(docs.map(splitOf)).toMatchInlineSnapshot(`
      [
        "train",
        "train",
        "test",
        "train",
        "train",
        "train",
        "train",
        "train",
        "train",
        "train",
        "train",
        "validation",
      ]
    `);
    expect(splitOf("A small, DOG!")).toBe(splitOf("a small dog"));
    expect(splitOf("  a   small\tdog ")).toBe(splitOf("a small dog"));
  });

  it("splits roughly 80/10/10", () => {
    const counts = { train: 0, validation: 0, test: 0 };
    const n = 20_000;
    for (let i = 0; i < n; i++) counts[splitOf(`synthetic document ${i} about topic ${i % 37}`)]++;
    expect(counts.train / n).toBeCloseTo(0.8, 1);
    expect(Math.abs(counts.train / n - 0.8)).toBeLessThan(0.015);
    expect(Math.abs(counts.validation / n - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(counts.test / n - 0.1)).toBeLessThan(0.01);
  });
});
