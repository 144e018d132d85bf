/**
 * The local ETL runner: the same transform as the Glue job (jobs/tollgate_etl), over an
 * {@link ObjectStore}. Rules and layout: docs/etl-rules.md. Two paths with the same output, byte
 * for byte: inputs up to {@link MEMORY_BYTES} are curated in this thread's memory (memory.ts);
 * larger ones by a pool of worker threads over spill files, in bounded memory (bounded.ts). This
 * thread then puts the shards, the quarantine and the manifest.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CuratedShard, EtlArguments, Manifest } from "@tollgate/core/contracts";
import { InvalidDatasetError } from "@tollgate/core/errors";
import { type Logger, logger } from "@tollgate/core/logger";
import type { ObjectStore } from "@tollgate/core/ports";
import { processAlive } from "../processes.ts";
import { type BoundedOptions, curateBounded } from "./bounded.ts";
import { curateInMemory, MEMORY_BYTES } from "./memory.ts";
import type { CuratedOutput } from "./output.ts";
import type { OutputFile } from "./quarantine.ts";
import { combineDigests, compareCodePoints, type EtlLimits, formatOf, isIgnoredKey, LIMITS } from "./rules.ts";

/**
 * How to run: the small-input cap (tests set 0 to take the bounded path, or a large one to take the
 * memory path), the bounded path's threads and segments, shard sizes.
 */
export interface EtlOptions extends BoundedOptions {
  /** Raw input up to which the ETL runs in memory (default {@link MEMORY_BYTES}). */
  memoryBytes?: number;
  limits?: Partial<EtlLimits>;
  /** Where the phase lines go (default: the process's logger). */
  log?: Logger;
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

function summary(byReason: Map<string, number>): string {
  return [...byReason]
    .sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]))
    .map(([reason, n]) => `${reason} ×${n}`)
    .join(", ");
}

/** Puts the output files into the store (a few at a time). */
async function putAll(store: ObjectStore, files: (Pick<OutputFile, "read"> & { key: string })[]): Promise<void> {
  for (let i = 0; i < files.length; i += 4) {
    await Promise.all(files.slice(i, i + 4).map((f) => store.put(f.key, f.read())));
  }
}

/**
 * Reads every raw object under `args.raw_prefix`, validates, normalises and de-duplicates the rows,
 * and writes the curated shards, the quarantine shards and the manifest (at `args.manifest_key` and
 * beside the curated data). Deterministic: the same raw content gives the same dataset version and
 * the same bytes, whatever the file names' order, the path taken, the number of workers or the
 * segment sizes.
 * @throws InvalidDatasetError when there is no input or no valid row (the quarantine is written first)
 */
export async function runEtl(store: ObjectStore, args: EtlArguments, options: EtlOptions = {}): Promise<Manifest> {
  const log = (options.log ?? logger).child({ component: "etl", runId: args.run_id, dataset: args.dataset });
  const limits = { ...LIMITS, ...options.limits };
  const listed = (await store.listSized(args.raw_prefix))
    .filter((o) => !isIgnoredKey(o.key.slice(args.raw_prefix.length)))
    .sort((a, b) => compareCodePoints(a.key, b.key));
  if (listed.length === 0) {
    throw new InvalidDatasetError(
      `dataset ${args.dataset}: no input files under ${args.raw_prefix}; upload JSON Lines (.jsonl) or CSV (.csv) files with fields "text" and "label"`,
    );
  }
  const keys = listed.map((o) => o.key);
  const bytes = listed.reduce((n, o) => n + (formatOf(o.key) ? o.size : 0), 0);
  const inMemory = bytes <= (options.memoryBytes ?? MEMORY_BYTES);
  let since = performance.now();
  const phase = (name: string, fields: object = {}) => {
    const now = performance.now();
    const rssMb = Math.round(process.memoryUsage.rss() / 2 ** 20);
    log.info({ phase: name, ms: Math.round(now - since), rssMb, ...fields }, "etl phase");
    since = now;
  };
  log.info({ files: keys.length, bytes, path: inMemory ? "memory" : "bounded" }, "etl started");
  sweepSpills();
  if (inMemory) {
    const curated = await curateInMemory(store, keys, limits);
    phase("curate");
    return finish(store, args, curated, log, phase);
  }
  const dir = mkdtempSync(join(tmpdir(), `${SPILL_PREFIX}${process.pid}-`));
  try {
    return await finish(store, args, await curateBounded(store, keys, dir, limits, options, phase), log, phase);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Puts the shards, the quarantine and the manifest; or the quarantine alone, and throws, when no row is valid. */
async function finish(
  store: ObjectStore,
  args: EtlArguments,
  curated: CuratedOutput,
  log: Logger,
  phase: (name: string) => void,
): Promise<Manifest> {
  const q = curated.quarantine;
  if (curated.counts.valid === 0) {
    const name = `rejected-${combineDigests(q.files.map((f) => f.sha256))}`;
    const out = outputKeys(args, "");
    await putAll(
      store,
      q.files.map((f, i) => ({ key: out.quarantine(i, name), read: f.read })),
    );
    throw new InvalidDatasetError(
      `dataset ${args.dataset}: no valid rows in ${curated.counts.read} records from ${curated.sources.length} files under ${args.raw_prefix} ` +
        `(${summary(q.byReason) || "no records"}); every row needs a non-empty string "text" and "label" ` +
        `(see docs/etl-rules.md); quarantined rows with reasons: ${args.quarantine_prefix}${name}/`,
    );
  }
  const { shards } = curated;
  const datasetVersion = combineDigests(shards.map((s) => s.sha256));
  const out = outputKeys(args, datasetVersion);
  await putAll(
    store,
    shards.map((s) => ({ key: out.curated(s.shard), read: s.read })),
  );
  await putAll(
    store,
    q.files.map((f, i) => ({ key: out.quarantine(i), read: f.read })),
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
  log.info({ datasetVersion, counts: curated.counts, shards: shards.length }, "etl done");
  return manifest;
}

const SPILL_PREFIX = "tollgate-etl-";

/** Removes the spill folders of runs whose process is gone (killed mid-run: its `finally` never ran). */
function sweepSpills(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(/^tollgate-etl-(\d+)-/.exec(name)?.[1]);
    if (pid && !processAlive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}
