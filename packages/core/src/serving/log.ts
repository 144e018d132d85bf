/**
 * The request log of a long-running server. Same JSON lines and level as the root logger, but
 * written in blocks instead of one write(2) per line: under load, a synchronous write per request
 * cost the local server about 40% of its throughput on a 2-core machine (see bench/README.md).
 * Lines reach stderr within `flushMs` (an asynchronous write, no fsync), and all of them on `close()`.
 */
import pino from "pino";
import { type Logger, logger as rootLogger } from "../logger.ts";

/** A buffered logger and the function that flushes it for good. */
export interface BufferedLogger {
  logger: Logger;
  /** Writes what is buffered, synchronously; later lines are still written (flushed every `flushMs`). */
  close(): void;
}

/**
 * A logger that buffers up to 4 KiB and flushes at least every `flushMs`.
 * @example const { logger, close } = bufferedLogger(); … close();
 */
export function bufferedLogger(level: string = rootLogger.level, flushMs = 200): BufferedLogger {
  const destination = pino.destination({ dest: 2, sync: false, minLength: 4096, periodicFlush: flushMs });
  const logger: Logger = pino({ level, base: null, timestamp: pino.stdTimeFunctions.isoTime }, destination);
  return {
    logger,
    close: () => {
      try {
        destination.flushSync();
      } catch {
        // not open yet: nothing was written
      }
    },
  };
}
