/**
 * What the CLI needs from a target. The local backend runs everything in-process; an AWS
 * backend (a deployed stage) implements the same interface, so output formats are identical.
 */
import type { AuditRecord, LivePointer, ModelVersionRecord, RunRecord } from "@tollgate/core/contracts";

export interface ExecutionSummary {
  name: string;
  status: string;
  input: string;
  output: string | null;
  error: string | null;
  cause: string | null;
  startDate: string;
  stopDate: string | null;
  redriveCount: number;
}

/** A history event as GetExecutionHistory returns it. */
export interface HistoryEvent {
  id: number;
  previousEventId?: number;
  timestamp: string;
  type: string;
  [details: string]: unknown;
}

export interface Prediction {
  text: string;
  label: string;
  probability: number;
  modelVersion: string;
}

/** A history event as it is recorded, before the store numbers it. */
export interface NewHistoryEvent {
  timestamp: string;
  type: string;
  [details: string]: unknown;
}

export interface RunProgress {
  onEvent?: (event: NewHistoryEvent) => void;
}

export interface StartResult {
  name: string;
  started: boolean;
  execution?: ExecutionSummary;
}

export interface Backend {
  ingest(file: string, dataset: string, progress: RunProgress): Promise<StartResult & { key: string }>;
  run(dataset: string, progress: RunProgress): Promise<StartResult>;
  /** RedriveExecution: rerun a failed run from the state that failed, as the same execution. */
  redrive(name: string, progress: RunProgress): Promise<StartResult>;
  listExecutions(filter: { status?: string; limit?: number }): Promise<ExecutionSummary[]>;
  describeExecution(name: string): Promise<ExecutionSummary>;
  history(name: string): Promise<HistoryEvent[]>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  listModels(modelName: string): Promise<{ versions: ModelVersionRecord[]; live: LivePointer | undefined }>;
  promote(modelName: string, version: string): Promise<LivePointer>;
  rollback(modelName: string): Promise<LivePointer>;
  predict(modelName: string, texts: string[]): Promise<Prediction[]>;
  audit(runId: string): Promise<AuditRecord[]>;
  /** The model name to use when none is given: that of the newest run. */
  defaultModelName(): Promise<string | undefined>;
  close(): void;
}
