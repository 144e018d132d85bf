/**
 * The local ETL runner: the same transform as the Glue job (jobs/tollgate_etl), over an
 * {@link ObjectStore}. Rules: docs/etl-rules.md.
 */
import type { EtlArguments, Manifest } from "@tollgate/core/contracts";
import { InvalidDatasetError } from "@tollgate/core/errors";
import { logger } from "@tollgate/core/logger";
import type { ObjectStore } from "@tollgate/core/ports";
import { type Curated, curate, curatedShards, datasetVersionOf } from "./curate.ts";
import { type ParsedRecord, parseFile } from "./parse.ts";
import { compareCodePoints, isIgnoredKey } from "./rules.ts";

const log = logger.child({ component: "etl" });

/** The object keys the ETL writes for one dataset version. */
export function outputKeys(args: EtlArguments, datasetVersion: string, shards: number) {
  const folder = `${args.curated_prefix}${datasetVersion}/`;
  return {
    curated: Array.from({ length: shards }, (_, i) => `${folder}part-${String(i).padStart(5, "0")}.jsonl`),
    manifest: `${folder}manifest.json`,
    quarantine: `${args.quarantine_prefix}${datasetVersion}/quarantine.jsonl`,
  };
}

function summary(curated: Curated): string {
  const byReason = new Map<string, number>();
  for (const q of curated.quarantine) byReason.set(q.reason, (byReason.get(q.reason) ?? 0) + 1);
  return [...byReason]
    .sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]))
    .map(([reason, n]) => `${reason} ×${n}`)
    .join(", ");
}

/**
 * Reads every raw object under `args.raw_prefix`, validates, normalises and de-duplicates
 * the rows, and writes the curated shards, the quarantine file and the manifest (at
 * `args.manifest_key` and beside the curated data). Deterministic: the same raw objects
 * give the same dataset version and the same curated bytes.
 * @throws InvalidDatasetError when there is no input or no valid row (the quarantine file is written first)
 */
export async function runEtl(store: ObjectStore, args: EtlArguments): Promise<Manifest> {
  const keys = (await store.list(args.raw_prefix)).filter((k) => !isIgnoredKey(k.slice(args.raw_prefix.length)));
  if (keys.length === 0) {
    throw new InvalidDatasetError(
      `dataset ${args.dataset}: no input files under ${args.raw_prefix}; upload JSON Lines (.jsonl) or CSV (.csv) files with fields "text" and "label"`,
    );
  }
  const records: ParsedRecord[] = [];
  for (const key of keys) records.push(...parseFile(key, await store.get(key)));
  const curated = curate(records, keys);
  const shards = curatedShards(curated.rows);
  const quarantineBody = curated.quarantine.map((q) => `${JSON.stringify(q)}\n`).join("");

  if (curated.rows.length === 0) {
    const key = `${args.quarantine_prefix}rejected-${datasetVersionOf([quarantineBody])}/quarantine.jsonl`;
    await store.put(key, quarantineBody);
    throw new InvalidDatasetError(
      `dataset ${args.dataset}: no valid rows in ${curated.counts.read} records from ${keys.length} files under ${args.raw_prefix} ` +
        `(${summary(curated) || "no records"}); every row needs a non-empty string "text" and "label" ` +
        `(see docs/etl-rules.md); quarantined rows with reasons: ${key}`,
    );
  }

  const datasetVersion = datasetVersionOf(shards);
  const out = outputKeys(args, datasetVersion, shards.length);
  for (const [i, shard] of shards.entries()) await store.put(out.curated[i]!, shard);
  if (quarantineBody) await store.put(out.quarantine, quarantineBody);
  const manifest: Manifest = {
    dataset: args.dataset,
    datasetVersion,
    createdAt: new Date().toISOString(),
    sources: curated.sources,
    counts: curated.counts,
    labels: curated.labels,
    curatedKeys: out.curated,
    quarantineKey: quarantineBody ? out.quarantine : null,
  };
  const body = `${JSON.stringify(manifest, null, 2)}\n`;
  await store.put(out.manifest, body);
  await store.put(args.manifest_key, body); // last: the manifest at manifest_key means the run completed
  log.info({ dataset: args.dataset, datasetVersion, counts: curated.counts }, "etl done");
  return manifest;
}
