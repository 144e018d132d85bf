/**
 * Map Runs of Distributed Map states, as DescribeMapRun and ListMapRuns show them, in the same
 * SQLite file as the executions (their children are executions with a `map_run_arn`).
 */
import type { MapRunCounts, MapRunRecord, MapRunStatus } from "@tollgate/core/workflow";
import { migrateToLatest } from "./schema.ts";
import { connect, type SqliteDb } from "./sqlite.ts";

export type { MapRunCounts, MapRunRecord, MapRunStatus };

export const emptyCounts = (): MapRunCounts => ({
  pending: 0,
  running: 0,
  succeeded: 0,
  failed: 0,
  timedOut: 0,
  aborted: 0,
  total: 0,
  resultsWritten: 0,
  failuresNotRedrivable: 0,
  pendingRedrive: 0,
});

/** A row: the counts are JSON text. */
type Row = Omit<MapRunRecord, "itemCounts" | "executionCounts"> & { itemCounts: string; executionCounts: string };

const COLUMNS = `map_run_arn AS mapRunArn, execution_arn AS executionArn, state_name AS stateName, status,
  start_date AS startDate, stop_date AS stopDate, max_concurrency AS maxConcurrency,
  tolerated_failure_percentage AS toleratedFailurePercentage, tolerated_failure_count AS toleratedFailureCount,
  item_counts AS itemCounts, execution_counts AS executionCounts, redrive_count AS redriveCount, redrive_date AS redriveDate`;

const recordOf = (row: Row): MapRunRecord => ({
  ...row,
  itemCounts: JSON.parse(row.itemCounts) as MapRunCounts,
  executionCounts: JSON.parse(row.executionCounts) as MapRunCounts,
});

export class SqliteMapRunStore {
  private readonly db: SqliteDb;
  private readonly owned: boolean;

  /** @param source a database file path (opened and owned) or an open connection (borrowed) */
  constructor(source: string | SqliteDb) {
    ({ db: this.db, owned: this.owned } = connect(source));
    migrateToLatest(this.db);
  }

  /** Records a new Map Run (RUNNING). */
  start(run: Omit<MapRunRecord, "status" | "stopDate" | "redriveCount" | "redriveDate">, executionName: string): void {
    this.db
      .prepare(
        `INSERT INTO map_runs (map_run_arn, execution_name, execution_arn, state_name, status, start_date,
           max_concurrency, tolerated_failure_percentage, tolerated_failure_count, item_counts, execution_counts)
         VALUES (?, ?, ?, ?, 'RUNNING', ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        run.mapRunArn,
        executionName,
        run.executionArn,
        run.stateName,
        run.startDate,
        run.maxConcurrency,
        run.toleratedFailurePercentage,
        run.toleratedFailureCount,
        JSON.stringify(run.itemCounts),
        JSON.stringify(run.executionCounts),
      );
  }

  /** A redrive of the Map Run: RUNNING again, one more redrive. */
  redrive(mapRunArn: string): void {
    this.db
      .prepare(
        `UPDATE map_runs SET status = 'RUNNING', stop_date = NULL, redrive_count = redrive_count + 1, redrive_date = ?
         WHERE map_run_arn = ?`,
      )
      .run(new Date().toISOString(), mapRunArn);
  }

  /** New counts (as children start and finish). */
  count(mapRunArn: string, itemCounts: MapRunCounts, executionCounts: MapRunCounts): void {
    this.db
      .prepare("UPDATE map_runs SET item_counts = ?, execution_counts = ? WHERE map_run_arn = ?")
      .run(JSON.stringify(itemCounts), JSON.stringify(executionCounts), mapRunArn);
  }

  finish(mapRunArn: string, status: Exclude<MapRunStatus, "RUNNING">): void {
    this.db
      .prepare("UPDATE map_runs SET status = ?, stop_date = ? WHERE map_run_arn = ?")
      .run(status, new Date().toISOString(), mapRunArn);
  }

  /** DescribeMapRun. */
  get(mapRunArn: string): MapRunRecord | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM map_runs WHERE map_run_arn = ?`).get(mapRunArn) as
      | Row
      | undefined;
    return row && recordOf(row);
  }

  /** ListMapRuns: the Map Runs an execution started, oldest first. */
  list(executionName: string): MapRunRecord[] {
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM map_runs WHERE execution_name = ? ORDER BY start_date, rowid`)
      .all(executionName) as Row[];
    return rows.map(recordOf);
  }

  /** Map Runs left RUNNING by an execution that is no longer running (its process died): FAILED. */
  failOrphans(): number {
    return this.db
      .prepare(
        `UPDATE map_runs SET status = 'FAILED', stop_date = ? WHERE status = 'RUNNING'
         AND execution_name IN (SELECT name FROM executions WHERE status != 'RUNNING')`,
      )
      .run(new Date().toISOString()).changes;
  }

  close(): void {
    if (this.owned) this.db.close();
  }
}
