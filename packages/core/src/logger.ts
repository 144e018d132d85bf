/**
 * The one structured logger: JSON lines on stderr (stdout belongs to the CLI's output), level from
 * `TOLLGATE_LOG_LEVEL` (default `warn` so the CLI stays quiet; the Lambdas get `info`).
 *
 * Correlation: a step's handler puts the run id, the state name and (once known) the model
 * version on a child logger once per invocation (`core/steps/define.ts`) and passes that logger
 * into core, so every line of the step, the trainer's included, carries them.
 */
import pino from "pino";
import { readSettings, Settings } from "./settings.ts";

/** What the logger reads from the environment. */
export const LoggerSettings = Settings.pick({ logLevel: true });

export type Logger = pino.Logger;

export interface LoggerOptions {
  /** Default: `TOLLGATE_LOG_LEVEL`, else `warn`. */
  level?: string;
  /**
   * Write in blocks (4 KiB, at least every `flushMs`, default 200 ms) instead of one synchronous
   * write(2) per line: for a busy server's request log, where a write per request cost the local
   * server about 40% of its throughput on a 2-core machine (bench/README.md). Lines reach stderr
   * within `flushMs` (an asynchronous write, no fsync), and all of them on `flush()`.
   */
  buffered?: { flushMs?: number };
  /** Where the lines go instead of stderr (e.g. a test that reads them); `buffered` is then ignored. */
  destination?: { write(line: string): void };
}

/** A logger and the function that writes out what it buffers (a no-op when unbuffered). */
export interface LoggerHandle {
  logger: Logger;
  /** Writes what is buffered, synchronously; later lines are still written. */
  flush(): void;
}

/**
 * Creates a logger: the process's root logger is `logger` below; servers make a buffered one.
 * @example const { logger, flush } = createLogger({ buffered: {} }); … flush();
 */
export function createLogger(options: LoggerOptions = {}): LoggerHandle {
  const level = options.level ?? readSettings(LoggerSettings, process.env, {}, "logger configuration").logLevel;
  const settings = { name: "tollgate", level, base: null, timestamp: pino.stdTimeFunctions.isoTime };
  if (options.destination) return { logger: pino(settings, options.destination), flush: () => {} };
  const destination = options.buffered
    ? pino.destination({ dest: 2, sync: false, minLength: 4096, periodicFlush: options.buffered.flushMs ?? 200 })
    : pino.destination(2);
  const logger = pino(settings, destination);
  return {
    logger,
    flush: () => {
      try {
        destination.flushSync();
      } catch {
        // not open yet: nothing was written
      }
    },
  };
}

/** The process's root logger (unbuffered). Add correlation keys with `logger.child({ runId, modelVersion })`. */
export const logger: Logger = createLogger().logger;
