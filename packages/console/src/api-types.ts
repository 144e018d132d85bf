/**
 * The console's JSON API: what each endpoint answers. Shared by the server and the web page, so
 * this module imports types only (nothing that needs Node.js).
 */
import type {
  AuditRecord,
  DecisionRecord,
  LivePointer,
  Metrics,
  ModelVersionRecord,
  RunRecord,
} from "@tollgate/core/contracts";

/** Execution statuses as Step Functions reports them (the runs filter). */
export { EXECUTION_STATUSES, type ExecutionStatus, type HistoryEvent } from "@tollgate/core/workflow/executions";
export type { AuditRecord, DecisionRecord, LivePointer, Metrics, ModelVersionRecord, RunRecord };

import type { ExecutionStatus, HistoryEvent } from "@tollgate/core/workflow/executions";
import type { MapRunChild, MapRunView, ParentRun } from "@tollgate/core/workflow/map-runs";

export type { MapRunChild, MapRunView, ParentRun };

/** What happened to a state in one run; `not-reached` for states the run never entered. */
export type StateStatus = "succeeded" | "failed" | "caught" | "running" | "not-reached";

/** A state of the ASL file, placed on the drawing (pixels, top-left origin). */
export interface GraphNode {
  name: string;
  type: string;
  comment: string | null;
  end: boolean;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A transition: `Next`, a `Choices` rule or `Default`, or a `Catch`. */
export interface GraphEdge {
  from: string;
  to: string;
  kind: "next" | "choice" | "catch";
  /** Short text drawn on the edge (e.g. "Default"), or null. */
  label: string | null;
  /** The rule(s) behind the edge, for a tooltip (choice: the condition; catch: the errors). */
  detail: string | null;
  /** SVG path data. */
  path: string;
}

/** The state machine drawn from the ASL file. */
export interface Graph {
  startAt: string;
  width: number;
  height: number;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** One row of the runs list. */
export interface RunSummary {
  name: string;
  status: ExecutionStatus;
  modelName: string | null;
  startDate: string;
  stopDate: string | null;
  durationMs: number | null;
  decision: RunRecord["decision"];
}

/** One entry into a state, with what happened, its input and its output (parsed JSON). */
export interface StateView {
  name: string;
  type: string;
  status: Exclude<StateStatus, "not-reached">;
  start: string;
  end: string | null;
  durationMs: number | null;
  attempts: number;
  error: string | null;
  cause: string | null;
  input: unknown;
  output: unknown;
  /** A Distributed Map state's Map Run (see {@link RunView.mapRuns}). */
  mapRunArn?: string;
}

/** The evaluation and the gate's numbers, from the run's state. */
export interface GateView {
  candidateVersion: string | null;
  accuracy: number | null;
  macroF1: number | null;
  validationAccuracy: number | null;
  minAccuracy: number | null;
  minGain: number | null;
  live: { version: string; accuracy: number; threshold: number } | null;
  decision: string | null;
  reason: string | null;
  counts: Record<string, number> | null;
}

/** `GET /api/runs/:name`. */
export interface RunView {
  execution: RunSummary & {
    input: unknown;
    output: unknown;
    error: string | null;
    cause: string | null;
    redriveCount: number;
  };
  graph: Graph;
  /** Each state's last status (states never entered are `not-reached`). */
  stateStatus: Record<string, StateStatus>;
  states: StateView[];
  events: HistoryEvent[];
  gate: GateView;
  record: RunRecord | null;
  audit: AuditRecord[];
  /** The run's Map Runs, oldest first, with their counts and children (DescribeMapRun, ListExecutions). */
  mapRuns: MapRunView[];
  /** For a Map Run's child execution: its run, Map state, Map Run and item; else null. */
  parent: ParentRun | null;
}

/** `GET /api/models`. */
export interface ModelSummary {
  modelName: string;
  versions: number;
  live: LivePointer | null;
}

/** `GET /api/models/:name`: versions oldest first. */
export interface ModelView {
  modelName: string;
  live: LivePointer | null;
  versions: ModelVersionRecord[];
  /** Who moved the live pointer or settled an approval, and why; oldest first. */
  decisions: DecisionRecord[];
}

/** `GET /api/models/:name/versions/:version/metrics`: the metricsKey JSON Evaluate wrote. */
export interface VersionMetrics {
  candidate: Metrics;
  live: { version: string; accuracy: number; threshold: number; metrics: Metrics | null } | null;
}

/** One candidate of the hyperparameter selection, with its validation scores. */
export interface TrainingCandidate {
  rung: number;
  learningRate: number;
  l2: number;
  ngramMax: number;
  minDf: number;
  rows: number;
  epochs: number;
  validationAccuracy: number;
  validationLoss: number;
}

/** `GET /api/models/:name/versions/:version/training`: how the version was trained (its model card). */
export interface VersionTraining {
  /** The values the model was fitted with: chosen on validation, or pinned (no search) */
  chosen: { learningRate: number; l2: number; ngramMax: number; minDf: number } | null;
  /** The values the user pinned (tollgate.config.json `training.*`): not searched */
  pinned: Partial<Record<"learningRate" | "l2" | "ngramMax" | "minDf", number>>;
  method: string | null;
  budget: number | null;
  passes: number | null;
  seconds: number | null;
  candidates: TrainingCandidate[];
  /** The curve's step: an epoch of the final fit, or a round of sharded training. */
  per: "epoch" | "round";
  curve: Array<{ step: number; trainLoss: number | null; validationLoss: number; validationAccuracy: number }>;
  /** The step whose weights were kept. */
  best: number | null;
  /** The refit on train + validation after early stopping, if any. */
  refit: { epochs: number; rows: number; solver?: string | undefined } | null;
  validation: { accuracy: number; loss: number };
  /** The exact solver's race on small data (after the SGD fit), when it was considered. */
  exact: ExactRace | null;
}

/** The exact solver's race (dual coordinate descent, LIBLINEAR -s 7): its candidates against the SGD fit. */
export interface ExactRace {
  /** The SGD fit's validation accuracy, the figure each candidate had to beat. */
  sgdValidationAccuracy: number;
  candidates: Array<{
    c: number;
    passes: number;
    /** The wide representation's description; null on Preprocess's features. */
    features: string | null;
    /** Its features' weights per class when not plain (Naive Bayes log-count ratios); else null. */
    weights: string | null;
    validationAccuracy: number;
    validationLoss: number;
    /** The model is this candidate, refit on train + validation. */
    chosen: boolean;
  }>;
  /** Why it did not run, when it did not. */
  skipped: string | null;
}

/** `POST /api/models/:name/promote` and `/rollback`: the compare-and-swap's result. */
export interface SwapResult {
  live: LivePointer;
}

/** `POST /api/models/:name/reject`: the rejected version. */
export interface RejectResult {
  version: ModelVersionRecord;
}

/** Every error answer: the error's stable name and message. */
export interface ApiError {
  error: string;
  message: string;
}

import type { QuarantineRecord } from "@tollgate/core/contracts";
import type { Comparison } from "@tollgate/core/registry/comparison";
import type { Lineage } from "@tollgate/core/registry/lineage";
import type { DataQuality } from "@tollgate/core/workflow/data-quality";

export type { Comparison, DataQuality, Lineage, QuarantineRecord };

/** `GET /api/runs`: one page of the runs that pass the filters, newest first, and how many pass. */
export interface RunsPage {
  runs: RunSummary[];
  total: number;
  offset: number;
  limit: number;
}

/** `GET /api/runs/:name/quality`: `tollgate show`'s data quality and `tollgate quarantine`'s rows (null: no manifest). */
export interface RunQuality {
  quality: DataQuality | null;
  quarantine: { total: number; rows: QuarantineRecord[] };
}

/** `POST /api/runs` and `/api/runs/:name/redrive`: the run, started (false: it existed already). */
export interface RunStarted {
  name: string;
  started: boolean;
}
