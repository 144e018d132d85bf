/** Inputs for the reliability suite (no test-runner imports: child processes and the bench use it too). */
import type { Tollgate } from "@tollgate/local/app";
import { topicRows } from "../helpers/topics.ts";

/** Always promote a candidate that reaches 0.5, so redriven runs end live (the gate is not under test here). */
export const PERMISSIVE_GATE = { minAccuracy: 0.5, minGain: -1 };

export const input = (sources: string[] = [], gate = PERMISSIVE_GATE) => ({
  dataset: "topics",
  modelName: "topics",
  gate,
  seed: 3,
  sources,
});

/** Adds a raw file of synthetic rows to the dataset and returns its key. */
export async function addRaw(tg: Tollgate, name: string, rows = 300, seed = 1): Promise<string> {
  const key = `raw/topics/${name}.jsonl`;
  await tg.portsFor("test").data.put(
    key,
    topicRows(rows, seed)
      .map((r) => JSON.stringify(r))
      .join("\n"),
  );
  return key;
}
