import pino from "pino";

/**
 * The one structured logger: JSON lines on stderr (stdout belongs to the CLI's output).
 * Level from `TOLLGATE_LOG_LEVEL` (default `warn` so the CLI stays quiet; Lambdas set `info`).
 * Add correlation keys with `logger.child({ runId, modelVersion })`.
 */
export const logger = pino(
  {
    name: "tollgate",
    level: process.env.TOLLGATE_LOG_LEVEL ?? "warn",
    base: null,
    timestamp: pino.stdTimeFunctions.isoTime,
  },
  pino.destination(2),
);

export type Logger = typeof logger;
