import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

/** A better-sqlite3 connection. */
export type SqliteDb = Database.Database;

/**
 * Opens (creating if needed) a SQLite file for use by several processes at once:
 * WAL journal (readers do not block the writer), a busy timeout so a writer waits for
 * another process's transaction instead of failing, and foreign keys on.
 * Write transactions should use `db.transaction(fn).immediate()` so the write lock is
 * taken up front (a deferred transaction that upgrades to a writer can fail with SQLITE_BUSY
 * without waiting).
 */
export function openSqlite(path: string, options: { busyTimeoutMs?: number } = {}): SqliteDb {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: options.busyTimeoutMs ?? 10_000 });
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  return db;
}

/**
 * A store either opens its own connection from a path (and closes it) or borrows
 * one (and leaves it open for its owner).
 */
export function connect(source: string | SqliteDb): { db: SqliteDb; owned: boolean } {
  return typeof source === "string" ? { db: openSqlite(source), owned: true } : { db: source, owned: false };
}
