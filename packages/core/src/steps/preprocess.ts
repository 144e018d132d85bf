import {
  CuratedRow,
  type FanOut,
  Manifest,
  type PreprocessInput,
  type PreprocessOutput,
  type ScaleSettings,
  type ShardItem,
  type SplitCounts,
  type TermFanOut,
  type TermPart,
} from "../contracts.ts";
import { InvalidDatasetError } from "../errors.ts";
import { encodeJsonLines, readJson } from "../json-lines.ts";
import { jsonLinesOf } from "../json-lines-reader.ts";
import { FeatureSpecBuilder } from "../ml/feature-spec.ts";
import { type SplitName, splitOf } from "../ml/split.ts";
import { HandoffWriter, handoffKeys } from "./handoff.ts";
import type { StepPorts } from "./step-ports.ts";

/**
 * The most labels a model may have: the model holds a weight per feature and label, so ten
 * thousand labels would mean gigabytes; such data is almost always a mislabeled column.
 */
export const MAX_CLASSES = 500;

const SPLITS: SplitName[] = ["train", "validation", "test"];

/**
 * How the Maps fan out: as many shards per child as make about `rowsPerChild` curated rows.
 * @example fanOutOf(shards, { rowsPerChild: 1_000_000, mapConcurrency: 100, specSampleRows: 1e6 }) // { children: 12, shardsPerChild: 10, … }
 */
export function fanOutOf(
  shards: readonly { rows: number }[],
  scale: Pick<ScaleSettings, "rowsPerChild" | "mapConcurrency">,
): FanOut {
  const mean = Math.max(1, Math.round(shards.reduce((sum, s) => sum + s.rows, 0) / shards.length));
  const shardsPerChild = Math.max(1, Math.floor(scale.rowsPerChild / mean));
  return {
    children: Math.ceil(shards.length / shardsPerChild),
    shardsPerChild,
    maxConcurrency: scale.mapConcurrency,
  };
}

/**
 * How the MergeTerms Map fans out over `termParts` partitions: at most `mapConcurrency` children
 * (one wave), each summing ⌈termParts / mapConcurrency⌉ partitions one after another.
 * @example termFanOutOf(2000, 300, "prepared/d/v/term-parts.json") // { partsPerChild: 7, children: 286, … }
 */
export function termFanOutOf(termParts: number, mapConcurrency: number, partsKey: string): TermFanOut {
  const partsPerChild = Math.ceil(termParts / mapConcurrency);
  return { partsKey, partsPerChild, children: Math.ceil(termParts / partsPerChild) };
}

/**
 * Prepares a dataset for the Train and Evaluate Maps, in memory and time bounded by its samples,
 * whatever the corpus size (docs/adr/0007-feature-spec-from-a-sample.md). A row's split is a hash
 * of its normalized text (it never moves across runs), so the Map children split their own shards
 * as they read them; Preprocess reads curated shards in manifest order only until it has:
 * - up to `sampleRows` (100,000: selection's own bound) training rows and validation rows
 *   (selection, early stopping);
 * - the feature spec, while at most `specSampleRows` training rows have been met.
 * A dataset of at most that many rows is read whole: the spec and counts are then exact, and the
 * spec is written here. Otherwise (`exact: false`) the CountTerms Map and MergeTerms count the
 * exact spec over every shard, in `termParts` partitions of the terms (spec-terms.ts).
 * It writes the samples and the lists the Maps read (`shards.json`; `term-parts.json` when not
 * exact) under `prepared/`, and the token ids of the training rows of every shard it counted whole
 * (`tokens/`, handoff.ts), so that Train does not tokenize them again.
 * @example const out = await preprocess(ports, { runId, dataset: "wordnet", manifestKey: "runs/r1/manifest.json", scale });
 * @throws InvalidDatasetError when fewer than two labels (or more than 500), or a split would be empty.
 */
export async function preprocess(ports: StepPorts, input: PreprocessInput): Promise<PreprocessOutput> {
  const manifest = await readJson(ports.data, input.manifestKey, Manifest);
  const labels = Object.keys(manifest.labels).sort();
  if (labels.length < 2) {
    throw new InvalidDatasetError(
      `dataset ${input.dataset} has ${labels.length} label(s) (${labels.join(", ") || "none"}); a classifier needs at least two: add rows of another label`,
    );
  }
  if (labels.length > MAX_CLASSES) {
    throw new InvalidDatasetError(
      `dataset ${input.dataset} has ${labels.length} distinct labels (at most ${MAX_CLASSES}): check that the label field holds a class, not free text or an id`,
    );
  }
  const base = `prepared/${input.dataset}/${manifest.datasetVersion}/`;
  const spec = new FeatureSpecBuilder(labels);
  const counts: SplitCounts = { train: 0, validation: 0, test: 0 };
  const samples: Record<"train" | "validation", CuratedRow[]> = { train: [], validation: [] };
  let specRows = 0;
  let read = 0;
  const { specSampleRows, sampleRows } = input.scale;
  const full = () =>
    specRows >= specSampleRows && samples.train.length >= sampleRows && samples.validation.length >= sampleRows;
  // The token ids of every shard whose training rows are all counted, for Train (tokenize once).
  const handoff = new HandoffWriter(labels, handoffKeys(`${base}features.json`));
  for (const [index, shard] of manifest.shards.entries()) {
    if (full()) break;
    const counting = specRows < specSampleRows;
    if (counting) handoff.begin();
    for (const row of jsonLinesOf(await ports.data.get(shard.key), shard.key, CuratedRow)) {
      const split = splitOf(row.text);
      counts[split]++;
      if (split === "test") continue;
      if (split === "train" && counting) {
        handoff.row(row.label, spec.add(row));
        specRows++;
      }
      if (samples[split].length < sampleRows) samples[split].push(row);
    }
    if (counting) await handoff.endShard(ports.data, index, shard.key, spec.tokens.length);
    read++;
  }
  // exact: every row read and every training row counted into the spec
  const exact = read === manifest.shards.length && specRows === counts.train;
  const empty = SPLITS.filter((s) => counts[s] === 0);
  if (empty.length > 0) {
    throw new InvalidDatasetError(
      `dataset ${input.dataset} has ${manifest.counts.valid} valid rows: too few to fill the ${empty.join(" and ")} split(s); add more rows (at least a few dozen)`,
    );
  }
  const shards: ShardItem[] = manifest.shards.map((s, index) => ({ index, key: s.key, rows: s.rows }));
  const keys = {
    featureSpecKey: `${base}features.json`,
    shardsKey: `${base}shards.json`,
    train: `${base}sample-train.jsonl`,
    validation: `${base}sample-validation.jsonl`,
    termParts: `${base}term-parts.json`,
  };
  // one partition holds about the distinct terms of specSampleRows rows: the memory Preprocess's own count has
  const termParts = Math.max(1, Math.ceil(manifest.counts.valid / specSampleRows));
  if (exact) await ports.data.put(keys.featureSpecKey, JSON.stringify(spec.build()));
  else {
    const parts: TermPart[] = Array.from({ length: termParts }, (_, part) => ({ part }));
    await ports.data.put(keys.termParts, JSON.stringify(parts));
  }
  await ports.data.put(keys.shardsKey, JSON.stringify(shards));
  await handoff.finish(ports.data, spec.tokens);
  await ports.data.put(keys.train, encodeJsonLines(samples.train));
  await ports.data.put(keys.validation, encodeJsonLines(samples.validation));
  return {
    datasetVersion: manifest.datasetVersion,
    counts,
    exact,
    classes: labels.length,
    featureSpecKey: keys.featureSpecKey,
    shardsKey: keys.shardsKey,
    samples: { train: keys.train, validation: keys.validation },
    fanOut: fanOutOf(shards, input.scale),
    termParts,
    termMerge: termFanOutOf(termParts, input.scale.mapConcurrency, keys.termParts),
  };
}
