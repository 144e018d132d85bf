import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CorruptRecordError } from "@tollgate/core/errors";
import { describe, expect, it } from "vitest";
import { SqliteRegistry } from "../src/stores/registry-sqlite.ts";
import { openSqlite } from "../src/stores/sqlite.ts";
import { registryContract, type SwapOutcome, versionRecord } from "./registry-contract.ts";
import { raceChildren } from "./spawn-children.ts";

const CHILD = fileURLToPath(new URL("./fixtures/swap-child.ts", import.meta.url));

registryContract("SqliteRegistry", async () => {
  const db = join(mkdtempSync(join(tmpdir(), "tollgate-registry-")), "tollgate.db");
  const registry = new SqliteRegistry(db);
  return {
    registry,
    racingSwaps: (model, expected, nexts) =>
      raceChildren<SwapOutcome>(
        CHILD,
        nexts.map((next) => [db, model, expected ?? "", next]),
      ),
    close: () => registry.close(),
  };
});

describe("SqliteRegistry on disk", () => {
  it("keeps versions, the pointer and statuses across reopening, and shares them between connections", async () => {
    const db = join(mkdtempSync(join(tmpdir(), "tollgate-registry-")), "r.db");
    const a = new SqliteRegistry(db);
    const b = new SqliteRegistry(db);
    await a.putModelVersion(versionRecord("m", "v1"));
    await b.swapLive("m", null, "v1", "cli");
    a.close();
    b.close();
    const c = new SqliteRegistry(db);
    expect(await c.getLive("m")).toMatchObject({ version: "v1", by: "cli" });
    expect((await c.getModelVersion("m", "v1"))?.status).toBe("live");
    c.close();
  });

  it("reads rows through their contract: a corrupt row is a CorruptRecordError, not a wrong record", async () => {
    // Prepare
    const file = join(mkdtempSync(join(tmpdir(), "tollgate-registry-")), "r.db");
    const registry = new SqliteRegistry(file);
    const db = openSqlite(file);
    db.prepare("INSERT INTO runs (run_id, record) VALUES (?, ?)").run(
      "r1",
      JSON.stringify({ runId: "r1", decision: "won" }),
    );

    // Act
    const read = registry.getRun("r1");

    // Assess
    await expect(read).rejects.toThrow(CorruptRecordError);
    await expect(read).rejects.toThrow(/^registry run r1 does not match its schema: .*\n {2}→ at dataset/);
    db.close();
    registry.close();
  });
});
