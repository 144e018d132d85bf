/**
 * core/steps/train-shard.ts, select.ts, merge.ts, export.ts: training as the Train Map runs it
 * (one child fitting it all, or rounds over many), and the candidate Export registers.
 */
import { TrainShardInput } from "@tollgate/core/contracts";
import { defineStep, MAX_ROUNDS, preprocess, trainingKeys, trainShard } from "@tollgate/core/steps";
import { describe, expect, it } from "vitest";
import { topicRows } from "../helpers/topics.ts";
import { capturingLogger, freshPorts, putCurated } from "./fixtures.ts";
import { batches, evaluated, ONE_CHILD, SCALE, trainedCandidate } from "./pipeline.ts";

const decode = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes));

describe("Training with one child", () => {
  it("chooses the hyperparameters and fits to the end in one round; Export writes model.onnx and its card and registers a candidate", async () => {
    // Prepare
    const ports = freshPorts();

    // Act
    const { prepared, training, trained } = await trainedCandidate(ports, "run-1");

    // Assess
    expect(prepared.fanOut.children).toBe(1);
    expect(training.rounds).toHaveLength(1);
    expect(training).toMatchObject({ round: 1, continue: false, best: { round: 1 } });
    expect(trained.rounds).toBe(1);
    expect(trained.selection).toMatchObject(training.chosen!);
    expect(trained.modelVersion).toMatch(/^20250301120000-[0-9a-f]{6}$/);
    expect(trained.modelKey).toBe(`models/topics/${trained.modelVersion}/model.onnx`);
    expect((await ports.models.get(trained.modelKey)).byteLength).toBe(trained.sizeBytes);
    const card = decode(await ports.models.get(trained.cardKey));
    expect(card).toMatchObject({
      version: trained.modelVersion,
      runId: "run-1",
      labels: ["animal", "food", "sport"],
      training: { ...training.chosen, sharded: false, selection: { chosen: training.chosen } },
      validation: { accuracy: trained.validationAccuracy },
      bestRound: 1,
    });
    expect(card.curve.length).toBeGreaterThan(1);
    // Every candidate scored on validation: 10 of successive halving, then the exact solver's race.
    const exact = card.training.selection.exact;
    expect(exact.candidates.length).toBeGreaterThan(0);
    expect(exact.chosen).toBeNull(); // SGD stays: its refit below
    expect(trained.selection?.candidates).toBe(10 + exact.candidates.length);
    // The model was refit on train + validation; its validation figures stay the held-out ones of the
    // early-stopped fit (the curve's best epoch), not the refit model scored on rows it trained on.
    expect(card.training.refit).toEqual({ epochs: card.training.bestEpoch, rows: expect.any(Number) });
    const bestEpoch = card.curve.find((e: { epoch: number }) => e.epoch === card.training.bestEpoch);
    expect(card.validation).toEqual({ loss: bestEpoch.validationLoss, accuracy: bestEpoch.validationAccuracy });
    expect(await ports.registry.getModelVersion("topics", trained.modelVersion)).toMatchObject({
      status: "candidate",
      metrics: { validationAccuracy: trained.validationAccuracy, testAccuracy: null },
    });
  });

  it("gives the same model bytes for the same rows and seed", async () => {
    // Prepare
    const [a, b] = [freshPorts(), freshPorts()];

    // Act
    const [outA, outB] = [(await trainedCandidate(a, "run-1")).trained, (await trainedCandidate(b, "run-1")).trained];

    // Assess
    expect(Buffer.from(await a.models.get(outA.modelKey)).equals(Buffer.from(await b.models.get(outB.modelKey)))).toBe(
      true,
    );
  });

  it("logs every epoch with the step's name and run id (the handler's correlation keys)", async () => {
    // Prepare
    const ports = freshPorts();
    const manifestKey = await putCurated(ports, "topics", topicRows(400, 5));
    const prepared = await preprocess(ports, { runId: "run-7", dataset: "topics", manifestKey, scale: SCALE });
    const [Items] = await batches(ports, prepared);
    const step = defineStep("TrainShard", TrainShardInput, trainShard);
    const { logger, lines } = capturingLogger();
    const BatchInput = {
      runId: "run-7",
      dataset: "topics",
      modelName: "topics",
      seed: 42,
      trainingOptions: { selectionBudget: 3 },
      featureSpecKey: prepared.featureSpecKey,
      validationSampleKey: prepared.samples.validation,
      training: ONE_CHILD,
    };

    // Act
    await step.make(ports)({ BatchInput, Items }, logger);

    // Assess
    const epochs = lines.filter((line) => line.msg === "epoch");
    expect(epochs.length).toBeGreaterThan(0);
    for (const line of epochs) expect(line).toMatchObject({ step: "TrainShard" });
  });

  it("refuses an input without its batch, naming the fields", async () => {
    // Prepare
    const step = defineStep("TrainShard", TrainShardInput, trainShard);

    // Act
    const run = step.make(freshPorts())({ Items: [] });

    // Assess
    await expect(run).rejects.toThrowErrorMatchingInlineSnapshot(`
      [InvalidInputError: TrainShard input is invalid: ✖ Invalid input: expected object, received undefined
        → at BatchInput
      ✖ Too small: expected array to have >=1 items
        → at Items]
    `);
  });
});

describe("Training with many children", () => {
  const sharded = { shards: 4, scale: { rowsPerChild: 150 } };

  it("chooses on samples first (Select), then trains rounds of one pass per child until the validation loss stalls", async () => {
    // Prepare
    const ports = freshPorts();

    // Act
    const { prepared, training, trained } = await trainedCandidate(ports, "run-1", topicRows(800, 5, 0.2), sharded);

    // Assess
    expect(prepared.fanOut).toMatchObject({ children: 4, shardsPerChild: 1 });
    expect(training.rounds.length).toBeGreaterThanOrEqual(2);
    expect(training.rounds.length).toBeLessThan(MAX_ROUNDS);
    for (const [i, round] of training.rounds.entries()) {
      expect(round).toMatchObject({ round: i + 1, children: 4 });
      expect(round.examples).toBe(prepared.counts.train);
    }
    const losses = training.rounds.map((r) => r.validationLoss);
    expect(training.best?.validationLoss).toBe(Math.min(...losses));
    // it stopped because the last round gained less than 2% over the best before it
    const last = losses.at(-1)!;
    expect(last).toBeGreaterThanOrEqual(Math.min(...losses.slice(0, -1)) * 0.98);
    expect(trained).toMatchObject({ rounds: training.round, validationAccuracy: training.best?.validationAccuracy });
    const report = decode(await ports.data.get(trainingKeys("run-1").report));
    expect(report.selection.chosen).toEqual(training.chosen);
  });

  it("takes the run's training options: pinned values are not searched by Select, and maxEpochs caps the rounds", async () => {
    // Prepare
    const ports = freshPorts();
    const trainingOptions = { selectionBudget: 1, learningRate: 0.5, maxEpochs: 1 };

    // Act
    const { training, trained } = await trainedCandidate(ports, "run-1", topicRows(800, 5, 0.2), {
      ...sharded,
      trainingOptions,
    });

    // Assess
    expect(training.rounds).toHaveLength(1);
    expect(training.rounds[0]?.children).toBe(4);
    expect(training.chosen).toMatchObject({ learningRate: 0.5, l2: 1e-6 });
    const report = decode(await ports.data.get(trainingKeys("run-1").report));
    expect(report.selection).toMatchObject({ candidates: [], passes: 0, budget: 1, pinned: { learningRate: 0.5 } });
    expect(trained.selection).toMatchObject({ learningRate: 0.5, candidates: 0, budget: 1, pinned: ["learningRate"] });
  });

  it("scores as well as the single child on the same data", async () => {
    // Prepare
    const [one, many] = [freshPorts(), freshPorts()];
    const rows = topicRows(1200, 8, 0.1);

    // Act
    const single = await trainedCandidate(one, "run-1", rows);
    const shardedRun = await trainedCandidate(many, "run-1", rows, { shards: 6, scale: { rowsPerChild: 200 } });
    const [a, b] = [
      await evaluated(one, "run-1", single.prepared, single.trained),
      await evaluated(many, "run-1", shardedRun.prepared, shardedRun.trained),
    ];

    // Assess
    expect(shardedRun.prepared.fanOut.children).toBe(6);
    expect(b.accuracy).toBeGreaterThanOrEqual(a.accuracy - 0.02);
  });

  it("gives the same model bytes for the same rows and seed", async () => {
    // Prepare
    const [a, b] = [freshPorts(), freshPorts()];
    const rows = topicRows(800, 5);

    // Act
    const outA = (await trainedCandidate(a, "run-1", rows, sharded)).trained;
    const outB = (await trainedCandidate(b, "run-1", rows, sharded)).trained;

    // Assess
    expect(Buffer.from(await a.models.get(outA.modelKey)).equals(Buffer.from(await b.models.get(outB.modelKey)))).toBe(
      true,
    );
  });
});
