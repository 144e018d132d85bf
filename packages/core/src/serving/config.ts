/**
 * Serving configuration: one schema, parsed once per process, with a default and a
 * description per field. {@link servingConfigFromEnv} maps it from the environment.
 */
import { z } from "zod";
import { datasetName } from "../contracts.ts";
import { InvalidInputError } from "../errors.ts";

export const ServingConfig = z.object({
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
});
/** The parsed serving configuration. */
export type ServingConfig = z.infer<typeof ServingConfig>;
/** The serving configuration before defaults (what callers pass). */
export type ServingConfigInput = z.input<typeof ServingConfig>;

/** Environment keys of each configuration field. */
export const SERVING_ENV = {
  modelName: "TOLLGATE_MODEL",
  pointerTtlMs: "TOLLGATE_SERVE_POINTER_TTL_MS",
  maxTexts: "TOLLGATE_SERVE_MAX_TEXTS",
  maxTextChars: "TOLLGATE_SERVE_MAX_TEXT_CHARS",
  maxBodyBytes: "TOLLGATE_SERVE_MAX_BODY_BYTES",
  maxBatchTexts: "TOLLGATE_SERVE_MAX_BATCH_TEXTS",
} as const satisfies Record<keyof ServingConfig, string>;

/**
 * Parses the serving configuration; `overrides` (e.g. CLI options) win over `env`.
 * @throws InvalidInputError naming the environment key of each bad or missing field.
 * @example const config = servingConfigFromEnv(process.env, { modelName: "topics" });
 */
export function servingConfigFromEnv(
  env: Record<string, string | undefined>,
  overrides: Partial<ServingConfigInput> = {},
): ServingConfig {
  const raw: Record<string, unknown> = {};
  for (const [field, key] of Object.entries(SERVING_ENV)) {
    const value = env[key];
    if (value !== undefined && value !== "") raw[field] = value;
  }
  for (const [field, value] of Object.entries(overrides)) {
    if (value !== undefined) raw[field] = value;
  }
  const parsed = ServingConfig.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const field = String(issue.path[0] ?? "");
    const key = field in SERVING_ENV ? SERVING_ENV[field as keyof ServingConfig] : field;
    return `${key} (${field}): ${issue.message}`;
  });
  throw new InvalidInputError(`serving configuration is invalid: ${problems.join("; ")}`);
}
