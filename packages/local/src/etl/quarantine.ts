/**
 * The quarantine list, assembled from the spill files: the records of each segment (already in
 * line order) and the conflicting rows of each bucket (sorted), merged by source then line and cut
 * into shards of `quarantineRows` records. Streaming: one record per input in memory, one shard out.
 */
import { hash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { QuarantineRecord } from "@tollgate/core/contracts";
import { readSpill } from "./spill.ts";
import { spillPath } from "./tasks.ts";

/** A raw file as the quarantine sees it. */
export interface QuarantineSource {
  key: string;
  /** A record for the whole file (and nothing else from it). */
  fileReason?: "binary_file" | "unsupported_format";
  /** Its segments: spill index and the number of the file's lines before the segment. */
  segments: { segIdx: number; offset: number }[];
}

/** A quarantine record before it is written: its source's index, line, reason and raw text. */
export type QuarantineEntry = [srcIdx: number, line: number, reason: string, raw: string];

function* segmentRecords(dir: string, sources: readonly QuarantineSource[]): Generator<QuarantineEntry> {
  for (const [srcIdx, source] of sources.entries()) {
    if (source.fileReason) {
      yield [srcIdx, 0, source.fileReason, ""];
      continue;
    }
    for (const { segIdx, offset } of source.segments) {
      const path = spillPath.quarantine(dir, segIdx);
      if (!existsSync(path)) continue;
      for (const line of readSpill(path)) {
        if (line === "") continue;
        const [n, reason, raw] = JSON.parse(line) as [number, string, string];
        yield [srcIdx, offset + n, reason, raw];
      }
    }
  }
}

function* conflictRecords(path: string): Generator<QuarantineEntry> {
  for (const line of readSpill(path)) {
    if (line === "") continue;
    const [srcIdx, n, raw] = JSON.parse(line) as [number, number, string];
    yield [srcIdx, n, "conflicting_labels", raw];
  }
}

const before = (a: QuarantineEntry, b: QuarantineEntry) => a[0] - b[0] || a[1] - b[1];

/** Merges sorted streams (a binary heap of their heads). */
function* merge(streams: Iterator<QuarantineEntry>[]): Generator<QuarantineEntry> {
  type Head = { head: QuarantineEntry; rest: Iterator<QuarantineEntry> };
  const heap: Head[] = [];
  const at = (i: number) => heap[i] as Head;
  const less = (i: number, j: number) => before(at(i).head, at(j).head) < 0;
  const down = (from: number) => {
    for (let i = from; ; ) {
      const l = 2 * i + 1;
      if (l >= heap.length) return;
      const m = l + 1 < heap.length && less(l + 1, l) ? l + 1 : l;
      if (!less(m, i)) return;
      [heap[i], heap[m]] = [at(m), at(i)];
      i = m;
    }
  };
  for (const rest of streams) {
    const first = rest.next();
    if (!first.done) heap.push({ head: first.value, rest });
  }
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  while (heap.length > 0) {
    const top = at(0);
    yield top.head;
    const next = top.rest.next();
    if (next.done) {
      const last = heap.pop() as Head;
      if (heap.length === 0) return;
      heap[0] = last;
    } else top.head = next.value;
    down(0);
  }
}

/** A file the ETL puts into the store: its sha256, and its bytes when they are put. */
export interface OutputFile {
  sha256: string;
  read(): Uint8Array;
}

/** The quarantine shards, in order. */
export interface QuarantineShards {
  files: OutputFile[];
  records: number;
  byReason: Map<string, number>;
}

/**
 * Cuts the quarantine list (entries sorted by source then line) into shards of `quarantineRows`
 * records; `keep` holds each shard's bytes (a spill file, or memory) and returns how to read them.
 */
export function cutQuarantine(
  entries: Iterable<QuarantineEntry>,
  keys: readonly string[],
  quarantineRows: number,
  keep: (body: Buffer, index: number) => () => Uint8Array,
): QuarantineShards {
  const out: QuarantineShards = { files: [], records: 0, byReason: new Map() };
  let lines: string[] = [];
  const flush = () => {
    const body = Buffer.from(lines.join(""));
    out.files.push({ sha256: hash("sha256", body, "hex"), read: keep(body, out.files.length) });
    lines = [];
  };
  for (const [srcIdx, line, reason, raw] of entries) {
    const record: QuarantineRecord = { source: keys[srcIdx] as string, line, reason, raw };
    lines.push(`${JSON.stringify(record)}\n`);
    out.records++;
    out.byReason.set(reason, (out.byReason.get(reason) ?? 0) + 1);
    if (lines.length === quarantineRows) flush();
  }
  if (lines.length > 0) flush();
  return out;
}

/** Writes the quarantine shards (`qshard-<i>.jsonl`) to the spill folder, merged from the spills. */
export function writeQuarantine(
  dir: string,
  sources: readonly QuarantineSource[],
  buckets: number,
  quarantineRows: number,
): QuarantineShards {
  const conflicts = Array.from({ length: buckets }, (_, b) => spillPath.conflicts(dir, b)).filter((p) => existsSync(p));
  const entries = merge([segmentRecords(dir, sources), ...conflicts.map(conflictRecords)]);
  const keys = sources.map((s) => s.key);
  return cutQuarantine(entries, keys, quarantineRows, (body, i) => {
    const path = `${dir}/qshard-${i}.jsonl`;
    writeFileSync(path, body);
    return () => readFileSync(path);
  });
}
