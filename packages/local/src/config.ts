import { resolve } from "node:path";
import { datasetRunSettings, withConfigFile } from "@tollgate/core/config-file";
import { InvalidInputError } from "@tollgate/core/errors";
import {
  type DatasetRunSettings,
  GATE_SETTINGS,
  readSettings,
  SETTINGS_ENV,
  Settings,
  TRAINING_SETTINGS,
} from "@tollgate/core/settings";
import type { z } from "zod";

/** The local runtime's settings: its fields of the one settings schema, read once from the environment. */
export const LocalConfig = Settings.pick({
  home: true,
  ...GATE_SETTINGS,
  faults: true,
  seed: true,
  ...TRAINING_SETTINGS,
  mapConcurrency: true,
  rowsPerChild: true,
  specSampleRows: true,
  mapWorkers: true,
});
export type LocalConfig = z.infer<typeof LocalConfig> & {
  /** Per-dataset gate, seed and training options from tollgate.config.json's `datasets` (environment > dataset > file > defaults). */
  datasets?: DatasetRunSettings;
  /** Set when the gate settings are invalid and were read with `gate: "when-used"`: what a run must refuse with. */
  gateProblem?: string;
};

/**
 * Reads the configuration from `env` (default: process.env), resolving the home folder. With
 * `gate: "when-used"` (the CLI), invalid gate settings (TOLLGATE_MIN_ACCURACY, TOLLGATE_APPROVAL, …) do not
 * fail here but are kept as `gateProblem`, so that read-only commands work and a run refuses to start.
 * @throws InvalidInputError naming each bad variable.
 */
export function readConfig(
  env: Record<string, string | undefined> = process.env,
  options: { gate?: "strict" | "when-used" } = {},
): LocalConfig {
  const read = (from: Record<string, string | undefined>, datasets = true): LocalConfig => {
    const config = readSettings(LocalConfig, from, {}, "local configuration");
    return { ...config, home: resolve(config.home), ...(datasets ? { datasets: datasetRunSettings(env) } : {}) };
  };
  const merged = withConfigFile(env); // tollgate.config.json under the environment
  try {
    return read(merged);
  } catch (err) {
    if (options.gate !== "when-used" || !(err instanceof InvalidInputError)) throw err;
    const gateVariables = Object.keys(GATE_SETTINGS).map((k) => SETTINGS_ENV[k as keyof typeof GATE_SETTINGS]);
    const withoutGate = { ...merged, ...Object.fromEntries(gateVariables.map((v) => [v, undefined])) };
    return { ...read(withoutGate, false), gateProblem: err.message }; // a problem outside the gate settings still fails
  }
}
