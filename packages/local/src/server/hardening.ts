/**
 * What both local HTTP servers (`tollgate serve` and `tollgate console`) do about slow or malformed
 * clients, so that no request line, header or body costs more than its own request: bounded header,
 * request and keep-alive timeouts, and errors node:http finds before a handler runs answered in the
 * one error envelope (`ErrorEnvelope`) instead of killing the process or holding the socket.
 */
import { type Server, type ServerOptions, type ServerResponse, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "@tollgate/core/logger";
import type { ErrorEnvelope } from "@tollgate/core/serving/errors";

/** The timeouts of a server, in milliseconds (docs/serving.md, "Limits and timeouts"). */
export interface HttpTimeouts {
  /** The request line and headers must arrive within this (node's `headersTimeout`). */
  headersMs: number;
  /** The whole request, headers and body, must arrive within this (node's `requestTimeout`). */
  requestMs: number;
  /** An idle keep-alive connection is closed after this (node's `keepAliveTimeout`). */
  keepAliveMs: number;
}

/** The defaults: a request has 10 s for its headers and 30 s in all; an idle connection is kept 5 s. */
export const HTTP_TIMEOUTS: HttpTimeouts = { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000 };

/** The request line and headers together: at most this many bytes (node's `maxHeaderSize`), else 431. */
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * The node:http options for these timeouts. Node checks the header and request timeouts every
 * `connectionsCheckingInterval` (30 s by default, which would let a slow request run 30 s over), so
 * the check runs at a quarter of the header timeout, at most once a second.
 */
export function serverOptions(timeouts: HttpTimeouts = HTTP_TIMEOUTS): ServerOptions {
  return {
    headersTimeout: timeouts.headersMs,
    requestTimeout: Math.max(timeouts.requestMs, timeouts.headersMs),
    keepAliveTimeout: timeouts.keepAliveMs,
    connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(timeouts.headersMs / 4))),
    maxHeaderSize: MAX_HEADER_BYTES,
  };
}

/** The status and envelope for an error node:http raised on a connection before any handler answered. */
function clientErrorEnvelope(err: NodeJS.ErrnoException, timeouts: HttpTimeouts): [number, ErrorEnvelope] {
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT")
    return [
      408,
      {
        error: "RequestTimeoutError",
        message: `the request did not arrive in time (headers within ${timeouts.headersMs / 1000} s, all of it within ${timeouts.requestMs / 1000} s); send it again, whole`,
      },
    ];
  if (err.code === "HPE_HEADER_OVERFLOW")
    return [
      431,
      {
        error: "RequestHeaderFieldsTooLargeError",
        message: `the request line and headers are over ${MAX_HEADER_BYTES} bytes`,
      },
    ];
  return [400, { error: "InvalidInputError", message: `malformed HTTP request (${err.code ?? err.message})` }];
}

/**
 * Answers the connection errors node:http reports (`clientError`: a malformed request line or header,
 * headers too large, a header or request timeout) with their status and the envelope, then closes the
 * connection; when a response was already started on it, only closes it.
 */
export function answerClientErrors(server: Server, timeouts: HttpTimeouts, log: Logger): void {
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
    const [status, envelope] = clientErrorEnvelope(err, timeouts);
    log.warn({ code: err.code, status }, "bad client request");
    if (!socket.writable || inFlight?.headersSent) return void socket.destroy();
    const body = JSON.stringify(envelope);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
    // A handler still reading this request's body finds the socket ended: node buffers (drops) what it
    // writes after this answer, so nothing reaches the client twice.
  });
}
