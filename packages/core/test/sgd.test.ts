/**
 * ml/adagrad.ts: the optimiser's averaging and skipped classes, and its passes in WebAssembly
 * (`passCached`, `scoreCached`) against the JavaScript step, bit for bit.
 */
import { describe, expect, it } from "vitest";
import { AdaGrad, type SgdOptions } from "../src/ml/adagrad.ts";
import type { SparseVector } from "../src/ml/featurizer.ts";
import { argmax, exampleGradient, exampleGradientRange } from "../src/ml/linear-model.ts";
import { mulberry32, permutation } from "../src/ml/random.ts";
import { VectorCache } from "../src/ml/row-cache.ts";
import { scoreCached } from "../src/ml/sgd-module.ts";

/** Seeded random examples over F features and C classes: repeated and sorted ids, some empty. */
function randomCache(rows: number, F: number, C: number, seed: number): VectorCache {
  const rand = mulberry32(seed);
  const cache = new VectorCache(Number.POSITIVE_INFINITY);
  for (let i = 0; i < rows; i++) {
    const n = i % 17 === 0 ? 0 : 1 + Math.floor(rand() * 12);
    const ids = Int32Array.from({ length: n }, () => Math.floor(rand() ** 2 * F)).sort();
    cache.add({ ids, values: Float64Array.from(ids, () => rand() * 2 - 0.5) }, Math.floor(rand() * C));
  }
  return cache;
}

/** The optimiser's whole state, as arrays to compare. */
const stateOf = (opt: AdaGrad) => ({
  weights: Array.from(opt.weights),
  bias: Array.from(opt.bias),
  accumulators: opt.accumulators(),
  snapshot: opt.snapshot(),
});

describe("AdaGrad averaging", () => {
  it("snapshot() is the exact mean of the iterates since the last restart", () => {
    const rand = mulberry32(2);
    const F = 5;
    const C = 3;
    const opt = new AdaGrad(F, C, { learningRate: 0.3, l2: 0.01, average: true });
    const grad = new Float64Array(C);
    const example = (): [SparseVector, number] => {
      const ids = Int32Array.from(new Set([Math.floor(rand() * F), Math.floor(rand() * F)])).sort();
      return [{ ids, values: Float64Array.from(ids, () => rand()) }, Math.floor(rand() * C)];
    };
    for (let t = 0; t < 7; t++) {
      const [x, y] = example();
      exampleGradient(opt.weights, opt.bias, x, y, grad);
      opt.step(x, grad);
    }
    opt.restartAverage();
    const sumW = new Float64Array(F * C);
    const sumB = new Float64Array(C);
    const steps = 25;
    for (let t = 0; t < steps; t++) {
      const [x, y] = example();
      exampleGradient(opt.weights, opt.bias, x, y, grad);
      opt.step(x, grad);
      opt.weights.forEach((w, i) => {
        sumW[i]! += w;
      });
      opt.bias.forEach((b, c) => {
        sumB[c]! += b;
      });
    }
    const { weights, bias } = opt.snapshot();
    weights.forEach((w, i) => {
      expect(w).toBeCloseTo(sumW[i]! / steps, 5);
    });
    bias.forEach((b, c) => {
      expect(b).toBeCloseTo(sumB[c]! / steps, 5);
    });
    // …and differs from the last iterate.
    expect(Array.from(weights)).not.toEqual(Array.from(opt.weights));
  });

  it("leaves the weights of classes below minGradient untouched", () => {
    const opt = new AdaGrad(3, 3, { learningRate: 0.5, l2: 0.01, average: false, minGradient: 0.05 });
    const x: SparseVector = { ids: Int32Array.of(0, 2), values: Float64Array.of(0.6, 0.8) };
    opt.step(x, Float64Array.of(0.5, 0.01, -0.51));
    const row = (j: number) => Array.from(opt.weights.subarray(j * 3, j * 3 + 3));
    for (const j of [0, 2]) {
      expect(row(j)[0]).toBeLessThan(0);
      expect(row(j)[1]).toBe(0);
      expect(row(j)[2]).toBeGreaterThan(0);
    }
    expect(row(1)).toEqual([0, 0, 0]);
  });

  it("runs a cached pass in WebAssembly with the floats of the JavaScript step, example by example", () => {
    for (const [C, options] of [
      [5, { learningRate: 0.7, l2: 1e-4, average: true, minGradient: 0.01 }],
      [2, { learningRate: 3, l2: 0, average: false }],
      [9, { learningRate: 0.1, l2: 1e-6, average: true }],
    ] as Array<[number, SgdOptions]>) {
      // Prepare: the same start (not zero) for both, and a pass order over a subset with repeats
      const F = 300;
      const cache = randomCache(400, F, C, C);
      const rand = mulberry32(7);
      const start = {
        weights: Float32Array.from({ length: F * C }, () => rand() - 0.5),
        bias: Float32Array.from({ length: C }, () => rand()),
      };
      const order = Int32Array.from(permutation(cache.count, rand).subarray(0, 300), (k) => k % 350);
      const wasm = new AdaGrad(F, C, options, start);
      const js = new AdaGrad(F, C, options, start);
      const grad = new Float64Array(C);
      for (let round = 0; round < 2; round++) {
        // Act
        const loss = wasm.passCached(cache, order);
        let expected = 0;
        for (const i of order) {
          const [from, to] = [cache.offsets[i]!, cache.offsets[i + 1]!];
          expected += exampleGradientRange(
            js.weights,
            js.bias,
            cache.ids,
            cache.values,
            from,
            to,
            cache.classes[i]!,
            grad,
          );
          js.stepRange(cache.ids, cache.values, from, to, grad);
        }
        // Assert
        expect(loss).toBe(expected);
        expect(stateOf(wasm)).toEqual(stateOf(js));
      }
      expect(Array.from(wasm.weights)).not.toEqual(Array.from(start.weights));
    }
  });

  it("scores cached examples in WebAssembly as evaluate does in JavaScript", () => {
    const C = 4;
    const F = 200;
    const cache = randomCache(300, F, C, 3);
    const rand = mulberry32(9);
    for (const subset of [undefined, Int32Array.of(5, 0, 17, 299, 5)]) {
      const model = {
        weights: Float32Array.from({ length: F * C }, () => rand() * 4 - 2),
        bias: Float32Array.from({ length: C }, () => rand() - 0.5),
      };
      const p = new Float64Array(C);
      let loss = 0;
      let right = 0;
      for (const i of subset ?? Array.from({ length: cache.count }, (_, k) => k)) {
        const [from, to, y] = [cache.offsets[i]!, cache.offsets[i + 1]!, cache.classes[i]!];
        loss += exampleGradientRange(model.weights, model.bias, cache.ids, cache.values, from, to, y, p);
        p[y]! += 1;
        if (argmax(p) === y) right++;
      }
      expect(scoreCached(model, cache, subset)).toEqual({ loss, right });
    }
  });

  it("names a model or a cache too large for WebAssembly's 4 GiB before laying it out", () => {
    // 200M features × 5 classes of f32 weights and their sums: 8 GB
    expect(() => new AdaGrad(200_000_000, 5, { learningRate: 1, l2: 0, average: true })).toThrow(
      expect.objectContaining({ name: "WasmMemoryError" }),
    );
    // A cache that says it holds 2^30 features (12 GiB of ids and values); nothing that large is made.
    const huge = Object.assign(new VectorCache(Number.POSITIVE_INFINITY), {
      count: 1,
      offsets: Int32Array.of(0, 2 ** 30),
    });
    const opt = new AdaGrad(10, 2, { learningRate: 1, l2: 0, average: false });
    expect(() => opt.passCached(huge, Int32Array.of(0))).toThrow(/too large for one process/);
  });
});
