/**
 * The local HTTP server of `tollgate serve`: node:http on loopback, each request adapted to a
 * Function URL event and answered by the same handler the Lambda runs.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Logger, logger as rootLogger } from "@tollgate/core/logger";
import type { APIGatewayProxyStructuredResultV2, LambdaFunctionURLEvent } from "aws-lambda";
import { toFunctionUrlEvent, writeResult } from "./function-url.ts";
import { answerClientErrors, HTTP_TIMEOUTS, type HttpTimeouts, serverOptions } from "./hardening.ts";

/** A Function URL handler (see `functions/predict.ts`). */
export type FunctionUrlHandler = (event: LambdaFunctionURLEvent) => Promise<APIGatewayProxyStructuredResultV2>;

/** Options of {@link startServer}. */
export interface ServerOptions {
  handler: FunctionUrlHandler;
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Bodies are read up to one byte over this; the handler answers 413 for them. */
  maxBodyBytes: number;
  /** Header, request and keep-alive timeouts (default {@link HTTP_TIMEOUTS}); a late request gets 408. */
  timeouts?: HttpTimeouts;
  logger?: Logger;
}

/** A running server. */
export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting connections and resolves once in-flight requests are answered. */
  close(): Promise<void>;
}

/** Reads a body up to `cap` bytes; beyond that the rest is not kept (`overflow`). */
function readBody(req: IncomingMessage, cap: number): Promise<{ body: Buffer; overflow: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (overflow: boolean) =>
      resolve({ body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), overflow });
    req.on("data", (chunk: Buffer) => {
      if (size > cap) return;
      chunks.push(chunk);
      size += chunk.length;
      if (size > cap) done(true);
    });
    req.on("end", () => done(false));
    req.on("error", reject);
    // a connection closed (or timed out) before the body ended
    req.on("close", () => {
      if (!req.complete) reject(new Error("request closed before its body ended"));
    });
  });
}

/**
 * Starts the server and resolves once it listens.
 * @example const server = await startServer({ handler, port: 8080, maxBodyBytes: 1 << 20 });
 */
export function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.logger ?? rootLogger;
  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const requestId = randomUUID();
    try {
      const { body, overflow } = await readBody(req, options.maxBodyBytes);
      if (overflow) res.setHeader("connection", "close");
      writeResult(res, await options.handler(toFunctionUrlEvent(req, body, requestId)), requestId);
    } catch (err) {
      if (req.socket.destroyed || !req.socket.writable) return; // answered (408) or gone: nothing to write
      log.error({ err, requestId }, "request failed in the server");
      if (!res.headersSent)
        writeResult(
          res,
          {
            statusCode: 500,
            headers: { "content-type": "application/json" },
            body: '{"error":"InternalError","message":"internal error"}',
          },
          requestId,
        );
      else res.destroy();
    }
  };
  const timeouts = options.timeouts ?? HTTP_TIMEOUTS;
  const server = createServer(serverOptions(timeouts), (req, res) => void serve(req, res));
  answerClientErrors(server, timeouts, log);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => {
      const { address, port } = server.address() as AddressInfo;
      const host = address.includes(":") ? `[${address}]` : address;
      resolve({
        url: `http://${host}:${port}`,
        port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            server.closeIdleConnections();
          }),
      });
    });
  });
}
