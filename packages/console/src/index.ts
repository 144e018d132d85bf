/**
 * The local console: a JSON API over the local stores under a home folder and the web page that
 * shows runs (graph, states, history, gate, audit) and models (versions, live pointer, charts).
 */
import { readFileSync } from "node:fs";
import { type Logger, logger as rootLogger } from "@tollgate/core/logger";
import { DEFAULT_DEFINITION, openTollgate } from "@tollgate/local/app";
import { readConfig } from "@tollgate/local/config";
import type { RunSettings } from "@tollgate/local/run-request";
import type { Graph } from "./api-types.ts";
import { ensureBundle } from "./bundle.ts";
import { ConsoleApi } from "./server/api.ts";
import { AslDefinition, layoutGraph } from "./server/graph.ts";
import { type ConsoleServer, startHttp } from "./server/http.ts";

export type * from "./api-types.ts";
export { buildBundle, DIST_DIR, ensureBundle } from "./bundle.ts";
export { ConsoleApi } from "./server/api.ts";
export { layoutGraph } from "./server/graph.ts";
export type { ConsoleServer } from "./server/http.ts";

/** Options of {@link startConsole}. */
export interface ConsoleOptions {
  /** TOLLGATE_HOME: the stores to show. */
  home: string;
  /** Who promotes and rolls back, e.g. `console:alice`. */
  user: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** The ASL file to draw (default: workflows/retrain.asl.json, the one the runtime runs). */
  definitionFile?: string;
  /** What the Start button starts runs with (default: the settings `tollgate run` reads: environment, tollgate.config.json). */
  settings?: RunSettings;
  logger?: Logger;
}

/** The graph of each Distributed Map state's ItemProcessor: what a child execution of that state runs. */
function childGraphs(asl: AslDefinition): Record<string, Graph> {
  const out: Record<string, Graph> = {};
  for (const [name, state] of Object.entries(asl.States)) {
    const processor = AslDefinition.safeParse((state as { ItemProcessor?: unknown }).ItemProcessor);
    if (state.Type === "Map" && processor.success) out[name] = layoutGraph(processor.data);
  }
  return out;
}

/**
 * Builds the page if needed, opens the stores and serves the console until `close()`.
 * @example
 * const server = await startConsole({ home: ".tollgate", user: "console:me", port: 0 });
 * // open server.url; later: await server.close();
 */
export async function startConsole(options: ConsoleOptions): Promise<ConsoleServer> {
  const logger = (options.logger ?? rootLogger).child({ component: "console" });
  const { dir } = await ensureBundle();
  const asl = AslDefinition.parse(JSON.parse(readFileSync(options.definitionFile ?? DEFAULT_DEFINITION, "utf8")));
  const tollgate = openTollgate({ home: options.home });
  const settings = options.settings ?? readConfig(process.env, { gate: "when-used" });
  const api = new ConsoleApi({
    tollgate,
    graph: layoutGraph(asl),
    childGraphs: childGraphs(asl),
    user: options.user,
    settings,
    logger,
  });
  try {
    const server = await startHttp({
      api,
      staticDir: dir,
      host: options.host ?? "127.0.0.1",
      port: options.port,
      logger,
    });
    return {
      ...server,
      close: async () => {
        await server.close();
        await api.close();
        tollgate.close();
      },
    };
  } catch (err) {
    tollgate.close();
    throw err;
  }
}
