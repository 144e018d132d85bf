/**
 * `tollgate gc` on the local backend, over a home made by the real workflow: a failed run, then four
 * promoted versions v1 → v4. With `--keep 1` it keeps v4 (newest, live) and v3 (before the live one)
 * and what their lineage needs, and removes exactly the other versions' model files, their runs'
 * artifacts (not the manifests) and the curated and prepared data only they used; raw/ stays.
 * The expected files are worked out here from the folder layout, not from gc's own plan.
 */
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { ModelVersionRecord } from "@tollgate/core/contracts";
import { beforeAll, describe, expect, it } from "vitest";
import { localCli } from "../helpers/cli.ts";
import { FIXTURE_ENV, tempHome, topicRows, writeJsonl } from "../helpers/topics.ts";

const home = tempHome();
// every run promotes (a gain of -1 always passes), so the live pointer's history is v3, v2, v1
const { tollgate, json } = localCli({ TOLLGATE_HOME: home, ...FIXTURE_ENV, TOLLGATE_MIN_GAIN: "-1" });
const objects = join(home, "objects");

interface GcOutput {
  dryRun: boolean;
  bytes: number;
  models: {
    model: string;
    kept: { version: string; why: string[] }[];
    collected: { version: string; bytes: number }[];
    freed: Record<string, { objects: number; bytes: number }>;
  }[];
}

/** Every file under the home's object folders, relative path → size. */
function files(): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.set(relative(objects, path), statSync(path).size);
    }
  };
  walk(objects);
  return out;
}

let versions: ModelVersionRecord[]; // newest first: v4, v3, v2, v1
let failedRun: string;

beforeAll(async () => {
  // a run that fails in Etl (no row has a label): it has no model version
  const bad = writeJsonl(
    topicRows(50, 1).map((r) => ({ text: r.text, label: "" })),
    "bad.jsonl",
  );
  failedRun = (await json<{ name: string }>("ingest", bad, "--dataset", "topics")).name;
  for (const [n, seed] of [
    [400, 5],
    [450, 6],
    [500, 7],
    [550, 8],
  ] as const)
    await tollgate("ingest", writeJsonl(topicRows(n, seed)), "--dataset", "topics");
  versions = (await json<{ versions: ModelVersionRecord[] }>("models", "--model", "topics")).versions;
}, 240_000);

/** The files gc --keep 1 must remove, from the layout: v1/v2's model folders, their runs' and the failed run's artifacts but manifests, unused data. */
function expectedRemovals(before: Map<string, number>): Map<string, number> {
  const [v4, v3, v2, v1] = versions as [ModelVersionRecord, ModelVersionRecord, ModelVersionRecord, ModelVersionRecord];
  const keptData = new Set([v4.datasetVersion, v3.datasetVersion]);
  const goneRuns = new Set([v1.runId, v2.runId, failedRun]);
  const out = new Map<string, number>();
  for (const [path, size] of before) {
    const [bucket, area, a, b] = path.split("/");
    const gone =
      (bucket === "models" && a === "topics" && (b === v1.version || b === v2.version)) ||
      (bucket === "data" && area === "runs" && goneRuns.has(a ?? "") && path !== `data/runs/${a}/manifest.json`) ||
      (bucket === "data" && (area === "curated" || area === "prepared") && !keptData.has(b ?? ""));
    if (gone) out.set(path, size);
  }
  return out;
}

describe("tollgate gc --keep 1", () => {
  it("--dry-run reports what would go and its bytes, and removes nothing", async () => {
    expect(versions.map((v) => v.status)).toEqual(["live", "retired", "retired", "retired"]);
    const before = files();
    const expected = expectedRemovals(before);
    const out = await json<GcOutput>("gc", "--keep", "1", "--dry-run");
    expect(out.dryRun).toBe(true);
    const [report] = out.models;
    expect(report?.model).toBe("topics");
    expect(report?.kept).toEqual([
      { version: versions[0]?.version, why: ["one of the 1 newest", "live"] },
      { version: versions[1]?.version, why: ["before the live one (rollback)"] },
    ]);
    expect(report?.collected.map((c) => c.version)).toEqual([versions[2]?.version, versions[3]?.version]);
    expect(out.bytes).toBe([...expected.values()].reduce((a, b) => a + b, 0));
    expect(report?.freed.raw).toEqual({ objects: 0, bytes: 0 });
    expect(files()).toEqual(before);
    const text = await tollgate("gc", "--keep", "1", "--dry-run");
    expect(text).toContain(`topics: would free`);
    expect(text).toContain("(dry run: nothing was removed)");
  });

  it("removes exactly those files, reports their bytes, and records the collected versions", async () => {
    const before = files();
    const expected = expectedRemovals(before);
    expect(expected.size).toBeGreaterThan(10);
    const out = await json<GcOutput>("gc", "--keep", "1");
    expect(out.bytes).toBe([...expected.values()].reduce((a, b) => a + b, 0));
    const after = files();
    expect([...after.keys()].sort()).toEqual([...before.keys()].filter((k) => !expected.has(k)).sort());
    // raw/ untouched without --raw; every run keeps its manifest
    expect([...after.keys()].filter((k) => k.startsWith("data/raw/"))).toHaveLength(
      [...before.keys()].filter((k) => k.startsWith("data/raw/")).length,
    );
    const listed = (await json<{ versions: ModelVersionRecord[] }>("models", "--model", "topics")).versions;
    expect(listed.map((v) => v.collected !== null)).toEqual([false, false, true, true]);
    const [collected] = out.models[0]?.collected ?? [];
    expect(listed[2]?.collected?.bytes).toBe(collected?.bytes);
    // a second gc has nothing left to remove
    expect((await json<GcOutput>("gc", "--keep", "1")).bytes).toBe(0);
  });

  it("kept versions still work; collected ones cannot go live, and their lineage still answers", async () => {
    const [v4, v3, v2] = versions as [ModelVersionRecord, ModelVersionRecord, ModelVersionRecord];
    const compared = await json<{ on: { rows: number } }>("models", "compare", v3.version, v4.version);
    expect(compared.on.rows).toBeGreaterThan(0);
    await expect(tollgate("promote", v2.version, "--model", "topics")).rejects.toThrow(
      /ModelCollectedError|was removed by `tollgate gc`/,
    );
    const lineage = await tollgate("lineage", v2.version, "--model", "topics");
    expect(lineage).toContain("files removed by gc");
    expect(lineage).toContain("raw/topics/");
    const live = await json<{ version: string }>("rollback", "--model", "topics");
    expect(live.version).toBe(v3.version);
    // rolling back once more would reach v2, whose files are gone: refused, v3 stays live
    await expect(tollgate("rollback", "--model", "topics")).rejects.toThrow(/was removed by `tollgate gc`/);
    expect((await json<{ live: { version: string } }>("models", "--model", "topics")).live.version).toBe(v3.version);
  });

  it("--raw keeps the raw files kept versions read and an upload no run has read yet", async () => {
    writeFileSync(join(objects, "data/raw/topics/later.jsonl"), '{"text":"a new upload","label":"food"}\n');
    const before = [...files().keys()].filter((k) => k.startsWith("data/raw/"));
    const out = await json<GcOutput & { models: { notes: string[] }[] }>("gc", "--keep", "1", "--raw");
    expect(out.models[0]?.freed.raw).toEqual({ objects: 0, bytes: 0 });
    expect(out.models[0]?.notes).toContain("1 raw file(s) kept: no run has read them yet");
    expect([...files().keys()].filter((k) => k.startsWith("data/raw/"))).toEqual(before);
  });
});
