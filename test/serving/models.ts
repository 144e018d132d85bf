/**
 * A home folder with two registered versions of the `topics` model, made by the real workflow:
 * the first promoted (live), the second trained on other data and rejected by a strict gate,
 * so a test can promote it by hand at the moment it chooses.
 */
import { ShardItem } from "@tollgate/core/contracts";
import { readJson } from "@tollgate/core/json-lines";
import { splitRows } from "@tollgate/core/steps";
import { openTollgate } from "@tollgate/local/app";
import { expect } from "vitest";
import { z } from "zod";
import { fixtureGate, type Row, tempHome, topicRows } from "../helpers/topics.ts";

export const MODEL = "topics";

export interface TwoModels {
  home: string;
  /** The test split the first model was evaluated on (the test rows of its curated shards). */
  testRows: Row[];
  /** The live version. */
  first: { version: string; modelKey: string };
  /** A registered, rejected version (not live). */
  second: { version: string; modelKey: string };
}

/**
 * Runs the workflow twice under a fresh home: one promotion, one rejection.
 * @example const { home, first, second } = await twoModels();
 */
export async function twoModels(home = tempHome()): Promise<TwoModels> {
  const tg = openTollgate({ home });
  try {
    const run = async (name: string, rows: Row[], minGain: number) => {
      const key = `raw/${MODEL}/${name}.jsonl`;
      await tg.portsFor("test").data.put(key, rows.map((r) => JSON.stringify(r)).join("\n"));
      const input = { dataset: MODEL, modelName: MODEL, gate: fixtureGate(0.8, minGain), seed: 7, sources: [key] };
      const execution = await (await tg.workflow.start(name, input)).done;
      if (execution.status !== "SUCCEEDED")
        throw new Error(`${name}: ${execution.status} ${execution.error}: ${execution.cause}`);
      const { decision, trained, prepared } = JSON.parse(execution.output ?? "{}") as {
        decision: { decision: string };
        trained: { modelVersion: string; modelKey: string };
        prepared: { shardsKey: string };
      };
      const shards = await readJson(tg.stores.objects.data, prepared.shardsKey, z.array(ShardItem));
      const testRows: Row[] = [];
      for await (const row of splitRows(
        tg.stores.objects.data,
        shards.map((s) => s.key),
        "test",
      ))
        testRows.push(row);
      return {
        decision: decision.decision,
        version: trained.modelVersion,
        modelKey: trained.modelKey,
        testRows,
      };
    };
    const first = await run("run-first", topicRows(600, 1), 0);
    const second = await run("run-second", topicRows(900, 11), 0.5);
    if (first.decision !== "promoted" || second.decision !== "rejected") {
      throw new Error(`unexpected decisions: ${first.decision}, ${second.decision}`);
    }
    const pick = (m: typeof first) => ({ version: m.version, modelKey: m.modelKey });
    return { home, testRows: first.testRows, first: pick(first), second: pick(second) };
  } finally {
    tg.close();
  }
}

/** Expects served probabilities (by label) to equal the offline ones (in `labels` order) to 6 decimals. */
export function expectSameProbabilities(
  served: Record<string, number>,
  labels: readonly string[],
  offline: Float32Array,
): void {
  expect(Object.keys(served).sort()).toEqual([...labels].sort());
  for (const [c, label] of labels.entries()) expect(served[label]).toBeCloseTo(offline[c]!, 6);
}
