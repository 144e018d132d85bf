/** `tollgate serve [--port] [--host] [--model] [--pointer-ttl]`: the predict handler of the Lambda, on a local HTTP server. */
import { Command, Option } from "@commander-js/extra-typings";
import { InvalidInputError } from "@tollgate/core/errors";
import { logger } from "@tollgate/core/logger";
import { servingConfigFromEnv } from "@tollgate/core/serving/config";
import { SETTINGS_ENV } from "@tollgate/core/settings";
import { readConfig } from "@tollgate/local/config";
import { type CommandContext, NO_MODEL_YET } from "../command-context.ts";
import { nameParser, pointerTtlOption, portOption } from "../options.ts";
import { stopSignal } from "../stop-signal.ts";

/**
 * The model to serve: --model, else TOLLGATE_MODEL (read with the rest of the config), else that of
 * the newest successful run (said on stderr).
 */
async function modelNameOf(ctx: CommandContext, model: string | undefined, env: NodeJS.ProcessEnv) {
  if (model) return model;
  if (env[SETTINGS_ENV.modelName]) return undefined;
  const backend = new (await import("../local-backend.ts")).LocalBackend(readConfig(env));
  try {
    const found = await backend.defaultModel();
    if (!found) throw new InvalidInputError(`${NO_MODEL_YET} (or set ${SETTINGS_ENV.modelName})`);
    ctx.io.err(`model ${found.modelName} (that of the newest successful run, ${found.run}; --model chooses another)`);
    return found.modelName;
  } finally {
    backend.close();
  }
}

/** Serves until SIGINT or SIGTERM, one JSON log line per request on stderr. */
export const serveCommand = (ctx: CommandContext) =>
  new Command("serve")
    .description("serve predictions from the live model over HTTP (POST /predict {texts}, GET /health)")
    .addOption(portOption(8080))
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .addOption(
      new Option(
        "--model <name>",
        "model name (default: TOLLGATE_MODEL, else that of the newest successful run)",
      ).argParser(nameParser("model", "--model")),
    )
    .addOption(pointerTtlOption())
    .action(async (opts) => {
      if (!process.env[SETTINGS_ENV.logLevel]) logger.level = "info";
      const modelName = await modelNameOf(ctx, opts.model, process.env);
      const config = servingConfigFromEnv(process.env, {
        ...(modelName ? { modelName } : {}),
        ...(opts.pointerTtl !== undefined ? { pointerTtlMs: opts.pointerTtl } : {}),
      });
      const home = readConfig(process.env).home;
      // the server (onnxruntime-node, the registry) loads only for this command
      const { serveLocal } = await import("@tollgate/local/server");
      const server = await serveLocal({ home, config, host: opts.host, port: opts.port });
      const state =
        "modelVersion" in server.live
          ? `live version ${server.live.modelVersion}`
          : `${server.live.message}; 503 until a model is promoted`;
      ctx.io.out(
        `serving ${config.modelName} (${state}) on ${server.url}: POST /predict {"texts": [...]}, GET /health; Ctrl-C stops`,
      );
      logger.info({ url: server.url, config }, "server listening");
      const signal = await stopSignal();
      logger.info({ signal }, "server stopping");
      await server.close();
    });
