/** Micro-batching: concurrent predict calls share one classifier run; each gets its own rows back. */
import { MicroBatcher } from "@tollgate/core/serving/batcher";
import { describe, expect, it } from "vitest";
import { FakeModel } from "./fakes.ts";

describe("MicroBatcher", () => {
  it("scores requests made in the same turn of the event loop in one run, in order", async () => {
    const model = new FakeModel("v1");
    const batcher = new MicroBatcher((texts) => model.predict(texts), 64);
    const [a, b, c] = await Promise.all([
      batcher.predict(["yes 1"]),
      batcher.predict(["no 2", "yes 3"]),
      batcher.predict(["no 4"]),
    ]);
    expect(model.calls).toEqual([["yes 1", "no 2", "yes 3", "no 4"]]);
    expect(a.labels).toEqual(["yes"]);
    expect(b.labels).toEqual(["no", "yes"]);
    expect(Array.from(b.probabilities[1]!)).toEqual([0.25, 0.75]);
    expect(c.labels).toEqual(["no"]);
  });

  it("caps a run at maxBatchTexts, and runs a larger request alone", async () => {
    const model = new FakeModel("v1");
    const batcher = new MicroBatcher((texts) => model.predict(texts), 3);
    const big = ["a", "b", "c", "d", "e"];
    await Promise.all([
      batcher.predict(["1", "2"]),
      batcher.predict(["3"]),
      batcher.predict(["4", "5"]),
      batcher.predict(big),
    ]);
    expect(model.calls.map((call) => call.length)).toEqual([3, 2, 5]);
  });

  it("rejects every request of a failed run with the classifier's error", async () => {
    const batcher = new MicroBatcher(async () => {
      throw new TypeError("session is gone");
    }, 64);
    const results = await Promise.allSettled([batcher.predict(["a"]), batcher.predict(["b"])]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(TypeError);
  });

  it("runs a lone request without waiting for a timer", async () => {
    const model = new FakeModel("v1");
    const batcher = new MicroBatcher((texts) => model.predict(texts), 64);
    const started = performance.now();
    await batcher.predict(["yes"]);
    expect(performance.now() - started).toBeLessThan(20);
  });
});
