/**
 * Serving configuration: the serving fields of the one settings schema, parsed once per process.
 * {@link servingConfigFromEnv} reads them from the environment.
 */
import type { z } from "zod";
import { readSettings, Settings } from "../settings.ts";

export const ServingConfig = Settings.pick({
  modelName: true,
  pointerTtlMs: true,
  maxTexts: true,
  maxTextChars: true,
  maxBodyBytes: true,
  maxBatchTexts: true,
});
/** The parsed serving configuration. */
export type ServingConfig = z.infer<typeof ServingConfig>;
/** The serving configuration before defaults (what callers pass). */
export type ServingConfigInput = z.input<typeof ServingConfig>;

/**
 * Parses the serving configuration; `overrides` (e.g. CLI options) win over `env`.
 * @throws InvalidInputError naming the environment key of each bad or missing field.
 * @example const config = servingConfigFromEnv(process.env, { modelName: "topics" });
 */
export function servingConfigFromEnv(
  env: Record<string, string | undefined>,
  overrides: Partial<ServingConfigInput> = {},
): ServingConfig {
  return readSettings(ServingConfig, env, overrides, "serving configuration");
}
