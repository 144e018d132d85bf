/**
 * The workflow's runs: how uploads become runs (naming, coalescing), the shape of executions and
 * their history events, and a run's per-state timeline.
 * @example
 * import { planRuns, stateTimeline } from "@tollgate/core/workflow";
 */
export {
  EXECUTION_STATUSES,
  type ExecutionRecord,
  type ExecutionStatus,
  type HistoryEvent,
  MAP_RUN_STATUSES,
  type MapRunCounts,
  type MapRunProgress,
  type MapRunRecord,
  type MapRunStatus,
  type NewHistoryEvent,
} from "./executions.ts";
export { causeMessage, ms, runState, type StateRow, type StateStatus, stateTimeline } from "./timeline.ts";
export {
  datasetOf,
  type ExecutionStarter,
  executionName,
  ObjectCreatedEvent,
  type PlannedRun,
  planRuns,
  type RunOutcome,
  startRuns,
  TriggerSettings,
  triggerSettingsOf,
} from "./upload-trigger.ts";
