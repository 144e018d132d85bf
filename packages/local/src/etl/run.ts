/**
 * The local ETL runner: the same transform as the Glue job (jobs/tollgate_etl), over an
 * {@link ObjectStore}, with a pool of worker threads. Rules and layout: docs/etl-rules.md.
 *
 * 1. parse: every raw file, cut into segments at line ends (JSON Lines over 32 MiB), is parsed
 *    by the pool; valid rows are spilled to hash buckets by the top bits of their shard hash;
 * 2. de-duplicate: each bucket is grouped by text (exact; a bucket holds ~1/B of the data);
 * 3. shards: K = shardCount(valid rows, bytes); each shard, a range of the hash space, is sorted
 *    and written by the pool; the dataset version combines the shards' digests;
 * 4. this thread puts the shards, the quarantine (merged from the spills) and the manifest.
 * Memory holds a bucket or a shard per thread, never the dataset.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import type { CuratedShard, EtlArguments, Manifest } from "@tollgate/core/contracts";
import { InvalidDatasetError } from "@tollgate/core/errors";
import { logger } from "@tollgate/core/logger";
import type { ObjectStore } from "@tollgate/core/ports";
import { openPool, type TaskPool } from "./pool.ts";
import { type QuarantineSource, writeQuarantine } from "./quarantine.ts";
import {
  combineDigests,
  compareCodePoints,
  type EtlLimits,
  formatOf,
  isIgnoredKey,
  LIMITS,
  shardCount,
} from "./rules.ts";
import { type BucketResult, type SegmentResult, type ShardResult, spillPath } from "./tasks.ts";

/** JSON Lines files over this size are parsed in segments of about this size, in parallel. */
export const SEGMENT_BYTES = 32 * 2 ** 20;
/** Raw bytes per hash bucket (the de-duplication's unit of memory). */
const BUCKET_BYTES = 16 * 2 ** 20;
/** Below this much raw input, the tasks run inline: starting threads would cost more than they save. */
const INLINE_BYTES = 16 * 2 ** 20;

/** How to run: worker threads (default: every core, or none for small inputs), shard sizes, segment size. */
export interface EtlOptions {
  workers?: number;
  limits?: Partial<EtlLimits>;
  /** JSON Lines files are parsed in segments of about this many bytes (tests make it small). */
  segmentBytes?: number;
}

/** The object keys the ETL writes for one dataset version. */
export function outputKeys(args: EtlArguments, datasetVersion: string) {
  const folder = `${args.curated_prefix}${datasetVersion}/`;
  const part = (prefix: string, i: number) => `${prefix}part-${String(i).padStart(5, "0")}.jsonl`;
  return {
    folder,
    curated: (i: number) => part(folder, i),
    manifest: `${folder}manifest.json`,
    quarantine: (i: number, name = datasetVersion) => part(`${args.quarantine_prefix}${name}/`, i),
  };
}

interface Planned extends QuarantineSource {
  path: string;
  size: number;
}

/** The raw files, in code point order, and where to read them (the store's own files, or copies). */
async function planSources(store: ObjectStore, keys: string[], dir: string): Promise<Planned[]> {
  const sorted = [...keys].sort(compareCodePoints);
  const sources: Planned[] = [];
  for (const [i, key] of sorted.entries()) {
    let path = store.localPath?.(key);
    if (!path) {
      path = join(dir, `raw-${i}`);
      writeFileSync(path, await store.get(key));
    }
    const size = statSync(path).size;
    sources.push({ key, path, size, segments: [], ...(formatOf(key) ? {} : { fileReason: "unsupported_format" }) });
  }
  return sources;
}

/** Parses every file (stage 1 and the row checks); returns the per-segment numbers. */
async function parseAll(pool: TaskPool, sources: Planned[], dir: string, bucketBits: number, segmentBytes: number) {
  const tasks: Promise<SegmentResult>[] = [];
  const segments: { srcIdx: number }[] = [];
  for (const [srcIdx, source] of sources.entries()) {
    const format = formatOf(source.key);
    if (!format) continue;
    const n = format === "jsonl" ? Math.max(1, Math.ceil(source.size / segmentBytes)) : 1;
    for (let i = 0; i < n; i++) {
      const segIdx = segments.length;
      segments.push({ srcIdx });
      source.segments.push({ segIdx, offset: 0 });
      const [start, end] = [Math.floor((i * source.size) / n), Math.floor(((i + 1) * source.size) / n)];
      const task = { path: source.path, source: source.key, srcIdx, segIdx, start, end, format, dir, bucketBits };
      tasks.push(pool.run("parseSegment", task));
    }
  }
  const results = await Promise.all(tasks);
  for (const source of sources) {
    let offset = 0;
    for (const segment of source.segments) {
      const r = results[segment.segIdx] as SegmentResult;
      segment.offset = offset;
      offset += r.lines;
      if (r.binary) source.fileReason = "binary_file";
    }
  }
  return results;
}

function summary(byReason: Map<string, number>): string {
  return [...byReason]
    .sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]))
    .map(([reason, n]) => `${reason} ×${n}`)
    .join(", ");
}

/** Puts temporary files into the store (a few at a time). */
async function putAll(store: ObjectStore, files: { key: string; path: string }[]): Promise<void> {
  for (let i = 0; i < files.length; i += 4) {
    await Promise.all(files.slice(i, i + 4).map((f) => store.put(f.key, readFileSync(f.path))));
  }
}

/**
 * Reads every raw object under `args.raw_prefix`, validates, normalises and de-duplicates the rows,
 * and writes the curated shards, the quarantine shards and the manifest (at `args.manifest_key` and
 * beside the curated data). Deterministic: the same raw content gives the same dataset version and
 * the same bytes, whatever the file names' order, the number of workers or the segment sizes.
 * @throws InvalidDatasetError when there is no input or no valid row (the quarantine is written first)
 */
export async function runEtl(store: ObjectStore, args: EtlArguments, options: EtlOptions = {}): Promise<Manifest> {
  const log = logger.child({ component: "etl", runId: args.run_id, dataset: args.dataset });
  const limits = { ...LIMITS, ...options.limits };
  const keys = (await store.list(args.raw_prefix)).filter((k) => !isIgnoredKey(k.slice(args.raw_prefix.length)));
  if (keys.length === 0) {
    throw new InvalidDatasetError(
      `dataset ${args.dataset}: no input files under ${args.raw_prefix}; upload JSON Lines (.jsonl) or CSV (.csv) files with fields "text" and "label"`,
    );
  }
  sweepSpills();
  const dir = mkdtempSync(join(tmpdir(), `${SPILL_PREFIX}${process.pid}-`));
  let pool: TaskPool | undefined;
  let since = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    log.info(
      { phase: name, ms: Math.round(now - since), rssMb: Math.round(process.memoryUsage.rss() / 2 ** 20) },
      "etl phase",
    );
    since = now;
  };
  try {
    const sources = await planSources(store, keys, dir);
    const bytes = sources.reduce((n, s) => n + (s.fileReason ? 0 : s.size), 0);
    const workers = options.workers ?? (bytes < INLINE_BYTES ? 0 : availableParallelism());
    pool = openPool(workers);
    const bucketBits = Math.min(12, Math.ceil(Math.log2(Math.max(1, bytes / BUCKET_BYTES))));
    log.info({ files: keys.length, bytes, workers, buckets: 2 ** bucketBits }, "etl started");
    const segments = await parseAll(pool, sources, dir, bucketBits, options.segmentBytes ?? SEGMENT_BYTES);
    phase("parse");

    const skip = sources.flatMap((s, i) => (s.fileReason === "binary_file" ? [i] : []));
    const lineOffsets = sources
      .flatMap((s) => s.segments)
      .sort((a, b) => a.segIdx - b.segIdx)
      .map((s) => s.offset);
    const writers = Array.from({ length: Math.max(1, workers) }, (_, w) => w);
    const buckets = await Promise.all(
      Array.from({ length: 2 ** bucketBits }, (_, bucket) =>
        pool?.run("dedupeBucket", {
          bucket,
          dir,
          skip,
          lineOffsets,
          files: writers
            .map((w) => spillPath.bucket(dir, bucket, w))
            .filter((p) => statSync(p, { throwIfNoEntry: false })),
        }),
      ),
    );
    const curated = countCurated(sources, segments, buckets as BucketResult[]);
    phase("dedupe");

    if (curated.counts.valid === 0) {
      const q = writeQuarantine(dir, sources, 2 ** bucketBits, limits.quarantineRows);
      const name = `rejected-${combineDigests(q.files.map((f) => f.sha256))}`;
      const out = outputKeys(args, "");
      await putAll(
        store,
        q.files.map((f, i) => ({ key: out.quarantine(i, name), path: f.path })),
      );
      throw new InvalidDatasetError(
        `dataset ${args.dataset}: no valid rows in ${curated.counts.read} records from ${keys.length} files under ${args.raw_prefix} ` +
          `(${summary(q.byReason) || "no records"}); every row needs a non-empty string "text" and "label" ` +
          `(see docs/etl-rules.md); quarantined rows with reasons: ${args.quarantine_prefix}${name}/`,
      );
    }

    const k = shardCount(curated.counts.valid, curated.bytes, limits);
    const shards = (await Promise.all(
      Array.from({ length: k }, (_, shard) =>
        pool?.run("writeShard", { shard, k, dir, files: bucketsOf(shard, k, bucketBits, dir) }),
      ),
    )) as ShardResult[];
    const datasetVersion = combineDigests(shards.map((s) => s.sha256));
    phase("shards");
    const out = outputKeys(args, datasetVersion);
    await putAll(
      store,
      shards.map((s) => ({ key: out.curated(s.shard), path: spillPath.shard(dir, s.shard) })),
    );
    const q = writeQuarantine(dir, sources, 2 ** bucketBits, limits.quarantineRows);
    await putAll(
      store,
      q.files.map((f, i) => ({ key: out.quarantine(i), path: f.path })),
    );

    phase("store");
    const labels = new Map<string, number>();
    for (const s of shards)
      for (const [label, n] of Object.entries(s.labels)) labels.set(label, (labels.get(label) ?? 0) + n);
    const manifest: Manifest = {
      dataset: args.dataset,
      datasetVersion,
      createdAt: new Date().toISOString(),
      sources: curated.sources,
      counts: curated.counts,
      labels: Object.fromEntries([...labels].sort((a, b) => compareCodePoints(a[0], b[0]))),
      shards: shards.map(
        (s): CuratedShard => ({
          key: out.curated(s.shard),
          rows: s.rows,
          bytes: s.bytes,
          sha256: s.sha256,
          labels: s.labels,
        }),
      ),
      quarantineKeys: q.files.map((_, i) => out.quarantine(i)),
    };
    const body = `${JSON.stringify(manifest, null, 2)}\n`;
    await store.put(out.manifest, body);
    await store.put(args.manifest_key, body); // last: the manifest at manifest_key means the run completed
    log.info({ datasetVersion, counts: curated.counts, shards: k }, "etl done");
    return manifest;
  } finally {
    await pool?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const SPILL_PREFIX = "tollgate-etl-";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes the spill folders of runs whose process is gone (killed mid-run: its `finally` never ran). */
function sweepSpills(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(/^tollgate-etl-(\d+)-/.exec(name)?.[1]);
    if (pid && !alive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/** The dedup files of the buckets whose hash range overlaps shard `shard` of `k` (a superset is fine). */
function bucketsOf(shard: number, k: number, bits: number, dir: string): string[] {
  const lo = Math.max(0, Math.floor((shard * 2 ** 32) / k) - 1);
  const hi = Math.min(2 ** 32 - 1, Math.ceil(((shard + 1) * 2 ** 32) / k));
  const [first, last] = bits === 0 ? [0, 0] : [lo >>> (32 - bits), hi >>> (32 - bits)];
  return Array.from({ length: last - first + 1 }, (_, i) => spillPath.dedup(dir, first + i));
}

/** The manifest's counts and sources from the per-segment and per-bucket numbers. */
function countCurated(
  sources: readonly Planned[],
  segments: readonly SegmentResult[],
  buckets: readonly BucketResult[],
) {
  const conflicts = new Map<number, number>();
  for (const b of buckets)
    for (const [srcIdx, n] of b.conflicts) conflicts.set(srcIdx, (conflicts.get(srcIdx) ?? 0) + n);
  const perSource = sources.map((source, srcIdx) => {
    if (source.fileReason) return { key: source.key, rows: 1, quarantined: 1 };
    let rows = 0;
    let quarantined = conflicts.get(srcIdx) ?? 0;
    for (const { segIdx } of source.segments) {
      const segment = segments[segIdx] as SegmentResult;
      rows += segment.records;
      quarantined += segment.quarantined;
    }
    return { key: source.key, rows, quarantined };
  });
  const valid = buckets.reduce((n, b) => n + b.valid, 0);
  const grouped = buckets.reduce((n, b) => n + b.rows, 0);
  const read = perSource.reduce((n, s) => n + s.rows, 0);
  const quarantined = perSource.reduce((n, s) => n + s.quarantined, 0);
  return {
    sources: perSource,
    counts: { read, valid, duplicates: grouped - valid, quarantined },
    bytes: buckets.reduce((n, b) => n + b.bytes, 0),
  };
}
