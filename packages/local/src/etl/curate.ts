/**
 * Stage 2 of the ETL over all parsed records: content checks, conflicting labels,
 * de-duplication, sorting, counts — and the curated bytes and their hash.
 */
import { createHash } from "node:crypto";
import type { CuratedRow, Manifest, QuarantineRecord } from "@tollgate/core/contracts";
import type { ParsedRecord } from "./parse.ts";
import { cleanRow, compareCodePoints, SHARD_ROWS } from "./rules.ts";

/** The outcome of curation, before anything is written. */
export interface Curated {
  /** Distinct rows sorted by text then label (code point order). */
  rows: CuratedRow[];
  /** Sorted by source then line. */
  quarantine: QuarantineRecord[];
  counts: Manifest["counts"];
  labels: Manifest["labels"];
  sources: Manifest["sources"];
}

function compareRows(a: CuratedRow, b: CuratedRow): number {
  return compareCodePoints(a.text, b.text) || compareCodePoints(a.label, b.label);
}

function toQuarantine(r: ParsedRecord, reason: string): QuarantineRecord {
  return { source: r.source, line: r.line, reason, raw: r.raw };
}

/**
 * Applies the content and dataset rules (docs/etl-rules.md) to the records of all files.
 * @param sourceKeys every raw object read, so files without records still appear in `sources`
 */
export function curate(records: readonly ParsedRecord[], sourceKeys: readonly string[]): Curated {
  const quarantine: QuarantineRecord[] = [];
  const byText = new Map<string, { labels: Map<string, number>; records: ParsedRecord[] }>();
  for (const r of records) {
    const clean = r.reason === null ? cleanRow(r.text, r.label) : r.reason;
    if (typeof clean === "string") {
      quarantine.push(toQuarantine(r, clean));
      continue;
    }
    let group = byText.get(clean.text);
    if (!group) {
      group = { labels: new Map(), records: [] };
      byText.set(clean.text, group);
    }
    group.labels.set(clean.label, (group.labels.get(clean.label) ?? 0) + 1);
    group.records.push(r);
  }
  const rows: CuratedRow[] = [];
  let duplicates = 0;
  for (const [text, group] of byText) {
    if (group.labels.size > 1) {
      for (const r of group.records) quarantine.push(toQuarantine(r, "conflicting_labels"));
      continue;
    }
    const [label, count] = group.labels.entries().next().value!;
    rows.push({ text, label });
    duplicates += count - 1;
  }
  rows.sort(compareRows);
  quarantine.sort((a, b) => compareCodePoints(a.source, b.source) || a.line - b.line);

  const perLabel = new Map<string, number>();
  for (const r of rows) perLabel.set(r.label, (perLabel.get(r.label) ?? 0) + 1);
  const labels = Object.fromEntries([...perLabel].sort((a, b) => compareCodePoints(a[0], b[0])));

  const perSource = new Map<string, { rows: number; quarantined: number }>();
  for (const key of [...sourceKeys].sort(compareCodePoints)) perSource.set(key, { rows: 0, quarantined: 0 });
  for (const r of records) {
    const s = perSource.get(r.source);
    if (s) s.rows++;
  }
  for (const q of quarantine) {
    const s = perSource.get(q.source);
    if (s) s.quarantined++;
  }
  return {
    rows,
    quarantine,
    counts: { read: records.length, valid: rows.length, duplicates, quarantined: quarantine.length },
    labels,
    sources: [...perSource].map(([key, s]) => ({ key, ...s })),
  };
}

/** One curated row as its JSON Lines line (the exact bytes that are hashed and written). */
export function curatedLine(row: CuratedRow): string {
  return `${JSON.stringify({ text: row.text, label: row.label })}\n`;
}

/** Splits sorted rows into shards of {@link SHARD_ROWS} rows, each the text of a JSON Lines file. */
export function curatedShards(rows: readonly CuratedRow[]): string[] {
  const shards: string[] = [];
  for (let i = 0; i < rows.length; i += SHARD_ROWS) {
    shards.push(
      rows
        .slice(i, i + SHARD_ROWS)
        .map(curatedLine)
        .join(""),
    );
  }
  return shards;
}

/**
 * The dataset version: sha256 (lowercase hex) of the UTF-8 bytes of all curated lines in
 * order — the concatenation of the shards, so `cat part-*.jsonl | sha256sum` reproduces it.
 */
export function datasetVersionOf(shards: readonly string[]): string {
  const hash = createHash("sha256");
  for (const shard of shards) hash.update(shard, "utf8");
  return hash.digest("hex");
}
