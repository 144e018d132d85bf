import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { CuratedRow } from "@tollgate/core/contracts";

/** Folder of the ETL fixtures (shared with jobs/tests). */
export const ETL_FIXTURES = join(import.meta.dirname, "..", "fixtures", "etl");

/** One expected record outcome: a clean row or a quarantine reason. */
export type Outcome = { line: number; text: string; label: string } | { line: number; reason: string };

/** A row vector: one raw file and the outcome of each of its records. */
export interface RowVector {
  name: string;
  file: string;
  input?: string;
  inputBase64?: string;
  expect: Outcome[];
}

/** What a shard's manifest entry holds besides its key. */
export interface ShardVector {
  rows: number;
  bytes: number;
  sha256: string;
  labels: Record<string, number>;
}

/** A dataset vector: a folder of raw files and the whole outcome. */
export interface DatasetVector {
  name: string;
  folder: string;
  /** The same folder with smaller shard limits: several shards. */
  small: {
    limits: { shardRows: number; quarantineRows: number };
    datasetVersion: string;
    shards: ShardVector[];
    quarantineShards: number;
  };
  expect: {
    rows: CuratedRow[];
    datasetVersion: string;
    shards: ShardVector[];
    quarantineShards: number;
    counts: { read: number; valid: number; duplicates: number; quarantined: number };
    labels: Record<string, number>;
    sources: { key: string; rows: number; quarantined: number }[];
    quarantine: { source: string; line: number; reason: string }[];
  };
}

/** Expands `{{c*N}}` (the character c repeated N times). */
export function expand(value: string): string {
  return value.replace(/\{\{(.+?)\*(\d+)\}\}/gu, (_, ch: string, n: string) => ch.repeat(Number(n)));
}

/** The shard layout's vectors: hash of a text, shard of a hash, shard count, version from digests. */
export interface ShardVectors {
  hash: { text: string; h: number }[];
  assign: { h: number; k: number; shard: number }[];
  count: { rows: number; bytes: number; k: number }[];
  version: { digests: string[]; version: string }[];
}

/** Loads vectors.json with placeholders expanded. */
export function loadVectors(): { rows: RowVector[]; datasets: DatasetVector[]; shards: ShardVectors } {
  const raw = JSON.parse(readFileSync(join(ETL_FIXTURES, "vectors.json"), "utf8")) as {
    rows: RowVector[];
    datasets: DatasetVector[];
    shards: ShardVectors;
  };
  const rows = raw.rows.map((v) => ({
    ...v,
    expect: v.expect.map((o) => ("text" in o ? { ...o, text: expand(o.text), label: expand(o.label) } : o)),
  }));
  const shards = { ...raw.shards, hash: raw.shards.hash.map((v) => ({ ...v, text: expand(v.text) })) };
  return { rows, datasets: raw.datasets, shards };
}

/** The bytes of a row vector's input file. */
export function vectorBytes(v: RowVector): Uint8Array {
  if (v.inputBase64 !== undefined) return new Uint8Array(Buffer.from(v.inputBase64, "base64"));
  return new TextEncoder().encode(expand(v.input ?? ""));
}

/** Every file under a fixture folder: relative path → bytes. */
export function readFolder(folder: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(folder, path).split("\\").join("/"), new Uint8Array(readFileSync(path)));
    }
  };
  walk(folder);
  return files;
}
