import { describe, expect, it } from "vitest";
import { AdaGrad } from "../src/ml/adagrad.ts";
import type { SparseVector } from "../src/ml/featurizer.ts";
import { exampleGradient } from "../src/ml/linear-model.ts";
import { mulberry32 } from "../src/ml/random.ts";

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
});
