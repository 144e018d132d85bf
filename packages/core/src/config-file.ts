/**
 * `tollgate.config.json`: the settings a user sets in a file (gate thresholds, training seed,
 * coalescing, log level, serving limits), validated by {@link ConfigFile} (zod; its JSON Schema,
 * for editors, is `tollgate.config.schema.json`). The environment overrides the file; the file
 * overrides the defaults. The CLI, the local runtime and `sst deploy` read it the same way (the
 * stacks pass its values to the Lambdas' environment), so a deployed stage runs with the same file.
 *
 * stacks/ import this file by relative path: keep its imports to node:, zod and files importing only zod.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { datasetName } from "./contracts.ts";
import { InvalidInputError } from "./errors.ts";
import {
  type DatasetRunSettings,
  GATE_SETTINGS,
  gateOf,
  readSettings,
  SETTINGS_ENV,
  Settings,
  TRAINING_SETTINGS,
  trainingOptionsOf,
} from "./settings.ts";

/** The settings a file may set (not the ones a deployment fills in, such as bucket names). */
const FILE_SETTINGS = {
  coalesceSeconds: true,
  ...GATE_SETTINGS,
  seed: true,
  logLevel: true,
  pointerTtlMs: true,
  maxTexts: true,
  maxTextChars: true,
  maxBodyBytes: true,
  maxBatchTexts: true,
} as const;

/** The file's `training` object: the selection budget and pinned hyperparameters. */
const TrainingFile = Settings.pick(TRAINING_SETTINGS)
  .partial()
  .strict()
  .describe("training: the selection budget and the hyperparameters to pin (unset ones are chosen on validation)");

/** What a file may set for one dataset (`datasets.<name>`): a run's gate, training seed and `training`. */
const DATASET_SETTINGS = { ...GATE_SETTINGS, seed: true } as const;
export const DatasetOverrides = Settings.pick(DATASET_SETTINGS)
  .partial()
  .extend({ training: TrainingFile.optional() })
  .strict();

/** Every setting of a run of one dataset, flat (the file's `training` fields at the top). */
const RUN_SETTINGS = { ...DATASET_SETTINGS, ...TRAINING_SETTINGS } as const;

/** The file's schema: each field optional (absent: the environment or the default decides). */
export const ConfigFile = Settings.pick(FILE_SETTINGS)
  .partial()
  .extend({
    $schema: z.string().optional().describe("the JSON Schema, for editors"),
    training: TrainingFile.optional(),
    datasets: z
      .record(datasetName, DatasetOverrides)
      .optional()
      .describe(
        "per-dataset gate, seed and training: a run of that dataset takes them over the file's top-level values",
      ),
  })
  .strict();
export type ConfigFile = z.infer<typeof ConfigFile>;

/** Where the file is read from: TOLLGATE_CONFIG, else tollgate.config.json in the working directory. */
export const CONFIG_ENV = "TOLLGATE_CONFIG";
export const CONFIG_FILE = "tollgate.config.json";

/** The JSON Schema of the file (what `tollgate.config.schema.json` holds). */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(ConfigFile, { io: "input", unrepresentable: "any" });
}

type Env = Record<string, string | undefined>;

/** The file a process reads, or undefined when there is none. @throws InvalidInputError when TOLLGATE_CONFIG names a missing file. */
export function configPath(env: Env, cwd = process.cwd()): string | undefined {
  const named = env[CONFIG_ENV];
  if (named) {
    const path = resolve(cwd, named);
    if (!existsSync(path)) throw new InvalidInputError(`${CONFIG_ENV}=${named}: no such file`);
    return path;
  }
  const path = resolve(cwd, CONFIG_FILE);
  return existsSync(path) ? path : undefined;
}

/**
 * Reads and checks the config file.
 * @throws InvalidInputError naming the file and each bad field.
 */
export function readConfigFile(path: string): ConfigFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new InvalidInputError(`${path} is not JSON: ${(err as Error).message}`);
  }
  const parsed = ConfigFile.safeParse(raw);
  if (parsed.success) {
    // only what the file sets (the schema's defaults are the defaults' business, not the file's)
    const given = (o: unknown) => new Set(Object.keys(o as object));
    const only = <T extends object>(value: T, keys: Set<string>) =>
      Object.fromEntries(Object.entries(value).filter(([k]) => keys.has(k)));
    type Level = { training?: object | undefined };
    const onlyGiven = <T extends Level>(value: T, rawValue: unknown): T => {
      const out = only(value, given(rawValue)) as T;
      if (out.training) out.training = only(out.training, given((rawValue as Level).training));
      return out;
    };
    const file: ConfigFile = onlyGiven(parsed.data, raw);
    const rawDatasets = (raw as { datasets?: Record<string, unknown> }).datasets ?? {};
    if (file.datasets)
      file.datasets = Object.fromEntries(
        Object.entries(file.datasets).map(([name, o]) => [name, onlyGiven(o, rawDatasets[name])]),
      );
    return file;
  }
  const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`);
  throw new InvalidInputError(`${path} is invalid: ${problems.join("; ")}`);
}

/**
 * `env` with the config file's values under their environment keys where the environment does not
 * set them: what every settings reader takes, so the environment overrides the file.
 * @example readSettings(LocalConfig, withConfigFile(process.env), {}, "local configuration")
 */
export function withConfigFile(env: Env, cwd = process.cwd(), dataset?: string): Env {
  const path = configPath(env, cwd);
  if (!path) return env;
  const file = readConfigFile(path);
  const fromFile: Env = {};
  const overrides = dataset === undefined ? {} : (file.datasets?.[dataset] ?? {});
  const flat = { ...file, ...file.training, ...overrides, ...overrides.training };
  for (const [field, value] of Object.entries(flat)) {
    if (field === "$schema" || field === "datasets" || field === "training" || value === undefined) continue;
    fromFile[SETTINGS_ENV[field as keyof typeof SETTINGS_ENV]] = String(value);
  }
  return { ...fromFile, ...Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== "")) };
}

/**
 * The gate and seed of each dataset the file's `datasets` names, resolved as a run of it takes them:
 * environment > `datasets.<name>` > the file's top level > defaults. `sst deploy` passes them to the
 * trigger (TOLLGATE_DATASET_SETTINGS); the local runtime reads them the same way.
 * @throws InvalidInputError naming the dataset and the bad value
 */
export function datasetRunSettings(env: Env, cwd = process.cwd()): DatasetRunSettings {
  const path = configPath(env, cwd);
  const datasets = path ? Object.keys(readConfigFile(path).datasets ?? {}) : [];
  const schema = Settings.pick(RUN_SETTINGS);
  return Object.fromEntries(
    datasets.map((name) => {
      const s = readSettings(schema, withConfigFile(env, cwd, name), {}, `settings of dataset ${name}`);
      return [name, { gate: gateOf(s), seed: s.seed, trainingOptions: trainingOptionsOf(s) }];
    }),
  );
}

/** Where each file-settable setting's effective value comes from. */
export interface EffectiveSetting {
  setting: string;
  env: string;
  value: unknown;
  source: "environment" | "file" | "dataset" | "default" | "unset";
}

/**
 * The effective value and source of every setting a file may set.
 * @throws InvalidInputError "configuration is invalid: KEY (field): problem; …" (readSettings' message).
 * @example effectiveSettings(process.env) // [{ setting: "minAccuracy", env: "TOLLGATE_MIN_ACCURACY", value: 0.5, source: "default" }, …]
 */
export function effectiveSettings(
  env: Env,
  cwd = process.cwd(),
  dataset?: string,
): { file: string | null; dataset: string | null; settings: EffectiveSetting[] } {
  const path = configPath(env, cwd);
  const file: ConfigFile = path ? readConfigFile(path) : {};
  const perDataset = (dataset === undefined ? {} : (file.datasets?.[dataset] ?? {})) as ConfigFile;
  const fields = { ...FILE_SETTINGS, ...TRAINING_SETTINGS };
  const schema = Settings.pick(fields);
  const values = readSettings(schema, withConfigFile(env, cwd, dataset)) as Record<string, unknown>;
  // a training setting is written `training.<name>` in the file, and shown so
  const inFile = (level: ConfigFile, field: string) =>
    (field in TRAINING_SETTINGS ? (level.training ?? {}) : level)[field as never] !== undefined;
  return {
    file: path ?? null,
    dataset: dataset ?? null,
    settings: Object.keys(fields).map((field) => {
      const key = SETTINGS_ENV[field as keyof typeof SETTINGS_ENV];
      const setting = field in TRAINING_SETTINGS ? `training.${field}` : field;
      const fromEnv = env[key] !== undefined && env[key] !== "";
      const value = values[field];
      const source = fromEnv
        ? "environment"
        : inFile(perDataset, field)
          ? "dataset"
          : inFile(file, field)
            ? "file"
            : value === undefined
              ? "unset"
              : "default";
      return { setting, env: key, value: value ?? null, source };
    }),
  };
}
