/**
 * A Distributed Map's items and its children's inputs: ItemReader (an object of the folder store:
 * a JSON array, JSON Lines, or an S3 Inventory manifest), ReaderConfig.MaxItems, ItemSelector,
 * then ItemBatcher (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html,
 * …/input-output-itembatcher.html). Item lists stay in objects: payloads carry keys only.
 */
import { gunzipSync } from "node:zlib";
import type { ObjectStore } from "@tollgate/core/ports";
import { readCsv } from "../../etl/csv.ts";
import { splitLines } from "../../etl/decode.ts";
import { States, StatesError } from "../asl/errors.ts";
import { itemInput } from "../asl/fan-out.ts";
import { MAX_PAYLOAD_BYTES } from "../asl/interpreter.ts";
import { applyTemplate, type ContextObject, payloadBytes, query } from "../asl/paths.ts";
import type { AslState } from "../asl/types.ts";

/** The local object stores by the bucket names the definition uses. */
export type Buckets = Record<string, ObjectStore>;

interface ItemReader {
  Resource: string;
  ReaderConfig?: { InputType?: string; MaxItems?: number; MaxItemsPath?: string };
  Parameters?: Record<string, unknown>;
}
interface ItemBatcher {
  MaxItemsPerBatch?: number;
  MaxItemsPerBatchPath?: string;
  MaxInputBytesPerBatch?: number;
  MaxInputBytesPerBatchPath?: string;
  BatchInput?: unknown;
}

const readerFailed = (message: string) => new StatesError(States.ItemReaderFailed, message);

export function bucketOf(buckets: Buckets, name: unknown, fail: (message: string) => StatesError): ObjectStore {
  const store = typeof name === "string" ? buckets[name] : undefined;
  if (!store) throw fail(`no local bucket named ${String(name)} (local buckets: ${Object.keys(buckets).join(", ")})`);
  return store;
}

async function getText(store: ObjectStore, key: string): Promise<string> {
  try {
    const bytes = await store.get(key);
    return new TextDecoder().decode(key.endsWith(".gz") ? gunzipSync(bytes) : bytes);
  } catch (err) {
    if (err instanceof StatesError) throw err;
    throw readerFailed(`cannot read ${key}: ${(err as Error).message}`);
  }
}

function parseJson(text: string, key: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw readerFailed(`${key} is not JSON: ${(err as Error).message}`);
  }
}

/** S3 Inventory: manifest.json lists CSV files whose rows, named by `fileSchema`, are the items. */
async function inventoryItems(store: ObjectStore, key: string): Promise<unknown[]> {
  const manifest = parseJson(await getText(store, key), key) as {
    fileFormat?: string;
    fileSchema?: string;
    files?: { key: string }[];
  };
  if (manifest.fileFormat !== "CSV" || !manifest.fileSchema || !manifest.files)
    throw readerFailed(`${key} is not an S3 Inventory manifest of CSV files`);
  const columns = manifest.fileSchema.split(",").map((c) => c.trim());
  const items: unknown[] = [];
  for (const file of manifest.files) {
    const text = await getText(store, file.key);
    for (const record of readCsv(splitLines(new TextEncoder().encode(text)))) {
      if (!record.fields) throw readerFailed(`${file.key} line ${record.line} is not valid CSV`);
      items.push(Object.fromEntries(columns.map((c, i) => [c, record.fields?.[i] ?? ""])));
    }
  }
  return items;
}

/** Reads the items an ItemReader names. */
export async function readItems(state: AslState, input: unknown, context: ContextObject, buckets: Buckets) {
  const reader = state.ItemReader as ItemReader;
  const params = applyTemplate(reader.Parameters ?? {}, input, context) as { Bucket?: string; Key?: string };
  const store = bucketOf(buckets, params.Bucket, readerFailed);
  const key = String(params.Key ?? "");
  const type = reader.ReaderConfig?.InputType;
  let items: unknown[];
  if (type === "MANIFEST") items = await inventoryItems(store, key);
  else if (type === "JSONL") {
    items = (await getText(store, key))
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line, i) => parseJson(line, `${key} line ${i + 1}`));
  } else {
    const value = parseJson(await getText(store, key), key);
    if (!Array.isArray(value)) throw readerFailed(`${key} does not hold a JSON array`);
    items = value;
  }
  const config = reader.ReaderConfig ?? {};
  const max = config.MaxItemsPath ? Number(query(config.MaxItemsPath, input, context)) : config.MaxItems;
  return max !== undefined && max > 0 ? items.slice(0, max) : items;
}

/** One child execution's work: its input and the items it covers. */
export interface ChildJob {
  index: number;
  input: unknown;
  items: number;
}

/** ItemSelector on each item, then ItemBatcher: the inputs of the child executions, in item order. */
export function childJobs(state: AslState, input: unknown, context: ContextObject, items: unknown[]): ChildJob[] {
  const selected = items.map((item, i) => itemInput(state, input, context, i, item));
  const batcher = state.ItemBatcher as ItemBatcher | undefined;
  if (!batcher) return selected.map((value, index) => ({ index, input: value, items: 1 }));
  const number = (value: number | undefined, path: string | undefined) =>
    path ? Number(query(path, input, context)) : value;
  const maxItems = number(batcher.MaxItemsPerBatch, batcher.MaxItemsPerBatchPath) ?? Number.POSITIVE_INFINITY;
  const maxBytes = Math.min(
    number(batcher.MaxInputBytesPerBatch, batcher.MaxInputBytesPerBatchPath) ?? MAX_PAYLOAD_BYTES,
    MAX_PAYLOAD_BYTES,
  );
  const batchInput = batcher.BatchInput === undefined ? undefined : applyTemplate(batcher.BatchInput, input, context);
  const make = (batch: unknown[]) =>
    batchInput === undefined ? { Items: batch } : { BatchInput: batchInput, Items: batch };
  const empty = payloadBytes(make([]));
  const jobs: ChildJob[] = [];
  let batch: unknown[] = [];
  let bytes = empty;
  const flush = () => {
    if (batch.length === 0) return;
    jobs.push({ index: jobs.length, input: make(batch), items: batch.length });
    batch = [];
    bytes = empty;
  };
  for (const item of selected) {
    const size = payloadBytes(item) + (batch.length > 0 ? 1 : 0);
    if (batch.length > 0 && (batch.length >= maxItems || bytes + size > maxBytes)) flush();
    bytes += payloadBytes(item) + (batch.length > 0 ? 1 : 0);
    batch.push(item);
  }
  flush();
  return jobs;
}
