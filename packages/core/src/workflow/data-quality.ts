/**
 * A run's data quality, from what its Etl step wrote (runs/<run>/manifest.json and the quarantine
 * shards): rows read, valid, duplicates, quarantined per reason, label counts with the smallest
 * classes, and a label-shift warning against the live model's training data.
 *
 * Label shift is measured as the **total variation distance** between the two label distributions,
 * TVD = ½ Σ |p(label) − q(label)| over the union of labels: the share of rows that would have to
 * change label for one distribution to match the other (0 = same proportions, 1 = disjoint labels).
 * It is bounded, symmetric, needs no smoothing for labels missing on one side, and reads directly
 * as "x% of the data moved". A shift of {@link LABEL_SHIFT_WARNING} or more is flagged (docs/data-quality.md).
 */
import { Manifest, QuarantineRecord, runManifestKey } from "../contracts.ts";
import { ObjectNotFoundError } from "../errors.ts";
import { tryJsonParse } from "../json.ts";
import { readJson } from "../json-lines.ts";
import type { ObjectStore, Registry } from "../ports.ts";

/** TVD at or above which `show` warns. */
export const LABEL_SHIFT_WARNING = 0.2;

export interface QualityPorts {
  registry: Registry;
  data: ObjectStore;
}

export interface LabelShift {
  /** The live version whose training data is the baseline, and the run that made it. */
  baseline: { version: string; runId: string };
  /** Total variation distance of the label distributions, 0 to 1. */
  tvd: number;
  warning: boolean;
  /** Labels in this dataset the baseline never had, and the reverse. */
  added: string[];
  removed: string[];
  /** The largest changes in share (this − baseline), largest magnitude first. */
  changes: { label: string; share: number; baselineShare: number }[];
}

export interface DataQuality {
  manifestKey: string;
  datasetVersion: string;
  counts: Manifest["counts"];
  quarantinedByReason: Record<string, number>;
  labels: Record<string, number>;
  /** The three smallest classes, smallest first. */
  smallest: { label: string; rows: number }[];
  shift: LabelShift | null;
}

const decoder = new TextDecoder();

/**
 * Every quarantined row of a run, in source and line order.
 * @example for await (const row of quarantinedRows(data, manifest)) console.log(row.line, row.reason);
 */
export async function* quarantinedRows(data: ObjectStore, manifest: Manifest): AsyncGenerator<QuarantineRecord> {
  for (const key of manifest.quarantineKeys) {
    for (const line of decoder.decode(await data.get(key)).split("\n")) {
      if (line !== "") yield QuarantineRecord.parse(JSON.parse(line));
    }
  }
}

/**
 * The first `limit` quarantined rows (only those of `reason`, when given) and how many there are.
 * @example const { total, rows } = await takeQuarantined(backend.quarantine(run), { limit: 100 });
 */
export async function takeQuarantined(
  all: AsyncIterable<QuarantineRecord>,
  options: { reason?: string | undefined; limit: number },
): Promise<{ total: number; rows: QuarantineRecord[] }> {
  const rows: QuarantineRecord[] = [];
  let total = 0;
  for await (const row of all) {
    if (options.reason && row.reason !== options.reason) continue;
    total++;
    if (rows.length < options.limit) rows.push(row);
  }
  return { total, rows };
}

/**
 * The model a run's label shift is measured against, from its execution output: the live model
 * Evaluate compared it with (null: there was none); undefined when the run never reached Evaluate
 * (then {@link dataQuality} takes the live one).
 */
export function baselineOfRun(output: string | null | undefined): string | null | undefined {
  const parsed = (tryJsonParse(output ?? "") ?? {}) as { evaluation?: { live: { version: string } | null } };
  return parsed.evaluation ? (parsed.evaluation.live?.version ?? null) : undefined;
}

/** Total variation distance between two count tables. */
export function totalVariation(a: Record<string, number>, b: Record<string, number>): number {
  const na = Object.values(a).reduce((s, n) => s + n, 0) || 1;
  const nb = Object.values(b).reduce((s, n) => s + n, 0) || 1;
  let sum = 0;
  for (const label of new Set([...Object.keys(a), ...Object.keys(b)])) {
    sum += Math.abs((a[label] ?? 0) / na - (b[label] ?? 0) / nb);
  }
  return sum / 2;
}

function labelShift(
  labels: Record<string, number>,
  baseline: Record<string, number>,
  of: LabelShift["baseline"],
): LabelShift {
  const total = (t: Record<string, number>) => Object.values(t).reduce((s, n) => s + n, 0) || 1;
  const [n, nb] = [total(labels), total(baseline)];
  const tvd = totalVariation(labels, baseline);
  const changes = [...new Set([...Object.keys(labels), ...Object.keys(baseline)])]
    .map((label) => ({ label, share: (labels[label] ?? 0) / n, baselineShare: (baseline[label] ?? 0) / nb }))
    .sort((x, y) => Math.abs(y.share - y.baselineShare) - Math.abs(x.share - x.baselineShare))
    .slice(0, 5);
  return {
    baseline: of,
    tvd,
    warning: tvd >= LABEL_SHIFT_WARNING,
    added: Object.keys(labels)
      .filter((l) => !(l in baseline))
      .sort(),
    removed: Object.keys(baseline)
      .filter((l) => !(l in labels))
      .sort(),
    changes,
  };
}

/**
 * The data quality of run `runId`, with the label shift against `baselineVersion` (the model the run
 * was compared with; `null`: it had none; undefined: the live one) unless that model was trained by this same run.
 * @returns undefined when the run has no manifest (it failed before or in Etl).
 */
export async function dataQuality(
  ports: QualityPorts,
  runId: string,
  modelName: string,
  baselineVersion?: string | null,
): Promise<DataQuality | undefined> {
  const manifestKey = runManifestKey(runId);
  let manifest: Manifest;
  try {
    manifest = await readJson(ports.data, manifestKey, Manifest);
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return undefined;
    throw err;
  }
  const quarantinedByReason: Record<string, number> = {};
  for await (const row of quarantinedRows(ports.data, manifest)) {
    quarantinedByReason[row.reason] = (quarantinedByReason[row.reason] ?? 0) + 1;
  }
  const smallest = Object.entries(manifest.labels)
    .map(([label, rows]) => ({ label, rows }))
    .sort((a, b) => a.rows - b.rows || a.label.localeCompare(b.label))
    .slice(0, 3);
  let shift: LabelShift | null = null;
  const version = baselineVersion === undefined ? (await ports.registry.getLive(modelName))?.version : baselineVersion;
  const baseline = version ? await ports.registry.getModelVersion(modelName, version) : undefined;
  if (baseline && baseline.runId !== runId) {
    try {
      const base = await readJson(ports.data, runManifestKey(baseline.runId), Manifest);
      shift = labelShift(manifest.labels, base.labels, { version: baseline.version, runId: baseline.runId });
    } catch (err) {
      if (!(err instanceof ObjectNotFoundError)) throw err; // the baseline's manifest was collected: no comparison
    }
  }
  return {
    manifestKey,
    datasetVersion: manifest.datasetVersion,
    counts: manifest.counts,
    quarantinedByReason,
    labels: manifest.labels,
    smallest,
    shift,
  };
}
