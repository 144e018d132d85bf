import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EtlArguments, Manifest, QuarantineRecord } from "@tollgate/core/contracts";
import { InvalidDatasetError } from "@tollgate/core/errors";
import { createLogger } from "@tollgate/core/logger";
import { describe, expect, it } from "vitest";
import { type EtlOptions, MEMORY_BYTES, runEtl } from "../src/etl/index.ts";
import { ETL_FIXTURES, loadVectors, readFolder } from "./helpers/etl-vectors.ts";
import { MemoryObjectStore } from "./helpers/memory-store.ts";

const args: EtlArguments = {
  run_id: "test-run",
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

const lines = (text: string) => text.split("\n").filter(Boolean);
const fixture = loadVectors().datasets[0]!;
const fixtureFiles = () => readFolder(join(ETL_FIXTURES, fixture.folder));

/** Every object the run wrote (not the raw input), manifests without createdAt. */
function outputs(store: MemoryObjectStore): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of [...store.objects.keys()].sort()) {
    if (key.startsWith(args.raw_prefix)) continue;
    const text = store.text(key);
    out[key] = key.endsWith(".json") ? JSON.stringify({ ...JSON.parse(text), createdAt: "" }) : text;
  }
  return out;
}

describe("runEtl on the raw fixture folder", () => {
  it("writes the curated shards, quarantine and manifest the vectors expect", async () => {
    const store = storeWith(fixtureFiles());
    const manifest = await runEtl(store, args);
    const want = fixture.expect;

    expect(Manifest.parse(manifest)).toEqual(manifest);
    expect(manifest.datasetVersion).toBe(want.datasetVersion);
    expect(manifest.counts).toEqual(want.counts);
    expect(manifest.labels).toEqual(want.labels);
    expect(manifest.sources).toEqual(want.sources.map((s) => ({ ...s, key: `${args.raw_prefix}${s.key}` })));
    const folder = `curated/reviews/${want.datasetVersion}/`;
    expect(manifest.shards).toEqual(want.shards.map((s, i) => ({ key: `${folder}part-0000${i}.jsonl`, ...s })));
    const curated = store.text(`${folder}part-00000.jsonl`);
    expect(lines(curated).map((l) => JSON.parse(l))).toEqual(want.rows);
    expect(createHash("sha256").update(curated).digest("hex")).toBe(want.shards[0]?.sha256);

    expect(manifest.quarantineKeys).toEqual([`quarantine/reviews/${want.datasetVersion}/part-00000.jsonl`]);
    const quarantine = lines(store.text(manifest.quarantineKeys[0]!)).map((l) => QuarantineRecord.parse(JSON.parse(l)));
    expect(quarantine.map((q) => ({ source: q.source, line: q.line, reason: q.reason }))).toEqual(
      want.quarantine.map((q) => ({ ...q, source: `${args.raw_prefix}${q.source}` })),
    );
    expect(quarantine.find((q) => q.reason === "invalid_utf8")?.raw).toBe(
      '{"text":"Caf\uFFFD au lait was cold","label":"negative"}',
    );

    expect(JSON.parse(store.text(args.manifest_key))).toEqual(manifest);
    expect(JSON.parse(store.text(`${folder}manifest.json`))).toEqual(manifest);
  });

  it("cuts several shards and quarantine shards with small limits, as the vectors expect", async () => {
    const store = storeWith(fixtureFiles());
    const manifest = await runEtl(store, args, { limits: fixture.small.limits });
    expect(manifest.datasetVersion).toBe(fixture.small.datasetVersion);
    expect(manifest.shards.map(({ key, ...s }) => s)).toEqual(fixture.small.shards);
    expect(manifest.quarantineKeys).toHaveLength(fixture.small.quarantineShards);
    for (const s of manifest.shards) {
      expect(createHash("sha256").update(store.text(s.key)).digest("hex")).toBe(s.sha256);
    }
    // the quarantine shards, concatenated, are the one sorted list
    const all = manifest.quarantineKeys.flatMap((k) => lines(store.text(k))).map((l) => JSON.parse(l));
    expect(all.map((q) => [q.source.slice(args.raw_prefix.length), q.line, q.reason])).toEqual(
      fixture.expect.quarantine.map((q) => [q.source, q.line, q.reason]),
    );
  });

  it("depends on the content only: not on write order, worker threads or segment size", async () => {
    const files = fixtureFiles();
    const runs: [boolean, EtlOptions][] = [
      [false, { limits: fixture.small.limits }],
      [true, { limits: fixture.small.limits, workers: 2, memoryBytes: 0 }],
      [false, { limits: fixture.small.limits, workers: 1, segmentBytes: 40, memoryBytes: 0 }],
    ];
    const results = [];
    for (const [reverse, options] of runs) {
      const store = storeWith(files, reverse);
      await runEtl(store, args, options);
      results.push(outputs(store));
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });
});

describe("the small-input path (in memory) and the bounded path", () => {
  const row = (text: string, label: string) => JSON.stringify({ text, label });
  /** The fixture folder plus duplicates, conflicting labels and malformed rows spread over several files. */
  const files = () =>
    new Map<string, Uint8Array | string>([
      ...fixtureFiles(),
      [
        "more/a.jsonl",
        [row("dup", "x"), row("  dup ", "x"), "{oops", row("clash", "x"), row("b\tc", "y"), ""].join("\n"),
      ],
      [
        "more/b.jsonl",
        [row("dup", "x"), row("clash", "z"), row("", "x"), row("clash", "x"), row("b c", "y")].join("\n"),
      ],
      ["more/c.csv", 'text,label\n"clash",z\ndup,x\nfine,y\n"open,y\n'],
      ["more/d.jsonl", `${row("lost", "x")}\n\0`],
      ["more/e.jsonl", ""],
      ["more/f.parquet", "PAR1"],
    ]);

  /** Runs both paths on the same files; returns each one's outputs, manifest (or error) and the path it logged. */
  async function both(input: Map<string, Uint8Array | string>, options: EtlOptions) {
    const results = [];
    for (const memoryBytes of [Number.POSITIVE_INFINITY, 0]) {
      const lines: string[] = [];
      const { logger: log } = createLogger({ level: "info", destination: { write: (l) => lines.push(l) } });
      const store = storeWith(input);
      const manifest = await runEtl(store, args, { ...options, memoryBytes, log }).catch((e: unknown) => e);
      const path = lines.map((l) => JSON.parse(l)).find((l) => l.msg === "etl started")?.path;
      const result = manifest instanceof Error ? manifest : { ...(manifest as Manifest), createdAt: "" };
      results.push({ path, outputs: outputs(store), manifest: result });
    }
    return results as [(typeof results)[0], (typeof results)[0]];
  }

  it("write the same shards, version, counts, quarantine and manifest, with small and default limits", async () => {
    for (const options of [{ limits: { shardRows: 3, quarantineRows: 4 } }, { workers: 2, segmentBytes: 64 }]) {
      const [memory, bounded] = await both(files(), options);
      expect([memory.path, bounded.path]).toEqual(["memory", "bounded"]);
      expect(memory.outputs).toEqual(bounded.outputs);
      expect(memory.manifest).toEqual(bounded.manifest);
      const manifest = Manifest.parse(bounded.manifest);
      const more = `${args.raw_prefix}more/`;
      const fromMore = manifest.sources.filter((s) => s.key.startsWith(more));
      expect(fromMore.map((s) => [s.key.slice(more.length), s.rows, s.quarantined])).toEqual([
        ["a.jsonl", 5, 2], // {oops, clash
        ["b.jsonl", 5, 3], // empty text, both clash rows
        ["c.csv", 4, 2], // clash, the quote left open
        ["d.jsonl", 1, 1], // binary_file: its row before the NUL is dropped
        ["e.jsonl", 0, 0],
        ["f.parquet", 1, 1], // unsupported_format
      ]);
      const quarantine = manifest.quarantineKeys.flatMap((k) => lines(memory.outputs[k] ?? ""));
      const clashes = quarantine.map((q) => JSON.parse(q)).filter((q) => q.reason === "conflicting_labels");
      expect(clashes.filter((q) => q.source.startsWith(more)).map((q) => q.raw)).toEqual([
        row("clash", "x"),
        row("clash", "z"),
        row("clash", "x"),
        '"clash",z',
      ]);
    }
  });

  it("fail the same way, with the same quarantine, when no row is valid", async () => {
    const input = new Map([
      ["a.jsonl", '{"text":"x"}\nnot json\n{"text":"t","label":"a"}\n{"text":"t","label":"b"}\n'],
    ]);
    const [memory, bounded] = await both(input, {});
    expect([memory.path, bounded.path]).toEqual(["memory", "bounded"]);
    expect(memory.manifest).toBeInstanceOf(InvalidDatasetError);
    expect((memory.manifest as Error).message).toBe((bounded.manifest as Error).message);
    expect(Object.keys(memory.outputs)).toHaveLength(1);
    expect(memory.outputs).toEqual(bounded.outputs);
  });

  it("takes the memory path up to MEMORY_BYTES of raw input, the bounded path above (a bucket with no curated row too)", async () => {
    const body = `${row("a".repeat(50_000), "x")}\n`; // long rows, so that 16 MiB is few rows; all the same
    const [small] = await both(new Map([["a.jsonl", body]]), {});
    expect(small.path).toBe("memory");
    const lines: string[] = [];
    const { logger: log } = createLogger({ level: "info", destination: { write: (l) => lines.push(l) } });
    const big = storeWith(new Map([["a.jsonl", body.repeat(Math.ceil(MEMORY_BYTES / body.length) + 1)]]));
    await runEtl(big, args, { log });
    expect(lines.map((l) => JSON.parse(l)).find((l) => l.msg === "etl started")?.path).toBe("bounded");
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
    const [quarantineKey] = await store.list("quarantine/reviews/rejected-");
    expect(quarantineKey).toMatch(/rejected-[0-9a-f]{64}\/part-00000.jsonl$/);
    expect(message).toContain(quarantineKey?.replace(/part-00000.jsonl$/, ""));
    expect(lines(store.text(quarantineKey!))).toHaveLength(3);
    expect(await store.exists(args.manifest_key)).toBe(false);
  });

  it("throws InvalidDatasetError when there are no input files", async () => {
    const store = storeWith(new Map([["_SUCCESS", ""]]));
    await expect(runEtl(store, args)).rejects.toThrow(/no input files under raw\/reviews\//);
  });

  it("removes the spill folder of a run whose process was killed", async () => {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    const stale = join(tmpdir(), `tollgate-etl-${dead}-stale`);
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, "bucket-0-w0.jsonl"), "x\n");
    await runEtl(storeWith(new Map([["a.csv", "text,label\nhello,x\n"]])), args);
    expect(existsSync(stale)).toBe(false);
  });

  it("does not write a quarantine shard when nothing is quarantined", async () => {
    const store = storeWith(new Map([["a.csv", "text,label\nhello,x\n"]]));
    const manifest = await runEtl(store, args);
    expect(manifest.quarantineKeys).toEqual([]);
    expect(await store.list("quarantine/")).toEqual([]);
  });
});

describe("large files", () => {
  it("ingests one file of more rows than fit in a call's arguments (the old stack overflow), in shards", async () => {
    const n = 130_000;
    const body = Array.from({ length: n }, (_, i) => `{"text":"row ${i}","label":"${i % 3 ? "x" : "y"}"}\n`).join("");
    const store = storeWith(new Map([["big.jsonl", body]]));
    const manifest = await runEtl(store, args);
    expect(manifest.counts).toEqual({ read: n, valid: n, duplicates: 0, quarantined: 0 });
    expect(manifest.shards.map((s) => s.key.split("/").pop())).toEqual(["part-00000.jsonl", "part-00001.jsonl"]);
    expect(manifest.shards.reduce((sum, s) => sum + s.rows, 0)).toBe(n);
    const digests = manifest.shards.map((s) => createHash("sha256").update(store.text(s.key)).digest("hex"));
    const version = createHash("sha256")
      .update(digests.map((d) => `${d}\n`).join(""))
      .digest("hex");
    expect(manifest.datasetVersion).toBe(version);
  });

  it("numbers lines across segments and drops a binary file's rows read before its NUL", async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `{"text":"t ${i}","label":"x"}`);
    rows[37] = "not json";
    const binary = `${rows.slice(0, 30).join("\n")}\n\0\n`;
    const store = storeWith(
      new Map([
        ["a.jsonl", `${rows.join("\n")}\n`],
        ["b.jsonl", binary],
      ]),
    );
    const manifest = await runEtl(store, args, { segmentBytes: 64, workers: 2, memoryBytes: 0 });
    expect(manifest.counts).toEqual({ read: 51, valid: 49, duplicates: 0, quarantined: 2 });
    const quarantine = lines(store.text(manifest.quarantineKeys[0]!)).map((l) => JSON.parse(l));
    expect(quarantine.map((q) => [q.source, q.line, q.reason])).toEqual([
      ["raw/reviews/a.jsonl", 38, "malformed_json"],
      ["raw/reviews/b.jsonl", 0, "binary_file"],
    ]);
  });
});
