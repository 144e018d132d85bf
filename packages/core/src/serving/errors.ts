/** Named errors of the serving path; each maps to one HTTP status in `http.ts`. */
import { TollgateError } from "../errors.ts";

/** The limits a request must stay within (reported with a 413). */
export interface RequestLimits {
  maxTexts: number;
  maxTextChars: number;
  maxBodyBytes: number;
}

/** The request is larger than the configured limits: too many texts, too long a text, too big a body. */
export class PayloadTooLargeError extends TollgateError {
  constructor(
    message: string,
    readonly limits: RequestLimits,
  ) {
    super(message);
  }
}

/** No route for this path. */
export class RouteNotFoundError extends TollgateError {}

/** The path exists but not for this HTTP method. */
export class MethodNotAllowedError extends TollgateError {
  constructor(
    message: string,
    readonly allow: string[],
  ) {
    super(message);
  }
}

/** The request (its headers, or headers and body) did not arrive within the server's timeout. */
export class RequestTimeoutError extends TollgateError {}

/** A write whose body is not declared as JSON (the console's API). */
export class UnsupportedMediaTypeError extends TollgateError {}

/**
 * The version of the error envelope both HTTP servers (`tollgate serve`, the Lambda's Function URL and
 * the console's `/api`) answer with: `{"error": <name>, "message": <what is wrong and what to do>}`,
 * plus `limits` on a 413. Fields may be added within a version; none is renamed or removed.
 */
export const ERROR_ENVELOPE_VERSION = 1;

/** The body of every error response (see {@link ERROR_ENVELOPE_VERSION}). */
export interface ErrorEnvelope {
  error: string;
  message: string;
  limits?: RequestLimits;
}

/** The status of each error name, one table for both servers; any other name is a 500 `InternalError`. */
export const STATUS_BY_ERROR: Readonly<Record<string, number>> = {
  InvalidInputError: 400,
  ForbiddenRequestError: 403,
  RouteNotFoundError: 404,
  ExecutionNotFoundError: 404,
  ModelNotFoundError: 404,
  ObjectNotFoundError: 404,
  MethodNotAllowedError: 405,
  RequestTimeoutError: 408,
  LiveModelChangedError: 409,
  ExecutionNotRunningError: 409,
  ExecutionNotRedrivable: 409,
  ExecutionAlreadyExists: 409,
  PayloadTooLargeError: 413,
  UnsupportedMediaTypeError: 415,
  RequestHeaderFieldsTooLargeError: 431,
  ServiceUnavailableError: 503,
};

/** The HTTP status for an error name (500 for a name not in {@link STATUS_BY_ERROR}). */
export const statusOfError = (name: string): number => STATUS_BY_ERROR[name] ?? 500;
