import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../src/errors.ts";
import { computeMetrics } from "../src/ml/metrics.ts";

describe("computeMetrics", () => {
  it("matches a hand-computed confusion matrix", () => {
    // true a: a,a,b   true b: b,c   true c: c,c,a,a
    const truth = ["a", "a", "a", "b", "b", "c", "c", "c", "c"];
    const predicted = ["a", "a", "b", "b", "c", "c", "c", "a", "a"];
    const m = computeMetrics(truth, predicted, ["a", "b", "c"]);
    expect(m.confusion).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [2, 0, 2],
    ]);
    expect(m.accuracy).toBeCloseTo(5 / 9, 12);
    expect(m.count).toBe(9);
    // a: tp 2, predicted 4, support 3 → p 1/2, r 2/3, f1 4/7
    expect(m.perClass.a).toEqual({ precision: 0.5, recall: 2 / 3, f1: expect.closeTo(4 / 7, 12), support: 3 });
    // b: tp 1, predicted 2, support 2 → p 1/2, r 1/2, f1 1/2
    expect(m.perClass.b).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    // c: tp 2, predicted 3, support 4 → p 2/3, r 1/2, f1 4/7
    expect(m.perClass.c!.f1).toBeCloseTo(4 / 7, 12);
    expect(m.macroF1).toBeCloseTo((4 / 7 + 1 / 2 + 4 / 7) / 3, 12);
  });

  it("gives 0 (not NaN) for a class never predicted nor present, and rejects unknown labels", () => {
    const m = computeMetrics(["a"], ["a"], ["a", "b"]);
    expect(m.perClass.b).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(m.macroF1).toBe(0.5);
    expect(() => computeMetrics(["a"], ["z"], ["a", "b"])).toThrow(InvalidInputError);
    expect(() => computeMetrics(["a"], [], ["a"])).toThrow(InvalidInputError);
  });
});
