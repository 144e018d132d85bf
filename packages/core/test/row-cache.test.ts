import { describe, expect, it } from "vitest";
import { VectorCache } from "../src/ml/row-cache.ts";

/** n examples of `width` features each (ids 0…width−1, value 1), class i % 3. */
function examples(n: number, width: number) {
  const ids = Int32Array.from({ length: width }, (_, j) => j);
  const values = new Float64Array(width).fill(1);
  return Array.from({ length: n }, (_, i) => ({ x: { ids, values }, y: i % 3 }));
}

describe("VectorCache.fitsWithin", () => {
  it("agrees with what a cache limited to those bytes would have stored, at every limit around its growths", () => {
    for (const [n, width] of [
      [10, 5],
      [31, 2],
      [40, 3],
      [300, 7],
    ] as const) {
      const all = new VectorCache(Number.POSITIVE_INFINITY);
      for (const { x, y } of examples(n, width)) expect(all.add(x, y)).toBe(true);
      for (const limit of [0, 1, 3000, all.bytes - 1, all.bytes, all.bytes + 1, 2 * all.bytes]) {
        const limited = new VectorCache(limit);
        const storedAll = examples(n, width).every(({ x, y }) => limited.add(x, y));
        expect(all.fitsWithin(limit), `n ${n} width ${width} limit ${limit}`).toBe(storedAll);
      }
    }
  });
});
