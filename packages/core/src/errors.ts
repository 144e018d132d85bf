/**
 * Named errors. Every error a workflow step throws has a stable `name`, so the
 * state machine's Retry/Catch can route on it (Step Functions matches on `name`).
 * The original error, when there is one, is kept as `cause`.
 */
export class TollgateError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The input of a step does not match its contract. */
export class InvalidInputError extends TollgateError {}
/** The dataset cannot be used for training (no valid rows, one class, not text …). */
export class InvalidDatasetError extends TollgateError {}
/**
 * The training's WebAssembly memory cannot hold the work (a module's memory is at most 4 GiB, or the
 * process has no more): the data is too large for one process (shard it, or prune its vocabulary).
 */
export class WasmMemoryError extends TollgateError {}
/** The test split is smaller than the gate's minimum (`minTestRows`): the gate refuses to decide on it. */
export class TestSplitTooSmallError extends TollgateError {}
/** An object the step needs is missing from the object store. */
export class ObjectNotFoundError extends TollgateError {}
/** A write of a key that may only be created found another object there (it is never replaced). */
export class ObjectExistsError extends TollgateError {}
/** The object store refused access to a key (on S3: a 403 for a key the caller may not read or list). */
export class ObjectAccessDeniedError extends TollgateError {}
/** The live model changed between Evaluate and Promote (compare-and-swap failed). */
export class LiveModelChangedError extends TollgateError {}
/** A model version named by a command or a step does not exist in the registry. */
export class ModelNotFoundError extends TollgateError {}
/** A model version whose files `tollgate gc` removed: it cannot be loaded, scored or go live again. */
export class ModelCollectedError extends TollgateError {}
/** A model cannot be scored or exported. */
export class ModelFormatError extends TollgateError {}
/** The workflow definition uses a feature the local engine cannot run. */
export class UnsupportedAslFeatureError extends TollgateError {}
/** StartExecution with an existing name and a different input (as on AWS). */
export class ExecutionAlreadyExistsError extends TollgateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ExecutionAlreadyExists";
  }
}
/** StartExecution with a name Step Functions refuses (as on AWS: `InvalidName`). */
export class InvalidNameError extends TollgateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InvalidName";
  }
}
/** An execution named by a command does not exist. */
export class ExecutionNotFoundError extends TollgateError {}
/** A local database written by a newer tollgate (its schema version is above this one's). */
export class UnsupportedStoreVersionError extends TollgateError {}
/** A stored record (a registry row or item) does not match its schema. */
export class CorruptRecordError extends TollgateError {}
/** A fault injected by configuration (reliability testing). */
export class InjectedFaultError extends TollgateError {}

/** Serialise an error for logs and for Step Functions' `{Error, Cause}`. */
export function describeError(err: unknown): { name: string; message: string } {
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: "Error", message: String(err) };
}
/** Nothing can answer yet (e.g. no live model): retry later. */
export class ServiceUnavailableError extends TollgateError {}
/** RedriveExecution on an execution that cannot be redriven (as on AWS). */
export class ExecutionNotRedrivableError extends TollgateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ExecutionNotRedrivable";
  }
}
/** StopExecution on an execution that is not RUNNING. */
export class ExecutionNotRunningError extends TollgateError {}
