import { CuratedRow, Manifest, type PreprocessInput, type PreprocessOutput } from "../contracts.ts";
import { InvalidDatasetError } from "../errors.ts";
import { encodeJsonLines, readJson, readJsonLines } from "../json-lines.ts";
import { FeatureSpecBuilder } from "../ml/feature-spec.ts";
import { type SplitName, splitOf } from "../ml/split.ts";
import type { StepPorts } from "./step-ports.ts";

/**
 * The most labels a model may have: the model holds a weight per feature and label, so ten
 * thousand labels would mean gigabytes; such data is almost always a mislabeled column.
 */
export const MAX_CLASSES = 500;

/** Rows per shard: shards bound the memory of every step that reads them. */
export const SHARD_ROWS = 20_000;
const SPLITS: SplitName[] = ["train", "validation", "test"];

/**
 * Splits the curated dataset deterministically (a document's split is a hash of its normalized
 * text, so it never moves across runs), writes shards and the feature spec built on the train split.
 * The spec is counted while splitting: the step reads only the manifest and the curated data
 * (its role may not read `prepared/`, see STEPS in stacks/Pipeline.ts).
 * @example const out = await preprocess(ports, { runId, dataset: "wordnet", manifestKey: "runs/r1/manifest.json" });
 * @throws InvalidDatasetError when fewer than two labels, or a split would be empty.
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
  const splits: Record<SplitName, string[]> = { train: [], validation: [], test: [] };
  const counts: Record<SplitName, number> = { train: 0, validation: 0, test: 0 };
  const buffers: Record<SplitName, CuratedRow[]> = { train: [], validation: [], test: [] };
  const flush = async (split: SplitName) => {
    const key = `${base}${split}-${String(splits[split].length).padStart(5, "0")}.jsonl`;
    await ports.data.put(key, encodeJsonLines(buffers[split]));
    splits[split].push(key);
    buffers[split] = [];
  };
  const spec = new FeatureSpecBuilder(labels);
  for await (const row of readJsonLines(
    ports.data,
    manifest.shards.map((s) => s.key),
    CuratedRow,
  )) {
    const split = splitOf(row.text);
    if (split === "train") spec.add(row);
    buffers[split].push(row);
    counts[split]++;
    if (buffers[split].length >= SHARD_ROWS) await flush(split);
  }
  for (const split of SPLITS) if (buffers[split].length > 0) await flush(split);
  const empty = SPLITS.filter((s) => counts[s] === 0);
  if (empty.length > 0) {
    throw new InvalidDatasetError(
      `dataset ${input.dataset} has ${manifest.counts.valid} valid rows: too few to fill the ${empty.join(" and ")} split(s); add more rows (at least a few dozen)`,
    );
  }
  const featureSpecKey = `${base}features.json`;
  await ports.data.put(featureSpecKey, JSON.stringify(spec.build()));
  return { datasetVersion: manifest.datasetVersion, splits, counts, classes: labels.length, featureSpecKey };
}
