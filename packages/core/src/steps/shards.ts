/**
 * What the Map children share: the rows of one split among their curated shards (a row's split is
 * a hash of its text, so a child needs nothing but its shards to know it), their place in the Map,
 * and the outputs of a Map's children as its ResultWriter wrote them.
 */
import { z } from "zod";
import { CuratedRow, type MapResults, type ShardItem } from "../contracts.ts";
import { InvalidInputError } from "../errors.ts";
import { readJson } from "../json-lines.ts";
import { jsonLinesOf } from "../json-lines-reader.ts";
import { type SplitName, splitOf } from "../ml/split.ts";
import type { ObjectStore } from "../ports.ts";

/**
 * The rows of `split` in the given curated shards, in their order.
 * @example for await (const row of splitRows(store, keys, "test")) texts.push(row.text);
 */
export async function* splitRows(store: ObjectStore, keys: readonly string[], split: SplitName) {
  for (const key of keys)
    for (const row of jsonLinesOf(await store.get(key), key, CuratedRow)) if (splitOf(row.text) === split) yield row;
}

/** A child's place among the Map's children: the index of its first shard (the merge's order). */
export const childIndex = (items: readonly ShardItem[]): number => Math.min(...items.map((item) => item.index));

/** A zero-padded index for object keys that sort in child order. */
export const padded = (index: number): string => String(index).padStart(6, "0");

/** ResultWriter's manifest: where the result files of each status are. */
const ResultManifest = z.object({
  ResultFiles: z.object({
    SUCCEEDED: z.array(z.object({ Key: z.string() })).default([]),
    FAILED: z.array(z.object({ Key: z.string() })).default([]),
  }),
});
/** One child in a result file (as DescribeExecution shows it; the output is a JSON string). */
const ResultEntry = z.object({ Name: z.string().optional(), Status: z.string(), Output: z.string().optional() });

/**
 * The outputs of a Distributed Map's succeeded children, parsed with `schema`, from the files its
 * ResultWriter wrote (`results` is the Map state's result; the files are in `store`).
 * @throws InvalidInputError when a child failed, or the outputs number other than `expected`.
 * @example const outputs = await readMapOutputs(ports.data, input.results, TrainShardOutput, input.children);
 */
export async function readMapOutputs<S extends z.ZodType>(
  store: ObjectStore,
  results: MapResults,
  schema: S,
  expected: number,
): Promise<z.infer<S>[]> {
  const manifest = await readJson(store, results.ResultWriterDetails.Key, ResultManifest);
  if (manifest.ResultFiles.FAILED.length > 0) {
    throw new InvalidInputError(`Map Run ${results.MapRunArn} has failed children: nothing to combine`);
  }
  const outputs: z.infer<S>[] = [];
  for (const file of manifest.ResultFiles.SUCCEEDED) {
    for (const entry of await readJson(store, file.Key, z.array(ResultEntry))) {
      const parsed = schema.safeParse(JSON.parse(entry.Output ?? "null"));
      if (!parsed.success) {
        throw new InvalidInputError(
          `child ${entry.Name ?? "?"} of ${results.MapRunArn} returned ${parsed.error.message}`,
        );
      }
      outputs.push(parsed.data);
    }
  }
  if (outputs.length !== expected) {
    throw new InvalidInputError(`Map Run ${results.MapRunArn} has ${outputs.length} results, expected ${expected}`);
  }
  return outputs;
}
