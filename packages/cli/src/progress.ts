import type { MapRunRecord } from "@tollgate/core/workflow/executions";
import type { NewHistoryEvent, RunProgress } from "./backend.ts";

/**
 * Where a child of each of the workflow's Maps reports the rows it processed (core/contracts.ts:
 * TrainShardOutput.examples, EvaluateShardOutput.rows, CountShardTermsOutput.documents).
 */
const ROWS_FIELD: Record<string, string> = { Train: "examples", Evaluate: "rows", CountTerms: "documents" };

/** The rows a child of `state` processed, from its output (undefined for a Map whose children count none). */
export function childRows(state: string, output: unknown): number | undefined {
  const field = ROWS_FIELD[state];
  const rows = field && typeof output === "object" && output ? (output as Record<string, unknown>)[field] : undefined;
  return typeof rows === "number" ? rows : undefined;
}

/**
 * A Map Run's progress line: children ended out of total, failures, elapsed time, the rows its
 * children processed per second (when they report rows) and the time left at the pace so far, e.g.
 * `  ↻ Train: 2/3 children done, 12.0s, 41200 rows/s, ~6s left`.
 */
export function mapRunLine(run: MapRunRecord, now: number, rows?: number): string {
  const c = run.executionCounts;
  const failed = c.failed + c.timedOut + c.aborted;
  const done = c.succeeded + failed;
  const elapsed = Math.max(0, (now - Date.parse(run.startDate)) / 1000);
  const rate = rows !== undefined && elapsed > 0 ? `, ${Math.round(rows / elapsed)} rows/s` : "";
  const left = done > 0 && done < c.total ? `, ~${Math.ceil((elapsed / done) * (c.total - done))}s left` : "";
  return `  ↻ ${run.stateName}: ${done}/${c.total} children done${failed ? ` (${failed} failed)` : ""}, ${elapsed.toFixed(1)}s${rate}${left}`;
}

/**
 * Prints each state's start and end on stderr while a run goes (long steps show progress). A state
 * whose task failed (and was caught) ends with `✗ <state> (<s>s): <error>`, not with a tick; a failure
 * retried and then passed ends with a tick. A Distributed Map prints a line each time a child ends
 * ({@link mapRunLine}), with the rows per second of the children that succeeded so far.
 */
export function progressPrinter(write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): RunProgress {
  const started = new Map<string, number>();
  let current: string | undefined;
  let failure: string | undefined;
  const ended = new Map<string, number>();
  const rows = new Map<string, number>();
  return {
    onMapRun(run: MapRunRecord, child?: { output: unknown }) {
      const counted = child && childRows(run.stateName, child.output);
      if (counted !== undefined) rows.set(run.mapRunArn, (rows.get(run.mapRunArn) ?? 0) + counted);
      const c = run.executionCounts;
      const done = c.succeeded + c.failed + c.timedOut + c.aborted;
      if (done === 0 || ended.get(run.mapRunArn) === done) return;
      ended.set(run.mapRunArn, done);
      write(mapRunLine(run, Date.now(), rows.get(run.mapRunArn)));
    },
    onEvent(event: NewHistoryEvent) {
      const entered = event.stateEnteredEventDetails as { name: string } | undefined;
      const exited = event.stateExitedEventDetails as { name: string } | undefined;
      const at = new Date(event.timestamp).getTime();
      if (entered) {
        started.set(entered.name, at);
        current = entered.name;
        failure = undefined;
        write(`  … ${entered.name}`);
      } else if (exited) {
        const took = ((at - (started.get(exited.name) ?? at)) / 1000).toFixed(2);
        const failed = exited.name === current ? failure : undefined;
        write(failed ? `  ✗ ${exited.name} (${took}s): ${failed}` : `  ✓ ${exited.name} (${took}s)`);
        failure = undefined;
      } else if (event.type === "TaskFailed") {
        failure = (event.taskFailedEventDetails as { error: string }).error;
      } else if (event.type === "TaskScheduled") {
        failure = undefined; // a retry: the state has not failed (yet)
      } else if (event.type === "ExecutionFailed") {
        const d = event.executionFailedEventDetails as { error: string };
        write(`  run FAILED (${d.error})`);
      }
    },
  };
}
