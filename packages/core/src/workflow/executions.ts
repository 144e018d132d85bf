/**
 * Executions and their history, in the shapes Step Functions' DescribeExecution and
 * GetExecutionHistory return (dates as ISO strings). The local store records them this way, and
 * the CLI and the console render them the same way for both targets.
 */

export const EXECUTION_STATUSES = ["RUNNING", "SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT"] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/** One execution, as DescribeExecution describes it. */
export interface ExecutionRecord {
  executionArn: string;
  name: string;
  stateMachineArn: string;
  status: ExecutionStatus;
  input: string;
  output: string | null;
  error: string | null;
  cause: string | null;
  startDate: string;
  stopDate: string | null;
  redriveCount: number;
  /** Set for a child execution of a Distributed Map: the Map Run that started it. */
  mapRunArn?: string;
}

/** One history event, e.g. `{ id: 3, previousEventId: 2, type: "TaskStateEntered", stateEnteredEventDetails: { name, input } }`. */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: string;
  type: string;
  [details: string]: unknown;
}

/** An event to record: the store assigns `id`; `previousEventId` defaults to the event just before it. */
export interface NewHistoryEvent {
  previousEventId?: number;
  timestamp: string;
  type: string;
  [details: string]: unknown;
}

export const MAP_RUN_STATUSES = ["RUNNING", "SUCCEEDED", "FAILED", "ABORTED"] as const;
export type MapRunStatus = (typeof MAP_RUN_STATUSES)[number];

/** How many items (or child executions) of a Map Run are in each state, as DescribeMapRun counts them. */
export interface MapRunCounts {
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  aborted: number;
  total: number;
  resultsWritten: number;
  failuresNotRedrivable: number;
  pendingRedrive: number;
}

/** A Distributed Map state's run, as DescribeMapRun describes it (plus the state it belongs to). */
export interface MapRunRecord {
  mapRunArn: string;
  executionArn: string;
  /** The Distributed Map state (not in DescribeMapRun; its ARN carries the state's label). */
  stateName: string;
  status: MapRunStatus;
  startDate: string;
  stopDate: string | null;
  maxConcurrency: number;
  toleratedFailurePercentage: number;
  toleratedFailureCount: number;
  itemCounts: MapRunCounts;
  executionCounts: MapRunCounts;
  redriveCount: number;
  redriveDate: string | null;
}

/**
 * Progress of a Map Run: its record whenever its counts change, and the output of the child that
 * just succeeded (when one did: the caller may read a row count from it).
 */
export type MapRunProgress = (run: MapRunRecord, ended?: { output: unknown }) => void;
