/** `tollgate console`: the local console web page over the stores under TOLLGATE_HOME. */
import { userInfo } from "node:os";
import { startConsole } from "@tollgate/console";
import { InvalidInputError } from "@tollgate/core/errors";
import { logger } from "@tollgate/core/logger";
import { readConfig } from "@tollgate/local/config";
import type { Command } from "commander";
import type { Io } from "../program.ts";

interface ConsoleOpts {
  port: string;
  host: string;
}

const stopSignal = () =>
  new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });

/**
 * Registers `tollgate console [--port] [--host]`: builds the page if needed, serves it until
 * SIGINT or SIGTERM. Promote and rollback on the page are made as `console:<user>`.
 * @example registerConsole(program, io);
 */
export function registerConsole(program: Command, io: Io): void {
  program
    .command("console")
    .description("the local console: runs (graph, history, gate), models (versions, promote, rollback) in a browser")
    .option("--port <n>", "port to listen on (0: any free port)", "8765")
    .option("--host <address>", "address to listen on (keep it on loopback: the console has no login)", "127.0.0.1")
    .action(async (opts: ConsoleOpts) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new InvalidInputError(`--port ${opts.port} is not a port number`);
      const server = await startConsole({
        home: readConfig(process.env).home,
        user: `console:${userInfo().username}`,
        host: opts.host,
        port,
      });
      io.out(`tollgate console on ${server.url} (Ctrl-C stops)`);
      logger.info({ url: server.url }, "console listening");
      await stopSignal();
      await server.close();
    });
}
