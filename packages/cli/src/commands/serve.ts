/** `tollgate serve`: the predict handler of the Lambda, on a local HTTP server. */
import { InvalidInputError } from "@tollgate/core/errors";
import { logger } from "@tollgate/core/logger";
import { servingConfigFromEnv } from "@tollgate/core/serving/config";
import { readConfig } from "@tollgate/local/config";
import { serveLocal } from "@tollgate/local/server";
import { type Command, Option } from "commander";
import { LocalBackend } from "../local-backend.ts";
import type { Io } from "../program.ts";

interface ServeOpts {
  port: string;
  host: string;
  model?: string;
  pointerTtl?: string;
}

/** The model to serve: --model, else TOLLGATE_MODEL (read with the rest of the config), else that of the newest run. */
async function modelNameOf(opts: ServeOpts, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (opts.model) return opts.model;
  if (env.TOLLGATE_MODEL) return undefined;
  const backend = new LocalBackend(readConfig(env));
  try {
    const name = await backend.defaultModelName();
    if (!name)
      throw new InvalidInputError("no model yet: pass --model <name>, set TOLLGATE_MODEL, or ingest data first");
    return name;
  } finally {
    backend.close();
  }
}

const stopSignal = () =>
  new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });

/**
 * Registers `tollgate serve [--port] [--host] [--model] [--pointer-ttl]`: serves until SIGINT or
 * SIGTERM, one JSON log line per request on stderr.
 * @example registerServe(program, io);
 */
export function registerServe(program: Command, io: Io): void {
  program
    .command("serve")
    .description("serve predictions from the live model over HTTP (POST /predict {texts}, GET /health)")
    .option("--port <n>", "port to listen on (0: any free port)", "8080")
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .addOption(new Option("--model <name>", "model name (default: TOLLGATE_MODEL, else that of the newest run)"))
    .option(
      "--pointer-ttl <ms>",
      "how long a read of the live pointer is trusted (default 1000; env TOLLGATE_SERVE_POINTER_TTL_MS)",
    )
    .action(async (opts: ServeOpts) => {
      if (!process.env.TOLLGATE_LOG_LEVEL) logger.level = "info";
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new InvalidInputError(`--port ${opts.port} is not a port number`);
      const modelName = await modelNameOf(opts, process.env);
      const config = servingConfigFromEnv(process.env, {
        ...(modelName ? { modelName } : {}),
        ...(opts.pointerTtl !== undefined ? { pointerTtlMs: opts.pointerTtl } : {}),
      });
      const server = await serveLocal({ home: readConfig(process.env).home, config, host: opts.host, port });
      const state =
        "modelVersion" in server.live
          ? `live version ${server.live.modelVersion}`
          : `${server.live.message}; 503 until a model is promoted`;
      io.out(
        `serving ${config.modelName} (${state}) on ${server.url}: POST /predict {"texts": [...]}, GET /health; Ctrl-C stops`,
      );
      logger.info({ url: server.url, config }, "server listening");
      const signal = await stopSignal();
      logger.info({ signal }, "server stopping");
      await server.close();
    });
}
