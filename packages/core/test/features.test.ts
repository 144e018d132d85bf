import { describe, expect, it } from "vitest";
import { cacheEncoder, encoder } from "../src/ml/examples.ts";
import { buildFeatureSpec, FeatureOptions, FeatureSpec, FeatureSpecBuilder, termsOf } from "../src/ml/feature-spec.ts";
import { featurizer, tokenFeaturizer } from "../src/ml/featurizer.ts";
import { mulberry32 } from "../src/ml/random.ts";
import { tokenize } from "../src/ml/text.ts";
import { FIXTURE_LABELS, fixtureRows } from "./fixture.ts";

/** The definition of the spec, with term strings (what the integer-keyed counting must reproduce). */
function referenceSpec(
  rows: Array<{ text: string; label: string }>,
  labels: string[],
  options: Partial<FeatureOptions>,
) {
  const opts = FeatureOptions.parse(options);
  const df = new Map<string, number>();
  for (const row of rows) {
    for (const term of new Set(termsOf(tokenize(row.text), opts))) df.set(term, (df.get(term) ?? 0) + 1);
    if (df.size > opts.maxCandidates) {
      for (let threshold = 1; df.size > opts.maxCandidates / 2; threshold++) {
        for (const [term, n] of df) if (n <= threshold) df.delete(term);
      }
    }
  }
  const kept = [...df].filter(([, n]) => n >= opts.minDf);
  const rank = (term: string): number => (term.startsWith("^ ") || !term.includes(" ") ? 0 : 1);
  kept.sort((a, b) => b[1] - a[1] || rank(a[0]) - rank(b[0]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  kept.length = Math.min(kept.length, opts.maxFeatures, Math.floor(opts.maxWeights / labels.length));
  return {
    vocabulary: kept.map(([term]) => term),
    idf: kept.map(([, n]) => Math.log((1 + rows.length) / (1 + n)) + 1),
  };
}

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

  it.each([
    {},
    { minDf: 1 },
    { minDf: 1, maxCandidates: 1000 },
    { maxFeatures: 50 },
    { ngramMax: 1, firstToken: false },
    { minDf: 1, maxWeights: 300 },
  ] as Array<Partial<FeatureOptions>>)("counts terms exactly as their definition: %o", async (options) => {
    const data = fixtureRows(600, 3);
    const spec = await buildFeatureSpec(data, FIXTURE_LABELS, options);
    const reference = referenceSpec(data, FIXTURE_LABELS, options);
    expect(spec.vocabulary.length).toBeGreaterThan(0);
    expect(spec.vocabulary).toEqual(reference.vocabulary);
    expect(spec.idf).toEqual(reference.idf);
  });

  it.each([
    { words: 6, options: { maxFeatures: 40 } },
    { words: 6, options: { maxFeatures: 150, minDf: 1 } },
    { words: 6, options: { maxFeatures: 2000, minDf: 1 } },
    { words: 1, options: { maxFeatures: 2000 } },
  ] as Array<{ words: number; options: Partial<FeatureOptions> }>)(
    "orders terms as their texts sort (digits, letters, other scripts, prefixes): %o",
    async ({ words: most, options }) => {
      // Ties everywhere (few words, short texts; one word: each token's unigram and first-token term
      // tie), and "^ t" sorts between the tokens that start with a digit and the rest.
      const words = ["0", "09", "1a", "9z", "a", "a1", "ab", "abc", "b", "z", "zz", "é", "éa", "ß", "ωb", "日本", "𝐚x"];
      const next = mulberry32(11);
      const data = Array.from({ length: 300 }, (_, i) => ({
        text: Array.from(
          { length: 1 + Math.floor(next() * most) },
          () => words[Math.floor(next() * words.length)],
        ).join(" "),
        label: FIXTURE_LABELS[i % FIXTURE_LABELS.length]!,
      }));
      const spec = await buildFeatureSpec(data, FIXTURE_LABELS, options);
      const reference = referenceSpec(data, FIXTURE_LABELS, options);
      expect(spec.vocabulary.length).toBeGreaterThan(20);
      expect(spec.vocabulary.some((t) => t.startsWith("^ 0")) && spec.vocabulary.some((t) => t.startsWith("^ é"))).toBe(
        true,
      );
      expect(spec.vocabulary).toEqual(reference.vocabulary);
      expect(spec.idf).toEqual(reference.idf);
    },
  );

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

  it("featurizes a long document (its distinct terms tallied) to the floats of its occurrences summed in term order, and its token ids to the same vector", async () => {
    const spec = await buildFeatureSpec([...rows, { text: "red car", label: "x" }], ["x", "y"], { minDf: 2 });
    const text = Array.from({ length: 40 }, (_, i) => (i % 3 ? "red car" : "car red unknown")).join(" ");
    const x = featurizer(spec)(text);
    // The definition, summed as the short form sums: every occurrence, in ascending term id.
    const known = termsOf(tokenize(text), spec.options)
      .map((t) => spec.vocabulary.indexOf(t))
      .filter((j) => j >= 0)
      .sort((a, b) => a - b);
    expect(known.length).toBeGreaterThan(64);
    const norm = Math.sqrt(known.reduce((a, j) => a + spec.idf[j]! * spec.idf[j]!, 0));
    const values = new Map<number, number>();
    for (const j of known) values.set(j, (values.get(j) ?? 0) + spec.idf[j]! / norm);
    expect(Array.from(x.ids)).toEqual([...values.keys()]);
    expect(Array.from(x.values)).toEqual([...values.values()]);
    // Token ids in another numbering (a handoff's token list) give the same vector.
    const tokens = tokenize(text);
    const list = [...new Set(tokens), "unused"].reverse();
    const y = tokenFeaturizer(spec)(
      Int32Array.from(tokens, (t) => list.indexOf(t)),
      list,
    );
    expect(Array.from(y.ids)).toEqual(Array.from(x.ids));
    expect(Array.from(y.values)).toEqual(Array.from(x.values));
  });

  it("featurizes for a cache into reused buffers, to the values of a fresh vector", async () => {
    const spec = await buildFeatureSpec([...rows, { text: "red car", label: "x" }], ["x", "y"], { minDf: 2 });
    const long = Array.from({ length: 40 }, () => "red car").join(" ");
    const toCache = cacheEncoder(spec);
    const fresh = encoder(spec);
    for (const text of ["Red car red car red unknown", long, "car", ""]) {
      const { x, y } = toCache({ text, label: "y" });
      const expected = fresh({ text, label: "y" });
      expect([Array.from(x.ids), Array.from(x.values), y]).toEqual([
        Array.from(expected.x.ids),
        Array.from(expected.x.values),
        expected.y,
      ]);
    }
    // The next row is written over the last one's arrays (nothing allocated per row).
    const a = toCache({ text: "red car", label: "x" }).x;
    const b = toCache({ text: "car red", label: "x" }).x;
    expect(b.ids.buffer).toBe(a.ids.buffer);
  });

  it("featurizes with sublinear tf as (1 + ln count) · idf, l2-normalized over distinct terms", async () => {
    const data = [...rows, { text: "red car", label: "x" }];
    const spec = await buildFeatureSpec(data, ["x", "y"], { minDf: 2, sublinearTf: true });
    expect(spec.options.sublinearTf).toBe(true);
    const x = featurizer(spec)("Red car red car red unknown");
    const idf = (t: string) => spec.idf[spec.vocabulary.indexOf(t)]!;
    const counts: Record<string, number> = { "^ red": 1, car: 2, red: 3, "red car": 2 };
    const value = (t: string) => (1 + Math.log(counts[t]!)) * idf(t);
    const norm = Math.sqrt(Object.keys(counts).reduce((a, t) => a + value(t) ** 2, 0));
    expect(Array.from(x.ids)).toEqual([0, 1, 2, 3]);
    for (const [k, id] of x.ids.entries()) expect(x.values[k]).toBeCloseTo(value(spec.vocabulary[id]!) / norm, 12);
    expect(featurizer(spec)("").ids).toHaveLength(0);
    // Without the flag the spec has no such key (the spec Preprocess writes, and its digest, are unchanged).
    expect("sublinearTf" in (await buildFeatureSpec(data, ["x", "y"], { minDf: 2 })).options).toBe(false);
  });
});

describe("a feature spec from token ids", () => {
  it("counts the same terms as from the text (addTokens = add)", () => {
    const data = fixtureRows(300, 9);
    const fromText = new FeatureSpecBuilder(FIXTURE_LABELS, { minDf: 1 });
    const fromIds = new FeatureSpecBuilder(FIXTURE_LABELS, { minDf: 1 });
    // a handoff's numbering: tokens in the order met, shared by every row
    const tokens: string[] = [];
    const index = new Map<string, number>();
    for (const row of data) {
      fromText.add(row);
      const ids = Int32Array.from(tokenize(row.text), (t) => {
        if (!index.has(t)) index.set(t, tokens.push(t) - 1);
        return index.get(t)!;
      });
      fromIds.addTokens(row.label, ids, tokens);
    }
    expect(fromIds.build()).toEqual(fromText.build());
    expect(fromIds.build().vocabulary.length).toBeGreaterThan(50);
  });
});
