import {
  type Collected,
  DecisionRecord,
  LivePointer,
  type ModelStatus,
  ModelVersionRecord,
  RunRecord,
} from "@tollgate/core/contracts";
import { LiveModelChangedError, ModelNotFoundError } from "@tollgate/core/errors";
import { parseRecord } from "@tollgate/core/json";
import type { Registry } from "@tollgate/core/ports";
import { nextHistory } from "@tollgate/core/registry/live-history";
import { migrateToLatest } from "./schema.ts";
import { connect, type SqliteDb } from "./sqlite.ts";

interface VersionRow {
  status: ModelStatus;
  status_reason: string | null;
  record: string;
}

function toRecord(row: VersionRow): ModelVersionRecord {
  const record = { ...JSON.parse(row.record), status: row.status, statusReason: row.status_reason };
  return parseRecord(ModelVersionRecord, record, "registry model version");
}

/**
 * The {@link Registry} in SQLite, safe for several processes on one file (a server and a CLI).
 *
 * The live pointer is one row per model, changed only inside an IMMEDIATE transaction (the
 * database's write lock, held from its first statement) that reads the row, checks that its version
 * is still the expected one, and writes the new version with its history, so two promotions from the
 * same expected version cannot both win: the second one finds another version and fails with
 * {@link LiveModelChangedError}. Version statuses change in the same transaction.
 */
export class SqliteRegistry implements Registry {
  private readonly db: SqliteDb;
  private readonly owned: boolean;

  /** @param source a database file path (opened and owned) or an open connection (borrowed) */
  constructor(source: string | SqliteDb) {
    ({ db: this.db, owned: this.owned } = connect(source));
    migrateToLatest(this.db);
  }

  async putModelVersion(record: ModelVersionRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO model_versions (model_name, version, status, status_reason, created_at, record)
         VALUES (@modelName, @version, @status, @statusReason, @createdAt, @record)
         ON CONFLICT (model_name, version) DO UPDATE SET status = excluded.status,
           status_reason = excluded.status_reason, created_at = excluded.created_at, record = excluded.record`,
      )
      .run({
        modelName: record.modelName,
        version: record.version,
        status: record.status,
        statusReason: record.statusReason ?? null,
        createdAt: record.createdAt,
        record: JSON.stringify(record),
      });
  }

  async getModelVersion(modelName: string, version: string): Promise<ModelVersionRecord | undefined> {
    const row = this.db
      .prepare("SELECT status, status_reason, record FROM model_versions WHERE model_name = ? AND version = ?")
      .get(modelName, version) as VersionRow | undefined;
    return row && toRecord(row);
  }

  async listModelVersions(modelName: string): Promise<ModelVersionRecord[]> {
    const rows = this.db
      .prepare(
        "SELECT status, status_reason, record FROM model_versions WHERE model_name = ? ORDER BY created_at DESC, version DESC",
      )
      .all(modelName) as VersionRow[];
    return rows.map(toRecord);
  }

  async setModelStatus(modelName: string, version: string, status: ModelStatus, reason?: string): Promise<void> {
    const { changes } = this.db
      .prepare("UPDATE model_versions SET status = ?, status_reason = ? WHERE model_name = ? AND version = ?")
      .run(status, reason ?? null, modelName, version);
    if (changes === 0) throw new ModelNotFoundError(`model ${modelName} has no version ${version}`);
  }

  async markCollected(modelName: string, version: string, collected: Collected): Promise<void> {
    const { changes } = this.db
      .prepare(
        "UPDATE model_versions SET record = json_set(record, '$.collected', json(?)) WHERE model_name = ? AND version = ?",
      )
      .run(JSON.stringify(collected), modelName, version);
    if (changes === 0) throw new ModelNotFoundError(`model ${modelName} has no version ${version}`);
  }

  async getLive(modelName: string): Promise<LivePointer | undefined> {
    const row = this.db
      .prepare(
        "SELECT model_name AS modelName, version, since, by, previous, history FROM live_pointers WHERE model_name = ?",
      )
      .get(modelName) as { history: string } | undefined;
    return row === undefined
      ? undefined
      : parseRecord(LivePointer, { ...row, history: JSON.parse(row.history) }, `live pointer of ${modelName}`);
  }

  async swapLive(
    modelName: string,
    expected: string | null,
    next: string,
    by: string,
    options: { back?: number } = {},
  ): Promise<LivePointer> {
    const since = new Date().toISOString();
    let pointer: LivePointer | undefined;
    const swap = this.db.transaction(() => {
      const known = this.db
        .prepare("SELECT 1 FROM model_versions WHERE model_name = ? AND version = ?")
        .get(modelName, next);
      if (!known) throw new ModelNotFoundError(`model ${modelName} has no version ${next}`);
      const current = this.db
        .prepare("SELECT version, history FROM live_pointers WHERE model_name = ?")
        .get(modelName) as { version: string; history: string } | undefined;
      if ((current?.version ?? null) !== expected) {
        throw new LiveModelChangedError(
          `live model ${modelName} is ${current?.version ?? "none"}, expected ${expected ?? "none"}; not promoting ${next}`,
        );
      }
      const history = nextHistory(current ? JSON.parse(current.history) : [], expected, next, options);
      pointer = { modelName, version: next, since, by, previous: expected, history };
      // Inside the IMMEDIATE transaction: no other writer between the read above and this write.
      this.db
        .prepare(
          `INSERT INTO live_pointers (model_name, version, since, by, previous, history) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (model_name) DO UPDATE SET version = excluded.version, since = excluded.since,
             by = excluded.by, previous = excluded.previous, history = excluded.history`,
        )
        .run(modelName, next, since, by, expected, JSON.stringify(history));
      const setStatus = this.db.prepare(
        "UPDATE model_versions SET status = ?, status_reason = ? WHERE model_name = ? AND version = ?",
      );
      if (expected !== null && expected !== next) setStatus.run("retired", `replaced by ${next}`, modelName, expected);
      setStatus.run("live", null, modelName, next);
    });
    swap.immediate();
    return pointer as LivePointer;
  }

  async putRun(record: RunRecord): Promise<void> {
    this.db
      .prepare(
        "INSERT INTO runs (run_id, record) VALUES (?, ?) ON CONFLICT (run_id) DO UPDATE SET record = excluded.record",
      )
      .run(record.runId, JSON.stringify(record));
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const row = this.db.prepare("SELECT record FROM runs WHERE run_id = ?").get(runId) as
      | { record: string }
      | undefined;
    return row && parseRecord(RunRecord, JSON.parse(row.record), `registry run ${runId}`);
  }

  async recordDecision(record: DecisionRecord): Promise<void> {
    this.db
      .prepare("INSERT INTO decisions (model_name, at, record) VALUES (?, ?, ?)")
      .run(record.modelName, record.at, JSON.stringify(record));
  }

  async listDecisions(modelName: string): Promise<DecisionRecord[]> {
    const rows = this.db.prepare("SELECT record FROM decisions WHERE model_name = ? ORDER BY seq").all(modelName) as {
      record: string;
    }[];
    return rows.map((row) => parseRecord(DecisionRecord, JSON.parse(row.record), `registry decision of ${modelName}`));
  }

  /** Closes the connection if this registry opened it. */
  close(): void {
    if (this.owned) this.db.close();
  }
}
