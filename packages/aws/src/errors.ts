/**
 * Named errors of the AWS backend. The CLI prints `tollgate: <name>: <message>` on one line and
 * exits non-zero, so each message says what is wrong and what to do.
 */
import { TollgateError } from "@tollgate/core/errors";

/** The standard credential chain found no credentials (checked before any AWS call). */
export class NoCredentialsError extends TollgateError {}
/** No region from `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile. */
export class NoRegionError extends TollgateError {}
/** The stage's stacks or outputs cannot be found, or lack an output the command needs. */
export class StageNotFoundError extends TollgateError {}
/** The Function URL answered with an error (the body's error name and message are kept). */
export class PredictRequestError extends TollgateError {
  constructor(
    message: string,
    /** The HTTP status of the answer. */
    readonly statusCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
/** `ingest` or `run` waited longer than allowed for the trigger to start a run. */
export class RunNotStartedError extends TollgateError {}
