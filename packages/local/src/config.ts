import { resolve } from "node:path";
import { readSettings, Settings } from "@tollgate/core/settings";
import type { z } from "zod";

/** The local runtime's settings: its fields of the one settings schema, read once from the environment. */
export const LocalConfig = Settings.pick({ home: true, minAccuracy: true, minGain: true, faults: true, seed: true });
export type LocalConfig = z.infer<typeof LocalConfig>;

/**
 * Reads the configuration from `env` (default: process.env), resolving the home folder.
 * @throws InvalidInputError naming each bad variable.
 */
export function readConfig(env: Record<string, string | undefined> = process.env): LocalConfig {
  const config = readSettings(LocalConfig, env, {}, "local configuration");
  return { ...config, home: resolve(config.home) };
}
