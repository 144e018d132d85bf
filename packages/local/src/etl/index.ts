/** The local ETL runner (same rules as the Glue job in jobs/; spec: docs/etl-rules.md). */
export { type Curated, curate, curatedLine, curatedShards, datasetVersionOf } from "./curate.ts";
export { type ParsedRecord, parseFile } from "./parse.ts";
export * from "./rules.ts";
export { outputKeys, runEtl } from "./run.ts";
