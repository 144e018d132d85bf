/**
 * The local ETL's bounded-memory path, for inputs over the small-input cap (memory.ts), with a
 * pool of worker threads over a spill folder:
 *
 * 1. parse: every raw file, cut into segments at line ends (JSON Lines over 32 MiB), is parsed
 *    by the pool; valid rows are spilled to hash buckets by the top bits of their shard hash;
 * 2. de-duplicate: each bucket is grouped by text (exact; a bucket holds ~1/B of the data);
 * 3. shards: K = shardCount(valid rows, bytes); each shard, a range of the hash space, is sorted
 *    and written by the pool; the quarantine is merged from the spills.
 * Memory holds a bucket or a shard per thread, never the dataset.
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { ObjectStore } from "@tollgate/core/ports";
import type { CuratedOutput } from "./output.ts";
import { openPool, type TaskPool } from "./pool.ts";
import { type QuarantineSource, writeQuarantine } from "./quarantine.ts";
import { type EtlLimits, formatOf, shardCount } from "./rules.ts";
import { type BucketResult, type SegmentResult, type ShardResult, spillPath } from "./tasks.ts";

/** JSON Lines files over this size are parsed in segments of about this size, in parallel. */
export const SEGMENT_BYTES = 32 * 2 ** 20;
/** Raw bytes per hash bucket (the de-duplication's unit of memory). */
const BUCKET_BYTES = 16 * 2 ** 20;
/** Below this much raw input, the tasks run inline: starting threads would cost more than they save. */
const INLINE_BYTES = 16 * 2 ** 20;

/** How the bounded path runs: worker threads (default: every core, none for small inputs), segment size. */
export interface BoundedOptions {
  workers?: number;
  /** JSON Lines files are parsed in segments of about this many bytes (tests make it small). */
  segmentBytes?: number;
}

interface Planned extends QuarantineSource {
  path: string;
  size: number;
}

/** The raw files, in code point order, and where to read them (the store's own files, or copies). */
async function planSources(store: ObjectStore, keys: readonly string[], dir: string): Promise<Planned[]> {
  const sources: Planned[] = [];
  for (const [i, key] of keys.entries()) {
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

/**
 * Runs the three phases over the files (`keys`, in code point order) in the spill folder `dir`;
 * the shards and quarantine shards stay there until they are put. `phase(name)` logs each phase.
 */
export async function curateBounded(
  store: ObjectStore,
  keys: readonly string[],
  dir: string,
  limits: EtlLimits,
  options: BoundedOptions,
  phase: (name: string, fields?: object) => void,
): Promise<CuratedOutput> {
  const sources = await planSources(store, keys, dir);
  const bytes = sources.reduce((n, s) => n + (s.fileReason ? 0 : s.size), 0);
  const workers = options.workers ?? (bytes < INLINE_BYTES ? 0 : availableParallelism());
  const bucketBits = Math.min(12, Math.ceil(Math.log2(Math.max(1, bytes / BUCKET_BYTES))));
  const pool = openPool(workers);
  try {
    phase("plan", { workers, buckets: 2 ** bucketBits });
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
        pool.run("dedupeBucket", {
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
    const curated = countCurated(sources, segments, buckets);
    phase("dedupe");

    let shards: ShardResult[] = [];
    if (curated.counts.valid > 0) {
      const k = shardCount(curated.counts.valid, curated.bytes, limits);
      shards = await Promise.all(
        Array.from({ length: k }, (_, shard) =>
          pool.run("writeShard", { shard, k, dir, files: bucketsOf(shard, k, bucketBits, dir) }),
        ),
      );
      phase("shards");
    }
    return {
      sources: curated.sources,
      counts: curated.counts,
      shards: shards.map((s) => ({ ...s, read: () => readFileSync(spillPath.shard(dir, s.shard)) })),
      quarantine: writeQuarantine(dir, sources, 2 ** bucketBits, limits.quarantineRows),
    };
  } finally {
    await pool.close();
  }
}

/** The dedup files of the buckets whose hash range overlaps shard `shard` of `k` (a superset is fine). */
function bucketsOf(shard: number, k: number, bits: number, dir: string): string[] {
  const lo = Math.max(0, Math.floor((shard * 2 ** 32) / k) - 1);
  const hi = Math.min(2 ** 32 - 1, Math.ceil(((shard + 1) * 2 ** 32) / k));
  const [first, last] = bits === 0 ? [0, 0] : [lo >>> (32 - bits), hi >>> (32 - bits)];
  const files = Array.from({ length: last - first + 1 }, (_, i) => spillPath.dedup(dir, first + i));
  return files.filter((p) => statSync(p, { throwIfNoEntry: false })); // a bucket without a curated row has none
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
