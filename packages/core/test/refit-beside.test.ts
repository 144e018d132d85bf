/**
 * ml/refit-beside.ts: the refit on train + validation in a worker thread, epoch for epoch beside
 * the early-stopped fit, gives the very weights the refit after the fit gives.
 */
import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { encoder, fillCache } from "../src/ml/examples.ts";
import { buildFeatureSpec } from "../src/ml/feature-spec.ts";
import { DEFAULT_TRAIN_OPTIONS } from "../src/ml/fit.ts";
import { refitLinear, unionSet } from "../src/ml/refit.ts";
import { RefitBeside } from "../src/ml/refit-beside.ts";
import { FIXTURE_LABELS, fixtureRows } from "./fixture.ts";

async function prepared() {
  const rows = fixtureRows(600, 11);
  const train = async function* () {
    yield* rows.slice(0, 500);
  };
  const validation = async function* () {
    yield* rows.slice(500);
  };
  const spec = await buildFeatureSpec(train(), FIXTURE_LABELS);
  const encode = encoder(spec);
  const cached = async (r: typeof train) => ({ kind: "cached" as const, cache: (await fillCache(r, 1e9, encode))! });
  const all = await unionSet(
    { set: await cached(train), rows: train },
    { set: await cached(validation), rows: validation },
    encode,
  );
  if (all.kind !== "cached") throw new Error("expected a cached union");
  return { spec, all, opts: { ...DEFAULT_TRAIN_OPTIONS, seed: 5 } };
}

describe("the refit beside the fit", () => {
  it("returns the weights of the refit after the fit, bit for bit, for the epoch the fit chose", async () => {
    // Prepare
    const { spec, all, opts } = await prepared();
    const F = spec.vocabulary.length;
    const C = spec.labels.length;
    const expected = await refitLinear(F, C, all, 2, opts);
    const beside = await RefitBeside.start(F, C, all.cache, opts);
    if (availableParallelism() < 2) return void expect(beside).toBeUndefined();

    // Act
    for (const epoch of [1, 2, 3]) beside!.allow(epoch);
    const got = await beside!.weightsAfter(2);
    await beside!.close();

    // Assess
    expect(got?.passes).toBe(2);
    expect(got?.rows).toBe(all.cache.count);
    expect(Buffer.from(got!.weights.buffer).equals(Buffer.from(expected.weights.buffer))).toBe(true);
    expect(Array.from(got!.bias)).toEqual(Array.from(expected.bias));
  });

  it("gives nothing once closed, so the caller refits after the fit instead", async () => {
    // Prepare
    const { spec, all, opts } = await prepared();
    const beside = await RefitBeside.start(spec.vocabulary.length, spec.labels.length, all.cache, opts);
    if (availableParallelism() < 2) return void expect(beside).toBeUndefined();

    // Act
    await beside!.close();

    // Assess
    expect(await beside!.weightsAfter(1)).toBeUndefined();
  });
});
