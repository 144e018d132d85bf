import { describe, expect, it } from "vitest";
import { buildFeatureSpec, FeatureSpec, termsOf } from "../src/features.ts";
import { featurizer } from "../src/vectorize.ts";

const rows = [
  { text: "Red apple", label: "x" },
  { text: "red CAR, red car", label: "y" },
  { text: "blue car", label: "y" },
];

describe("feature spec", () => {
  it("keeps terms by document frequency with smoothed idf", async () => {
    const spec = await buildFeatureSpec(rows, ["x", "y"], { minDf: 2 });
    expect(FeatureSpec.parse(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
    // df: red 2, car 2, ^ red 2; apple, blue, ^ blue, every bigram 1
    expect(spec.vocabulary).toEqual(["^ red", "car", "red"]);
    expect(spec.documents).toBe(3);
    expect(spec.idf[0]).toBeCloseTo(Math.log(4 / 3) + 1, 12);
    const limited = await buildFeatureSpec(rows, ["x", "y"], { minDf: 1, maxWeights: 6 });
    expect(limited.vocabulary).toHaveLength(3); // 6 weights / 2 labels
  });

  it("lists terms in the graph's order", () => {
    expect(termsOf(["a", "b", "c"], { ngramMax: 2, firstToken: true })).toEqual(["a", "b", "c", "a b", "b c", "^ a"]);
    expect(termsOf([], { ngramMax: 2, firstToken: true })).toEqual([]);
  });

  it("featurizes as count · idf / sqrt(Σ count · idf²) over known terms", async () => {
    const spec = await buildFeatureSpec([...rows, { text: "red car", label: "x" }], ["x", "y"], { minDf: 2 });
    expect(spec.vocabulary).toEqual(["^ red", "car", "red", "red car"]);
    const x = featurizer(spec)("Red car red car red unknown");
    // terms: red×3, car×2, "red car"×2, "^ red"×1 ("car red", "red unknown", "unknown": not in the vocabulary)
    const idf = (t: string) => spec.idf[spec.vocabulary.indexOf(t)]!;
    const counts: Record<string, number> = { "^ red": 1, car: 2, red: 3, "red car": 2 };
    const norm = Math.sqrt(Object.entries(counts).reduce((a, [t, n]) => a + n * idf(t) ** 2, 0));
    expect(Array.from(x.ids)).toEqual([0, 1, 2, 3]);
    Array.from(x.ids).forEach((id, k) => {
      const term = spec.vocabulary[id]!;
      expect(x.values[k]).toBeCloseTo((counts[term]! * idf(term)) / norm, 12);
    });
    expect(featurizer(spec)("").ids).toHaveLength(0);
  });
});
