/**
 * What the CLI needs from a target. The local backend runs everything in-process; an AWS
 * backend (a deployed stage) implements the same interface, so output formats are identical.
 */
import {
  type AuditRecord,
  type DecisionRecord,
  datasetName,
  type LivePointer,
  type ModelVersionRecord,
  type QuarantineRecord,
  type RunRecord,
} from "@tollgate/core/contracts";
import { tryJsonParse } from "@tollgate/core/json";
import type { Lineage } from "@tollgate/core/registry/lineage";
import type { Comparison, ModelDetail } from "@tollgate/core/registry/model-detail";
import type { GcReport } from "@tollgate/core/registry/retention";
import { predictionsOf, type Ranked, topClasses } from "@tollgate/core/serving/prediction";
import type { DataQuality } from "@tollgate/core/workflow/data-quality";
import type {
  ExecutionRecord,
  HistoryEvent,
  MapRunProgress,
  MapRunRecord,
  NewHistoryEvent,
} from "@tollgate/core/workflow/executions";
import type { MapRunChild } from "@tollgate/core/workflow/map-runs";
import type { RunFilter } from "@tollgate/core/workflow/run-filter";
import type { LoadedVersion } from "./batch/model.ts";

/** What the CLI shows of an execution (DescribeExecution's fields it renders). */
export type ExecutionSummary = Pick<
  ExecutionRecord,
  "name" | "status" | "input" | "output" | "error" | "cause" | "startDate" | "stopDate" | "redriveCount"
> &
  Pick<Partial<ExecutionRecord>, "mapRunArn">;

export type { HistoryEvent, NewHistoryEvent };

export interface Prediction {
  text: string;
  label: string;
  probability: number;
  modelVersion: string;
  /** False when no term of the text is known to the model: the answer is then the class prior. */
  knownTokens?: boolean;
  /** The most likely classes with their probabilities, most likely first (when the target gives them). */
  top?: Ranked[];
}

/** What `tollgate gc` asks for. */
export interface GcRequest {
  model?: string | undefined;
  keep: number;
  dryRun: boolean;
  raw: boolean;
}

/** How many classes `predict --json` lists per text. */
export const TOP_K = 3;

/**
 * Scores `texts` with a loaded version and releases it.
 * @example const predictions = await predictTexts(await backend.loadVersion("topics"), ["a text"]);
 */
export async function predictTexts(model: LoadedVersion, texts: string[], topK = TOP_K): Promise<Prediction[]> {
  try {
    const output = await model.predict(texts);
    const known = await model.knownTerms(output.probabilities);
    return predictionsOf(model.labels, output, known).map(({ label, probability, probabilities, knownTokens }, i) => ({
      text: texts[i] as string,
      label,
      probability,
      modelVersion: model.version,
      knownTokens,
      top: topClasses(model.labels, probabilities, topK),
    }));
  } finally {
    await model.release();
  }
}

export interface RunProgress {
  onEvent?: (event: NewHistoryEvent) => void;
  /** A Distributed Map's counts changed (locally: children started or ended, with a succeeded child's output). */
  onMapRun?: MapRunProgress;
}

/** The model of the newest successful run, used when a command gets no `--model`. */
export interface DefaultModel {
  modelName: string;
  run: string;
}

export interface StartResult {
  name: string;
  started: boolean;
  execution?: ExecutionSummary;
}

export interface Backend {
  ingest(file: string, dataset: string, progress: RunProgress): Promise<StartResult & { key: string }>;
  /** With `force`, trains even when the data and training settings are the live model's. */
  run(dataset: string, progress: RunProgress, options?: { force?: boolean }): Promise<StartResult>;
  /** RedriveExecution: rerun a failed run from the state that failed, as the same execution. */
  redrive(name: string, progress: RunProgress): Promise<StartResult>;
  /** StopExecution: a RUNNING run ends ABORTED. @throws ExecutionNotRunningError when it has ended. */
  stop(name: string): Promise<ExecutionSummary>;
  /** Newest first, those that pass `filter` (the console's run filters). */
  listExecutions(filter: RunFilter): Promise<ExecutionSummary[]>;
  describeExecution(name: string): Promise<ExecutionSummary>;
  history(name: string): Promise<HistoryEvent[]>;
  /** ListMapRuns + DescribeMapRun: the Map Runs a run started, oldest first, with their counts. */
  mapRuns(name: string): Promise<MapRunRecord[]>;
  /** DescribeMapRun. @throws ExecutionNotFoundError when there is no such Map Run. */
  describeMapRun(mapRunArn: string): Promise<MapRunRecord>;
  /** ListExecutions by Map Run: its child executions (by item locally), each named as `show` opens it. */
  mapRunChildren(mapRunArn: string): Promise<MapRunChild[]>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  listModels(modelName: string): Promise<{ versions: ModelVersionRecord[]; live: LivePointer | undefined }>;
  /** A version the gate did not pass needs a `reason` (core's promoteVersion). */
  promote(modelName: string, version: string, reason?: string): Promise<LivePointer>;
  /** Steps back `steps` versions (default 1) in the live pointer's history. */
  rollback(modelName: string, reason?: string, steps?: number): Promise<LivePointer>;
  /** Settles a version pending approval: goes live by the Promote step's compare-and-swap. */
  approve(modelName: string, version: string, reason: string): Promise<LivePointer>;
  /** Settles a version pending approval: rejected, the live model untouched. */
  reject(modelName: string, version: string, reason: string): Promise<ModelVersionRecord>;
  /** Who moved the live pointer or settled an approval, and why; oldest first. */
  decisions(modelName: string): Promise<DecisionRecord[]>;
  /** Scores texts with the live model (on a stage: through its Function URL); `top` lists `topK` classes (default {@link TOP_K}). */
  predict(modelName: string, texts: string[], topK?: number): Promise<Prediction[]>;
  /** A run's ETL counts, quarantine reasons, label counts and label shift against `baselineVersion` (default: the live model). */
  dataQuality(runId: string, modelName: string, baselineVersion?: string | null): Promise<DataQuality | undefined>;
  /** The rows a run's Etl step quarantined, in file and line order. @throws ObjectNotFoundError without a manifest. */
  quarantine(runId: string): AsyncIterable<QuarantineRecord>;
  /** Raw files → dataset → run → model → decisions (`lineage`). */
  lineage(modelName: string, version: string): Promise<Lineage>;
  /** A version's model card and test metrics (`models show`). */
  modelDetail(modelName: string, version: string): Promise<ModelDetail>;
  /** Two versions scored here on the same test split (`models compare`). */
  compareModels(modelName: string, a: string, b: string, on?: string): Promise<Comparison>;
  /** Loads a version's model (default: the live one) to score on this machine (on a stage: from the model bucket). */
  loadVersion(modelName: string, version?: string): Promise<LoadedVersion>;
  audit(runId: string): Promise<AuditRecord[]>;
  /** Retention (`gc`): removes what old versions alone need, for `model` or every model; see core's registry/retention.ts. */
  gc(request: GcRequest): Promise<GcReport[]>;
  /** The model to use when none is given: that of the newest successful run (and that run's name). */
  defaultModel(): Promise<DefaultModel | undefined>;
  close(): void;
}

/** The model a run's input names, if it is a valid model name. */
export function modelOfRun(run: string, input: string): DefaultModel | undefined {
  const modelName = (tryJsonParse(input) as { modelName?: unknown } | undefined)?.modelName;
  return typeof modelName === "string" && datasetName.safeParse(modelName).success ? { modelName, run } : undefined;
}
