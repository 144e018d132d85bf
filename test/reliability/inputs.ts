/** Inputs for the reliability suite (no test-runner imports: child processes and the bench use it too). */
import type { Tollgate } from "@tollgate/local/app";
import { fixtureGate, topicRows } from "../helpers/topics.ts";

/** Always promote a candidate that reaches 0.5, so redriven runs end live (the gate is not under test here). */
export const PERMISSIVE_GATE = fixtureGate(0.5, -1);

/** A run of the `topics` model over `dataset` (default `topics`; a dataset of its own keeps a run's ETL small). */
export const input = (sources: string[] = [], gate = PERMISSIVE_GATE, dataset = "topics") => ({
  dataset,
  modelName: "topics",
  gate,
  seed: 3,
  sources,
});

/** Adds a raw file of synthetic rows to the dataset and returns its key. */
export async function addRaw(tg: Tollgate, name: string, rows = 300, seed = 1, dataset = "topics"): Promise<string> {
  const key = `raw/${dataset}/${name}.jsonl`;
  await tg.portsFor("test").data.put(
    key,
    topicRows(rows, seed)
      .map((r) => JSON.stringify(r))
      .join("\n"),
  );
  return key;
}
