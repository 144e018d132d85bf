/** The local ETL runner (same rules as the Glue job in jobs/; spec: docs/etl-rules.md). */
export { BinaryFileError, iterLines, splitLines } from "./decode.ts";
export { fileRecord, type ParsedRecord, parseFile, parseLines } from "./parse.ts";
export * from "./rules.ts";
export { type EtlOptions, outputKeys, runEtl, SEGMENT_BYTES } from "./run.ts";
export { curatedLine } from "./tasks.ts";
