/** `tollgate console [--port] [--host]`: the local console web page over the stores under TOLLGATE_HOME. */
import { userInfo } from "node:os";
import { Command } from "@commander-js/extra-typings";
import { logger } from "@tollgate/core/logger";
import { readConfig } from "@tollgate/local/config";
import type { CommandContext } from "../command-context.ts";
import { portOption } from "../options.ts";
import { stopSignal } from "../stop-signal.ts";

/** Builds the page if needed, serves it until SIGINT or SIGTERM; promote and rollback are made as `console:<user>`. */
export const consoleCommand = (ctx: CommandContext) =>
  new Command("console")
    .description(
      "the local console: runs (graph, history, data quality; start, stop, redrive), models (compare, lineage, promote, rollback) in a browser",
    )
    .addOption(portOption(8765))
    .option("--host <address>", "address to listen on (keep it on loopback: the console has no login)", "127.0.0.1")
    .action(async (opts) => {
      const settings = readConfig(process.env, { gate: "when-used" });
      // the console server (and its page build) loads only for this command
      const { startConsole } = await import("@tollgate/console");
      const server = await startConsole({
        home: settings.home,
        settings,
        user: `console:${userInfo().username}`,
        host: opts.host,
        port: opts.port,
      });
      ctx.io.out(`tollgate console on ${server.url} (Ctrl-C stops)`);
      logger.info({ url: server.url }, "console listening");
      await stopSignal();
      await server.close();
    });
