/** What either path of the local ETL (memory.ts, bounded.ts) hands to runEtl to put into the store. */
import type { Manifest } from "@tollgate/core/contracts";
import type { OutputFile, QuarantineShards } from "./quarantine.ts";
import type { ShardResult } from "./tasks.ts";

export interface CuratedOutput {
  /** Every file read, in key order: its records and how many were quarantined. */
  sources: Manifest["sources"];
  counts: Manifest["counts"];
  /** The curated shards, in order (none when no row is valid). */
  shards: (ShardResult & Pick<OutputFile, "read">)[];
  quarantine: QuarantineShards;
}
