import { createHash } from "node:crypto";
import { join } from "node:path";
import { type EtlArguments, Manifest, QuarantineRecord } from "@tollgate/core/contracts";
import { InvalidDatasetError } from "@tollgate/core/errors";
import { describe, expect, it } from "vitest";
import { curatedShards, runEtl, SHARD_ROWS } from "../src/etl/index.ts";
import { ETL_FIXTURES, loadVectors, readFolder } from "./helpers/etl-vectors.ts";
import { MemoryObjectStore } from "./helpers/memory-store.ts";

const args: EtlArguments = {
  dataset: "reviews",
  raw_prefix: "raw/reviews/",
  curated_prefix: "curated/reviews/",
  quarantine_prefix: "quarantine/reviews/",
  manifest_key: "manifests/reviews/latest.json",
};

function storeWith(files: Map<string, Uint8Array | string>, reverse = false): MemoryObjectStore {
  const store = new MemoryObjectStore();
  const entries = [...files];
  if (reverse) entries.reverse();
  for (const [path, body] of entries) void store.put(`${args.raw_prefix}${path}`, body);
  return store;
}

const fixture = loadVectors().datasets[0]!;

describe("runEtl on the raw fixture folder", () => {
  it("writes the curated rows, quarantine and manifest the vectors expect", async () => {
    const store = storeWith(readFolder(join(ETL_FIXTURES, fixture.folder)));
    const manifest = await runEtl(store, args);
    const want = fixture.expect;

    expect(Manifest.parse(manifest)).toEqual(manifest);
    expect(manifest.datasetVersion).toBe(want.datasetVersion);
    expect(manifest.counts).toEqual(want.counts);
    expect(manifest.labels).toEqual(want.labels);
    expect(manifest.sources).toEqual(want.sources.map((s) => ({ ...s, key: `${args.raw_prefix}${s.key}` })));

    const shardKey = `curated/reviews/${want.datasetVersion}/part-00000.jsonl`;
    expect(manifest.curatedKeys).toEqual([shardKey]);
    const curated = store.text(shardKey);
    expect(
      curated
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    ).toEqual(want.rows);
    expect(createHash("sha256").update(curated).digest("hex")).toBe(want.datasetVersion);

    expect(manifest.quarantineKey).toBe(`quarantine/reviews/${want.datasetVersion}/quarantine.jsonl`);
    const quarantine = store
      .text(manifest.quarantineKey!)
      .split("\n")
      .filter(Boolean)
      .map((l) => QuarantineRecord.parse(JSON.parse(l)));
    expect(quarantine.map((q) => ({ source: q.source, line: q.line, reason: q.reason }))).toEqual(
      want.quarantine.map((q) => ({ ...q, source: `${args.raw_prefix}${q.source}` })),
    );
    expect(quarantine.find((q) => q.reason === "invalid_utf8")?.raw).toBe(
      '{"text":"Caf\uFFFD au lait was cold","label":"negative"}',
    );

    expect(JSON.parse(store.text(args.manifest_key))).toEqual(manifest);
    expect(JSON.parse(store.text(`curated/reviews/${want.datasetVersion}/manifest.json`))).toEqual(manifest);
  });

  it("is deterministic: same input, same version and bytes, whatever the write order", async () => {
    const files = readFolder(join(ETL_FIXTURES, fixture.folder));
    const a = storeWith(files);
    const b = storeWith(files, true);
    const [ma, mb] = [await runEtl(a, args), await runEtl(b, args)];
    expect(mb.datasetVersion).toBe(ma.datasetVersion);
    expect({ ...mb, createdAt: "" }).toEqual({ ...ma, createdAt: "" });
    for (const key of [...ma.curatedKeys, ma.quarantineKey!]) expect(b.text(key)).toBe(a.text(key));
  });
});

describe("runEtl failures", () => {
  it("throws InvalidDatasetError with what to fix when no row is valid, after writing the quarantine", async () => {
    const store = storeWith(new Map([["a.jsonl", '{"text":"x"}\n{"label":"y"}\nnot json\n']]));
    const err = await runEtl(store, args).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidDatasetError);
    const message = (err as Error).message;
    expect(message).toMatch(/no valid rows in 3 records/);
    expect(message).toMatch(/malformed_json ×1, missing_label ×1, missing_text ×1/);
    const quarantineKey = (await store.list("quarantine/reviews/rejected-"))[0]!;
    expect(message).toContain(quarantineKey);
    expect(store.text(quarantineKey).trim().split("\n")).toHaveLength(3);
    expect(await store.exists(args.manifest_key)).toBe(false);
  });

  it("throws InvalidDatasetError when there are no input files", async () => {
    const store = storeWith(new Map([["_SUCCESS", ""]]));
    await expect(runEtl(store, args)).rejects.toThrow(/no input files under raw\/reviews\//);
  });

  it("does not write a quarantine file when nothing is quarantined", async () => {
    const store = storeWith(new Map([["a.csv", "text,label\nhello,x\n"]]));
    const manifest = await runEtl(store, args);
    expect(manifest.quarantineKey).toBeNull();
    expect(await store.list("quarantine/")).toEqual([]);
  });
});

describe("shards", () => {
  it(`cuts the sorted rows every ${SHARD_ROWS} rows and hashes their concatenation`, async () => {
    const rows = Array.from({ length: SHARD_ROWS + 1 }, (_, i) => `{"text":"row ${i}","label":"x"}`);
    const store = storeWith(new Map([["big.jsonl", `${rows.join("\n")}\n`]]));
    const manifest = await runEtl(store, args);
    expect(manifest.curatedKeys.map((k) => k.split("/").pop())).toEqual(["part-00000.jsonl", "part-00001.jsonl"]);
    const bytes = manifest.curatedKeys.map((k) => store.text(k)).join("");
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(manifest.datasetVersion);
    expect(curatedShards([])).toEqual([]);
  });
});
