/**
 * ml/wide-features.ts: the wide representation's examples, built from the spec builder's own term
 * indices (training rows) and lookups in its tables (validation rows), are the featurizer's examples
 * under the wide spec, bit for bit; and the spec, made only when asked, is the one its counts give.
 */
import { describe, expect, it } from "vitest";
import { encoder, fillCache, type Row } from "../src/ml/examples.ts";
import { FeatureOptions, FeatureSpecBuilder, specFromTerms } from "../src/ml/feature-spec.ts";
import { termTables } from "../src/ml/onnx/term-tables.ts";
import type { VectorCache } from "../src/ml/row-cache.ts";
import { tokenize } from "../src/ml/text.ts";
import { wideFeatures, wideOptions } from "../src/ml/wide-features.ts";
import { edgeDocuments, FIXTURE_LABELS, fixtureRows } from "./fixture.ts";

const rows = fixtureRows(300, 5);
const train = rows.slice(0, 240);
// Validation with tokens, pairs and first tokens never seen in training, and empty documents.
const validation = [
  ...rows.slice(240),
  ...edgeDocuments().map((text, i) => ({ text, label: FIXTURE_LABELS[i % FIXTURE_LABELS.length]! })),
  { text: "zebra quokka the dog", label: FIXTURE_LABELS[0]! },
];

/** Rows as a token handoff gives them: ids into one token list, in the order met. */
function tokenRows(texts: Array<{ text: string; label: string }>): Row[] {
  const tokens: string[] = [];
  const index = new Map<string, number>();
  return texts.map((row) => ({
    label: row.label,
    ids: Int32Array.from(tokenize(row.text), (t) => {
      if (!index.has(t)) index.set(t, tokens.push(t) - 1);
      return index.get(t)!;
    }),
    tokens,
  }));
}

/** The featurizer's examples of `rows` under `spec`, as arrays to compare. */
async function featurized(spec: Parameters<typeof encoder>[0], rows: Row[]) {
  return arrays((await fillCache(() => rows, Number.POSITIVE_INFINITY, encoder(spec)))!);
}

function arrays(cache: VectorCache) {
  const nnz = cache.offsets[cache.count]!;
  return {
    count: cache.count,
    ids: Array.from(cache.ids.subarray(0, nnz)),
    values: Array.from(cache.values.subarray(0, nnz)),
    offsets: Array.from(cache.offsets.subarray(0, cache.count + 1)),
    classes: Array.from(cache.classes.subarray(0, cache.count)),
  };
}

describe("the wide representation's features", () => {
  const options = FeatureOptions.parse({});

  it("are the featurizer's under the wide spec, from text and from token rows, and the spec is every term in the order seen", async () => {
    // Prepare: the spec as the counts give it (every term, first seen first)
    const builder = new FeatureSpecBuilder(FIXTURE_LABELS, wideOptions(options));
    for (const row of train) builder.add(row);
    const expected = specFromTerms(FIXTURE_LABELS, wideOptions(options), train.length, [...builder.terms()]);
    for (const [trainRows, validationRows] of [
      [train, validation],
      [tokenRows(train), validation],
      [train, tokenRows(validation)],
    ] as const) {
      // Act
      const wide = await wideFeatures({
        train: [...trainRows],
        validation: [...validationRows],
        labels: FIXTURE_LABELS,
        options,
      });
      // Assert
      const spec = wide.spec();
      expect(spec).toEqual(expected);
      expect(wide.terms).toBe(spec.vocabulary.length);
      expect(spec.options).toMatchObject({ minDf: 1, sublinearTf: true });
      // the export's term tables, made from the terms' token ids, are those of the spec's strings
      expect(wide.tables()).toEqual(termTables(spec.vocabulary, spec.options));
      expect(arrays(wide.train.cache)).toEqual(await featurized(spec, [...trainRows]));
      expect(arrays(wide.validation.cache)).toEqual(await featurized(spec, [...validationRows]));
      // (the validation rows' unseen tokens and empty documents: vectors with fewer terms, or none)
      expect(wide.validation.cache.count).toBe(validation.length);
    }
  });

  it("are the featurizer's under the spec's top terms when not every term fits the weight bound", async () => {
    // Prepare: room for 40 terms × 3 labels only
    const narrow = { ...options, maxWeights: 120 };
    // Act
    const wide = await wideFeatures({ train, validation, labels: FIXTURE_LABELS, options: narrow });
    // Assert
    const spec = wide.spec();
    expect(spec.vocabulary).toHaveLength(40);
    expect(wide.terms).toBe(40);
    expect(wide.tables()).toEqual(termTables(spec.vocabulary, spec.options));
    expect(arrays(wide.train.cache)).toEqual(await featurized(spec, train));
    expect(arrays(wide.validation.cache)).toEqual(await featurized(spec, validation));
  });

  it("give the spec's term tables from token ids, whichever terms are counted", () => {
    for (const shape of [{}, { ngramMax: 1 }, { firstToken: false }, { ngramMax: 1, firstToken: false }]) {
      // Prepare: every term counted, and a vocabulary with unigrams, bigrams and first-token terms
      const builder = new FeatureSpecBuilder(FIXTURE_LABELS, wideOptions({ ...options, ...shape }));
      for (const row of [...train, ...validation]) builder.add(row);
      // Act
      const spec = builder.buildAll();
      const tables = builder.termTables();
      // Assert
      expect(tables).toEqual(termTables(spec.vocabulary, spec.options));
      expect(tables.pairKeys.length > 0).toBe(spec.options.ngramMax === 2);
      expect(tables.first.some((j) => j < spec.vocabulary.length)).toBe(spec.options.firstToken);
    }
  });

  it("stop once asked to, between rows, and are the same when never asked", async () => {
    // Prepare
    const job = { train, validation, labels: FIXTURE_LABELS, options };
    let asked = 0;
    // Act: stopped after its first question (rows 0–63 counted), never stopped
    const stopped = await wideFeatures(job, () => asked++ > 0);
    const whole = await wideFeatures(job, () => false);
    // Assert
    expect(stopped).toBeUndefined();
    expect(asked).toBe(2);
    const plain = await wideFeatures(job);
    expect(whole!.terms).toBe(plain.terms);
    expect(arrays(whole!.train.cache)).toEqual(arrays(plain.train.cache));
  });
});
