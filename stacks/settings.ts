/**
 * Deploy-time settings: the stacks' fields of the one settings schema
 * (packages/core/src/settings.ts), read once from the environment of `sst deploy`, with the same
 * defaults as the local runtime.
 */
// relative, not @tollgate/core: SST bundles local files into the config but loads packages with plain Node
import { datasetRunSettings, withConfigFile } from "../packages/core/src/config-file.ts";
import {
  GATE_SETTINGS,
  LogLevel,
  readSettings,
  Settings,
  settingsEnv,
  TRAINING_SETTINGS,
} from "../packages/core/src/settings.ts";

export { settingsEnv };

export const DeploySettings = Settings.pick({
  coalesceSeconds: true,
  ...GATE_SETTINGS,
  seed: true,
  ...TRAINING_SETTINGS,
  mapConcurrency: true,
  rowsPerChild: true,
  specSampleRows: true,
}).extend({ logLevel: LogLevel.default("info").describe("the Lambdas' log level") });
export type DeploySettings = ReturnType<typeof DeploySettings.parse> & {
  /** Per-dataset gate and seed (tollgate.config.json `datasets`), resolved here; the trigger gets them as JSON. */
  datasetSettings: ReturnType<typeof datasetRunSettings>;
};

/**
 * Reads the deploy settings: the environment of `sst deploy` over tollgate.config.json (the same file
 * the CLI reads; its values reach the Lambdas through their environment). Throws InvalidInputError
 * naming the offending variable.
 */
export function readDeploySettings(env: Record<string, string | undefined> = process.env): DeploySettings {
  return {
    ...readSettings(DeploySettings, withConfigFile(env), {}, "deploy settings"),
    datasetSettings: datasetRunSettings(env),
  };
}

export const ServingSettings = Settings.pick({ modelName: true });
export type ServingSettings = ReturnType<typeof ServingSettings.parse>;

/** Reads the Serving stack's settings; throws naming TOLLGATE_MODEL when it is missing. */
export function readServingSettings(env: Record<string, string | undefined> = process.env): ServingSettings {
  return readSettings(ServingSettings, env, {}, "serving settings");
}
