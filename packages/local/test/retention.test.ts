/**
 * core's retention rules on small hand-made stores (the end-to-end run is test/e2e/gc.test.ts):
 * versions pending approval and candidates stay, a run in progress keeps its data, and `--raw`
 * removes only raw files that collected versions alone read.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Manifest } from "@tollgate/core/contracts";
import { collectGarbage, type GcOptions } from "@tollgate/core/registry/retention";
import { describe, expect, it } from "vitest";
import { SqliteRegistry } from "../src/stores/registry-sqlite.ts";
import { MemoryObjectStore } from "./helpers/memory-store.ts";
import { versionRecord } from "./registry-contract.ts";

const M = "topics";

function manifest(datasetVersion: string, sources: string[], createdAt: string): Manifest {
  return {
    dataset: M,
    datasetVersion,
    createdAt,
    sources: sources.map((key) => ({ key, rows: 1, quarantined: 0 })),
    counts: { read: 1, valid: 1, duplicates: 0, quarantined: 0 },
    labels: { a: 1 },
    shards: [
      { key: `curated/${M}/${datasetVersion}/part-00000.jsonl`, rows: 1, bytes: 300, sha256: "0", labels: { a: 1 } },
    ],
    quarantineKeys: [],
  };
}

/** Versions v1..v5 (v1 oldest), each from run r<i> on dataset version d<i> reading raw files; v5 live after v4. */
async function world(statuses: Record<string, "retired" | "pending-approval" | "candidate" | "rejected"> = {}) {
  const registry = new SqliteRegistry(join(mkdtempSync(join(tmpdir(), "tollgate-gc-")), "r.db"));
  const data = new MemoryObjectStore();
  const models = new MemoryObjectStore();
  // v1 and v2 read old.jsonl, which the user removed before v3; later runs read new.jsonl
  const raw = (i: number) => (i <= 2 ? ["raw/topics/old.jsonl"] : ["raw/topics/new.jsonl"]);
  await data.put("raw/topics/old.jsonl", "o".repeat(100));
  await data.put("raw/topics/new.jsonl", "n".repeat(10));
  for (let i = 1; i <= 5; i++) {
    const v = `v${i}`;
    const at = `2026-01-0${i}T00:00:00.000Z`;
    await registry.putModelVersion(
      versionRecord(M, v, { runId: `r${i}`, datasetVersion: `d${i}`, createdAt: at, status: "retired" }),
    );
    await models.put(`models/${M}/${v}/model.onnx`, "m".repeat(1000));
    await data.put(`runs/r${i}/manifest.json`, JSON.stringify(manifest(`d${i}`, raw(i), at)));
    await data.put(`runs/r${i}/train/fit.json`, "f".repeat(200));
    await data.put(`curated/${M}/d${i}/part-00000.jsonl`, "c".repeat(300));
    await data.put(`curated/${M}/d${i}/manifest.json`, JSON.stringify(manifest(`d${i}`, raw(i), at)));
    await data.put(`prepared/${M}/d${i}/features.json`, "p".repeat(400));
  }
  await registry.swapLive(M, null, "v4", "run:r4");
  await registry.swapLive(M, "v4", "v5", "run:r5");
  for (const [v, status] of Object.entries(statuses)) await registry.setModelStatus(M, v, status);
  return { registry, data, models };
}

const options = (over: Partial<GcOptions> = {}): GcOptions => ({
  keep: 1,
  dryRun: false,
  raw: false,
  by: "test",
  running: [],
  ...over,
});

describe("collectGarbage", () => {
  it("keeps the newest, the live one, the one before it, and versions pending approval or undecided", async () => {
    const w = await world({ v2: "pending-approval", v1: "candidate" });
    const report = await collectGarbage(w, M, options());
    expect(Object.fromEntries(report.kept.map((k) => [k.version, k.why]))).toEqual({
      v5: ["one of the 1 newest", "live"],
      v4: ["before the live one (rollback)"],
      v2: ["pending approval"],
      v1: ["candidate: its run has not decided"],
    });
    expect(report.collected).toEqual([{ version: "v3", bytes: 1000 + 200 }]);
    expect(await w.models.list(`models/${M}/`)).toEqual([1, 2, 4, 5].map((i) => `models/${M}/v${i}/model.onnx`));
    expect(await w.data.list(`curated/${M}/d3/`)).toEqual([]);
    expect(await w.data.list("runs/r3/")).toEqual(["runs/r3/manifest.json"]);
    expect((await w.registry.getModelVersion(M, "v3"))?.collected).toMatchObject({ by: "test", bytes: 1200 });
  });

  it("--raw removes only raw files that collected versions alone read", async () => {
    const w = await world();
    const report = await collectGarbage(w, M, options({ keep: 2, raw: true }));
    expect(report.collected.map((c) => c.version)).toEqual(["v3", "v2", "v1"]);
    expect(report.freed.raw).toEqual({ objects: 1, bytes: 100 });
    expect(await w.data.list("raw/")).toEqual(["raw/topics/new.jsonl"]);
  });

  it("a run in progress keeps its artifacts, dataset versions made since it started, and every raw file", async () => {
    const w = await world();
    await w.data.put("runs/r6/train/fit.json", "f"); // no manifest yet, no record, no version
    const running = [{ runId: "r6", startDate: "2026-01-02T12:00:00.000Z" }];
    const report = await collectGarbage(w, M, options({ keep: 1, raw: true, running }));
    expect(report.collected.map((c) => c.version)).toEqual(["v3", "v2", "v1"]);
    expect(await w.data.list("runs/r6/")).toEqual(["runs/r6/train/fit.json"]);
    // d3 (made after the run started, and what it read) stays; d1 and d2, older, go
    expect((await w.data.list(`curated/${M}/`)).map((k) => k.split("/")[2])).toEqual([
      "d3",
      "d3",
      "d4",
      "d4",
      "d5",
      "d5",
    ]);
    expect(report.freed.raw.objects).toBe(0);
    expect(report.notes).toContain("raw files kept: a run in progress reads every file under raw/");
  });

  it("--dry-run changes nothing; --keep must be at least 1", async () => {
    const w = await world();
    const before = [...w.data.objects.keys()];
    const report = await collectGarbage(w, M, options({ dryRun: true }));
    expect(report.bytes).toBeGreaterThan(0);
    expect([...w.data.objects.keys()]).toEqual(before);
    expect((await w.registry.getModelVersion(M, "v1"))?.collected).toBeNull();
    await expect(collectGarbage(w, M, options({ keep: 0 }))).rejects.toThrow(/--keep must be/);
  });
});
