/**
 * The console's HTTP server (node:http, loopback): `/api/*` answered by {@link ROUTES}, every
 * other path by the built web page. Errors answer `{error: {name, message}}` with a status by
 * the error's name. Requests must name this server in `Host` (no DNS rebinding), and writes
 * must be JSON from this origin (no cross-site form posts).
 */
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve, sep } from "node:path";
import { describeError, InvalidInputError, TollgateError } from "@tollgate/core/errors";
import type { Logger } from "@tollgate/core/logger";
import {
  type ErrorEnvelope,
  MethodNotAllowedError,
  RouteNotFoundError,
  statusOfError,
  UnsupportedMediaTypeError,
} from "@tollgate/core/serving/errors";
import { answerClientErrors, HTTP_TIMEOUTS, type HttpTimeouts, serverOptions } from "@tollgate/local/server";
import { ZodError, z } from "zod";
import type { ConsoleApi } from "./api.ts";
import { matchRoute } from "./routes.ts";

/** A request the console refuses (wrong host, origin or content type). */
export class ForbiddenRequestError extends TollgateError {}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
};
const MAX_BODY = 64 * 1024;

/** Options of {@link startHttp}. */
export interface HttpOptions {
  api: ConsoleApi;
  /** The folder of the built page (index.html, app.js, app.css). */
  staticDir: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  logger: Logger;
  /** Header, request and keep-alive timeouts (default `HTTP_TIMEOUTS`); a late request gets 408. */
  timeouts?: HttpTimeouts;
}

/** A listening console. */
export interface ConsoleServer {
  url: string;
  port: number;
  /** Stops accepting connections and resolves once open ones are closed. */
  close(): Promise<void>;
}

/** The page may load only what the console serves (no CDN, no inline script). */
const CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

function send(res: ServerResponse, status: number, body: string | Buffer, type: string): void {
  res.writeHead(status, {
    "content-type": type,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "content-length": Buffer.byteLength(body),
    ...(type.startsWith("text/html") ? { "content-security-policy": CSP } : {}),
  });
  res.end(body);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new InvalidInputError(`request body over ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return text.trim() === "" ? {} : JSON.parse(text);
  } catch (err) {
    throw new InvalidInputError(`request body is not JSON: ${describeError(err).message}`, { cause: err });
  }
}

/** The request must name this server in `Host` (no DNS rebinding). */
function checkHost(req: IncomingMessage, origin: string): void {
  const host = req.headers.host ?? "";
  const { port, host: own } = new URL(origin);
  if (![own, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host))
    throw new ForbiddenRequestError(`Host ${host || "(none)"} is not this console`);
}

/** A write must come from this origin (or no browser) and be JSON (no cross-site form posts). */
function checkWrite(req: IncomingMessage): void {
  const from = req.headers.origin;
  if (from !== undefined && from !== `http://${req.headers.host}`)
    throw new ForbiddenRequestError(`Origin ${from} may not write`);
  if (!(req.headers["content-type"] ?? "").startsWith("application/json"))
    throw new UnsupportedMediaTypeError("writes take Content-Type: application/json");
}

/** The path of a request target, or InvalidInputError for one no URL parser accepts (e.g. `http://[/`). */
function pathOf(target: string | undefined): string {
  try {
    return new URL(target ?? "/", "http://console.invalid").pathname;
  } catch (err) {
    throw new InvalidInputError("malformed request target: send a path such as /api/runs", { cause: err });
  }
}

async function serveStatic(res: ServerResponse, dir: string, path: string): Promise<void> {
  const file = normalize(join(dir, path === "/" ? "index.html" : path));
  const type = TYPES[extname(file)];
  if (!file.startsWith(dir + sep) || !type) throw new RouteNotFoundError(`no page at ${path}`);
  const body = await readFile(file).catch(() => {
    throw new RouteNotFoundError(`no page at ${path}`);
  });
  send(res, 200, body, type);
}

/**
 * Starts the console's server and resolves once it listens.
 * @example const server = await startHttp({ api, staticDir, host: "127.0.0.1", port: 0, logger });
 */
export function startHttp(options: HttpOptions): Promise<ConsoleServer> {
  const { api, logger } = options;
  const staticDir = resolve(options.staticDir);
  let origin = "";
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let path = req.url ?? "/";
    const method = req.method ?? "GET";
    try {
      checkHost(req, origin);
      path = pathOf(req.url);
      if (!path.startsWith("/api/")) {
        if (method !== "GET" && method !== "HEAD")
          throw new MethodNotAllowedError(`${method} ${path}: pages take GET`, ["GET", "HEAD"]);
        return await serveStatic(res, staticDir, path);
      }
      const { route, params, allowed } = matchRoute(method, path);
      if (!route) {
        if (allowed.length > 0)
          throw new MethodNotAllowedError(`${method} ${path}: use ${allowed.join(", ")}`, allowed);
        throw new RouteNotFoundError(`no API at ${path}: see docs/console.md for the routes`);
      }
      if (method === "POST") checkWrite(req);
      const body = method === "POST" ? await readJson(req) : undefined;
      const query = new URL(req.url ?? "/", "http://console.invalid").searchParams;
      const result = await route.handle(api, { params, query, body });
      send(res, 200, JSON.stringify(result), "application/json");
    } catch (err) {
      const { name, message } =
        err instanceof ZodError ? { name: "InvalidInputError", message: z.prettifyError(err) } : describeError(err);
      const status = statusOfError(name);
      const envelope: ErrorEnvelope =
        status === 500
          ? { error: "InternalError", message: "internal error; see the console's log" }
          : { error: name, message };
      if (status === 500) logger.error({ err, method, path }, "console request failed");
      else logger.info({ error: envelope, method, path, status }, "console request refused");
      if (res.headersSent || res.destroyed) return;
      if (err instanceof MethodNotAllowedError) res.setHeader("allow", err.allow.join(", "));
      send(res, status, JSON.stringify(envelope), "application/json");
    }
  };
  const timeouts = options.timeouts ?? HTTP_TIMEOUTS;
  const server = createServer(serverOptions(timeouts), (req, res) => void handle(req, res));
  answerClientErrors(server, timeouts, logger);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      const { port } = server.address() as AddressInfo;
      const host = options.host.includes(":") ? `[${options.host}]` : options.host;
      origin = `http://${host}:${port}`;
      resolve({
        url: `${origin}/`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
