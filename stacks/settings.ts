/**
 * Deploy-time settings: one schema, read once from the environment of `sst deploy`, with defaults.
 * The gate and seed defaults match the local runtime's (packages/local/src/config.ts).
 */
// relative, not @tollgate/core: SST bundles local files into the config but loads packages with plain Node

import { z } from "zod";
import { datasetName } from "../packages/core/src/contracts.ts";

export const DeploySettings = z.object({
  TOLLGATE_COALESCE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(900)
    .default(120)
    .describe(
      "uploads to one dataset within this many seconds start one run (0: one run per object; max 900, SQS's delay limit)",
    ),
  TOLLGATE_MIN_ACCURACY: z.coerce.number().min(0).max(1).default(0.5).describe("gate: minimum test accuracy"),
  TOLLGATE_MIN_GAIN: z.coerce.number().min(-1).max(1).default(0).describe("gate: minimum gain over the live model"),
  TOLLGATE_SEED: z.coerce.number().int().nonnegative().default(42).describe("training seed"),
  TOLLGATE_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info").describe("the Lambdas' log level"),
});
export type DeploySettings = z.infer<typeof DeploySettings>;

/** Parses the deploy settings; throws naming the offending variable. */
export function readDeploySettings(env: Record<string, string | undefined> = process.env): DeploySettings {
  return DeploySettings.parse(env);
}

export const ServingSettings = z.object({
  TOLLGATE_MODEL: datasetName.describe("the model (by default named like its dataset) the predict URL serves"),
});
export type ServingSettings = z.infer<typeof ServingSettings>;

/** Parses the Serving stack's settings; throws naming TOLLGATE_MODEL when it is missing. */
export function readServingSettings(env: Record<string, string | undefined> = process.env): ServingSettings {
  return ServingSettings.parse(env);
}
