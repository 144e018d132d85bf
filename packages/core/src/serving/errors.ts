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
