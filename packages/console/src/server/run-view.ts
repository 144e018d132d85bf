/**
 * A run as the console shows it: the state timeline (core/workflow/timeline) (same statuses and durations as
 * `tollgate show`) joined with each state's input and output, and the gate's numbers.
 */

import { tryJsonParse } from "@tollgate/core/json";
import { runState, type StateRow, stateTimeline } from "@tollgate/core/workflow/timeline";
import type { ExecutionRecord } from "@tollgate/local/stores";
import type {
  AuditRecord,
  ExecutionStatus,
  GateView,
  Graph,
  HistoryEvent,
  MapRunView,
  ParentRun,
  RunRecord,
  RunSummary,
  RunView,
  StateStatus,
  StateView,
} from "../api-types.ts";

/** Parses a JSON string from the history; anything else (or bad JSON) is returned as is. */
export function parseJson(text: unknown): unknown {
  const value = tryJsonParse(text);
  return value === undefined ? (text ?? null) : value;
}

/** A runs-list row. */
export function summarize(execution: ExecutionRecord, record: RunRecord | undefined): RunSummary {
  const input = parseJson(execution.input) as { modelName?: unknown } | null;
  return {
    name: execution.name,
    status: execution.status as ExecutionStatus,
    modelName: typeof input?.modelName === "string" ? input.modelName : null,
    startDate: execution.startDate,
    stopDate: execution.stopDate,
    durationMs: execution.stopDate ? Date.parse(execution.stopDate) - Date.parse(execution.startDate) : null,
    decision: record?.decision ?? null,
  };
}

const detail = (event: HistoryEvent | undefined, key: string) =>
  event?.[key] as { name?: string; input?: string; output?: string; cause?: string } | undefined;

/**
 * The timeline's rows with their input, output and error cause: the i-th row is the i-th state
 * entered, and its exit and failure are among the events before the next state is entered.
 */
export function stateViews(events: HistoryEvent[], rows: StateRow[]): StateView[] {
  const starts = events.flatMap((e, i) => (e.type.endsWith("StateEntered") ? [i] : []));
  return rows.map((row, k) => {
    const enter = events[starts[k] ?? events.length];
    const span = events.slice((starts[k] ?? events.length) + 1, starts[k + 1] ?? events.length);
    const exit = span.find((e) => e.type.endsWith("StateExited"));
    const failure = span.findLast((e) => e.type === "TaskFailed" || e.type.endsWith("StateFailed"));
    const cause = detail(failure, "taskFailedEventDetails") ?? detail(failure, "stateFailedEventDetails");
    return {
      ...row,
      error: row.error ?? null,
      cause: cause?.cause ?? null,
      input: parseJson(detail(enter, "stateEnteredEventDetails")?.input),
      output: exit ? parseJson(detail(exit, "stateExitedEventDetails")?.output) : null,
    };
  });
}

/** Every state of the graph with its last status in this run. */
export function statusByState(graph: Graph, states: StateView[]): Record<string, StateStatus> {
  const out: Record<string, StateStatus> = {};
  for (const node of graph.nodes) out[node.name] = "not-reached";
  for (const state of states) out[state.name] = state.status;
  return out;
}

const num = (v: unknown) => (typeof v === "number" ? v : null);
type Obj = Record<string, unknown> | undefined;

/** The evaluation, the gate's settings and the decision out of the run's state. */
export function gateView(state: Record<string, unknown>, record: RunRecord | undefined): GateView {
  const evaluation = state.evaluation as Obj;
  const gate = state.gate as Obj;
  const decision = state.decision as Obj;
  const trained = state.trained as Obj;
  const counts = (state.prepared as Obj)?.counts as Record<string, number> | undefined;
  return {
    candidateVersion: (trained?.modelVersion as string | undefined) ?? record?.modelVersion ?? null,
    accuracy: num(evaluation?.accuracy),
    macroF1: num(evaluation?.macroF1),
    validationAccuracy: num(trained?.validationAccuracy),
    minAccuracy: num(gate?.minAccuracy),
    minGain: num(gate?.minGain),
    live: (evaluation?.live as GateView["live"] | undefined) ?? null,
    decision: (decision?.decision as string | undefined) ?? record?.decision ?? null,
    reason: (decision?.reason as string | undefined) ?? record?.reason ?? null,
    counts: counts ?? null,
  };
}

/** Everything `GET /api/runs/:name` answers. */
export function runView(input: {
  execution: ExecutionRecord;
  events: HistoryEvent[];
  record: RunRecord | undefined;
  audit: AuditRecord[];
  graph: Graph;
  mapRuns: MapRunView[];
  parent: ParentRun | null;
}): RunView {
  const { execution, events, record, graph } = input;
  const states = stateViews(events, stateTimeline(events));
  return {
    execution: {
      ...summarize(execution, record),
      input: parseJson(execution.input),
      output: parseJson(execution.output),
      error: execution.error,
      cause: execution.cause,
      redriveCount: execution.redriveCount,
    },
    graph,
    stateStatus: statusByState(graph, states),
    states,
    events,
    gate: gateView(runState(execution, events), record),
    record: record ?? null,
    audit: input.audit,
    mapRuns: input.mapRuns,
    parent: input.parent,
  };
}
