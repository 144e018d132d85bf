/**
 * The quarantine list, assembled from the spill files: the records of each segment (already in
 * line order) and the conflicting rows of each bucket (sorted), merged by source then line and cut
 * into shards of `quarantineRows` records. Streaming: one record per input in memory, one shard out.
 */
import { hash } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
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

type Entry = [srcIdx: number, line: number, reason: string, raw: string];

function* segmentRecords(dir: string, sources: readonly QuarantineSource[]): Generator<Entry> {
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

function* conflictRecords(path: string): Generator<Entry> {
  for (const line of readSpill(path)) {
    if (line === "") continue;
    const [srcIdx, n, raw] = JSON.parse(line) as [number, number, string];
    yield [srcIdx, n, "conflicting_labels", raw];
  }
}

const before = (a: Entry, b: Entry) => a[0] - b[0] || a[1] - b[1];

/** Merges sorted streams (a binary heap of their heads). */
function* merge(streams: Iterator<Entry>[]): Generator<Entry> {
  type Head = { head: Entry; rest: Iterator<Entry> };
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

/** What the quarantine merge wrote to the spill folder. */
export interface QuarantineShards {
  /** Temporary files, in order, and each one's sha256. */
  files: { path: string; sha256: string }[];
  records: number;
  byReason: Map<string, number>;
}

/** Writes the quarantine shards (`qshard-<i>.jsonl`) to the spill folder. */
export function writeQuarantine(
  dir: string,
  sources: readonly QuarantineSource[],
  buckets: number,
  quarantineRows: number,
): QuarantineShards {
  const conflicts = Array.from({ length: buckets }, (_, b) => spillPath.conflicts(dir, b)).filter((p) => existsSync(p));
  const out: QuarantineShards = { files: [], records: 0, byReason: new Map() };
  let lines: string[] = [];
  const flush = () => {
    const body = Buffer.from(lines.join(""));
    const path = `${dir}/qshard-${out.files.length}.jsonl`;
    writeFileSync(path, body);
    out.files.push({ path, sha256: hash("sha256", body, "hex") });
    lines = [];
  };
  for (const [srcIdx, line, reason, raw] of merge([segmentRecords(dir, sources), ...conflicts.map(conflictRecords)])) {
    const record: QuarantineRecord = { source: (sources[srcIdx] as QuarantineSource).key, line, reason, raw };
    lines.push(`${JSON.stringify(record)}\n`);
    out.records++;
    out.byReason.set(reason, (out.byReason.get(reason) ?? 0) + 1);
    if (lines.length === quarantineRows) flush();
  }
  if (lines.length > 0) flush();
  return out;
}
