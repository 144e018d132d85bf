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
