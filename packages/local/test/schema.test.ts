/**
 * The local database's migration ladder (stores/schema.ts, PRAGMA user_version): a home written
 * by an older tollgate opens with its data and is brought up to date; a newer one is refused.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UnsupportedStoreVersionError } from "@tollgate/core/errors";
import { describe, expect, it } from "vitest";
import { openLocalStores } from "../src/stores/index.ts";
import { type Migration, migrateToLatest, SCHEMA_VERSION } from "../src/stores/schema.ts";
import { openSqlite } from "../src/stores/sqlite.ts";

const PRE_LADDER = readFileSync(new URL("./fixtures/homes/pre-ladder.sql", import.meta.url), "utf8");

/** A fresh home whose database is `sql` (as an older tollgate left it). */
function homeWith(sql: string, userVersion = 0): string {
  const home = mkdtempSync(join(tmpdir(), "tollgate-home-"));
  const db = openSqlite(join(home, "tollgate.db"));
  db.exec(sql);
  db.pragma(`user_version = ${userVersion}`);
  db.close();
  return home;
}

/** Reads the home's database with a connection of its own. */
function inspect<T>(home: string, read: (db: ReturnType<typeof openSqlite>) => T): T {
  const db = openSqlite(join(home, "tollgate.db"));
  try {
    return read(db);
  } finally {
    db.close();
  }
}
const userVersion = (home: string) => inspect(home, (db) => db.pragma("user_version", { simple: true }));
const executionColumns = (home: string) =>
  inspect(home, (db) => (db.prepare("PRAGMA table_info(executions)").all() as { name: string }[]).map((c) => c.name));

describe("the local database's schema", () => {
  it("opens a home written before the ladder, keeping its registry and runs, and brings it up to date", async () => {
    // Prepare
    const home = homeWith(PRE_LADDER);

    // Act
    const stores = openLocalStores(home);

    // Assess
    expect(await stores.registry.getLive("topics")).toMatchObject({ version: "20250301120000-4e65d3" });
    expect(await stores.registry.getRun("ingest-topics-1")).toMatchObject({ decision: "promoted" });
    expect(stores.executions.get("ingest-topics-1")).toMatchObject({ status: "SUCCEEDED" });
    expect(stores.executions.history("ingest-topics-1")).toHaveLength(1);
    stores.executions.create({
      name: "run-2",
      executionArn: "arn:aws:states:local:000000000000:execution:tollgate-retrain:run-2",
      stateMachineArn: "arn:aws:states:local:000000000000:stateMachine:tollgate-retrain",
      input: "{}",
      startDate: "2025-03-02T00:00:00.000Z",
    });
    expect(stores.executions.get("run-2")?.status).toBe("RUNNING");
    stores.close();
    expect(userVersion(home)).toBe(SCHEMA_VERSION);
  });

  it("adds the owner column to a home from before it existed (migration 2)", () => {
    // Prepare: the tables as the first local stores wrote them, without executions.owner_pid
    const sql = PRE_LADDER.replace(/,\n {2}owner_pid INTEGER/, "")
      .replace(", owner_pid)", ")")
      .replace(", 4242);", ");");
    const home = homeWith(sql);
    expect(executionColumns(home)).not.toContain("owner_pid");

    // Act
    openLocalStores(home).close();

    // Assess
    expect(executionColumns(home)).toContain("owner_pid");
    expect(userVersion(home)).toBe(SCHEMA_VERSION);
  });

  it("runs each migration above the database's version once, in order", () => {
    // Prepare
    const db = openSqlite(":memory:");
    const ran: number[] = [];
    const ladder: Migration[] = [1, 2, 3].map((version) => ({
      version,
      description: `step ${version}`,
      up: () => void ran.push(version),
    }));
    db.pragma("user_version = 1");

    // Act
    migrateToLatest(db, ladder);
    migrateToLatest(db, ladder);

    // Assess
    expect(ran).toEqual([2, 3]);
    expect(db.pragma("user_version", { simple: true })).toBe(3);
  });

  it("leaves the version as it was when a migration fails", () => {
    // Prepare
    const db = openSqlite(":memory:");
    const ladder: Migration[] = [
      { version: 1, description: "a table", up: (d) => d.exec("CREATE TABLE t (x)") },
      { version: 2, description: "broken", up: (d) => d.exec("ALTER TABLE missing ADD COLUMN y") },
    ];

    // Act
    const run = () => migrateToLatest(db, ladder);

    // Assess
    expect(run).toThrow(/no such table: missing/);
    expect(db.pragma("user_version", { simple: true })).toBe(0);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 't'").all()).toEqual([]);
  });

  it("refuses a home written by a newer tollgate", () => {
    // Prepare
    const home = homeWith(PRE_LADDER, SCHEMA_VERSION + 1);

    // Act
    const open = () => openLocalStores(home);

    // Assess
    expect(open).toThrow(UnsupportedStoreVersionError);
    expect(open).toThrow(`has schema version ${SCHEMA_VERSION + 1}, newer than this tollgate's ${SCHEMA_VERSION}`);
  });
});
