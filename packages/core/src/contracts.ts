/**
 * Contracts: one zod schema per boundary, the type inferred from it.
 * Each workflow state parses its input with its schema; the ASL passes only what they name.
 */
import { z } from "zod";

/** A dataset or model name: also a folder under `raw/` and part of execution names and keys. */
export const datasetName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,62}$/,
    "names are lowercase letters, digits and dashes, at most 63, starting with a letter or digit",
  );

/**
 * An execution (run) name as Step Functions accepts it: 1 to 80 characters, none of whitespace,
 * `< > { } [ ] ? * " # % \ ^ | ~ \` $ & , ; : /` or control characters.
 */
export const executionName = z
  .string()
  .min(1, "run names are 1 to 80 characters")
  .max(80, "run names are 1 to 80 characters")
  .regex(
    /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]+$/u,
    'run names have no spaces, slashes or any of <>{}[]?*"#%\\^|~`$&,;:',
  );

/**
 * The fewest test rows the gate decides on (docs/gate.md, "Why 200"): below it the 95% confidence
 * interval of an accuracy near 0.8 is wider than ±0.055, so thresholds a point apart decide on noise.
 */
export const DEFAULT_MIN_TEST_ROWS = 200;

/** How a version that passes the gate goes live: at once (`auto`), or once someone approves it (`required`). */
export const Approval = z.enum(["auto", "required"]);
export type Approval = z.infer<typeof Approval>;

/**
 * The gate's settings, carried in each run's input. The optional floors are off when absent (the
 * Gate state tests `IsPresent` first), so inputs written before they existed still run.
 */
export const GateConfig = z.object({
  minAccuracy: z.number().min(0).max(1).describe("the candidate's test accuracy must reach this"),
  minGain: z.number().min(-1).max(1).describe("…and beat the live model's accuracy on the same test split by this"),
  minMacroF1: z.number().min(0).max(1).optional().describe("optional: the candidate's macro-F1 must reach this"),
  minClassRecall: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("optional: every class's recall on the test split must reach this"),
  minTestRows: z
    .number()
    .int()
    .min(0)
    .default(DEFAULT_MIN_TEST_ROWS)
    .describe("Evaluate refuses to score a test split with fewer rows (TestSplitTooSmallError)"),
  approval: Approval.optional().describe("`required`: a version that passes the gate waits for `tollgate approve`"),
});
export type GateConfig = z.infer<typeof GateConfig>;

/**
 * The training settings a run carries besides its seed (tollgate.config.json `training`): the
 * selection's budget and the hyperparameters a user pins. A pinned value is not searched; with every
 * searched one pinned, or a budget of 1, Train fits once with the given values (the defaults for the
 * rest). Built by {@link trainingFields} so that the settings (read from text) and the run input
 * (JSON) check the same ranges.
 */
export function trainingFields<N extends z.ZodNumber | z.ZodCoercedNumber>(num: () => N) {
  return {
    selectionBudget: num()
      .min(1)
      .max(10)
      .default(3)
      .describe(
        "training passes hyperparameter selection and the final fit may spend together, in units of one plain fit (1: no selection, one plain fit with the defaults and pinned values; 3: the default)",
      ),
    learningRate: num()
      .gt(0)
      .max(100)
      .optional()
      .describe("pin AdaGrad's base learning rate (unset: chosen on validation from 0.3, 1, 3)"),
    l2: num().min(0).max(1).optional().describe("pin the L2 penalty (unset: chosen on validation from 1e-6, 1e-4)"),
    ngramMax: num()
      .int()
      .min(1)
      .max(2)
      .optional()
      .describe("pin the n-grams: 1 unigrams, 2 unigrams and bigrams (unset: chosen on validation)"),
    minDf: num()
      .int()
      .min(2)
      .max(1_000_000)
      .optional()
      .describe("pin the minimum document frequency of a term, at least 2 (unset: 2, Preprocess's own)"),
    maxEpochs: num()
      .int()
      .min(1)
      .max(1000)
      .optional()
      .describe("most epochs of the final fit, and most rounds of sharded training (unset: 25 epochs, 10 rounds)"),
    patience: num()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe("epochs without a gain in validation loss before the final fit stops (unset: 1)"),
  };
}

export const TrainingOptions = z.object(trainingFields(() => z.number())).strict();
export type TrainingOptions = z.infer<typeof TrainingOptions>;

/** The hyperparameters a user may pin (the rest of {@link TrainingOptions} is the budget and the stopping rule). */
export const PINNABLE = ["learningRate", "l2", "ngramMax", "minDf"] as const;

/** The execution input (what the trigger or `tollgate run` starts the state machine with). */
export const RunInput = z.object({
  dataset: datasetName,
  modelName: datasetName,
  gate: GateConfig,
  seed: z.number().int().nonnegative().default(42),
  trainingOptions: TrainingOptions.default({ selectionBudget: 3 }).describe(
    "the selection budget and pinned hyperparameters (absent in inputs written before they existed: the defaults)",
  ),
  /** The raw objects that caused this run (for lineage); informational. */
  sources: z.array(z.string()).default([]),
  force: z
    .boolean()
    .default(false)
    .describe("retrain even when the dataset version and training settings equal the live model's (`run --force`)"),
});
export type RunInput = z.infer<typeof RunInput>;

// ---- Etl (Glue job, or the local runner) ------------------------------------------------------

/** Arguments the Etl state passes to the Glue job (Glue's `--name` arguments, without dashes). */
export const EtlArguments = z.object({
  run_id: z.string().describe("the execution's name: every log line of the job carries it"),
  dataset: datasetName,
  raw_prefix: z.string(),
  curated_prefix: z.string(),
  quarantine_prefix: z.string(),
  manifest_key: z.string(),
});
export type EtlArguments = z.infer<typeof EtlArguments>;

/** One curated shard: a JSON Lines file of CuratedRow, sorted by text (docs/etl-rules.md, "Shards"). */
export const CuratedShard = z.object({
  key: z.string(),
  rows: z.number().int(),
  bytes: z.number().int().describe("size of the file"),
  sha256: z.string().describe("sha256 of the file's bytes (lowercase hex)"),
  labels: z.record(z.string(), z.number().int()).describe("rows per label in this shard"),
});
export type CuratedShard = z.infer<typeof CuratedShard>;

/**
 * What the Etl step wrote: at the run's `manifest_key` and beside the shards. Later states read the
 * shard list from here (in the store), never from a state's payload.
 */
/** Where ETL writes a run's manifest: the ASL's `States.Format('runs/{}/manifest.json', $$.Execution.Name)`. */
export const runManifestKey = (runId: string) => `runs/${runId}/manifest.json`;

export const Manifest = z.object({
  dataset: datasetName,
  datasetVersion: z.string().describe("sha256 of the shards' digests, one per line: the dataset's content hash"),
  createdAt: z.string(),
  sources: z.array(z.object({ key: z.string(), rows: z.number().int(), quarantined: z.number().int() })),
  counts: z.object({
    read: z.number().int(),
    valid: z.number().int(),
    duplicates: z.number().int(),
    quarantined: z.number().int(),
  }),
  labels: z.record(z.string(), z.number().int()),
  shards: z.array(CuratedShard).min(1).describe("the curated shards, in order (part-00000.jsonl, …)"),
  quarantineKeys: z
    .array(z.string())
    .describe("the quarantine shards, in order: their concatenation is sorted by source, line"),
});
export type Manifest = z.infer<typeof Manifest>;

/** One curated row (JSON Lines in the curated dataset). */
export const CuratedRow = z.object({ text: z.string(), label: z.string() });
export type CuratedRow = z.infer<typeof CuratedRow>;

/** One quarantined row (JSON Lines in the quarantine file). */
export const QuarantineRecord = z.object({
  source: z.string(),
  line: z.number().int(),
  reason: z.string(),
  raw: z.string(),
});
export type QuarantineRecord = z.infer<typeof QuarantineRecord>;

// ---- CheckNewData -------------------------------------------------------------------------------

export const CheckNewDataInput = z.object({
  runId: z.string(),
  manifestKey: z.string(),
  /** The execution's input as StartExecution received it (`$$.Execution.Input`: `force` may be absent). */
  run: RunInput,
});
export type CheckNewDataInput = z.infer<typeof CheckNewDataInput>;

export const CheckNewDataOutput = z.object({
  /** True when the run has nothing to train: the NewData Choice then ends it (NoNewData). */
  unchanged: z.boolean(),
  datasetVersion: z.string(),
  trainingSettings: z.string().describe("digest of the training settings this run would train with"),
  trainingOptions: TrainingOptions.describe(
    "the run's training options, defaults filled in (Select, Train, Merge, Export read them here)",
  ),
  /** The live model's version, or null when nothing is live. */
  live: z.string().nullable(),
  reason: z.string(),
});
export type CheckNewDataOutput = z.infer<typeof CheckNewDataOutput>;

// ---- Preprocess ---------------------------------------------------------------------------------

/**
 * How a run fans out: the stacks put the deploy settings into the ASL by DefinitionSubstitutions
 * (strings there), the local runtime its own settings; Preprocess reads them as numbers.
 */
export const ScaleSettings = z.object({
  mapConcurrency: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .describe("MaxConcurrency of every Distributed Map (and, on AWS, its child Lambdas' reserved concurrency)"),
  rowsPerChild: z.coerce.number().int().min(1).describe("curated rows one Map child trains or evaluates on"),
  specSampleRows: z.coerce.number().int().min(1).describe("training rows the feature spec is counted on"),
  sampleRows: z.coerce
    .number()
    .int()
    .min(1)
    .default(100_000)
    .describe("rows in each of the samples of training rows (selection) and validation rows (early stopping)"),
});
export type ScaleSettings = z.infer<typeof ScaleSettings>;

export const PreprocessInput = z.object({
  runId: z.string(),
  dataset: datasetName,
  manifestKey: z.string(),
  scale: ScaleSettings,
});
export type PreprocessInput = z.infer<typeof PreprocessInput>;

/** One curated shard as an item of a Distributed Map (the array at `shardsKey`). */
export const ShardItem = z.object({
  index: z.number().int().nonnegative().describe("the shard's place in the manifest"),
  key: z.string(),
  rows: z.number().int(),
});
export type ShardItem = z.infer<typeof ShardItem>;

export const SplitCounts = z.object({
  train: z.number().int(),
  validation: z.number().int(),
  test: z.number().int(),
});
export type SplitCounts = z.infer<typeof SplitCounts>;

/** How the Train and Evaluate Maps fan out over the shards. */
export const FanOut = z.object({
  children: z.number().int().positive().describe("children of the Train and Evaluate Maps"),
  shardsPerChild: z.number().int().positive().describe("ItemBatcher's MaxItemsPerBatch"),
  maxConcurrency: z.number().int().positive().describe("MaxConcurrency of the Maps"),
});
export type FanOut = z.infer<typeof FanOut>;

/** A term partition: an item of the MergeTerms Map. */
export const TermPart = z.object({ part: z.number().int().nonnegative() });
export type TermPart = z.infer<typeof TermPart>;

/** How the MergeTerms Map fans out over the term partitions (when Preprocess did not read every row). */
export const TermFanOut = z.object({
  partsKey: z.string().describe("a JSON array of TermPart: what the MergeTerms Map reads with ItemReader"),
  partsPerChild: z.number().int().positive().describe("ItemBatcher's MaxItemsPerBatch"),
  children: z.number().int().positive().describe("children of the MergeTerms Map"),
});
export type TermFanOut = z.infer<typeof TermFanOut>;

export const PreprocessOutput = z.object({
  datasetVersion: z.string(),
  counts: SplitCounts.describe("rows per split among the rows Preprocess read (all of them when `exact`)"),
  exact: z
    .boolean()
    .describe("whether Preprocess read every row (else the counts come from a sample and CountTerms counts the spec)"),
  classes: z
    .number()
    .int()
    .describe("number of labels (the list itself is in the feature spec, to keep payloads small)"),
  featureSpecKey: z.string(),
  shardsKey: z.string().describe("a JSON array of ShardItem: what the Maps read with ItemReader"),
  samples: z.object({
    train: z.string().describe("JSON Lines: a bounded seeded-hash sample of training rows (selection)"),
    validation: z.string().describe("JSON Lines: a bounded sample of validation rows (early stopping)"),
  }),
  fanOut: FanOut,
  termParts: z
    .number()
    .int()
    .positive()
    .describe("partitions of the CountTerms Map's term tables (when not exact): a MergeTerms child sums one at a time"),
  termMerge: TermFanOut,
});
export type PreprocessOutput = z.infer<typeof PreprocessOutput>;

/** Where a Distributed Map's ResultWriter put its results (the Map state's result). */
export const MapResults = z.object({
  MapRunArn: z.string(),
  ResultWriterDetails: z.object({ Bucket: z.string(), Key: z.string() }),
});
export type MapResults = z.infer<typeof MapResults>;

// ---- The feature spec of a corpus Preprocess did not read whole: the CountTerms Map, MergeTerms ------

/** A child of the CountTerms Map: counts the terms of its shards' training rows. */
export const CountShardTermsInput = z.object({
  BatchInput: z.object({
    runId: z.string(),
    manifestKey: z.string().describe("the run's manifest (the labels)"),
    termParts: z.number().int().positive(),
  }),
  Items: z.array(ShardItem).min(1),
});
export type CountShardTermsInput = z.infer<typeof CountShardTermsInput>;

export const CountShardTermsOutput = z.object({
  index: z
    .number()
    .int()
    .describe("the first shard's index: its tables are runs/<run>/terms/part-<p>/child-<index>.tsv"),
  documents: z.number().int().describe("training rows counted"),
  terms: z.number().int().describe("distinct terms in its tables"),
});
export type CountShardTermsOutput = z.infer<typeof CountShardTermsOutput>;

/** A child of the MergeTerms Map: sums its partitions over every CountTerms child's tables. */
export const MergeTermPartsInput = z.object({
  BatchInput: z.object({
    runId: z.string(),
    manifestKey: z.string().describe("the run's manifest (the labels: the vocabulary cap depends on their number)"),
    children: z.number().int().positive().describe("children of the CountTerms Map"),
    results: MapResults.describe("the CountTerms Map's results"),
  }),
  Items: z.array(TermPart).min(1),
});
export type MergeTermPartsInput = z.infer<typeof MergeTermPartsInput>;

export const MergeTermPartsOutput = z.object({
  index: z.number().int().describe("its first partition: its candidates are runs/<run>/terms/top-<index>.tsv"),
  documents: z.number().int().describe("training rows the CountTerms children counted (all of them)"),
  candidates: z.number().int().describe("terms in its candidate list (at most the vocabulary cap)"),
});
export type MergeTermPartsOutput = z.infer<typeof MergeTermPartsOutput>;

/** The final selection over the MergeTerms children's candidates: writes the feature spec. */
export const SelectTermsInput = z.object({
  runId: z.string(),
  manifestKey: z.string(),
  featureSpecKey: z.string().describe("where the spec is written"),
  children: z.number().int().positive().describe("children of the MergeTerms Map"),
  results: MapResults.describe("the MergeTerms Map's results"),
});
export type SelectTermsInput = z.infer<typeof SelectTermsInput>;

export const SelectTermsOutput = z.object({
  featureSpecKey: z.string(),
  documents: z.number().int(),
  features: z.number().int(),
});
export type SelectTermsOutput = z.infer<typeof SelectTermsOutput>;

// ---- Train: Select, the Train Map's children, Merge, Export ------------------------------------------

/** The hyperparameters training runs with (chosen on validation). */
export const Hyperparameters = z.object({
  learningRate: z.number(),
  l2: z.number(),
  ngramMax: z.number().int(),
  minDf: z.number().int(),
});
export type Hyperparameters = z.infer<typeof Hyperparameters>;

/** One round of sharded training, as the merge measured it. */
export const RoundFigures = z.object({
  round: z.number().int().positive(),
  children: z.number().int(),
  examples: z.number().int(),
  trainLoss: z.number().nullable(),
  validationLoss: z.number(),
  validationAccuracy: z.number(),
});
export type RoundFigures = z.infer<typeof RoundFigures>;

/** Where training stands between rounds (the state machine's loop carries it). */
export const TrainingState = z.object({
  round: z.number().int().nonnegative().describe("rounds done"),
  chosen: Hyperparameters.nullable().describe("null: the single child chooses them itself"),
  weightsKey: z.string().nullable().describe("the merged training state the next round starts from"),
  best: z
    .object({ round: z.number().int(), key: z.string(), validationLoss: z.number(), validationAccuracy: z.number() })
    .nullable(),
  rounds: z.array(RoundFigures),
  continue: z.boolean().describe("whether another round may lower the validation loss"),
});
export type TrainingState = z.infer<typeof TrainingState>;

export const SelectInput = z.object({
  runId: z.string(),
  seed: z.number().int().nonnegative(),
  trainingOptions: TrainingOptions,
  featureSpecKey: z.string(),
  samples: PreprocessOutput.shape.samples,
});
export type SelectInput = z.infer<typeof SelectInput>;

/** The input of a Train Map child (ItemBatcher's batch: BatchInput and its shards). */
export const TrainShardInput = z.object({
  BatchInput: z.object({
    runId: z.string(),
    dataset: datasetName,
    modelName: datasetName,
    seed: z.number().int().nonnegative(),
    trainingOptions: TrainingOptions,
    featureSpecKey: z.string(),
    validationSampleKey: z.string(),
    training: TrainingState.describe("where training stands: this round is its round + 1"),
  }),
  Items: z.array(ShardItem).min(1),
});
export type TrainShardInput = z.infer<typeof TrainShardInput>;

export const TrainShardOutput = z.object({
  index: z.number().int().describe("the first shard's index: the merge adds children in this order"),
  key: z.string().describe("the child's training state"),
  examples: z.number().int(),
  loss: z.number().nullable(),
  chosen: Hyperparameters.nullable().describe("what a single child chose on validation (else null)"),
});
export type TrainShardOutput = z.infer<typeof TrainShardOutput>;

export const MergeInput = z.object({
  runId: z.string(),
  featureSpecKey: z.string(),
  validationSampleKey: z.string(),
  children: z.number().int().positive().describe("how many children the round had"),
  results: MapResults,
  training: TrainingState,
  trainingOptions: TrainingOptions,
});
export type MergeInput = z.infer<typeof MergeInput>;

export const ExportInput = z.object({
  runId: z.string(),
  modelName: datasetName,
  seed: z.number().int().nonnegative(),
  trainingOptions: TrainingOptions,
  prepared: PreprocessOutput,
  training: TrainingState,
});
export type ExportInput = z.infer<typeof ExportInput>;

/** The hyperparameters Train chose on validation, in brief (the model card has every candidate). */
export const TrainSelection = Hyperparameters.extend({
  candidates: z.number().int().describe("candidate fits scored on validation"),
  passes: z.number().describe("training passes the selection spent, over the full training split"),
  budget: z
    .number()
    .optional()
    .describe("the run's selection budget (tollgate.config.json `training.selectionBudget`)"),
  pinned: z
    .array(z.enum(PINNABLE))
    .default([])
    .describe("the values the user pinned (`training.*`), not searched; the others were chosen on validation"),
  solver: z
    .string()
    .optional()
    .describe(
      "on small data, the exact solver's race candidate chosen on validation over the SGD fit (then the learning rate and L2 are the SGD fit's it beat)",
    ),
});
export type TrainSelection = z.infer<typeof TrainSelection>;

export const TrainOutput = z.object({
  modelVersion: z.string(),
  modelKey: z.string(),
  cardKey: z.string(),
  validationAccuracy: z.number(),
  sizeBytes: z.number().int(),
  rounds: z.number().int().describe("rounds of sharded training (1: one child fitted it all)"),
  selection: TrainSelection.nullable().describe("the choice of hyperparameters on validation (null: none was made)"),
});
export type TrainOutput = z.infer<typeof TrainOutput>;

// ---- Evaluate: the Evaluate Map's children, Score ------------------------------------------------------

export const ClassMetrics = z.object({
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  support: z.number().int(),
});
export const Metrics = z.object({
  accuracy: z.number(),
  macroF1: z.number(),
  perClass: z.record(z.string(), ClassMetrics),
  labels: z.array(z.string()),
  confusion: z.array(z.array(z.number().int())).describe("rows: true label, columns: predicted, in `labels` order"),
  count: z.number().int(),
});
export type Metrics = z.infer<typeof Metrics>;

/** The input of an Evaluate Map child. */
export const EvaluateShardInput = z.object({
  BatchInput: z.object({
    runId: z.string(),
    dataset: datasetName,
    modelName: datasetName,
    modelVersion: z.string(),
    modelKey: z.string(),
  }),
  Items: z.array(ShardItem).min(1),
});
export type EvaluateShardInput = z.infer<typeof EvaluateShardInput>;

/** A model's confusion counts on some test rows, over the labels of both models. */
export const ModelConfusion = z.object({
  labels: z.array(z.string()).describe("the model's own labels"),
  confusion: z
    .array(z.array(z.number().int()))
    .describe("rows: true label, columns: predicted, in Confusions.labels order"),
});
/** Confusion counts of the candidate (and the live model) on some test rows. */
export type ModelConfusion = z.infer<typeof ModelConfusion>;
export const Confusions = z.object({
  labels: z.array(z.string()).describe("rows and columns of both matrices: the labels of both models"),
  candidate: ModelConfusion,
  live: ModelConfusion.extend({ version: z.string() }).nullable(),
});
export type Confusions = z.infer<typeof Confusions>;

export const EvaluateShardOutput = z.object({
  index: z.number().int(),
  key: z.string().describe("the child's Confusions (JSON)"),
  rows: z.number().int().describe("test rows scored"),
  live: z.string().nullable().describe("the live version scored beside the candidate"),
});
export type EvaluateShardOutput = z.infer<typeof EvaluateShardOutput>;

export const ScoreInput = z.object({
  runId: z.string(),
  modelName: datasetName,
  modelVersion: z.string(),
  children: z.number().int().positive(),
  results: MapResults,
  gate: GateConfig,
});
export type ScoreInput = z.infer<typeof ScoreInput>;

export const EvaluateOutput = z.object({
  candidateVersion: z.string(),
  accuracy: z.number(),
  macroF1: z.number(),
  testRows: z.number().int().describe("rows of the test split both models were scored on"),
  minRecall: z.number().describe("the lowest recall of any class with test rows (the gate's per-class floor)"),
  minRecallLabel: z.string().describe("the class with that recall"),
  metricsKey: z.string(),
  /** The live model scored on the same test split, or null when nothing is live. */
  live: z
    .object({
      version: z.string(),
      accuracy: z.number(),
      threshold: z.number(),
      covers: z
        .boolean()
        .optional()
        .describe(
          "the live model was trained on every source of this run's data and more: the candidate has nothing new, the Gate rejects it (absent in runs before it was recorded)",
        ),
    })
    .nullable(),
});
export type EvaluateOutput = z.infer<typeof EvaluateOutput>;

// ---- Promote / Reject / RecordFailure ------------------------------------------------------------

export const DecisionInput = z.object({
  runId: z.string(),
  dataset: datasetName,
  modelName: datasetName,
  datasetVersion: z.string(),
  gate: GateConfig,
  evaluation: EvaluateOutput,
});
export type DecisionInput = z.infer<typeof DecisionInput>;

export const DecisionOutput = z.object({
  decision: z.enum(["promoted", "rejected", "pending-approval"]),
  modelVersion: z.string(),
  previousLive: z.string().nullable(),
  reason: z.string(),
});
export type DecisionOutput = z.infer<typeof DecisionOutput>;

/** RecordFailure gets the whole state at the point of failure: only what it names is read. */
export const FailureInput = z.object({
  runId: z.string(),
  state: z.object({
    dataset: z.string(),
    modelName: z.string(),
    prepared: z.object({ datasetVersion: z.string() }).optional(),
    trained: z.object({ modelVersion: z.string() }).optional(),
    failure: z.object({ Error: z.string(), Cause: z.string().optional() }),
  }),
});
export type FailureInput = z.infer<typeof FailureInput>;

/**
 * EventBridge's "Step Functions Execution Status Change" event for a run that ended without
 * success (https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html); the local runtime
 * sends the same when a run ends. RecordFailure takes it too: a failure no Catch routes to it (a
 * failed Map Run, left uncaught so that a redrive reaches it; a timeout; a stop) is still recorded.
 */
export const ExecutionStatusChange = z.object({
  source: z.literal("aws.states"),
  "detail-type": z.literal("Step Functions Execution Status Change"),
  detail: z.object({
    executionArn: z.string(),
    name: z.string(),
    status: z.enum(["FAILED", "TIMED_OUT", "ABORTED"]),
    input: z.string().nullable(),
    error: z.string().nullish(),
    cause: z.string().nullish(),
  }),
});
export type ExecutionStatusChange = z.infer<typeof ExecutionStatusChange>;

/** What RecordFailure is invoked with: by the state machine's Catch, or by a run's status change. */
export const RecordFailureInput = z.union([FailureInput, ExecutionStatusChange]);
export type RecordFailureInput = z.infer<typeof RecordFailureInput>;

// ---- Registry records ----------------------------------------------------------------------------

export const ModelStatus = z.enum(["candidate", "pending-approval", "live", "rejected", "retired", "failed"]);
export type ModelStatus = z.infer<typeof ModelStatus>;

/** What `tollgate gc` removed of a model version: when, who, and the bytes its files and run freed. */
export const Collected = z.object({
  at: z.string(),
  by: z.string(),
  bytes: z.number().int().nonnegative(),
});
export type Collected = z.infer<typeof Collected>;

export const ModelVersionRecord = z.object({
  modelName: datasetName,
  version: z.string(),
  status: ModelStatus,
  statusReason: z.string().nullable().default(null),
  runId: z.string(),
  datasetVersion: z.string(),
  modelKey: z.string(),
  cardKey: z.string(),
  metricsKey: z.string().nullable().default(null),
  trainingSettings: z
    .string()
    .nullable()
    .default(null)
    .describe(
      "digest of the training settings (trainer version, seed, hyperparameter search); null before it was recorded",
    ),
  metrics: z.object({
    validationAccuracy: z.number(),
    testAccuracy: z.number().nullable(),
    macroF1: z.number().nullable(),
  }),
  createdAt: z.string(),
  collected: Collected.nullable()
    .default(null)
    .describe("set when `tollgate gc` removed the version's files: it can no longer be loaded or go live"),
});
export type ModelVersionRecord = z.infer<typeof ModelVersionRecord>;

/** How many earlier live versions a live pointer remembers for rollback. */
export const MAX_LIVE_HISTORY = 100;

export const LivePointer = z.object({
  modelName: datasetName,
  version: z.string(),
  since: z.string(),
  by: z.string(),
  previous: z
    .string()
    .nullable()
    .describe("the version live just before this one (a rollback's: the one rolled away from)"),
  history: z
    .array(z.string())
    .default([])
    .describe("the earlier live versions rollback returns to, newest first (at most MAX_LIVE_HISTORY)"),
});
export type LivePointer = z.infer<typeof LivePointer>;

export const RunRecord = z.object({
  runId: z.string(),
  dataset: datasetName,
  modelName: datasetName,
  datasetVersion: z.string().nullable(),
  modelVersion: z.string().nullable(),
  decision: z.enum(["promoted", "rejected", "pending-approval", "failed", "no-new-data"]).nullable(),
  reason: z.string().nullable(),
  updatedAt: z.string(),
});
export type RunRecord = z.infer<typeof RunRecord>;

/**
 * What a decision did: the Promote step or an operator moved the live pointer (`promote`,
 * `rollback`), the gate left a version waiting (`pending-approval`), an operator settled it
 * (`approve`, `reject`).
 */
export const DecisionAction = z.enum(["promote", "rollback", "pending-approval", "approve", "reject"]);
export type DecisionAction = z.infer<typeof DecisionAction>;

/**
 * One decision about a model version, kept in the registry (append-only, oldest first): who made
 * it and why. Every move of the live pointer and every manual decision writes one.
 */
export const DecisionRecord = z.object({
  modelName: datasetName,
  version: z.string().describe("the version decided on"),
  action: DecisionAction,
  by: z.string().describe("`run:<run>` for the workflow's own steps, `cli:<user>` or `console:<user>` otherwise"),
  reason: z.string().nullable(),
  at: z.string(),
  runId: z.string().nullable().describe("the run that trained the version"),
  live: z
    .object({ before: z.string().nullable(), after: z.string().nullable() })
    .describe("the live version before and after the decision"),
});
export type DecisionRecord = z.infer<typeof DecisionRecord>;

// ---- Audit (CloudTrail-shaped) -------------------------------------------------------------------

export const AuditRecordInput = z.object({
  eventSource: z.string().describe("e.g. s3.amazonaws.com, dynamodb.amazonaws.com, states.amazonaws.com"),
  eventName: z.string().describe("e.g. PutObject, PutItem, UpdateItem, StartExecution"),
  userIdentity: z.object({ type: z.string(), principalId: z.string(), arn: z.string().optional() }),
  requestParameters: z.record(z.string(), z.unknown()),
  resources: z.array(z.object({ type: z.string(), ARN: z.string() })),
  runId: z.string().optional(),
});
export type AuditRecordInput = z.infer<typeof AuditRecordInput>;

export const AuditRecord = AuditRecordInput.extend({
  eventVersion: z.string().describe("CloudTrail record version, 1.08 locally; AWS sends 1.08–1.11"),
  eventID: z.string(),
  eventTime: z.string(),
  awsRegion: z.string(),
  eventType: z.enum(["AwsApiCall"]),
});
export type AuditRecord = z.infer<typeof AuditRecord>;
