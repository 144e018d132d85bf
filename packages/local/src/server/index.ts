/**
 * `tollgate serve` on the embedded runtime: the local stores under a home folder, the Lambda's
 * predict handler over them, and the node:http server in front.
 */
import { describeError } from "@tollgate/core/errors";
import { createLogger, type Logger, logger as rootLogger } from "@tollgate/core/logger";
import type { HealthResponse, ServingConfig } from "@tollgate/core/serving";
import { predictHandler } from "@tollgate/functions/predict";
import { openLocalStores } from "../stores/index.ts";
import type { HttpTimeouts } from "./hardening.ts";
import { type RunningServer, startServer } from "./server.ts";

export { toFunctionUrlEvent, writeResult } from "./function-url.ts";
export { answerClientErrors, HTTP_TIMEOUTS, type HttpTimeouts, MAX_HEADER_BYTES, serverOptions } from "./hardening.ts";
export { type FunctionUrlHandler, type RunningServer, type ServerOptions, startServer } from "./server.ts";

/** Options of {@link serveLocal}. */
export interface ServeLocalOptions {
  home: string;
  config: ServingConfig;
  port: number;
  host?: string;
  /** Header, request and keep-alive timeouts (default `HTTP_TIMEOUTS`). */
  timeouts?: HttpTimeouts;
  /** Default: a buffered logger at the root logger's level (one JSON line per request, written in blocks). */
  logger?: Logger;
}

/** A running local model server; `live` is the version loaded at start, or why none is. */
export interface LocalServer extends RunningServer {
  live: HealthResponse | { name: string; message: string };
}

/**
 * Opens the stores under `home`, loads the live model (if any) and starts serving.
 * `close()` stops accepting requests, waits for in-flight ones, releases the model, closes the stores.
 * @example const server = await serveLocal({ home: ".tollgate", config, port: 8080 });
 */
export async function serveLocal(options: ServeLocalOptions): Promise<LocalServer> {
  const stores = openLocalStores(options.home);
  const buffered = options.logger ? undefined : createLogger({ level: rootLogger.level, buffered: {} });
  const logger = options.logger ?? buffered!.logger;
  const handler = predictHandler({ registry: stores.registry, models: stores.objects.models }, options.config, logger);
  const live = await handler.health().catch((err: unknown) => describeError(err));
  let server: RunningServer;
  try {
    server = await startServer({
      handler,
      port: options.port,
      maxBodyBytes: options.config.maxBodyBytes,
      logger,
      ...(options.host ? { host: options.host } : {}),
      ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    });
  } catch (err) {
    await handler.close();
    stores.close();
    buffered?.flush();
    throw err;
  }
  return {
    ...server,
    live,
    close: async () => {
      await server.close();
      await handler.close();
      stores.close();
      buffered?.flush();
    },
  };
}
