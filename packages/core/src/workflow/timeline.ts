/**
 * Reading an execution's history (GetExecutionHistory-shaped events, from the local store or from
 * Step Functions): what happened to each state, and the run's last known state. Shared by
 * `tollgate show` and the console, so both read a run the same way.
 */

import { tryJsonParse } from "../json.ts";
import type { ExecutionRecord, HistoryEvent } from "./executions.ts";

export type StateStatus = "succeeded" | "failed" | "caught" | "running";
export interface StateRow {
  name: string;
  type: string;
  status: StateStatus;
  start: string;
  end: string | null;
  durationMs: number | null;
  attempts: number;
  error?: string;
  /** A Distributed Map state's Map Run (its counts and children: DescribeMapRun, ListExecutions by it). */
  mapRunArn?: string;
}

/** Milliseconds from `a` to `b` (ISO timestamps). */
export const ms = (a: string, b: string) => new Date(b).getTime() - new Date(a).getTime();

/** One row per state entered, in order, with what happened to it. */
export function stateTimeline(events: HistoryEvent[]): StateRow[] {
  const rows: StateRow[] = [];
  let current: StateRow | undefined;
  for (const e of events) {
    const entered = e.stateEnteredEventDetails as { name: string } | undefined;
    if (e.type.endsWith("StateEntered") && entered) {
      current = {
        name: entered.name,
        type: e.type.replace("StateEntered", ""),
        status: "running",
        start: e.timestamp,
        end: null,
        durationMs: null,
        attempts: 0,
      };
      rows.push(current);
    } else if (!current) {
    } else if (e.type === "TaskScheduled") {
      current.attempts++;
    } else if (e.type === "MapRunStarted" || e.type === "MapRunRedriven") {
      const d = (e.mapRunStartedEventDetails ?? e.mapRunRedrivenEventDetails) as { mapRunArn: string };
      current.mapRunArn = d.mapRunArn;
    } else if (e.type === "TaskFailed" || e.type === "MapRunFailed" || e.type.endsWith("StateFailed")) {
      const d = (e.taskFailedEventDetails ?? e.mapRunFailedEventDetails ?? e.stateFailedEventDetails) as
        | { error?: string }
        | undefined;
      current.status = "failed";
      // AWS's Map/ParallelStateFailed carry no details: keep the error the Map Run or task gave.
      current.error = d?.error ?? current.error ?? "";
    } else if (e.type.endsWith("StateExited")) {
      current.status = current.status === "failed" ? "caught" : "succeeded";
      current.end = e.timestamp;
      current.durationMs = ms(current.start, e.timestamp);
    } else if (e.type === "ExecutionFailed" || e.type === "ExecutionAborted" || e.type === "ExecutionTimedOut") {
      current.status = "failed";
      current.end = e.timestamp;
      current.durationMs = ms(current.start, e.timestamp);
      const d = e.executionFailedEventDetails as { error?: string } | undefined;
      if (d?.error && !current.error) current.error = d.error;
    }
  }
  return rows;
}

/** The last state output that carried the run's evaluation and decision (the execution output when it succeeded). */
export function runState(
  execution: Pick<ExecutionRecord, "input" | "output">,
  events: HistoryEvent[],
): Record<string, unknown> {
  if (execution.output) return JSON.parse(execution.output) as Record<string, unknown>;
  for (const e of [...events].reverse()) {
    const out = (e.stateExitedEventDetails as { output?: string } | undefined)?.output;
    if (out) return JSON.parse(out) as Record<string, unknown>;
  }
  return JSON.parse(execution.input) as Record<string, unknown>;
}

/**
 * A failure's cause as a person reads it: a Lambda error's `errorMessage` or a Glue JobRun's `ErrorMessage`
 * (both arrive as JSON), else the cause as it is.
 * @example causeMessage('{"errorType":"InvalidDatasetError","errorMessage":"no rows"}') // "no rows"
 */
export function causeMessage(cause: string | null | undefined): string {
  if (!cause) return "";
  const parsed = tryJsonParse(cause) as { errorMessage?: string; ErrorMessage?: string } | null | undefined;
  return parsed?.errorMessage ?? parsed?.ErrorMessage ?? cause;
}
