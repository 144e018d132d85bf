/**
 * core/steps/merge.ts: the end of a round of sharded training. An example-weighted average of
 * thousands of children's states, the same bytes whatever order their results come in, scored on
 * validation, and the decision to go on.
 */
import type { TrainingState } from "@tollgate/core/contracts";
import { InvalidInputError } from "@tollgate/core/errors";
import { readJson } from "@tollgate/core/json-lines";
import { specFor } from "@tollgate/core/ml/examples";
import { FeatureSpec } from "@tollgate/core/ml/feature-spec";
import { decodeModelState, encodeModelState } from "@tollgate/core/ml/model-state";
import { mulberry32 } from "@tollgate/core/ml/random";
import { merge, preprocess, type StepPorts } from "@tollgate/core/steps";
import { writeFitReport } from "@tollgate/core/steps/training";
import { describe, expect, it } from "vitest";
import { topicRows } from "../helpers/topics.ts";
import { freshPorts, putCurated, putMapResults } from "./fixtures.ts";
import { SCALE } from "./pipeline.ts";

const CHOSEN = { learningRate: 1, l2: 1e-6, ngramMax: 2, minDf: 2 };
const STARTED: TrainingState = { round: 0, chosen: CHOSEN, weightsKey: null, best: null, rounds: [], continue: true };

/** A prepared dataset and `n` children's states of its model's shape, seeded, each with its examples. */
async function children(ports: StepPorts, n: number) {
  const manifestKey = await putCurated(ports, "topics", topicRows(300, 2));
  const prepared = await preprocess(ports, { runId: "run-1", dataset: "topics", manifestKey, scale: SCALE });
  const spec = specFor(await readJson(ports.data, prepared.featureSpecKey, FeatureSpec), CHOSEN);
  const F = spec.vocabulary.length;
  const C = spec.labels.length;
  const rand = mulberry32(99);
  const outputs = [];
  for (let index = 0; index < n; index++) {
    const state = {
      weights: Float32Array.from({ length: F * C }, () => rand() * 2 - 1),
      bias: Float32Array.from({ length: C }, () => rand() - 0.5),
      accumulators: { weights: Float64Array.from({ length: F }, () => rand() * 10), bias: new Float64Array(C).fill(1) },
      examples: 1 + Math.floor(rand() * 5000),
      loss: rand(),
    };
    const key = `runs/run-1/train/round-001/child-${index}.state`;
    await ports.data.put(key, encodeModelState(state));
    outputs.push({ index, key, examples: state.examples, loss: state.loss, chosen: null, state });
  }
  return { prepared, outputs, F, C };
}

const input = (prepared: Awaited<ReturnType<typeof children>>["prepared"], n: number, results: unknown) => ({
  runId: "run-1",
  featureSpecKey: prepared.featureSpecKey,
  validationSampleKey: prepared.samples.validation,
  children: n,
  results: results as Awaited<ReturnType<typeof putMapResults>>,
  training: STARTED,
  trainingOptions: { selectionBudget: 3 },
});

describe("Merge", () => {
  it("averages 2,000 children's states by their examples, to the same bytes whatever order their results list them in", async () => {
    // Prepare
    const ports = freshPorts();
    const n = 2000;
    const { prepared, outputs, F, C } = await children(ports, n);
    const strip = ({ state: _, ...output }: (typeof outputs)[number]) => output;
    const shuffled = [...outputs].reverse();
    const rand = mulberry32(5);
    const scrambled = [...outputs].map((o) => [rand(), o] as const).sort((a, b) => a[0] - b[0]);

    // Act
    const a = await merge(
      ports,
      input(prepared, n, await putMapResults(ports, "runs/run-1/maps/a", outputs.map(strip))),
    );
    const bytesA = Buffer.from(await ports.data.get(a.weightsKey!));
    const b = await merge(
      ports,
      input(prepared, n, await putMapResults(ports, "runs/run-1/maps/b", shuffled.map(strip))),
    );
    const bytesB = Buffer.from(await ports.data.get(b.weightsKey!));
    const c = await merge(
      ports,
      input(
        prepared,
        n,
        await putMapResults(
          ports,
          "runs/run-1/maps/c",
          scrambled.map(([, o]) => strip(o)),
        ),
      ),
    );
    const bytesC = Buffer.from(await ports.data.get(c.weightsKey!));

    // Assess: identical bytes; each weight the example-weighted mean (float64 sums in child order)
    expect(bytesA.equals(bytesB)).toBe(true);
    expect(bytesA.equals(bytesC)).toBe(true);
    const merged = decodeModelState(bytesA);
    const total = outputs.reduce((sum, o) => sum + o.examples, 0);
    expect(merged.examples).toBe(total);
    for (const i of [0, 1, F * C - 1]) {
      let sum = 0;
      for (const o of outputs) sum += o.examples * o.state.weights[i]!;
      expect(merged.weights[i]).toBe(Math.fround(sum / total));
    }
    let acc = 0;
    for (const o of outputs) acc += o.examples * o.state.accumulators.weights[F - 1]!;
    expect(merged.accumulators?.weights[F - 1]).toBe(acc / total);
    expect(a).toMatchObject({ round: 1, chosen: CHOSEN, best: { round: 1, key: a.weightsKey } });
    expect(a.rounds).toEqual([expect.objectContaining({ round: 1, children: n, examples: total })]);
    expect(a.rounds[0]?.validationLoss).toBeGreaterThan(0);
  });

  it("goes on while a round lowers the best validation loss by 2% or more, and keeps the best round", async () => {
    // Prepare
    const ports = freshPorts();
    const { prepared, outputs } = await children(ports, 3);
    const results = await putMapResults(
      ports,
      "runs/run-1/maps/a",
      outputs.map(({ state: _, ...o }) => o),
    );
    const bestAt = (validationLoss: number): TrainingState => ({
      ...STARTED,
      round: 1,
      best: { round: 1, key: "runs/run-1/train/round-001/merged.state", validationLoss, validationAccuracy: 0.5 },
    });

    // Act
    const worse = await merge(ports, { ...input(prepared, 3, results), training: bestAt(0.001) });
    const better = await merge(ports, { ...input(prepared, 3, results), training: bestAt(1e9) });

    // Assess
    expect(worse).toMatchObject({ round: 2, continue: false, best: { round: 1 } });
    expect(better).toMatchObject({ round: 2, continue: true, best: { round: 2 } });
  });

  it("stops after one round when one child fitted it all, with the hyperparameters that child chose", async () => {
    // Prepare
    const ports = freshPorts();
    const { prepared, outputs } = await children(ports, 1);
    const { state: _, ...only } = outputs[0]!;
    const results = await putMapResults(ports, "runs/run-1/maps/a", [{ ...only, chosen: CHOSEN }]);

    // Act
    const out = await merge(ports, { ...input(prepared, 1, results), training: { ...STARTED, chosen: null } });

    // Assess
    expect(out).toMatchObject({ round: 1, continue: false, chosen: CHOSEN });
  });

  it("passes the only child's state through as the round's, with its held-out figures, when it fitted it all", async () => {
    // Prepare
    const ports = freshPorts();
    const { prepared, outputs } = await children(ports, 1);
    const { state: _, ...only } = outputs[0]!;
    const results = await putMapResults(ports, "runs/run-1/maps/a", [{ ...only, chosen: CHOSEN }]);
    await writeFitReport(ports, "run-1", { validation: { loss: 0.25, accuracy: 0.875 } });

    // Act
    const out = await merge(ports, { ...input(prepared, 1, results), training: { ...STARTED, chosen: null } });

    // Assess
    expect(out).toMatchObject({
      weightsKey: only.key,
      best: { round: 1, key: only.key, validationLoss: 0.25, validationAccuracy: 0.875 },
      rounds: [{ round: 1, children: 1, examples: only.examples, trainLoss: null, validationLoss: 0.25 }],
    });
    expect(await ports.data.exists("runs/run-1/train/round-001/merged.state")).toBe(false);
  });

  it("refuses a round whose results are fewer than its children", async () => {
    // Prepare
    const ports = freshPorts();
    const { prepared, outputs } = await children(ports, 2);
    const results = await putMapResults(
      ports,
      "runs/run-1/maps/a",
      [outputs[0]].map((o) => ({ ...o, state: undefined })),
    );

    // Act
    const run = merge(ports, input(prepared, 2, results));

    // Assess
    await expect(run).rejects.toThrow(InvalidInputError);
    await expect(run).rejects.toThrow(/has 1 results, expected 2/);
  });
});
