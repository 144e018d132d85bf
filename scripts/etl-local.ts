/**
 * Runs the local ETL runner over a folder that stands for the data bucket — the same arguments
 * as jobs/etl_job.py, so the parity test (jobs/tests/test_parity.py) can run both:
 *
 *   pnpm exec tsx scripts/etl-local.ts --store_root DIR --run_id x --dataset NAME --raw_prefix raw/NAME/ \
 *     --curated_prefix curated/NAME/ --quarantine_prefix quarantine/NAME/ --manifest_key runs/x/manifest.json
 *
 * Optional, for tests and benchmarks: --memory_bytes N (the small-input cap; 0: always the bounded path),
 * --workers N (the bounded path's threads; 0: inline), --shard_rows, --shard_bytes, --quarantine_rows.
 * Prints the manifest as JSON on stdout; exits 2 with the message on stderr for InvalidDatasetError.
 */
import { parseArgs } from "node:util";
import { EtlArguments } from "@tollgate/core/contracts";
import { InvalidDatasetError } from "@tollgate/core/errors";
import { type EtlOptions, runEtl } from "../packages/local/src/etl/index.ts";
import { FolderObjectStore } from "../packages/local/src/stores/object-store.ts";

const names = ["store_root", "run_id", "dataset", "raw_prefix", "curated_prefix", "quarantine_prefix", "manifest_key"];
const numbers = ["memory_bytes", "workers", "shard_rows", "shard_bytes", "quarantine_rows"];
const { values } = parseArgs({
  options: Object.fromEntries([...names, ...numbers].map((n) => [n, { type: "string" }])),
});
if (!values.store_root) throw new Error("--store_root is required");
const args = EtlArguments.parse(values);
const number = (name: string) => (values[name] === undefined ? undefined : Number(values[name]));
const limits = {
  shardRows: number("shard_rows"),
  shardBytes: number("shard_bytes"),
  quarantineRows: number("quarantine_rows"),
};
const options: EtlOptions = {
  limits: Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)),
  ...(values.workers === undefined ? {} : { workers: Number(values.workers) }),
  ...(values.memory_bytes === undefined ? {} : { memoryBytes: Number(values.memory_bytes) }),
};
try {
  const manifest = await runEtl(new FolderObjectStore(values.store_root as string), args, options);
  process.stdout.write(`${JSON.stringify(manifest)}\n`);
} catch (err) {
  if (!(err instanceof InvalidDatasetError)) throw err;
  process.stderr.write(`${err.name}: ${err.message}\n`);
  process.exitCode = 2;
}
