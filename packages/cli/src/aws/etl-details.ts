/**
 * The `etl` line of `show`: the Etl state's Glue job run, read from Glue on a stage (fresh state,
 * DPU-seconds) and from the history locally (packages/aws/src/glue.ts reads both).
 */
import { type EtlJobRun, etlFromHistory } from "@tollgate/aws/glue";
import type { Backend, HistoryEvent } from "../backend.ts";

/** A backend that can describe the Etl job run better than the history does. */
export interface EtlSource {
  etlJobRun(events: HistoryEvent[]): Promise<EtlJobRun | undefined>;
}

/** The Etl job run of a run's history: from the backend when it can ask Glue, else from the history. */
export async function etlDetails(backend: Backend | (Backend & EtlSource), events: HistoryEvent[]) {
  return "etlJobRun" in backend ? backend.etlJobRun(events) : etlFromHistory(events);
}

/**
 * The `show` line.
 * @example renderEtl(etl) // "etl       tollgate-etl jr_3f…   SUCCEEDED   63s   126.0 DPU-seconds (estimated: capacity × time)"
 */
export function renderEtl(etl: EtlJobRun | undefined): string {
  if (!etl) return "";
  const parts = [
    `etl       ${etl.jobName} ${etl.runId}`,
    etl.state,
    etl.executionSeconds === null ? "-" : `${etl.executionSeconds}s`,
  ];
  if (etl.dpuSeconds !== null) {
    parts.push(`${etl.dpuSeconds.toFixed(1)} DPU-seconds${etl.dpuEstimated ? " (estimated: capacity × time)" : ""}`);
  }
  if (etl.error) parts.push(`error: ${etl.error}`);
  return `\n${parts.join("   ")}`;
}
