/** The local ETL runner (same rules as the Glue job in jobs/; spec: docs/etl-rules.md). */

export { SEGMENT_BYTES } from "./bounded.ts";
export { BinaryFileError, iterLines, splitLines } from "./decode.ts";
export { MEMORY_BYTES } from "./memory.ts";
export { fileRecord, type ParsedRecord, parseFile, parseLines } from "./parse.ts";
export * from "./rules.ts";
export { type EtlOptions, outputKeys, runEtl } from "./run.ts";
export { curatedLine } from "./tasks.ts";
