/**
 * What `models show` and `models compare` read: a version's model card with its test metrics, and
 * two versions scored on the same test split with a paired test (ml/paired.ts). The same code runs
 * locally and on a stage (ports over the local stores or S3 and DynamoDB).
 */
import { Manifest, type Metrics, type ModelVersionRecord, runManifestKey } from "../contracts.ts";
import { InvalidInputError, ModelNotFoundError, ObjectNotFoundError } from "../errors.ts";
import { readJson } from "../json-lines.ts";
import { computeMetrics } from "../ml/metrics.ts";
import { loadClassifier } from "../ml/onnx/load.ts";
import { pairedDifference } from "../ml/paired.ts";
import type { ObjectStore, Registry } from "../ports.ts";
import { splitRows } from "../steps/shards.ts";
import type { Comparison } from "./comparison.ts";
import { notCollected } from "./promotion.ts";

export type { Comparison };

export interface DetailPorts {
  registry: Registry;
  data: ObjectStore;
  models: ObjectStore;
}

/** A version's model card as `models show` prints it. */
export interface ModelDetail {
  record: ModelVersionRecord;
  /** The card Train wrote (model-card.json): data version, split sizes, hyperparameters, validation metrics, curve. */
  card: Record<string, unknown>;
  /** Its test metrics from Evaluate (null when the run never reached Evaluate). */
  test: Metrics | null;
  /** The most frequent confusions (true → predicted), largest first. */
  confusions: { truth: string; predicted: string; count: number }[];
}

const json = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as unknown;

async function recordOf(registry: Registry, modelName: string, version: string): Promise<ModelVersionRecord> {
  const record = await registry.getModelVersion(modelName, version);
  if (!record) throw new ModelNotFoundError(`model ${modelName} has no version ${version}`);
  return notCollected(record);
}

/** The off-diagonal cells of a confusion matrix, largest first. */
export function topConfusions(metrics: Metrics, limit = 10): ModelDetail["confusions"] {
  const cells: ModelDetail["confusions"] = [];
  metrics.confusion.forEach((row, t) => {
    row.forEach((count, p) => {
      if (t !== p && count > 0)
        cells.push({ truth: metrics.labels[t] as string, predicted: metrics.labels[p] as string, count });
    });
  });
  return cells.sort((a, b) => b.count - a.count || a.truth.localeCompare(b.truth)).slice(0, limit);
}

/**
 * A version's record, card and test metrics.
 * @example const detail = await modelDetail(ports, "topics", "20261130-ab12cd");
 * @throws ModelNotFoundError for an unknown version.
 */
export async function modelDetail(ports: DetailPorts, modelName: string, version: string): Promise<ModelDetail> {
  const record = await recordOf(ports.registry, modelName, version);
  const card = json(await ports.models.get(record.cardKey)) as Record<string, unknown>;
  let test: Metrics | null = null;
  if (record.metricsKey) {
    const stored = json(await ports.models.get(record.metricsKey)) as { candidate?: Metrics };
    test = stored.candidate ?? null;
  }
  return { record, card, test, confusions: test ? topConfusions(test) : [] };
}

/**
 * The curated shards of a dataset version (its test rows are those `splitOf` puts in the test split):
 * from the manifest of a run of `modelName` that trained on it, the given run first.
 */
async function curatedShards(
  ports: DetailPorts,
  modelName: string,
  datasetVersion: string,
  runId: string,
): Promise<string[]> {
  const versions = await ports.registry.listModelVersions(modelName);
  const runs = [runId, ...versions.filter((v) => v.datasetVersion === datasetVersion).map((v) => v.runId)];
  for (const run of new Set(runs)) {
    try {
      const manifest = await readJson(ports.data, runManifestKey(run), Manifest);
      if (manifest.datasetVersion === datasetVersion) return manifest.shards.map((shard) => shard.key);
    } catch (err) {
      if (!(err instanceof ObjectNotFoundError)) throw err;
    }
  }
  throw new InvalidInputError(
    `no test split for dataset version ${datasetVersion}: no run of ${modelName} that trained on it has its manifest (runs/<run>/manifest.json) any more`,
  );
}

async function predictions(models: ObjectStore, record: ModelVersionRecord, texts: string[]) {
  const classifier = await loadClassifier(await models.get(record.modelKey));
  try {
    return { labels: classifier.labels, predicted: (await classifier.predict(texts)).labels };
  } finally {
    await classifier.release();
  }
}

/**
 * Scores versions `a` and `b` on the same test split: that of the newer one's dataset version, or
 * `on` (a dataset version of the same dataset).
 * @example const c = await compareVersions(ports, "topics", "v1", "v2");
 */
export async function compareVersions(
  ports: DetailPorts,
  modelName: string,
  a: string,
  b: string,
  on?: string,
): Promise<Comparison> {
  if (a === b) throw new InvalidInputError(`compare two different versions (both are ${a})`);
  const [ra, rb] = await Promise.all([recordOf(ports.registry, modelName, a), recordOf(ports.registry, modelName, b)]);
  const newer = ra.createdAt > rb.createdAt ? ra : rb;
  const run = await ports.registry.getRun(newer.runId);
  if (!run)
    throw new ModelNotFoundError(`the run ${newer.runId} that trained ${modelName}@${newer.version} is not recorded`);
  const datasetVersion = on ?? newer.datasetVersion;
  const texts: string[] = [];
  const truth: string[] = [];
  const shards = await curatedShards(ports, modelName, datasetVersion, run.runId);
  for await (const row of splitRows(ports.data, shards, "test")) {
    texts.push(row.text);
    truth.push(row.label);
  }
  const [pa, pb] = [await predictions(ports.models, ra, texts), await predictions(ports.models, rb, texts)];
  const classes = [...new Set([...pa.labels, ...pb.labels, ...truth])].sort();
  const ma = computeMetrics(truth, pa.predicted, classes);
  const mb = computeMetrics(truth, pb.predicted, classes);
  const accuracy = pairedDifference(
    truth.map((t, i) => pa.predicted[i] === t),
    truth.map((t, i) => pb.predicted[i] === t),
  );
  const perClass = classes
    .map((label) => {
      const fa = ma.perClass[label]?.f1 ?? 0;
      const fb = mb.perClass[label]?.f1 ?? 0;
      return { label, a: fa, b: fb, difference: fb - fa, support: ma.perClass[label]?.support ?? 0 };
    })
    .sort((x, y) => Math.abs(y.difference) - Math.abs(x.difference) || x.label.localeCompare(y.label));
  return {
    modelName,
    on: { dataset: run.dataset, datasetVersion, rows: texts.length },
    a: { version: a, metrics: ma },
    b: { version: b, metrics: mb },
    accuracy,
    macroF1: { a: ma.macroF1, b: mb.macroF1, difference: mb.macroF1 - ma.macroF1 },
    perClass,
  };
}
