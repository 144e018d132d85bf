/**
 * core/steps/handoff.ts: Preprocess hands Train the token ids of the training rows it counted
 * (tokenize once), for the single child and for each child of a sharded run; a missing or damaged
 * handoff makes Train read the text, with the same model, and says why.
 */
import { ShardItem, type TrainingState, TrainShardInput } from "@tollgate/core/contracts";
import { readJson } from "@tollgate/core/json-lines";
import type { TokenRow } from "@tollgate/core/ml/examples";
import { tokenize } from "@tollgate/core/ml/text";
import {
  defineStep,
  handoffKeys,
  handoffRows,
  preprocess,
  type StepPorts,
  splitRows,
  trainShard,
} from "@tollgate/core/steps";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { topicRows } from "../helpers/topics.ts";
import { capturingLogger, freshPorts, putCurated } from "./fixtures.ts";
import { batches, ONE_CHILD, SCALE } from "./pipeline.ts";

const step = defineStep("TrainShard", TrainShardInput, trainShard);
const CHOSEN: TrainingState = { ...ONE_CHILD, chosen: { learningRate: 1, l2: 1e-6, ngramMax: 2, minDf: 2 } };

/**
 * Topic rows, one in ten of them long (hundreds of tokens, more than a tokenizer's first buffer):
 * the ids handed over must be those of each row, whatever its length.
 */
function rows() {
  const short = topicRows(400, 5, 0.1);
  return short.map((row, i) =>
    i % 10
      ? row
      : {
          label: row.label,
          text: short
            .filter((r) => r.label === row.label)
            .slice(0, 60)
            .map((r) => r.text)
            .join(" "),
        },
  );
}

/** Curated topics in `shards` shards, prepared; the first Train child's input for `training`. */
async function prepared(ports: StepPorts, shards: number) {
  const manifestKey = await putCurated(ports, "topics", rows(), shards);
  const out = await preprocess(ports, { runId: "run-1", dataset: "topics", manifestKey, scale: SCALE });
  const [Items] = await batches(ports, { ...out, fanOut: { ...out.fanOut, shardsPerChild: 1 } });
  const input = (training: TrainingState) => ({
    BatchInput: {
      runId: "run-1",
      dataset: "topics",
      modelName: "topics",
      seed: 42,
      trainingOptions: { selectionBudget: 2 },
      featureSpecKey: out.featureSpecKey,
      validationSampleKey: out.samples.validation,
      training,
    },
    Items: Items!,
  });
  return { out, input, keys: handoffKeys(out.featureSpecKey), shardKey: Items![0]!.key };
}

/** Runs the Train child; its state's bytes and the log lines. */
async function train(ports: StepPorts, input: unknown) {
  const { logger, lines } = capturingLogger();
  const output = (await step.make(ports)(input, logger)) as { key: string };
  return { state: Buffer.from(await ports.data.get(output.key)), lines };
}

describe("Token handoff from Preprocess to Train", () => {
  it("hands over every training row of each shard, in order, token for token", async () => {
    // Prepare
    const ports = freshPorts();
    const { out } = await prepared(ports, 2);
    const items = await readJson(ports.data, out.shardsKey, z.array(ShardItem));
    const { logger } = capturingLogger();

    // Act
    const handed = await handoffRows(ports.data, out.featureSpecKey, items, ["animal", "food", "sport"], logger);

    // Assess
    const texts = [];
    for await (const row of splitRows(
      ports.data,
      items.map((item) => item.key),
      "train",
    ))
      texts.push(row);
    expect(handed).toBeDefined();
    const got = [...((await handed!()) as Iterable<TokenRow>)];
    expect(got.map((row) => row.label)).toEqual(texts.map((row) => row.label));
    expect(got.map((row) => Array.from(row.ids, (id) => row.tokens[id]))).toEqual(
      texts.map((row) => tokenize(row.text)),
    );
    expect(Math.max(...got.map((row) => row.ids.length))).toBeGreaterThan(256);
  });

  for (const [name, training] of [
    ["the single child", ONE_CHILD],
    ["a child of a sharded run", CHOSEN],
  ] as const) {
    it(`${name} trains from the token ids without reading its shard's text, to the same state bytes`, async () => {
      // Prepare
      const [handed, text] = [freshPorts(), freshPorts()];
      const a = await prepared(handed, 3);
      const b = await prepared(text, 3);
      await text.data.delete([b.keys.index]);

      // Act: the curated shard is gone, so only the handoff can give its rows
      await handed.data.delete([a.shardKey]);
      const fromTokens = await train(handed, a.input(training));
      const fromText = await train(text, b.input(training));

      // Assess
      expect(await handed.data.exists(a.keys.shard(0))).toBe(true);
      expect(fromTokens.lines.some((l) => l.msg === "training rows from Preprocess's token handoff")).toBe(true);
      expect(fromText.lines.some((l) => String(l.msg).startsWith("no token handoff from Preprocess"))).toBe(true);
      expect(fromTokens.state.equals(fromText.state)).toBe(true);
    });
  }

  it("a damaged shard file is named (HandoffError) and Train reads the text instead, to the same state", async () => {
    // Prepare
    const ports = freshPorts();
    const { input, keys } = await prepared(ports, 1);
    const good = await train(ports, input(ONE_CHILD));
    const bytes = await ports.data.get(keys.shard(0));
    bytes[bytes.byteLength - 1]! ^= 1;
    await ports.data.put(keys.shard(0), bytes);

    // Act
    const damaged = await train(ports, input(ONE_CHILD));

    // Assess
    const warning = damaged.lines.find((l) => l.msg === "token handoff unusable: Train reads the shards' text");
    expect(warning).toMatchObject({
      level: 40,
      err: {
        name: "HandoffError",
        message: expect.stringMatching(/^token handoff of shard curated\/topics\/v1\/part-00000\.jsonl: /),
      },
    });
    expect(damaged.state.equals(good.state)).toBe(true);
  });

  it("a token list that does not match the index is named, and the text is read", async () => {
    // Prepare
    const ports = freshPorts();
    const { input, keys } = await prepared(ports, 1);
    const tokens = new TextDecoder().decode(await ports.data.get(keys.tokens));
    await ports.data.put(keys.tokens, tokens.split("\n").slice(0, -1).join("\n"));

    // Act
    const { lines } = await train(ports, input(ONE_CHILD));

    // Assess
    const warning = lines.find((l) => l.msg === "token handoff unusable: Train reads the shards' text");
    expect(warning?.err).toMatchObject({
      name: "HandoffError",
      message: expect.stringMatching(/^token list .*tokens\.txt: /),
    });
  });
});
