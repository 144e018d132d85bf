/**
 * Runs the local ETL runner over a folder that stands for the data bucket — the same arguments
 * as jobs/etl_job.py, so the parity test (jobs/tests/test_parity.py) can run both:
 *
 *   pnpm exec tsx scripts/etl-local.ts --store_root DIR --dataset NAME --raw_prefix raw/NAME/ \
 *     --curated_prefix curated/NAME/ --quarantine_prefix quarantine/NAME/ --manifest_key runs/x/manifest.json
 *
 * Prints the manifest as JSON on stdout; exits 2 with the message on stderr for InvalidDatasetError.
 */
import { parseArgs } from "node:util";
import { EtlArguments } from "@tollgate/core/contracts";
import { InvalidDatasetError } from "@tollgate/core/errors";
import { runEtl } from "../packages/local/src/etl/index.ts";
import { FolderObjectStore } from "../packages/local/src/stores/object-store.ts";

const names = ["store_root", "dataset", "raw_prefix", "curated_prefix", "quarantine_prefix", "manifest_key"] as const;
const { values } = parseArgs({ options: Object.fromEntries(names.map((n) => [n, { type: "string" }])) });
if (!values.store_root) throw new Error("--store_root is required");
const args = EtlArguments.parse(values);
try {
  const manifest = await runEtl(new FolderObjectStore(values.store_root as string), args);
  process.stdout.write(`${JSON.stringify(manifest)}\n`);
} catch (err) {
  if (!(err instanceof InvalidDatasetError)) throw err;
  process.stderr.write(`${err.name}: ${err.message}\n`);
  process.exitCode = 2;
}
