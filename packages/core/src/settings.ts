/**
 * Settings: every setting of every tollgate process in one schema, with a default (where one
 * makes sense) and a description per field, and the environment key each is read from. A process
 * takes the fields it needs with `Settings.pick({ … })` (`.extend()` only to change a default) and
 * reads them once, at start, with {@link readSettings}.
 *
 * stacks/ import this file by relative path (SST loads the stacks with plain Node): keep its
 * imports to zod and files that import only zod.
 */
import { z } from "zod";
import {
  Approval,
  DEFAULT_MIN_TEST_ROWS,
  datasetName,
  GateConfig,
  TrainingOptions,
  trainingFields,
} from "./contracts.ts";
import { InvalidInputError } from "./errors.ts";

/** What a run of one dataset takes from the settings: its gate, training seed and training options (per-dataset overrides). */
export const DatasetRunSettings = z.record(
  datasetName,
  z
    .object({
      gate: GateConfig,
      seed: z.number().int().nonnegative(),
      trainingOptions: TrainingOptions.default({ selectionBudget: 3 }),
    })
    .strict(),
);
export type DatasetRunSettings = z.infer<typeof DatasetRunSettings>;

const tryParse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** {@link DatasetRunSettings} as JSON text (an environment variable, a stack output). */
export const DatasetSettingsJson = z.string().transform((text, ctx) => {
  const parsed = DatasetRunSettings.safeParse(tryParse(text));
  if (parsed.success) return parsed.data;
  ctx.addIssue({ code: "custom", message: `not a JSON object of dataset → { gate, seed }: ${parsed.error.message}` });
  return z.NEVER;
});

/** {@link TrainingOptions} as JSON text (a stack output). */
export const TrainingOptionsJson = z.string().transform((text, ctx) => {
  const parsed = TrainingOptions.safeParse(tryParse(text));
  if (parsed.success) return parsed.data;
  ctx.addIssue({ code: "custom", message: `not a JSON object of training options: ${parsed.error.message}` });
  return z.NEVER;
});

/** pino's levels. */
export const LogLevel = z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]);

export const Settings = z.object({
  // The local runtime
  home: z.string().default(".tollgate").describe("where local objects, the registry, runs and the audit log live"),
  faults: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .describe("comma-separated state names to fail on purpose (reliability testing), e.g. Train,Promote"),

  // The runs a trigger starts: naming, gate and seed
  coalesceSeconds: z.coerce
    .number()
    .int()
    .min(0)
    .max(900)
    .default(120)
    .describe(
      "uploads to one dataset within this many seconds start one run (0: one run per object; max 900, SQS's delay limit)",
    ),
  minAccuracy: z.coerce.number().min(0).max(1).default(0.5).describe("gate: minimum test accuracy"),
  minGain: z.coerce.number().min(-1).max(1).default(0).describe("gate: minimum gain over the live model"),
  minMacroF1: z.coerce
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("gate (optional): minimum macro-F1 on the test split"),
  minClassRecall: z.coerce
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("gate (optional): minimum recall of every class on the test split"),
  minTestRows: z.coerce
    .number()
    .int()
    .min(0)
    .default(DEFAULT_MIN_TEST_ROWS)
    .describe("gate: the fewest test rows it decides on (below: the run fails with TestSplitTooSmallError)"),
  approval: Approval.default("auto").describe(
    "gate: `auto` promotes a passing candidate at once; `required` leaves it pending `tollgate approve`",
  ),
  seed: z.coerce.number().int().nonnegative().default(42).describe("training seed"),
  // Training (tollgate.config.json `training`; docs/config.md)
  ...trainingFields(() => z.coerce.number()),
  datasetSettings: z
    .string()
    .default("{}")
    .pipe(DatasetSettingsJson)
    .describe(
      "per-dataset gate and seed, resolved from tollgate.config.json's `datasets` (JSON; `sst deploy` sets it for the trigger)",
    ),

  // How a run fans out (docs/scale.md)
  mapConcurrency: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(100)
    .describe(
      "children of a Distributed Map running at once (MaxConcurrency); on AWS also the reserved concurrency of the Map children's Lambdas",
    ),
  rowsPerChild: z.coerce
    .number()
    .int()
    .min(1)
    .default(1_000_000)
    .describe("curated rows per child of the Train and Evaluate Maps (data that fits one child trains in one process)"),
  specSampleRows: z.coerce
    .number()
    .int()
    .min(1)
    .default(1_000_000)
    .describe(
      "training rows Preprocess counts the feature spec on itself; a larger dataset's spec is counted exactly by the CountTerms Map, merged in partitions of about this many rows' terms",
    ),
  mapWorkers: z.coerce
    .number()
    .int()
    .min(1)
    .max(1024)
    .optional()
    .describe(
      "local runtime: most worker processes running Distributed Map children at once, shared by the app's Map Runs (unset: one per core)",
    ),

  // Logs
  logLevel: LogLevel.default("warn").describe("log level (the CLI's default keeps it quiet; Lambdas get info)"),

  // Serving
  modelName: datasetName.describe("the model whose live version is served"),
  pointerTtlMs: z.coerce
    .number()
    .int()
    .min(0)
    .max(3_600_000)
    .default(1000)
    .describe("how long a read of the live pointer is trusted: a promotion is noticed within this time"),
  maxTexts: z.coerce.number().int().min(1).max(10_000).default(64).describe("most texts in one request (413 above)"),
  maxTextChars: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(10_000)
    .describe("longest text, in UTF-16 code units (413 above)"),
  maxBodyBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .max(6 * 1024 * 1024)
    .default(1024 * 1024)
    .describe("largest request body in bytes (413 above; Lambda's own limit is 6 MB)"),
  maxBatchTexts: z.coerce
    .number()
    .int()
    .min(1)
    .max(4096)
    .default(64)
    .describe("most texts of concurrent requests scored together in one onnxruntime run (a larger request runs alone)"),

  // What a deployed stage's Lambdas are given
  dataBucket: z.string().min(1).describe("the data bucket (raw/, curated/, prepared/, runs/)"),
  modelBucket: z.string().min(1).describe("the versioned model bucket (models/<name>/<version>/)"),
  registryTable: z.string().min(1).describe("the registry's DynamoDB table"),
  stateMachineArn: z.string().startsWith("arn:").describe("the retrain state machine"),

  // The CLI against a stage
  stage: z.string().min(1).optional().describe("the deployed stage the CLI operates (as --stage)"),
  stageOutputs: z
    .string()
    .optional()
    .describe("a stage's outputs file (sst deploy --outputs-file) to read instead of CloudFormation"),
});
export type Settings = z.infer<typeof Settings>;

/** The environment key of each setting. */
export const SETTINGS_ENV = {
  home: "TOLLGATE_HOME",
  faults: "TOLLGATE_FAULTS",
  coalesceSeconds: "TOLLGATE_COALESCE_SECONDS",
  minAccuracy: "TOLLGATE_MIN_ACCURACY",
  minGain: "TOLLGATE_MIN_GAIN",
  minMacroF1: "TOLLGATE_MIN_MACRO_F1",
  minClassRecall: "TOLLGATE_MIN_CLASS_RECALL",
  minTestRows: "TOLLGATE_MIN_TEST_ROWS",
  approval: "TOLLGATE_APPROVAL",
  seed: "TOLLGATE_SEED",
  selectionBudget: "TOLLGATE_SELECTION_BUDGET",
  learningRate: "TOLLGATE_LEARNING_RATE",
  l2: "TOLLGATE_L2",
  ngramMax: "TOLLGATE_NGRAM_MAX",
  minDf: "TOLLGATE_MIN_DF",
  maxEpochs: "TOLLGATE_MAX_EPOCHS",
  patience: "TOLLGATE_PATIENCE",
  datasetSettings: "TOLLGATE_DATASET_SETTINGS",
  mapConcurrency: "TOLLGATE_MAP_CONCURRENCY",
  rowsPerChild: "TOLLGATE_ROWS_PER_CHILD",
  specSampleRows: "TOLLGATE_SPEC_SAMPLE_ROWS",
  mapWorkers: "TOLLGATE_MAP_WORKERS",
  logLevel: "TOLLGATE_LOG_LEVEL",
  modelName: "TOLLGATE_MODEL",
  pointerTtlMs: "TOLLGATE_SERVE_POINTER_TTL_MS",
  maxTexts: "TOLLGATE_SERVE_MAX_TEXTS",
  maxTextChars: "TOLLGATE_SERVE_MAX_TEXT_CHARS",
  maxBodyBytes: "TOLLGATE_SERVE_MAX_BODY_BYTES",
  maxBatchTexts: "TOLLGATE_SERVE_MAX_BATCH_TEXTS",
  dataBucket: "DATA_BUCKET",
  modelBucket: "MODEL_BUCKET",
  registryTable: "REGISTRY_TABLE",
  stateMachineArn: "STATE_MACHINE_ARN",
  stage: "TOLLGATE_STAGE",
  stageOutputs: "TOLLGATE_STAGE_OUTPUTS",
} as const satisfies Record<keyof Settings, string>;

type SettingKey = keyof Settings;

/** The gate's settings, as a run's input carries them (the optional floors only when set). */
export const GATE_SETTINGS = {
  minAccuracy: true,
  minGain: true,
  minMacroF1: true,
  minClassRecall: true,
  minTestRows: true,
  approval: true,
} as const;
export type GateSettings = Pick<Settings, keyof typeof GATE_SETTINGS>;

/**
 * A run's gate from the settings a process read.
 * @example gateOf(readSettings(Settings.pick(GATE_SETTINGS), process.env)) // { minAccuracy: 0.5, minGain: 0, minTestRows: 200, approval: "auto" }
 */
export function gateOf(s: GateSettings): GateConfig {
  return {
    minAccuracy: s.minAccuracy,
    minGain: s.minGain,
    ...(s.minMacroF1 === undefined ? {} : { minMacroF1: s.minMacroF1 }),
    ...(s.minClassRecall === undefined ? {} : { minClassRecall: s.minClassRecall }),
    minTestRows: s.minTestRows,
    approval: s.approval,
  };
}

/** The training settings (the file's `training` object), as a run's input carries them (`trainingOptions`). */
export const TRAINING_SETTINGS = {
  selectionBudget: true,
  learningRate: true,
  l2: true,
  ngramMax: true,
  minDf: true,
  maxEpochs: true,
  patience: true,
} as const;
export type TrainingSettings = Pick<Settings, keyof typeof TRAINING_SETTINGS>;

/**
 * A run's training options from the settings a process read (only the values set: an unset one is searched or defaulted).
 * @example trainingOptionsOf(readSettings(Settings.pick(TRAINING_SETTINGS), { TOLLGATE_LEARNING_RATE: "0.5" })) // { selectionBudget: 3, learningRate: 0.5 }
 */
export function trainingOptionsOf(s: TrainingSettings): TrainingOptions {
  return Object.fromEntries(
    Object.keys(TRAINING_SETTINGS)
      .map((k) => [k, s[k as keyof TrainingSettings]])
      .filter(([, v]) => v !== undefined),
  ) as TrainingOptions;
}

type Env = Record<string, string | undefined>;

/**
 * Reads the fields of `schema` (a pick of {@link Settings}) from `env`, where an unset or empty
 * variable takes the default; `overrides` (e.g. CLI options, a stage's outputs) win over `env`.
 * @throws InvalidInputError "<what> is invalid: KEY (field): problem; …", naming every bad or missing key.
 * @example
 * const Local = Settings.pick({ home: true, seed: true });
 * const { home, seed } = readSettings(Local, process.env);
 */
export function readSettings<S extends z.ZodObject>(
  schema: S,
  env: Env,
  overrides: Partial<Record<keyof S["shape"], unknown>> = {},
  what = "configuration",
): z.output<S> {
  const raw: Record<string, unknown> = {};
  for (const field of Object.keys(schema.shape)) {
    const value = env[SETTINGS_ENV[field as SettingKey]];
    if (value !== undefined && value !== "") raw[field] = value;
  }
  for (const [field, value] of Object.entries(overrides)) {
    if (value !== undefined) raw[field] = value;
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const field = String(issue.path[0] ?? "");
    return `${SETTINGS_ENV[field as SettingKey] ?? field} (${field}): ${problemOf(issue, raw[field])}`;
  });
  throw new InvalidInputError(`${what} is invalid: ${problems.join("; ")}`);
}

/** How much of a bad value an error message shows. */
const SHOWN_CHARS = 40;

/** One setting's problem in a user's words, with the value it was given. */
function problemOf(issue: z.core.$ZodIssue, value: unknown): string {
  if (value === undefined) return issue.code === "invalid_type" ? "not set (required)" : issue.message;
  const text = String(value);
  // A value pasted by mistake can be huge: the error line shows its start.
  const given = JSON.stringify(text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text);
  if (issue.code === "invalid_type" && issue.expected === "number") return `${given} is not a number`;
  if (issue.code === "invalid_type" && issue.expected === "int") return `${given} is not a whole number`;
  return `${issue.message} (got ${given})`;
}

/**
 * The environment variables that carry `values` (for a deployed function's environment).
 * @example settingsEnv({ dataBucket: bucket.bucketName, logLevel: "info" }) // { DATA_BUCKET: "…", TOLLGATE_LOG_LEVEL: "info" }
 */
export function settingsEnv(values: { [K in SettingKey]?: string | number | undefined }): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([, value]) => value !== undefined)
      .map(([field, value]) => [SETTINGS_ENV[field as SettingKey], String(value)]),
  );
}
