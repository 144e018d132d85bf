/**
 * The local composition of the stores: a folder per bucket, one SQLite file for the registry
 * and the executions, and a JSON Lines audit log, all under one home folder.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { InvalidInputError } from "@tollgate/core/errors";
import { JsonlAuditLog } from "./audit-log.ts";
import { DEFAULT_TABLE } from "./audited.ts";
import { SqliteExecutionStore } from "./execution-store.ts";
import { SqliteMapRunStore } from "./map-run-store.ts";
import { FolderObjectStore } from "./object-store.ts";
import { SqliteRegistry } from "./registry-sqlite.ts";
import { migrateToLatest } from "./schema.ts";
import { openSqlite } from "./sqlite.ts";

export { type AuditFilter, JsonlAuditLog, readAudit } from "./audit-log.ts";
export {
  type AuditContext,
  type AuditContextSource,
  auditedObjectStore,
  auditedRegistry,
  tableArn,
} from "./audited.ts";
export type {
  ExecutionFilter,
  ExecutionRecord,
  ExecutionStatus,
  ExecutionStore,
  HistoryEvent,
  NewExecution,
  NewHistoryEvent,
} from "./execution-store.ts";
export { SqliteExecutionStore } from "./execution-store.ts";
export { type MapRunCounts, type MapRunRecord, SqliteMapRunStore } from "./map-run-store.ts";
export { FolderObjectStore, InvalidObjectKeyError, validateObjectKey } from "./object-store.ts";
export { SqliteRegistry } from "./registry-sqlite.ts";

/** Names the local stores stand in for (used in audit ARNs). */
export const LOCAL_NAMES = {
  dataBucket: "tollgate-data",
  modelBucket: "tollgate-models",
  registryTable: DEFAULT_TABLE,
} as const;

/** Everything {@link openLocalStores} returns. */
export interface LocalStores {
  home: string;
  objects: { data: FolderObjectStore; models: FolderObjectStore };
  registry: SqliteRegistry;
  audit: JsonlAuditLog;
  /** The audit log's file (`<home>/audit.jsonl`). */
  auditFile: string;
  executions: SqliteExecutionStore;
  /** The Map Runs of Distributed Map states (their children are in `executions`). */
  mapRuns: SqliteMapRunStore;
  names: typeof LOCAL_NAMES;
  /** Closes the database connection. */
  close(): void;
}

/**
 * Opens (creating as needed) the stores under `home`: objects in `<home>/objects/data` and
 * `<home>/objects/models`, registry and executions in `<home>/tollgate.db` (one WAL-mode
 * connection, shared, its schema brought up to date: stores/schema.ts), the audit log in
 * `<home>/audit.jsonl`. Several processes may open the same home at once.
 * @throws UnsupportedStoreVersionError when the home was written by a newer tollgate; InvalidInputError
 *   when `home` cannot be a folder (a file is in the way, no permission).
 */
export function openLocalStores(home: string): LocalStores {
  const root = resolve(home);
  try {
    mkdirSync(root, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InvalidInputError(
      `the home ${root} cannot be a folder of stores (${code === "EEXIST" || code === "ENOTDIR" ? "a file is in the way" : code}): set TOLLGATE_HOME to a folder`,
      { cause: err },
    );
  }
  const db = openSqlite(join(root, "tollgate.db"));
  try {
    migrateToLatest(db);
  } catch (err) {
    db.close();
    throw err;
  }
  const auditFile = join(root, "audit.jsonl");
  return {
    home: root,
    objects: {
      data: new FolderObjectStore(join(root, "objects", "data"), LOCAL_NAMES.dataBucket),
      models: new FolderObjectStore(join(root, "objects", "models"), LOCAL_NAMES.modelBucket),
    },
    registry: new SqliteRegistry(db),
    audit: new JsonlAuditLog(auditFile),
    auditFile,
    executions: new SqliteExecutionStore(db),
    mapRuns: new SqliteMapRunStore(db),
    names: LOCAL_NAMES,
    close: () => {
      if (db.open) db.close();
    },
  };
}
