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

/**
 * A run that reaches the spec's Maps (CountTerms, MergeTerms): shards of 200 rows, and Preprocess
 * counting the spec on at most 100 training rows, so that 600 rows need the exact count by Map
 * (3 CountTerms children, MergeTerms over the term partitions, 3 Train and Evaluate children).
 */
export const SHARDED = {
  rows: 600,
  options: { etlLimits: { shardRows: 200 }, scale: { rowsPerChild: 200, specSampleRows: 100, mapConcurrency: 4 } },
};

/** The Map Run of `state` in `run` (the first one) and its children. */
export function mapRunChildren(tg: Tollgate, run: string, state: string) {
  const [mapRun] = tg.stores.mapRuns.list(run).filter((r) => r.stateName === state);
  return { mapRun, children: tg.stores.executions.list({ mapRunArn: mapRun?.mapRunArn ?? "" }) };
}

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
