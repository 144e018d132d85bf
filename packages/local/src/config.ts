import { resolve } from "node:path";
import { z } from "zod";

/** The local runtime's configuration: one schema, read once from the environment. */
export const LocalConfig = z.object({
  TOLLGATE_HOME: z
    .string()
    .default(".tollgate")
    .describe("where local objects, the registry, runs and the audit log live"),
  TOLLGATE_MIN_ACCURACY: z.coerce.number().min(0).max(1).default(0.5).describe("gate: minimum test accuracy"),
  TOLLGATE_MIN_GAIN: z.coerce.number().min(-1).max(1).default(0).describe("gate: minimum gain over the live model"),
  TOLLGATE_FAULTS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .describe("comma-separated state names to fail on purpose (reliability testing), e.g. Train,Promote"),
  TOLLGATE_SEED: z.coerce.number().int().nonnegative().default(42).describe("training seed"),
});
export type LocalConfig = z.infer<typeof LocalConfig> & { home: string };

/** Reads the configuration from `env` (default: process.env), resolving the home folder. */
export function readConfig(env: Record<string, string | undefined> = process.env): LocalConfig {
  const config = LocalConfig.parse(env);
  return { ...config, home: resolve(config.TOLLGATE_HOME) };
}
