/**
 * HTTP over the predict service, independent of the transport: routes, status codes, JSON
 * bodies and one JSON log line per request. The Lambda Function URL handler and the local
 * server both call this, so the behaviour is the same on both targets.
 */
import { describeError } from "../errors.ts";
import { type Logger, logger as rootLogger } from "../logger.ts";
import {
  type ErrorEnvelope,
  MethodNotAllowedError,
  PayloadTooLargeError,
  RouteNotFoundError,
  statusOfError,
} from "./errors.ts";
import type { PredictService } from "./service.ts";

/** A request as the transports hand it over. */
export interface HttpRequest {
  method: string;
  path: string;
  body: string | undefined;
  requestId: string;
}

/** A response in the shape Lambda Function URLs take (`statusCode`, `headers`, `body`). */
export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const ROUTES: Record<string, "health" | "predict"> = {
  "GET /": "health",
  "GET /health": "health",
  // HEAD answers where GET does (RFC 9110): the same status and headers, no body (node:http drops it)
  "HEAD /": "health",
  "HEAD /health": "health",
  "POST /": "predict",
  "POST /predict": "predict",
};
const ALLOW: Record<string, string[]> = {
  "/": ["GET", "HEAD", "POST"],
  "/health": ["GET", "HEAD"],
  "/predict": ["POST"],
};

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  statusCode,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

/**
 * Maps an error to its response in the one envelope (`ErrorEnvelope`): a named error to its status
 * from `STATUS_BY_ERROR` with its message, anything else to a bare 500.
 */
function errorResponse(err: unknown, requestId: string): HttpResponse {
  const { name, message } = describeError(err);
  const status = statusOfError(name);
  if (status === 500) return json(500, { error: "InternalError", message: `internal error; request id ${requestId}` });
  const body: ErrorEnvelope = { error: name, message };
  if (err instanceof PayloadTooLargeError) body.limits = err.limits;
  const headers: Record<string, string> =
    err instanceof MethodNotAllowedError
      ? { allow: err.allow.join(", ") }
      : status === 503
        ? { "retry-after": "1" }
        : {};
  return json(status, body, headers);
}

function route(request: HttpRequest): "health" | "predict" {
  const method = request.method.toUpperCase();
  const found = ROUTES[`${method} ${request.path}`];
  if (found) return found;
  const allow = ALLOW[request.path];
  if (allow)
    throw new MethodNotAllowedError(`${method} is not allowed on ${request.path}; use ${allow.join(" or ")}`, allow);
  throw new RouteNotFoundError(`no route ${request.path}: POST /predict with {"texts": [...]}, or GET /health`);
}

/**
 * The HTTP handler: `POST /` or `/predict` scores texts, `GET /` or `/health` names the live version.
 * Never puts a stack trace in a response; unexpected errors are logged with the request id.
 * @example
 * const handle = httpHandler(service);
 * const res = await handle({ method: "POST", path: "/predict", body: '{"texts":["a dog"]}', requestId: "r1" });
 */
export function httpHandler(
  service: PredictService,
  logger: Logger = rootLogger,
): (request: HttpRequest) => Promise<HttpResponse> {
  return async (request) => {
    const started = performance.now();
    let response: HttpResponse;
    let modelVersion: string | undefined;
    let texts: number | undefined;
    try {
      if (route(request) === "predict") {
        const result = await service.predict(request.body);
        modelVersion = result.modelVersion;
        texts = result.predictions.length;
        response = json(200, result, { "x-model-version": modelVersion });
      } else {
        const health = await service.health();
        modelVersion = health.modelVersion;
        response = json(200, health, { "x-model-version": modelVersion });
      }
    } catch (err) {
      response = errorResponse(err, request.requestId);
      if (response.statusCode >= 500 && response.statusCode !== 503)
        logger.error({ err, requestId: request.requestId }, "request failed");
    }
    if (logger.isLevelEnabled("info")) {
      const ms = Math.round((performance.now() - started) * 1000) / 1000;
      logger.info(
        {
          requestId: request.requestId,
          method: request.method,
          path: request.path,
          status: response.statusCode,
          ms,
          modelVersion,
          texts,
        },
        "request",
      );
    }
    return response;
  };
}
