/**
 * The local runner's three kinds of task, run by the worker pool (pool.ts) over files in a spill
 * folder: parse a segment of a raw file, de-duplicate a hash bucket, write a shard. Each holds at
 * most one record, one bucket or one shard in memory.
 */
import { hash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { BinaryFileError, iterLines, type SourceLine } from "./decode.ts";
import { parseLines } from "./parse.ts";
import { cleanRow, compareCodePoints, type FileFormat, shardHash, shardOf } from "./rules.ts";
import { readChunks, readSpill, SpillWriter } from "./spill.ts";

/** Parse one segment of a raw file: the lines that start in `[start, end)` of its bytes. */
export interface SegmentTask {
  path: string;
  source: string;
  srcIdx: number;
  segIdx: number;
  start: number;
  end: number;
  format: FileFormat;
  /** The spill folder. */
  dir: string;
  /** Valid rows go to `bucket-<b>-w<workerId>.jsonl`, b = the top `bucketBits` bits of the row's hash. */
  bucketBits: number;
  workerId: number;
}

export interface SegmentResult {
  segIdx: number;
  /** Physical lines read (to number the next segment's lines). */
  lines: number;
  records: number;
  quarantined: number;
  binary: boolean;
}

/** The first byte after the first LF at or after `from` (or the file's size). */
function afterLf(path: string, from: number): number {
  let at = from;
  for (const chunk of readChunks(path, from)) {
    const lf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).indexOf(0x0a);
    if (lf !== -1) return at + lf + 1;
    at += chunk.byteLength;
  }
  return at;
}

/** A spill path of the folder. */
export const spillPath = {
  bucket: (dir: string, bucket: number, workerId: number) => `${dir}/bucket-${bucket}-w${workerId}.jsonl`,
  quarantine: (dir: string, segIdx: number) => `${dir}/q-${segIdx}.jsonl`,
  dedup: (dir: string, bucket: number) => `${dir}/dedup-${bucket}.jsonl`,
  conflicts: (dir: string, bucket: number) => `${dir}/conflicts-${bucket}.jsonl`,
  shard: (dir: string, shard: number) => `${dir}/shard-${shard}.jsonl`,
};

/**
 * Stage 1 and the per-row checks: parses the segment; quarantine records go to `q-<segIdx>.jsonl`
 * as `[line, reason, raw]`; valid rows to their hash bucket as a {@link SpilledRow} line.
 */
export function parseSegment(task: SegmentTask): SegmentResult {
  const begin = task.start === 0 ? 0 : afterLf(task.path, task.start - 1);
  const stop = task.end === 0 ? 0 : afterLf(task.path, task.end - 1);
  const result: SegmentResult = { segIdx: task.segIdx, lines: 0, records: 0, quarantined: 0, binary: false };
  const quarantine = new SpillWriter(spillPath.quarantine(task.dir, task.segIdx));
  const buckets = new Map<number, SpillWriter>();
  const flushAt = Math.max(1 << 14, Math.min(1 << 16, 2 ** 23 / 2 ** task.bucketBits));
  const bucketOf = (h: number) => (task.bucketBits === 0 ? 0 : h >>> (32 - task.bucketBits));
  function* counted(lines: Iterable<SourceLine>) {
    for (const line of lines) {
      result.lines = line.n;
      yield line;
    }
  }
  try {
    const lines = counted(iterLines(readChunks(task.path, begin, stop), begin === 0));
    for (const r of parseLines(task.source, task.format, lines)) {
      result.records++;
      const clean = r.reason ?? cleanRow(r.text, r.label);
      if (typeof clean === "string") {
        result.quarantined++;
        quarantine.write(JSON.stringify([r.line, clean, r.raw]));
        continue;
      }
      const h = shardHash(clean.text);
      const b = bucketOf(h);
      let out = buckets.get(b);
      if (!out) {
        out = new SpillWriter(spillPath.bucket(task.dir, b, task.workerId), flushAt);
        buckets.set(b, out);
      }
      out.write(spillRow(h, clean.text, clean.label, task.srcIdx, task.segIdx, r.line, r.raw));
    }
  } catch (err) {
    if (!(err instanceof BinaryFileError)) throw err;
    result.binary = true;
  } finally {
    quarantine.close();
    for (const out of buckets.values()) out.close();
  }
  return result;
}

/** De-duplicate one hash bucket: every valid row whose hash has these top bits, from every worker's spill. */
export interface BucketTask {
  bucket: number;
  files: string[];
  dir: string;
  /** Sources whose rows are dropped (binary files: their rows before the NUL). */
  skip: number[];
  /** Per segment, the number of lines of its file before it (segment line → file line). */
  lineOffsets: number[];
}

export interface BucketResult {
  bucket: number;
  /** Distinct texts with one label (curated rows). */
  valid: number;
  /** Valid rows of those texts (valid + duplicates). */
  rows: number;
  /** UTF-8 bytes of their text and label. */
  bytes: number;
  /** [srcIdx, rows] quarantined as conflicting_labels. */
  conflicts: [number, number][];
}

/**
 * A valid row in a bucket spill: `h TAB srcIdx TAB segIdx TAB line TAB ["text","label"] TAB raw`, raw
 * being `r` + the raw text when it holds no LF (a JSON Lines line never does), else `j` + its JSON. JSON
 * strings hold no TAB, so de-duplication finds the fields by position and reads `raw` only for conflicts.
 */
function spillRow(h: number, text: string, label: string, srcIdx: number, segIdx: number, line: number, raw: string) {
  const rawField = raw.includes("\n") ? `j${JSON.stringify(raw)}` : `r${raw}`;
  return `${h}\t${srcIdx}\t${segIdx}\t${line}\t${JSON.stringify([text, label])}\t${rawField}`;
}

interface SpilledRow {
  h: number;
  text: string;
  label: string;
  srcIdx: number;
  /** The rest of the line: `segIdx TAB line TAB … TAB raw` (see {@link whereFrom}). */
  line: string;
  /** Where `raw` starts in `line`. */
  rawAt: number;
}

/** A spilled row's segment, line and raw text. */
function whereFrom(row: SpilledRow): [segIdx: number, line: number, raw: string] {
  const [segIdx, line] = row.line.split("\t", 2).map(Number) as [number, number];
  const raw = row.line.slice(row.rawAt);
  return [segIdx, line, raw.startsWith("j") ? (JSON.parse(raw.slice(1)) as string) : raw.slice(1)];
}

/** The bucket's rows; with `only`, just those whose hash is in it (the others are not parsed). */
function* spilledRows(
  files: readonly string[],
  skip: ReadonlySet<number>,
  only?: ReadonlySet<number>,
): Generator<SpilledRow> {
  for (const file of files) {
    for (const line of readSpill(file)) {
      if (line === "") continue;
      const a = line.indexOf("\t");
      if (only && !only.has(Number(line.slice(0, a)))) continue;
      const b = line.indexOf("\t", a + 1);
      const srcIdx = Number(line.slice(a + 1, b));
      if (skip.has(srcIdx)) continue;
      const c = line.indexOf("\t", line.indexOf("\t", b + 1) + 1);
      const d = line.indexOf("\t", c + 1);
      const [text, label] = JSON.parse(line.slice(c + 1, d)) as [string, string];
      yield { h: Number(line.slice(0, a)), text, label, srcIdx, line: line.slice(b + 1), rawAt: d - b };
    }
  }
}

/**
 * Groups the bucket's rows by text: a text with one label is curated (written to `dedup-<b>.jsonl`
 * as `h TAB` + its curated line), one with several is a conflict: all its rows go, sorted by source and
 * line, to `conflicts-<b>.jsonl` as `[srcIdx, line, raw]`.
 */
export function dedupeBucket(task: BucketTask): BucketResult {
  const skip = new Set(task.skip);
  const groups = new Map<string, { h: number; label: string; n: number; conflict: boolean }>();
  for (const { h, text, label } of spilledRows(task.files, skip)) {
    const group = groups.get(text);
    if (!group) groups.set(text, { h, label, n: 1, conflict: false });
    else {
      group.n++;
      if (group.label !== label) group.conflict = true;
    }
  }
  const result: BucketResult = { bucket: task.bucket, valid: 0, rows: 0, bytes: 0, conflicts: [] };
  const dedup = new SpillWriter(spillPath.dedup(task.dir, task.bucket), 1 << 20);
  const conflicting = new Set<number>(); // the hashes of the conflicting texts
  for (const [text, group] of groups) {
    if (group.conflict) {
      conflicting.add(group.h);
      continue;
    }
    result.valid++;
    result.rows += group.n;
    result.bytes += Buffer.byteLength(text) + Buffer.byteLength(group.label);
    dedup.write(`${group.h}\t${curatedLine(text, group.label).slice(0, -1)}`);
  }
  dedup.close();
  if (conflicting.size === 0) return result;
  const records: [number, number, string][] = [];
  for (const row of spilledRows(task.files, skip, conflicting)) {
    if (!groups.get(row.text)?.conflict) continue;
    const [segIdx, line, raw] = whereFrom(row);
    records.push([row.srcIdx, (task.lineOffsets[segIdx] ?? 0) + line, raw]);
  }
  records.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const perSource = new Map<number, number>();
  const out = new SpillWriter(spillPath.conflicts(task.dir, task.bucket), 1 << 20);
  for (const r of records) {
    out.write(JSON.stringify(r));
    perSource.set(r[0], (perSource.get(r[0]) ?? 0) + 1);
  }
  out.close();
  result.conflicts = [...perSource];
  return result;
}

/** Write shard `shard` of `k`: the curated rows whose hash falls in its range, from the buckets that overlap it. */
export interface ShardTask {
  shard: number;
  k: number;
  files: string[];
  dir: string;
}

export interface ShardResult {
  shard: number;
  rows: number;
  /** Bytes of the shard file. */
  bytes: number;
  sha256: string;
  labels: Record<string, number>;
}

/** One curated row as its JSON Lines line (the exact bytes that are hashed and written). */
export function curatedLine(text: string, label: string): string {
  return `${JSON.stringify({ text, label })}\n`;
}

/** Characters where UTF-16 order and code point order can disagree (surrogates vs U+E000–U+FFFF). */
const HIGH = /[\uD800-\uFFFF]/;

/** A curated row of a shard. */
export interface ShardRow {
  text: string;
  label: string;
  /** The curated line without its LF. */
  line: string;
  high: boolean;
}

/** A shard row from its curated line (without the LF) and fields. */
export function shardRow(text: string, label: string, line = curatedLine(text, label).slice(0, -1)): ShardRow {
  return { text, label, line, high: HIGH.test(text) };
}

/** Text then label in code point order; JavaScript's own order where that is the same (no high characters). */
function byText(a: ShardRow, b: ShardRow): number {
  if (a.text !== b.text) {
    if (a.high || b.high) return compareCodePoints(a.text, b.text);
    return a.text < b.text ? -1 : 1;
  }
  return compareCodePoints(a.label, b.label);
}

/** Sorts a shard's rows (text then label, code point order) into its file's bytes and numbers. */
export function shardBody(shard: number, rows: ShardRow[]): { result: ShardResult; body: Buffer } {
  rows.sort(byText);
  const labels = new Map<string, number>();
  for (const { label } of rows) labels.set(label, (labels.get(label) ?? 0) + 1);
  const body = Buffer.from(rows.map((r) => `${r.line}\n`).join(""));
  const result = {
    shard,
    rows: rows.length,
    bytes: body.length,
    sha256: hash("sha256", body, "hex"),
    labels: Object.fromEntries([...labels].sort((a, b) => compareCodePoints(a[0], b[0]))),
  };
  return { result, body };
}

/** Writes shard `shard-<s>.jsonl`: the rows of the buckets' dedup files that fall in its hash range. */
export function writeShard(task: ShardTask): ShardResult {
  const rows: ShardRow[] = [];
  for (const file of task.files) {
    for (const line of readSpill(file)) {
      if (line === "") continue;
      const tab = line.indexOf("\t");
      if (shardOf(Number(line.slice(0, tab)), task.k) !== task.shard) continue;
      const curated = line.slice(tab + 1);
      const { text, label } = JSON.parse(curated) as { text: string; label: string };
      rows.push(shardRow(text, label, curated));
    }
  }
  const { result, body } = shardBody(task.shard, rows);
  writeFileSync(spillPath.shard(task.dir, task.shard), body);
  return result;
}

/** The tasks by name (what a worker can be asked to run). */
export const TASKS = { parseSegment, dedupeBucket, writeShard } as const;
export type TaskName = keyof typeof TASKS;
