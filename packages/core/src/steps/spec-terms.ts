/**
 * The exact feature spec of a corpus Preprocess does not read whole (ADR 0007): the CountTerms
 * Map's children count the document frequencies of their shards' training rows and write them
 * partitioned by term; the MergeTerms Map's children each sum some partitions over every table and
 * keep their top terms; SelectTerms picks the top terms among those candidates. The spec is the one
 * a single pass over every training row would give, in bounded memory, at any number of children.
 */
import {
  type CountShardTermsInput,
  type CountShardTermsOutput,
  CountShardTermsOutput as CountShardTermsResult,
  Manifest,
  type MergeTermPartsInput,
  type MergeTermPartsOutput,
  MergeTermPartsOutput as MergeTermPartsResult,
  type SelectTermsInput,
  type SelectTermsOutput,
} from "../contracts.ts";
import { InvalidInputError } from "../errors.ts";
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

/** Where a MergeTerms child writes its candidates (the top terms of its partitions). */
export const termCandidatesKey = (runId: string, index: number) => `runs/${runId}/terms/top-${padded(index)}.tsv`;

/** The vocabulary cap and minDf of a spec over these labels (FeatureSpecBuilder's defaults). */
const selection = (labels: readonly string[]) => {
  const options = FeatureOptions.parse({});
  return { options, top: new TopTerms(featureLimit(options, labels.length), options.minDf) };
};

/**
 * A child of the MergeTerms Map: sums each of its partitions over every CountTerms child's table (a
 * term is in one partition only, so each sum is its exact document frequency) and keeps the top
 * terms of its partitions: every term of the spec among them is in its candidates. Memory: one
 * partition's distinct terms and the selection (2 × the vocabulary cap).
 */
export async function mergeTermParts(ports: StepPorts, input: MergeTermPartsInput): Promise<MergeTermPartsOutput> {
  const { BatchInput: job, Items: items } = input;
  const counted = await readMapOutputs(ports.data, job.results, CountShardTermsResult, job.children);
  const { top } = selection(await labelsOf(ports, job.manifestKey));
  const decoder = new TextDecoder();
  for (const { part } of items) {
    const sums = new Map<string, number>();
    for (const { index } of counted) {
      const text = decoder.decode(await ports.data.get(termTableKey(job.runId, part, index)));
      for (const [term, df] of decodeTermTable(text)) sums.set(term, (sums.get(term) ?? 0) + df);
    }
    for (const [term, df] of sums) top.offer(term, df);
  }
  const candidates = top.result();
  const index = Math.min(...items.map((item) => item.part));
  await ports.data.put(termCandidatesKey(job.runId, index), encodeTermTable(candidates));
  const documents = counted.reduce((sum, o) => sum + o.documents, 0);
  return { index, documents, candidates: candidates.length };
}

/**
 * SelectTerms: the top terms among the MergeTerms children's candidates (the spec's terms are all
 * there, and the order is total, so the result is the one selection over every term would give),
 * written as the feature spec. Memory: the selection only (2 × the vocabulary cap).
 * @throws InvalidInputError when the children disagree on the document count.
 */
export async function selectTerms(ports: StepPorts, input: SelectTermsInput): Promise<SelectTermsOutput> {
  const labels = await labelsOf(ports, input.manifestKey);
  const outputs = await readMapOutputs(ports.data, input.results, MergeTermPartsResult, input.children);
  const documents = new Set(outputs.map((o) => o.documents));
  if (documents.size !== 1) {
    throw new InvalidInputError(`MergeTerms children counted different documents (${[...documents]}): not one run's`);
  }
  const { options, top } = selection(labels);
  const decoder = new TextDecoder();
  for (const { index } of outputs) {
    const text = decoder.decode(await ports.data.get(termCandidatesKey(input.runId, index)));
    for (const [term, df] of decodeTermTable(text)) top.offer(term, df);
  }
  const spec = specFromTerms(labels, options, [...documents][0] ?? 0, top.result());
  await ports.data.put(input.featureSpecKey, JSON.stringify(spec));
  return { featureSpecKey: input.featureSpecKey, documents: spec.documents, features: spec.vocabulary.length };
}
