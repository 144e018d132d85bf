/** ml/model-state.ts and ml/merge.ts: training states as files, and their streaming, ordered merge. */
import { describe, expect, it } from "vitest";
import { ModelFormatError } from "../src/errors.ts";
import { mergeStates, WeightedAverage } from "../src/ml/merge.ts";
import { decodeModelState, encodeModelState, type ModelState } from "../src/ml/model-state.ts";

const state = (w: number[], examples: number, accumulators = true): ModelState => ({
  weights: Float32Array.from(w),
  bias: Float32Array.of(0.5, -0.5),
  ...(accumulators
    ? { accumulators: { weights: Float64Array.from(w.slice(0, w.length / 2)), bias: Float64Array.of(1, 2) } }
    : {}),
  examples,
  loss: 0.25,
});

describe("a training state file", () => {
  it("round-trips weights, bias, accumulators, examples and loss, also from a pooled Node Buffer", () => {
    const original = state([1, 2, 3, 4.5], 7);
    const bytes = encodeModelState(original);
    // a small Buffer lives in Node's shared pool at a non-zero offset
    const pooled = Buffer.from(bytes);
    expect(decodeModelState(pooled)).toEqual(original);
    expect(decodeModelState(bytes)).toEqual(original);
  });

  it("round-trips a state without accumulators, and a NaN loss", () => {
    const original = { ...state([1, 2, 3, 4], 3, false), loss: Number.NaN };
    expect(decodeModelState(encodeModelState(original))).toEqual(original);
  });

  it("refuses bytes that are not a training state, or cut short", () => {
    expect(() => decodeModelState(new TextEncoder().encode("{}"))).toThrow(ModelFormatError);
    const bytes = encodeModelState(state([1, 2, 3, 4], 1));
    expect(() => decodeModelState(bytes.subarray(0, bytes.length - 8))).toThrowErrorMatchingInlineSnapshot(
      `[ModelFormatError: the training state has 128 bytes, its header says 136]`,
    );
  });
});

describe("the merge", () => {
  it("averages weights, bias and accumulators weighted by examples", () => {
    const average = new WeightedAverage();
    average.add(state([1, 1, 1, 1], 1));
    average.add(state([4, 4, 4, 4], 3));
    const merged = average.result();
    expect([...merged.weights]).toEqual([3.25, 3.25, 3.25, 3.25]);
    expect([...merged.accumulators!.weights]).toEqual([3.25, 3.25]);
    expect(merged.examples).toBe(4);
  });

  it("refuses states of another shape, or a mix with and without accumulators", () => {
    const average = new WeightedAverage();
    average.add(state([1, 1, 1, 1], 1));
    expect(() => average.add(state([1, 1], 1))).toThrowErrorMatchingInlineSnapshot(
      `[InvalidInputError: a training state has 2 weights and 2 classes, the first one 4 and 2]`,
    );
    expect(() => average.add(state([1, 1, 1, 1], 1, false))).toThrow(
      /some training states have step-size accumulators/,
    );
  });

  it("adds children in index order, reading a bounded number ahead, whatever order the loads finish in", async () => {
    const children = Array.from({ length: 50 }, (_, i) => ({ index: 49 - i, key: String(49 - i) }));
    let inFlight = 0;
    let most = 0;
    const order: number[] = [];
    const load = async (key: string) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, (Number(key) * 7) % 5));
      inFlight--;
      order.push(Number(key));
      return state([Number(key), 1, 2, 3], Number(key) + 1);
    };
    const { state: merged, children: count } = await mergeStates(children, load, { readAhead: 3 });
    expect(count).toBe(50);
    expect(most).toBeLessThanOrEqual(3);
    let sum = 0;
    let total = 0;
    for (let i = 0; i < 50; i++) {
      sum += (i + 1) * i;
      total += i + 1;
    }
    expect(merged.weights[0]).toBe(Math.fround(sum / total));
  });

  it("fails with the first failing child's error, leaving no rejection unhandled", async () => {
    const children = [0, 1, 2, 3].map((index) => ({ index, key: String(index) }));
    const load = async (key: string) => {
      if (key !== "0") throw new Error(`cannot read ${key}`);
      return state([1, 1, 1, 1], 1);
    };
    await expect(mergeStates(children, load, { readAhead: 4 })).rejects.toThrow("cannot read 1");
  });

  it("refuses two children with one index", async () => {
    const load = async () => state([1, 1, 1, 1], 1);
    await expect(
      mergeStates(
        [
          { index: 0, key: "a" },
          { index: 0, key: "b" },
        ],
        load,
      ),
    ).rejects.toThrow("two children have index 0");
  });
});
