/**
 * Which Distributed Map fields the local map runner implements. Anything else is refused by name
 * when the definition is loaded (the other local emulators' trackers show users trip over fields
 * that are silently ignored: ItemReader, ItemBatcher, ResultWriter, tolerated failures, Label).
 */
import type { AslState } from "../asl/types.ts";

/** Map-level fields of a Distributed Map state the runner reads. */
export const MAP_FIELDS = new Set([
  "Type",
  "Comment",
  "Next",
  "End",
  "InputPath",
  "OutputPath",
  "ResultPath",
  "ResultSelector",
  "Retry",
  "Catch",
  "ItemsPath",
  "ItemSelector",
  "ItemProcessor",
  "ItemReader",
  "ItemBatcher",
  "ResultWriter",
  "MaxConcurrency",
  "MaxConcurrencyPath",
  "ToleratedFailurePercentage",
  "ToleratedFailurePercentagePath",
  "ToleratedFailureCount",
  "ToleratedFailureCountPath",
  "Label",
]);

export const S3_GET_OBJECT = "arn:aws:states:::s3:getObject";
export const S3_PUT_OBJECT = "arn:aws:states:::s3:putObject";
/** ItemReader input types read from an object: a JSON array, JSON Lines, an S3 Inventory manifest. */
export const INPUT_TYPES = new Set(["JSON", "JSONL", "MANIFEST"]);
const READER_CONFIG = new Set(["InputType", "MaxItems", "MaxItemsPath"]);
const BATCHER_FIELDS = new Set([
  "MaxItemsPerBatch",
  "MaxItemsPerBatchPath",
  "MaxInputBytesPerBatch",
  "MaxInputBytesPerBatchPath",
  "BatchInput",
]);

const unknownKeys = (value: unknown, allowed: Set<string>) =>
  Object.keys((value ?? {}) as object).filter((k) => !allowed.has(k.replace(/\.\$$/, "")));

/** What a Distributed Map state uses that the local map runner does not implement. */
export function distributedMapProblems(path: string, state: AslState): string[] {
  const problems: string[] = [];
  const at = (what: string) => problems.push(`Distributed Map "${path}" uses ${what}`);
  for (const field of Object.keys(state)) if (!MAP_FIELDS.has(field)) at(field);
  if (state.Parameters !== undefined) at("Parameters (use ItemSelector)");
  const config = state.ItemProcessor?.ProcessorConfig ?? {};
  if (config.ExecutionType !== undefined && config.ExecutionType !== "STANDARD")
    at(`ProcessorConfig.ExecutionType ${config.ExecutionType} (only STANDARD child workflows run locally)`);
  const reader = state.ItemReader as { Resource?: string; ReaderConfig?: Record<string, unknown> } | undefined;
  if (reader) {
    const type = reader.ReaderConfig?.InputType;
    if (reader.Resource !== S3_GET_OBJECT) at(`ItemReader.Resource ${reader.Resource} (only s3:getObject)`);
    else if (!INPUT_TYPES.has(String(type)))
      at(`ItemReader.ReaderConfig.InputType ${String(type)} (only JSON, JSONL, MANIFEST)`);
    for (const key of unknownKeys(reader.ReaderConfig, READER_CONFIG)) at(`ItemReader.ReaderConfig.${key}`);
    const params = (reader as { Parameters?: unknown }).Parameters;
    for (const key of unknownKeys(params, new Set(["Bucket", "Key"]))) at(`ItemReader.Parameters.${key}`);
  }
  for (const key of unknownKeys(state.ItemBatcher, BATCHER_FIELDS)) at(`ItemBatcher.${key}`);
  const writer = state.ResultWriter as { Resource?: string; WriterConfig?: unknown } | undefined;
  if (writer) {
    if (writer.Resource !== S3_PUT_OBJECT) at(`ResultWriter.Resource ${writer.Resource}`);
    if (writer.WriterConfig !== undefined) at("ResultWriter.WriterConfig");
    const params = (writer as { Parameters?: unknown }).Parameters;
    for (const key of unknownKeys(params, new Set(["Bucket", "Prefix"]))) at(`ResultWriter.Parameters.${key}`);
  }
  return problems;
}
