/**
 * The schema of the local database (`<home>/tollgate.db`: the registry and the executions share
 * it) as a ladder of migrations, numbered by SQLite's `PRAGMA user_version`. Opening a database
 * runs, under the write lock, every migration above its version, so a home written by an older
 * tollgate is brought up to date and one written by a newer tollgate is refused.
 *
 * To change the schema, append a migration; never edit one that has shipped.
 */
import { UnsupportedStoreVersionError } from "@tollgate/core/errors";
import type { SqliteDb } from "./sqlite.ts";

/** One step of the ladder: what it changes, and the change. */
export interface Migration {
  version: number;
  description: string;
  up(db: SqliteDb): void;
}

const hasColumn = (db: SqliteDb, table: string, column: string) =>
  (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).some((c) => c.name === column);

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "registry (model versions, live pointers, runs) and executions with their history events",
    // IF NOT EXISTS: homes written before the ladder (user_version 0) already have these tables
    up: (db) =>
      db.exec(`
CREATE TABLE IF NOT EXISTS model_versions (
  model_name TEXT NOT NULL,
  version TEXT NOT NULL,
  status TEXT NOT NULL,
  status_reason TEXT,
  created_at TEXT NOT NULL,
  record TEXT NOT NULL,
  PRIMARY KEY (model_name, version)
);
CREATE TABLE IF NOT EXISTS live_pointers (
  model_name TEXT PRIMARY KEY,
  version TEXT NOT NULL,
  since TEXT NOT NULL,
  by TEXT NOT NULL,
  previous TEXT
);
CREATE TABLE IF NOT EXISTS runs (
  run_id TEXT PRIMARY KEY,
  record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS executions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  execution_arn TEXT NOT NULL UNIQUE,
  state_machine_arn TEXT NOT NULL,
  status TEXT NOT NULL,
  input TEXT NOT NULL,
  output TEXT,
  error TEXT,
  cause TEXT,
  start_date TEXT NOT NULL,
  stop_date TEXT,
  redrive_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS executions_status ON executions (status, start_date);
CREATE TABLE IF NOT EXISTS execution_events (
  execution_name TEXT NOT NULL REFERENCES executions (name),
  id INTEGER NOT NULL,
  previous_event_id INTEGER NOT NULL,
  timestamp TEXT NOT NULL,
  type TEXT NOT NULL,
  details TEXT NOT NULL,
  PRIMARY KEY (execution_name, id)
) WITHOUT ROWID;`),
  },
  {
    version: 2,
    description: "executions.owner_pid: the process running an execution (interrupted runs are found by it)",
    // homes written before the ladder by a tollgate that already had the column keep it
    up: (db) => {
      if (!hasColumn(db, "executions", "owner_pid")) db.exec("ALTER TABLE executions ADD COLUMN owner_pid INTEGER");
    },
  },
  {
    version: 3,
    description:
      "Distributed Map: executions.map_run_arn and item_index (a Map Run's children), and map_runs (DescribeMapRun)",
    up: (db) =>
      db.exec(`
ALTER TABLE executions ADD COLUMN map_run_arn TEXT;
ALTER TABLE executions ADD COLUMN item_index INTEGER;
CREATE INDEX executions_map_run ON executions (map_run_arn, item_index);
CREATE TABLE map_runs (
  map_run_arn TEXT PRIMARY KEY,
  execution_name TEXT NOT NULL,
  execution_arn TEXT NOT NULL,
  state_name TEXT NOT NULL,
  status TEXT NOT NULL,
  start_date TEXT NOT NULL,
  stop_date TEXT,
  max_concurrency INTEGER NOT NULL,
  tolerated_failure_percentage REAL NOT NULL,
  tolerated_failure_count INTEGER NOT NULL,
  item_counts TEXT NOT NULL,
  execution_counts TEXT NOT NULL,
  redrive_count INTEGER NOT NULL DEFAULT 0,
  redrive_date TEXT
);
CREATE INDEX map_runs_execution ON map_runs (execution_name, start_date);`),
  },
  {
    version: 4,
    description: "live_pointers.history: the earlier live versions rollback steps back through (JSON array)",
    // a pointer from before keeps what rollback used to return to: its previous version
    up: (db) =>
      db.exec(`
ALTER TABLE live_pointers ADD COLUMN history TEXT NOT NULL DEFAULT '[]';
UPDATE live_pointers SET history = json_array(previous) WHERE previous IS NOT NULL;`),
  },
  {
    version: 5,
    description: "decisions: who moved a live pointer or settled an approval, and why (append-only)",
    up: (db) =>
      db.exec(`
CREATE TABLE decisions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  model_name TEXT NOT NULL,
  at TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX decisions_model ON decisions (model_name, seq);`),
  },
];

/** The version a database has once migrated. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/**
 * Brings the database up to {@link SCHEMA_VERSION}, one migration at a time, under the write lock
 * (two processes opening a fresh home at once run each migration once).
 * @throws UnsupportedStoreVersionError when the database was written by a newer tollgate.
 * @example migrateToLatest(openSqlite(".tollgate/tollgate.db"));
 */
export function migrateToLatest(db: SqliteDb, migrations: readonly Migration[] = MIGRATIONS): void {
  const latest = migrations.at(-1)?.version ?? 0;
  db.transaction(() => {
    const current = db.pragma("user_version", { simple: true }) as number;
    if (current > latest) {
      throw new UnsupportedStoreVersionError(
        `${db.name} has schema version ${current}, newer than this tollgate's ${latest}: upgrade tollgate to open it`,
      );
    }
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }
  }).immediate();
}
