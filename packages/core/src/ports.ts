/**
 * The small interfaces core code takes. Core never names AWS or the local stores:
 * each target builds these in its composition root (Lambda entry points: S3, DynamoDB;
 * packages/local: a folder, SQLite, a JSON Lines audit log).
 */
import type {
  AuditRecordInput,
  Collected,
  DecisionRecord,
  LivePointer,
  ModelStatus,
  ModelVersionRecord,
  RunRecord,
} from "./contracts.ts";

/** A bucket-like key/value store of bytes. Keys use `/` as a separator. */
export interface ObjectStore {
  /** Writes atomically: readers see the old object or the new one, never half of it. */
  put(key: string, body: Uint8Array | string): Promise<void>;
  /** @throws ObjectNotFoundError */
  get(key: string): Promise<Uint8Array>;
  /** Keys under a prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  exists(key: string): Promise<boolean>;
  /** Keys under a prefix with their sizes in bytes, sorted by key (what `gc` sums as freed). */
  listSized(prefix: string): Promise<StoredObject[]>;
  /**
   * Removes objects; a key that is not there is no error. Only `tollgate gc` deletes, and only
   * what no kept model version needs (core's registry/retention.ts). On a versioned S3 bucket the
   * removed version is tagged first, so a lifecycle rule scoped to that tag expires it.
   */
  delete(keys: string[]): Promise<void>;
  /**
   * The local file that holds the object, when the store keeps objects as files (the folder store):
   * for readers that want random access from other threads, such as the local ETL's workers.
   */
  localPath?(key: string): string;
}

/** An object's key and size in bytes. */
export interface StoredObject {
  key: string;
  size: number;
}

/**
 * The model registry. The live pointer is the only source of truth for what is live and
 * changes only through `swapLive` (a conditional write on the current version).
 */
export interface Registry {
  putModelVersion(record: ModelVersionRecord): Promise<void>;
  getModelVersion(modelName: string, version: string): Promise<ModelVersionRecord | undefined>;
  /** Newest first. */
  listModelVersions(modelName: string): Promise<ModelVersionRecord[]>;
  /** @throws ModelNotFoundError */
  setModelStatus(modelName: string, version: string, status: ModelStatus, reason?: string): Promise<void>;
  getLive(modelName: string): Promise<LivePointer | undefined>;
  /**
   * Compare-and-swap of the live pointer: succeeds only if the live version is still
   * `expected` (`null`: no live model yet). Marks `next` live and the previous one retired.
   * A promotion pushes `expected` onto the pointer's `history`; with `back: n`, the swap is a
   * rollback to `history[n - 1]` (which `next` must be) and drops the first n entries, so each
   * rollback steps back one version (`nextHistory` in registry/live-history.ts).
   * @throws LiveModelChangedError when the pointer moved; ModelNotFoundError when `next` is unknown;
   *   InvalidInputError when `back` does not lead to `next`.
   */
  swapLive(
    modelName: string,
    expected: string | null,
    next: string,
    by: string,
    options?: { back?: number },
  ): Promise<LivePointer>;
  /**
   * Records that `tollgate gc` removed a version's files (its record stays, with `collected`).
   * @throws ModelNotFoundError
   */
  markCollected(modelName: string, version: string, collected: Collected): Promise<void>;
  putRun(record: RunRecord): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Appends a decision (who moved the live pointer or settled an approval, and why). */
  recordDecision(record: DecisionRecord): Promise<void>;
  /** A model's decisions, oldest first. */
  listDecisions(modelName: string): Promise<DecisionRecord[]>;
}

/** Append-only audit trail, records shaped like CloudTrail events. */
export interface AuditLog {
  record(input: AuditRecordInput): Promise<void>;
}
