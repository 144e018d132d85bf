/**
 * The local ETL's small-input path: the same rules and the same outputs as the bounded path
 * (bounded.ts), with every phase in this thread's memory — no spill files, no hash buckets, no
 * worker threads. runEtl takes it when the raw input is at most {@link MEMORY_BYTES} (a fixed cap,
 * not a share of the input, so memory stays flat above it: the bounded path takes over).
 */
import type { Manifest } from "@tollgate/core/contracts";
import type { ObjectStore } from "@tollgate/core/ports";
import type { CuratedOutput } from "./output.ts";
import { type ParsedRecord, parseFile } from "./parse.ts";
import { cutQuarantine, type QuarantineEntry } from "./quarantine.ts";
import { cleanRow, type EtlLimits, shardCount, shardHash, shardOf } from "./rules.ts";
import { type ShardRow, shardBody, shardRow } from "./tasks.ts";

/**
 * Raw input (bytes of the files in a supported format) up to which the ETL runs in memory: about
 * what one hash bucket of the bounded path holds (~16 MiB of input), so the small path never needs
 * more memory than one of the bounded path's threads (~20 bytes of heap per byte of JSON Lines).
 */
export const MEMORY_BYTES = 16 * 2 ** 20;

interface Group {
  label: string;
  /** Valid rows with this text. */
  n: number;
  conflict: boolean;
}

/** A valid row, kept to list its raw text should its text turn out to conflict. */
interface Valid {
  srcIdx: number;
  text: string;
  record: ParsedRecord;
}

/**
 * Parses, checks, de-duplicates and shards the files (`keys`, in code point order) in memory.
 * Same output as the bounded path, byte for byte: docs/etl-rules.md.
 */
export async function curateInMemory(
  store: ObjectStore,
  keys: readonly string[],
  limits: EtlLimits,
): Promise<CuratedOutput> {
  const quarantine: QuarantineEntry[] = [];
  const groups = new Map<string, Group>();
  const valid: Valid[] = [];
  const sources: Manifest["sources"] = [];
  for (const [srcIdx, key] of keys.entries()) {
    const source = { key, rows: 0, quarantined: 0 };
    sources.push(source);
    for (const record of parseFile(key, await store.get(key))) {
      source.rows++;
      const clean = record.reason ?? cleanRow(record.text, record.label);
      if (typeof clean === "string") {
        source.quarantined++;
        quarantine.push([srcIdx, record.line, clean, record.raw]);
        continue;
      }
      valid.push({ srcIdx, text: clean.text, record });
      const group = groups.get(clean.text);
      if (!group) groups.set(clean.text, { label: clean.label, n: 1, conflict: false });
      else {
        group.n++;
        if (group.label !== clean.label) group.conflict = true;
      }
    }
  }

  const rows: ShardRow[] = [];
  let grouped = 0;
  let bytes = 0;
  let conflicts = false;
  for (const [text, group] of groups) {
    if (group.conflict) {
      conflicts = true;
      continue;
    }
    grouped += group.n;
    bytes += Buffer.byteLength(text) + Buffer.byteLength(group.label);
    rows.push(shardRow(text, group.label));
  }
  if (conflicts) {
    for (const { srcIdx, text, record } of valid) {
      if (!groups.get(text)?.conflict) continue;
      quarantine.push([srcIdx, record.line, "conflicting_labels", record.raw]);
      (sources[srcIdx] as Manifest["sources"][number]).quarantined++;
    }
  }
  quarantine.sort((a, b) => a[0] - b[0] || a[1] - b[1]);

  const counts = {
    read: sources.reduce((n, s) => n + s.rows, 0),
    valid: rows.length,
    duplicates: grouped - rows.length,
    quarantined: sources.reduce((n, s) => n + s.quarantined, 0),
  };
  return {
    sources,
    counts,
    shards: rows.length === 0 ? [] : shardsOf(rows, shardCount(rows.length, bytes, limits)),
    quarantine: cutQuarantine(quarantine, keys, limits.quarantineRows, (body) => () => body),
  };
}

/** The rows cut into `k` shards by hash range, each sorted into its file. */
function shardsOf(rows: readonly ShardRow[], k: number): CuratedOutput["shards"] {
  const parts: ShardRow[][] = Array.from({ length: k }, () => []);
  for (const row of rows) (parts[k === 1 ? 0 : shardOf(shardHash(row.text), k)] as ShardRow[]).push(row);
  return parts.map((part, shard) => {
    const { result, body } = shardBody(shard, part);
    return { ...result, read: () => body };
  });
}
