/**
 * Errors as a state machine sees them: a name (what Retry and Catch match) and a cause (a string).
 * Predefined names and matching rules follow the Amazon States Language and the Step Functions
 * documentation (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
 */

export const States = {
  ALL: "States.ALL",
  TaskFailed: "States.TaskFailed",
  Timeout: "States.Timeout",
  Runtime: "States.Runtime",
  DataLimitExceeded: "States.DataLimitExceeded",
  NoChoiceMatched: "States.NoChoiceMatched",
  IntrinsicFailure: "States.IntrinsicFailure",
  ResultPathMatchFailure: "States.ResultPathMatchFailure",
  ExceedToleratedFailureThreshold: "States.ExceedToleratedFailureThreshold",
  ItemReaderFailed: "States.ItemReaderFailed",
  ResultWriterFailed: "States.ResultWriterFailed",
} as const;

/** An error with a Step Functions name and cause. */
export class StatesError extends Error {
  constructor(
    name: string,
    override readonly cause: string,
  ) {
    super(cause);
    this.name = name;
  }
}

/**
 * Terminal errors: never retried and never caught. States.Runtime ("A retry or catch on States.ALL
 * won't catch States.Runtime errors") and States.DataLimitExceeded ("a terminal error that can't be
 * caught by the States.ALL error type").
 */
export const isTerminal = (name: string) => name === States.Runtime || name === States.DataLimitExceeded;

/**
 * Whether a Retrier's or Catcher's `ErrorEquals` matches an error thrown by a state of `stateType`.
 * States.ALL matches any non-terminal error; States.TaskFailed matches any Task error but States.Timeout.
 */
export function errorMatches(errorEquals: readonly string[], error: string, stateType: string): boolean {
  if (isTerminal(error)) return false;
  return errorEquals.some(
    (name) =>
      name === error ||
      name === States.ALL ||
      (name === States.TaskFailed && stateType === "Task" && error !== States.Timeout),
  );
}

/** Any thrown value as a StatesError (a plain Error keeps its name, as a Lambda's errorType would). */
export function toStatesError(err: unknown): StatesError {
  if (err instanceof StatesError) return err;
  if (err instanceof Error) return new StatesError(err.name, err.message);
  return new StatesError("Error", String(err));
}
