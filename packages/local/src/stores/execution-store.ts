import { ExecutionAlreadyExistsError, ExecutionNotFoundError } from "@tollgate/core/errors";
import type {
  ExecutionRecord,
  ExecutionStatus,
  HistoryEvent,
  NewHistoryEvent,
} from "@tollgate/core/workflow/executions";
import type { RunFilter } from "@tollgate/core/workflow/run-filter";
import { migrateToLatest } from "./schema.ts";
import { connect, type SqliteDb } from "./sqlite.ts";

export type { ExecutionRecord, ExecutionStatus, HistoryEvent, NewHistoryEvent };

/** What `create` needs: everything the store does not fill in itself. */
export type NewExecution = Omit<
  ExecutionRecord,
  "status" | "output" | "error" | "cause" | "stopDate" | "redriveCount"
> & {
  /** A Map Run's child: the item (or batch) index it runs. */
  itemIndex?: number;
};

/** The run filters (core `workflow/run-filter.ts`), or with `mapRunArn` a Map Run's children. */
export interface ExecutionFilter extends RunFilter {
  mapRunArn?: string;
}

/** Persistent executions and their histories. */
export interface ExecutionStore {
  /**
   * Starts tracking an execution (status RUNNING). Idempotent like StartExecution: the same
   * name with the same input returns the existing record.
   * @throws ExecutionAlreadyExistsError when the name exists with a different input
   */
  create(rec: NewExecution): ExecutionRecord;
  get(name: string): ExecutionRecord | undefined;
  /** Newest first. */
  /** Top-level executions, or with `mapRunArn` the child executions of that Map Run (by item). */
  list(filter?: ExecutionFilter): ExecutionRecord[];
  /** How many executions {@link list} would answer without `limit` and `offset`. */
  count(filter?: ExecutionFilter): number;
  /**
   * Closes a RUNNING execution. Returns false (and changes nothing) if it is no longer RUNNING,
   * e.g. it was aborted while its last task was still running.
   * @throws ExecutionNotFoundError
   */
  finish(
    name: string,
    patch: { status: ExecutionStatus; output?: string | null; error?: string | null; cause?: string | null },
  ): boolean;
  /** Appends events with ids assigned sequentially per execution; returns them as stored. */
  appendEvents(name: string, events: NewHistoryEvent[]): HistoryEvent[];
  /** The history in id order. */
  history(name: string): HistoryEvent[];
  /** Sets a FAILED, ABORTED or TIMED_OUT execution RUNNING again and counts the redrive; false if it is not one. */
  claimRedrive(name: string): boolean;
}

/** An execution left RUNNING by a process that is gone; `worker`: a Map worker still running it. */
export type Orphan = ExecutionRecord & { worker?: number };

const COLUMNS = `execution_arn AS executionArn, name, state_machine_arn AS stateMachineArn, status, input, output,
  error, cause, start_date AS startDate, stop_date AS stopDate, redrive_count AS redriveCount, map_run_arn AS mapRunArn`;

type Row = Omit<ExecutionRecord, "mapRunArn"> & { mapRunArn: string | null };
/** A row as DescribeExecution shows it: `mapRunArn` only for a Map Run's child. */
const recordOf = ({ mapRunArn, ...rest }: Row): ExecutionRecord => (mapRunArn ? { ...rest, mapRunArn } : rest);

/** The WHERE clause of a filter and its named parameters. */
function whereOf(filter: ExecutionFilter): { where: string; params: Record<string, string> } {
  const where = ["map_run_arn IS NULL"];
  const params: Record<string, string> = {};
  const add = (key: keyof ExecutionFilter, clause: string, value = filter[key]) => {
    if (value === undefined || value === "") return;
    where.push(clause);
    params[key] = String(value);
  };
  if (filter.mapRunArn) where.length = 0;
  add("mapRunArn", "map_run_arn = @mapRunArn");
  add("status", "status = @status");
  // instr on lower(): a name's `%` or `_` is no wildcard
  add("nameContains", "instr(lower(name), @nameContains) > 0", filter.nameContains?.toLowerCase());
  add("startedFrom", "start_date >= @startedFrom");
  add("startedBefore", "start_date < @startedBefore");
  return { where: where.join(" AND "), params };
}

interface EventRow {
  id: number;
  previous_event_id: number;
  timestamp: string;
  type: string;
  details: string;
}

/**
 * {@link ExecutionStore} in SQLite (WAL; several processes may share the file). Names are
 * unique by constraint, so two processes starting the same execution cannot both create it.
 */
export class SqliteExecutionStore implements ExecutionStore {
  private readonly db: SqliteDb;
  private readonly owned: boolean;

  /** @param source a database file path (opened and owned) or an open connection (borrowed) */
  constructor(source: string | SqliteDb) {
    ({ db: this.db, owned: this.owned } = connect(source));
    migrateToLatest(this.db);
  }

  create(rec: NewExecution): ExecutionRecord {
    return this.tryCreate(rec).record;
  }

  /** Like {@link create}, and says whether this call created it (false: it existed already). */
  tryCreate(rec: NewExecution): { record: ExecutionRecord; created: boolean } {
    const { changes } = this.db
      .prepare(
        `INSERT INTO executions (name, execution_arn, state_machine_arn, status, input, start_date, owner_pid, map_run_arn, item_index)
         VALUES (@name, @executionArn, @stateMachineArn, 'RUNNING', @input, @startDate, @pid, @mapRunArn, @itemIndex)
         ON CONFLICT DO NOTHING`,
      )
      .run({
        name: rec.name,
        executionArn: rec.executionArn,
        stateMachineArn: rec.stateMachineArn,
        input: rec.input,
        startDate: rec.startDate,
        pid: process.pid,
        mapRunArn: rec.mapRunArn ?? null,
        itemIndex: rec.itemIndex ?? null,
      });
    const record = this.get(rec.name);
    if (!record || record.input !== rec.input || record.stateMachineArn !== rec.stateMachineArn) {
      throw new ExecutionAlreadyExistsError(
        record
          ? `execution ${rec.name} already exists with a different input`
          : `execution ARN ${rec.executionArn} is already used by another name`,
      );
    }
    return { record, created: changes === 1 };
  }

  get(name: string): ExecutionRecord | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM executions WHERE name = ?`).get(name) as Row | undefined;
    return row && recordOf(row);
  }

  list(filter: ExecutionFilter = {}): ExecutionRecord[] {
    const { where, params } = whereOf(filter);
    const order = filter.mapRunArn ? "item_index" : "start_date DESC, seq DESC";
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM executions WHERE ${where} ORDER BY ${order} LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: filter.limit ?? -1, offset: filter.offset ?? 0 }) as Row[];
    return rows.map(recordOf);
  }

  count(filter: ExecutionFilter = {}): number {
    const { where, params } = whereOf(filter);
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM executions WHERE ${where}`).get(params) as { n: number }).n;
  }

  finish(
    name: string,
    patch: { status: ExecutionStatus; output?: string | null; error?: string | null; cause?: string | null },
  ): boolean {
    const { changes } = this.db
      .prepare(
        `UPDATE executions SET status = @status, output = @output, error = @error, cause = @cause, stop_date = @stopDate
         WHERE name = @name AND status = 'RUNNING'`,
      )
      .run({
        name,
        status: patch.status,
        output: patch.output ?? null,
        error: patch.error ?? null,
        cause: patch.cause ?? null,
        stopDate: new Date().toISOString(),
      });
    if (changes === 0 && !this.get(name)) throw new ExecutionNotFoundError(`no execution named ${name}`);
    return changes === 1;
  }

  appendEvents(name: string, events: NewHistoryEvent[]): HistoryEvent[] {
    const append = this.db.transaction((): HistoryEvent[] => {
      if (!this.get(name)) throw new ExecutionNotFoundError(`no execution named ${name}`);
      const { last } = this.db
        .prepare("SELECT COALESCE(MAX(id), 0) AS last FROM execution_events WHERE execution_name = ?")
        .get(name) as { last: number };
      const insert = this.db.prepare(
        "INSERT INTO execution_events (execution_name, id, previous_event_id, timestamp, type, details) VALUES (?, ?, ?, ?, ?, ?)",
      );
      return events.map((event, i) => {
        const { type, timestamp, previousEventId, ...details } = event;
        const id = last + i + 1;
        const stored: HistoryEvent = { ...details, id, previousEventId: previousEventId ?? id - 1, timestamp, type };
        insert.run(name, id, stored.previousEventId, timestamp, type, JSON.stringify(details));
        return stored;
      });
    });
    return append.immediate();
  }

  history(name: string): HistoryEvent[] {
    const rows = this.db
      .prepare(
        "SELECT id, previous_event_id, timestamp, type, details FROM execution_events WHERE execution_name = ? ORDER BY id",
      )
      .all(name) as EventRow[];
    return rows.map((r) => ({
      timestamp: r.timestamp,
      type: r.type,
      id: r.id,
      previousEventId: r.previous_event_id,
      ...(JSON.parse(r.details) as Record<string, unknown>),
    }));
  }

  /**
   * Sets a closed, unsuccessful execution (FAILED, ABORTED, TIMED_OUT) RUNNING again in this process
   * and counts the redrive. Returns false when it is not in such a state (e.g. another process claimed it).
   */
  claimRedrive(name: string): boolean {
    const { changes } = this.db
      .prepare(
        `UPDATE executions SET status = 'RUNNING', stop_date = NULL, output = NULL, error = NULL, cause = NULL,
         redrive_count = redrive_count + 1, owner_pid = ? WHERE name = ? AND status IN ('FAILED', 'ABORTED', 'TIMED_OUT')`,
      )
      .run(process.pid, name);
    return changes === 1;
  }

  /**
   * RUNNING executions that will never finish by themselves: their process is gone (killed or
   * crashed), or they are a Map Run's children and the process running their parent execution,
   * which forked their worker, is gone. Such a child's worker may still be running (it dies with
   * its parent, parent-watch.ts): its pid is then `worker`.
   */
  orphans(isAlive: (pid: number) => boolean): Orphan[] {
    const rows = this.db
      .prepare(
        `SELECT ${COLUMNS}, owner_pid AS ownerPid, (SELECT p.owner_pid FROM map_runs m JOIN executions p ON p.name = m.execution_name
           WHERE m.map_run_arn = executions.map_run_arn) AS parentPid
         FROM executions WHERE status = 'RUNNING'`,
      )
      .all() as (Row & { ownerPid: number | null; parentPid: number | null })[];
    return rows.flatMap(({ ownerPid, parentPid, ...row }) => {
      const running = ownerPid !== null && isAlive(ownerPid);
      if (running && (parentPid === null || isAlive(parentPid))) return [];
      return [{ ...recordOf(row), ...(running ? { worker: ownerPid } : {}) }];
    });
  }

  /** Closes the connection if this store opened it. */
  close(): void {
    if (this.owned) this.db.close();
  }
}
