/**
 * The exact feature spec of a corpus Preprocess does not read whole (ADR 0007): the CountTerms
 * Map's children count the document frequencies of their shards' training rows and write them
 * partitioned by term; MergeTerms sums the partitions one at a time and keeps the top terms.
 * The spec is the one a single pass over every training row would give, in bounded memory.
 */
import {
  type CountShardTermsInput,
  type CountShardTermsOutput,
  CountShardTermsOutput as CountShardTermsResult,
  Manifest,
  type MergeTermsInput,
  type MergeTermsOutput,
} from "../contracts.ts";
import { readJson } from "../json-lines.ts";
import { FeatureOptions, FeatureSpecBuilder, featureLimit, specFromTerms } from "../ml/feature-spec.ts";
import { decodeTermTable, encodeTermTable, partitionOf, type TermCount, TopTerms } from "../ml/term-tables.ts";
import { childIndex, padded, readMapOutputs, splitRows } from "./shards.ts";
import type { StepPorts } from "./step-ports.ts";

/** Where a child's table of one partition is. */
export const termTableKey = (runId: string, part: number, child: number) =>
  `runs/${runId}/terms/part-${padded(part)}/child-${padded(child)}.tsv`;

const labelsOf = async (ports: StepPorts, manifestKey: string) =>
  Object.keys((await readJson(ports.data, manifestKey, Manifest)).labels).sort();

/**
 * A child of the CountTerms Map: the document frequency of every term of its shards' training rows
 * (exact: no pruning; its memory is bounded by its own rows, `rowsPerChild`).
 */
export async function countShardTerms(ports: StepPorts, input: CountShardTermsInput): Promise<CountShardTermsOutput> {
  const { BatchInput: job, Items: items } = input;
  const builder = new FeatureSpecBuilder(await labelsOf(ports, job.manifestKey), {
    maxCandidates: Number.MAX_SAFE_INTEGER,
  });
  for await (const row of splitRows(
    ports.data,
    items.map((item) => item.key),
    "train",
  ))
    builder.add(row);
  const parts: TermCount[][] = Array.from({ length: job.termParts }, () => []);
  let terms = 0;
  for (const entry of builder.terms()) {
    parts[partitionOf(entry[0], job.termParts)]?.push(entry);
    terms++;
  }
  const index = childIndex(items);
  await Promise.all(
    parts.map((entries, part) => ports.data.put(termTableKey(job.runId, part, index), encodeTermTable(entries))),
  );
  return { index, documents: builder.documentCount, terms };
}

/**
 * Sums the children's tables partition by partition (a term is in one partition only) and writes
 * the spec of the top terms, as FeatureSpecBuilder chooses them. Memory: one partition's distinct
 * terms and the selection (2 × the vocabulary cap).
 */
export async function mergeTerms(ports: StepPorts, input: MergeTermsInput): Promise<MergeTermsOutput> {
  const labels = await labelsOf(ports, input.manifestKey);
  const outputs = await readMapOutputs(ports.data, input.results, CountShardTermsResult, input.children);
  const options = FeatureOptions.parse({});
  const top = new TopTerms(featureLimit(options, labels.length), options.minDf);
  const decoder = new TextDecoder();
  for (let part = 0; part < input.termParts; part++) {
    const sums = new Map<string, number>();
    for (const { index } of outputs) {
      const text = decoder.decode(await ports.data.get(termTableKey(input.runId, part, index)));
      for (const [term, df] of decodeTermTable(text)) sums.set(term, (sums.get(term) ?? 0) + df);
    }
    for (const [term, df] of sums) top.offer(term, df);
  }
  const documents = outputs.reduce((sum, o) => sum + o.documents, 0);
  const spec = specFromTerms(labels, options, documents, top.result());
  await ports.data.put(input.featureSpecKey, JSON.stringify(spec));
  return { featureSpecKey: input.featureSpecKey, documents, features: spec.vocabulary.length };
}
