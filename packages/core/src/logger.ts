import pino from "pino";
import { readSettings, Settings } from "./settings.ts";

/** What the logger reads from the environment. */
export const LoggerSettings = Settings.pick({ logLevel: true });

/**
 * The one structured logger: JSON lines on stderr (stdout belongs to the CLI's output).
 * Level from `TOLLGATE_LOG_LEVEL` (default `warn` so the CLI stays quiet; Lambdas set `info`).
 * Add correlation keys with `logger.child({ runId, modelVersion })`.
 */
export const logger = pino(
  {
    name: "tollgate",
    level: readSettings(LoggerSettings, process.env, {}, "logger configuration").logLevel,
    base: null,
    timestamp: pino.stdTimeFunctions.isoTime,
  },
  pino.destination(2),
);

export type Logger = typeof logger;
