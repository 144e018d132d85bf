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
import { ZodError, z } from "zod";
import type { ConsoleApi } from "./api.ts";
import { matchRoute } from "./routes.ts";

/** A request the console refuses (wrong host, origin or content type). */
export class ForbiddenRequestError extends TollgateError {}

const STATUS_BY_ERROR: Record<string, number> = {
  InvalidInputError: 400,
  ForbiddenRequestError: 403,
  ExecutionNotFoundError: 404,
  ModelNotFoundError: 404,
  ObjectNotFoundError: 404,
  NotFoundError: 404,
  MethodNotAllowedError: 405,
  LiveModelChangedError: 409,
  UnsupportedMediaTypeError: 415,
};
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
}

/** A listening console. */
export interface ConsoleServer {
  url: string;
  port: number;
  /** Stops accepting connections and resolves once open ones are closed. */
  close(): Promise<void>;
}

class HttpError extends TollgateError {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** The page may load only what the console serves (no CDN, no inline script). */
const CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

function send(res: ServerResponse, status: number, body: string | Buffer, type: string): void {
  res.writeHead(status, {
    "content-type": type,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
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

function checkRequest(req: IncomingMessage, origin: string): void {
  const host = req.headers.host ?? "";
  const { port, host: own } = new URL(origin);
  if (![own, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host))
    throw new ForbiddenRequestError(`Host ${host || "(none)"} is not this console`);
  if (req.method === "GET" || req.method === "HEAD") return;
  const from = req.headers.origin;
  if (from !== undefined && from !== `http://${host}`) throw new ForbiddenRequestError(`Origin ${from} may not write`);
  if (!(req.headers["content-type"] ?? "").startsWith("application/json"))
    throw new HttpError("UnsupportedMediaTypeError", "writes take Content-Type: application/json");
}

async function serveStatic(res: ServerResponse, dir: string, path: string): Promise<void> {
  const file = normalize(join(dir, path === "/" ? "index.html" : path));
  const type = TYPES[extname(file)];
  if (!file.startsWith(dir + sep) || !type) throw new HttpError("NotFoundError", `no page at ${path}`);
  const body = await readFile(file).catch(() => {
    throw new HttpError("NotFoundError", `no page at ${path}`);
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
    const url = new URL(req.url ?? "/", origin);
    try {
      checkRequest(req, origin);
      if (!url.pathname.startsWith("/api/")) return await serveStatic(res, staticDir, url.pathname);
      const { route, params, allowed } = matchRoute(req.method ?? "GET", url.pathname);
      if (!route) {
        if (allowed.length > 0)
          throw new HttpError("MethodNotAllowedError", `${req.method} ${url.pathname}: use ${allowed.join(", ")}`);
        throw new HttpError("NotFoundError", `no API at ${url.pathname}`);
      }
      const body = req.method === "POST" ? await readJson(req) : undefined;
      const result = await route.handle(api, { params, query: url.searchParams, body });
      send(res, 200, JSON.stringify(result), "application/json");
    } catch (err) {
      const error =
        err instanceof ZodError ? { name: "InvalidInputError", message: z.prettifyError(err) } : describeError(err);
      const status = STATUS_BY_ERROR[error.name] ?? 500;
      if (status === 500) logger.error({ err, method: req.method, path: url.pathname }, "console request failed");
      else logger.info({ error, method: req.method, path: url.pathname, status }, "console request refused");
      if (!res.headersSent) send(res, status, JSON.stringify({ error }), "application/json");
    }
  };
  const server = createServer((req, res) => void handle(req, res));
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
