import { describe, expect, it } from "vitest";
import { DEFAULT_EXACT, exactCandidate, fitDualCd, nbLabel, raceExact } from "../src/ml/dual-cd.ts";
import { type ExampleSet, encoder, fillCache } from "../src/ml/examples.ts";
import { buildFeatureSpec } from "../src/ml/feature-spec.ts";
import { DEFAULT_NB, nbScale, rowPerFeature, scaleOf } from "../src/ml/nb-weights.ts";
import { mulberry32 } from "../src/ml/random.ts";
import { VectorCache } from "../src/ml/row-cache.ts";
import { trainLinear } from "../src/ml/trainer.ts";
import { referenceDualCd } from "./dual-cd-reference.ts";
import { FIXTURE_LABELS, fixtureRows } from "./fixture.ts";

const rows = fixtureRows(600, 5);
const train = rows.slice(0, 480);
const validation = rows.slice(480);

async function setup() {
  const spec = await buildFeatureSpec(train, FIXTURE_LABELS, { minDf: 1 });
  const cache = (await fillCache(() => train, Number.POSITIVE_INFINITY, encoder(spec)))!;
  const held = (await fillCache(() => validation, Number.POSITIVE_INFINITY, encoder(spec)))!;
  return { spec, cache, held };
}

/** The one-vs-rest primal gradient's largest entry relative to the weights' (0 at the optimum). */
function relativeGradient(cache: VectorCache, C: number, c: number, w: Float32Array, b: Float32Array): number {
  const g = Float64Array.from(w);
  const gb = Float64Array.from(b);
  for (let i = 0; i < cache.count; i++) {
    const { x, y } = cache.get(i);
    for (let k = 0; k < C; k++) {
      let z = b[k]!;
      for (let p = 0; p < x.ids.length; p++) z += x.values[p]! * w[x.ids[p]! * C + k]!;
      const s = k === y ? 1 : -1;
      const coef = -c * s * (1 / (1 + Math.exp(s * z)));
      gb[k]! += coef;
      for (let p = 0; p < x.ids.length; p++) g[x.ids[p]! * C + k]! += coef * x.values[p]!;
    }
  }
  const max = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return Math.max(max(g), max(gb)) / Math.max(max(w), max(b));
}

describe("dual coordinate descent (LIBLINEAR -s 7)", () => {
  it.each([
    { classes: 2, scaled: false, subset: false },
    { classes: 2, scaled: true, subset: true },
    { classes: 5, scaled: false, subset: true },
    { classes: 5, scaled: true, subset: false },
  ])("runs in WebAssembly to the floats of the JavaScript solver, bit for bit: %o", ({ classes, scaled, subset }) => {
    const next = mulberry32(5);
    const features = 3000;
    const cache = new VectorCache(Number.POSITIVE_INFINITY);
    for (let i = 0; i < 400; i++) {
      const ids = [
        ...new Set(Array.from({ length: 5 + Math.floor(next() * 60) }, () => Math.floor(next() * features))),
      ];
      ids.sort((a, b) => a - b);
      cache.add(
        { ids: Int32Array.from(ids), values: Float64Array.from(ids, () => next()) },
        Math.floor(next() * classes),
      );
    }
    const rows = subset ? Int32Array.from({ length: 300 }, (_, k) => (7 * k) % 400) : undefined;
    // (scales by rows, as nbScale gives them: 50 distinct rows shared by the features)
    const scale = scaled
      ? {
          rows: Float64Array.from({ length: 50 * classes }, () => 0.2 + 2 * next()),
          rowOf: Int32Array.from({ length: features }, () => Math.floor(next() * 50)),
        }
      : undefined;
    const options = { c: 10, passes: 6, ...(scale ? { scale } : {}) };
    const got = fitDualCd(cache, rows, features, classes, options, mulberry32(9));
    const want = referenceDualCd(cache, rows, features, classes, options, mulberry32(9));
    expect(got.passes).toBe(want.passes);
    expect(Buffer.from(got.weights.buffer).equals(Buffer.from(want.weights.buffer))).toBe(true);
    expect([...got.bias]).toEqual([...want.bias]);
    expect(got.weights.some((w) => w !== 0)).toBe(true);
  });

  it("converges to the regularized optimum and is deterministic for a seed", async () => {
    const { spec, cache } = await setup();
    const C = spec.labels.length;
    const few = fitDualCd(
      cache,
      undefined,
      spec.vocabulary.length,
      C,
      { c: 10, passes: 2, tolerance: 0 },
      mulberry32(1),
    );
    const many = fitDualCd(
      cache,
      undefined,
      spec.vocabulary.length,
      C,
      { c: 10, passes: 60, tolerance: 1e-6 },
      mulberry32(1),
    );
    expect(relativeGradient(cache, C, 10, many.weights, many.bias)).toBeLessThan(1e-3);
    expect(relativeGradient(cache, C, 10, few.weights, few.bias)).toBeGreaterThan(
      relativeGradient(cache, C, 10, many.weights, many.bias),
    );
    // Two classes: one binary problem, mirrored (the same argmax as both one-vs-rest problems).
    const two = Array.from({ length: cache.count }, (_, i) => i).filter((i) => cache.classes[i]! < 2);
    const binary = new VectorCache(Number.POSITIVE_INFINITY);
    for (const i of two) binary.add(cache.get(i).x, cache.classes[i]!);
    const mirrored = fitDualCd(
      binary,
      undefined,
      spec.vocabulary.length,
      2,
      { c: 10, passes: 60, tolerance: 1e-6 },
      mulberry32(1),
    );
    expect(Array.from(mirrored.weights.filter((_, i) => i % 2 === 0))).toEqual(
      Array.from(
        mirrored.weights.filter((_, i) => i % 2 === 1),
        (v) => -v,
      ),
    );
    expect(relativeGradient(binary, 2, 10, mirrored.weights, mirrored.bias)).toBeLessThan(1e-3);
    // The binary path (class 1's weights alone) is the general one's arithmetic: the same bytes as
    // the scaled path with every scale 1 (which multiplies by exactly 1).
    const units = new Float64Array(2 * spec.vocabulary.length).fill(1);
    const general = fitDualCd(
      binary,
      undefined,
      spec.vocabulary.length,
      2,
      { c: 10, passes: 60, tolerance: 1e-6, scale: rowPerFeature(units, spec.vocabulary.length) },
      mulberry32(1),
    );
    expect(Array.from(mirrored.weights)).toEqual(Array.from(general.weights));
    expect(Array.from(mirrored.bias)).toEqual(Array.from(general.bias));
    expect(mirrored.passes).toBe(general.passes);
    const again = fitDualCd(
      cache,
      undefined,
      spec.vocabulary.length,
      C,
      { c: 10, passes: 2, tolerance: 0 },
      mulberry32(1),
    );
    expect(Array.from(again.weights)).toEqual(Array.from(few.weights));
  });

  it("races its candidates within the pass budget and is chosen only when more accurate on validation than SGD", async () => {
    const { spec, cache, held } = await setup();
    const train: ExampleSet & { kind: "cached" } = { kind: "cached", cache };
    const validationSet: ExampleSet & { kind: "cached" } = { kind: "cached", cache: held };
    const race = (sgd: number, left: number, maxPairs = DEFAULT_EXACT.maxPairs) =>
      raceExact(
        spec.vocabulary.length,
        spec.labels.length,
        train,
        validationSet,
        { accuracy: sgd, loss: 1 },
        left,
        1.25,
        7,
        {
          ...DEFAULT_EXACT,
          maxPairs,
        },
      );
    const full = await race(0, 100);
    expect(full.candidates.map((k) => k.c)).toEqual(DEFAULT_EXACT.cs);
    // Preprocess's features stay plain (DEFAULT_EXACT.wideNb weights only the wide ones: wide.test.ts).
    const plain = { c: 100, passes: 5, nb: null };
    const F = spec.vocabulary.length;
    expect(full.candidates[0]).toEqual(await exactCandidate(F, 3, train, validationSet, plain, 7));
    expect(full.candidates[0]?.weights).toBeUndefined();
    const weighted = await exactCandidate(F, 3, train, validationSet, { ...plain, nb: DEFAULT_NB }, 7);
    expect(weighted.weights).toBe(nbLabel(DEFAULT_NB));
    expect(weighted.validationLoss).not.toBe(full.candidates[0]?.validationLoss);
    expect(full.chosen?.c).toBe(
      full.candidates.reduce((a, b) => (b.validationAccuracy > a.validationAccuracy ? b : a)).c,
    );
    const unbeaten = await race(1, 100);
    expect(unbeaten.chosen).toBeNull();
    // room for one candidate and its refit (5 passes + 5 × 1.25), not two
    const one = await race(0, 12);
    expect(one.candidates).toHaveLength(1);
    expect(one.passes).toBeLessThanOrEqual(5);
    const big = await race(0, 100, 10);
    expect(big.candidates).toHaveLength(0);
    expect(big.skipped).toMatch(/rows × classes/);
  });

  it("goes into the fit report; when chosen, the model is the widest spec's, refit on train + validation", async () => {
    const fit = await trainLinear(
      (await setup()).spec,
      () => train,
      () => validation,
      { seed: 11, selection: true },
    );
    const exact = fit.selection?.exact;
    // On this fixture the exact solver wins on validation (0.925 vs SGD's 0.917); one candidate fits the budget.
    expect(exact?.candidates).toHaveLength(1);
    expect(exact?.chosen).toEqual({ c: 100, passes: 5 });
    expect(fit.params.refit).toEqual({ epochs: 5, rows: 600, solver: "dual coordinate descent, c = 100" });
    expect(fit.validation.accuracy).toBe(exact?.candidates[0]?.validationAccuracy);
    expect(fit.validation.accuracy).toBeGreaterThan(exact!.sgd.validationAccuracy);
    expect(fit.model.spec.options.ngramMax).toBe(2);
  });

  it("trains class c on x ⊙ s_c with scale s²: the plain solver on scaled features, its weights times s", async () => {
    const { spec, cache } = await setup();
    const [C, F] = [spec.labels.length, spec.vocabulary.length];
    const s = Float64Array.from({ length: F }, (_, j) => 0.5 + (j % 7) / 4);
    const scale = Float64Array.from({ length: F * C }, (_, at) => s[Math.floor(at / C)]! ** 2);
    const scaled = new VectorCache(Number.POSITIVE_INFINITY);
    for (let i = 0; i < cache.count; i++) {
      const { x, y } = cache.get(i);
      scaled.add({ ids: x.ids, values: x.values.map((v, p) => v * s[x.ids[p]!]!) }, y);
    }
    const options = { c: 10, passes: 3, tolerance: 0 };
    const ours = fitDualCd(cache, undefined, F, C, { ...options, scale: rowPerFeature(scale, F) }, mulberry32(1));
    const reference = fitDualCd(scaled, undefined, F, C, options, mulberry32(1));
    const largest = Math.max(...Array.from(reference.weights, Math.abs));
    for (let at = 0; at < F * C; at++) {
      expect(Math.abs(ours.weights[at]! - reference.weights[at]! * s[Math.floor(at / C)]!)).toBeLessThan(
        1e-5 * largest,
      );
    }
    for (let c = 0; c < C; c++) expect(ours.bias[c]).toBeCloseTo(reference.bias[c]!, 5);
  });

  it("weights features by their Naive Bayes log-count ratio (Wang & Manning 2012), |r|^power", () => {
    // class 0: {0, 1}, {0}; class 1: {1, 2}
    const cache = new VectorCache(Number.POSITIVE_INFINITY);
    cache.add({ ids: Int32Array.of(0, 1), values: Float64Array.of(0.3, 0.9) }, 0);
    cache.add({ ids: Int32Array.of(0), values: Float64Array.of(1) }, 0);
    cache.add({ ids: Int32Array.of(1, 2), values: Float64Array.of(0.5, 0.5) }, 1);
    // α = 1: class 0's p = (3, 2, 1) / 6, q = (1, 2, 2) / 5; class 1's are those swapped.
    const r = [Math.log(3 / 6 / (1 / 5)), Math.log(2 / 6 / (2 / 5)), Math.log(1 / 6 / (2 / 5))];
    const half = nbScale(cache, undefined, 3, 2, { alpha: 1, power: 0.5 });
    const full = nbScale(cache, undefined, 3, 2, { alpha: 1, power: 1 });
    for (let j = 0; j < 3; j++) {
      for (let c = 0; c < 2; c++) {
        expect(scaleOf(half, 2, j, c)).toBeCloseTo(Math.abs(r[j]!), 12);
        expect(scaleOf(full, 2, j, c)).toBeCloseTo(r[j]! ** 2, 12);
      }
    }
    // Only the rows in `subset` count: without the third row, class 1 has no term.
    const two = nbScale(cache, Int32Array.of(0, 1), 3, 2, { alpha: 1, power: 1 });
    expect(scaleOf(two, 2, 1, 0)).toBeCloseTo(Math.log(2 / 6 / (1 / 3)) ** 2, 12);
    // Terms with the same counts per class share a row: 3, 4 and 5 each once in class 0 (counts
    // (2, 0), (1, 1), (0, 1) and (1, 0) three times: 4 rows).
    cache.add({ ids: Int32Array.of(3, 4, 5), values: Float64Array.of(0.2, 0.2, 0.2) }, 0);
    const shared = nbScale(cache, undefined, 6, 2);
    expect(shared.rowOf[3]).toBe(shared.rowOf[4]);
    expect(new Set(shared.rowOf).size).toBe(shared.rows.length / 2);
    expect(new Set(shared.rowOf).size).toBe(4);
    expect(shared.rowOf[5]).toBe(shared.rowOf[3]);
    for (let c = 0; c < 2; c++) expect(scaleOf(shared, 2, 3, c)).toBe(scaleOf(shared, 2, 4, c));
  });

  it("names data too large for WebAssembly's 4 GiB before laying it out", () => {
    // A cache that says it holds 2^29 features (6 GiB of ids and values); nothing that large is made.
    const huge = Object.assign(new VectorCache(Number.POSITIVE_INFINITY), {
      count: 1,
      offsets: Int32Array.of(0, 2 ** 29),
    });
    expect(() => fitDualCd(huge, undefined, 10, 3, { c: 1, passes: 1 }, mulberry32(1))).toThrow(
      expect.objectContaining({ name: "WasmMemoryError" }),
    );
  });
});
