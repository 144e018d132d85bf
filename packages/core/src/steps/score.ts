import {
  Confusions,
  type EvaluateOutput,
  EvaluateShardOutput,
  Manifest,
  type Metrics,
  type ModelConfusion,
  runManifestKey,
  type ScoreInput,
} from "../contracts.ts";
import {
  InvalidInputError,
  LiveModelChangedError,
  ModelNotFoundError,
  ObjectNotFoundError,
  TestSplitTooSmallError,
} from "../errors.ts";
import { parseRecord } from "../json.ts";
import { readJson } from "../json-lines.ts";
import { metricsFromConfusion } from "../ml/metrics.ts";
import type { ObjectStore } from "../ports.ts";
import { modelPrefix } from "./model-keys.ts";
import { readMapOutputs } from "./shards.ts";
import type { StepPorts } from "./step-ports.ts";

/** Adds confusion counts into `sum` (same labels). */
function addInto(sum: number[][], counts: number[][]): void {
  counts.forEach((row, t) => {
    row.forEach((n, p) => {
      sum[t]![p]! += n;
    });
  });
}

/**
 * A model's metrics from confusion counts over both models' labels: over its own labels and those
 * of the test rows, as scoring it alone gives (a label only the other model knows is left out).
 */
function metricsOf(labels: string[], { labels: ownLabels, confusion }: ModelConfusion): Metrics {
  const own = new Set(ownLabels);
  const keep = labels.flatMap((label, i) => (own.has(label) || confusion[i]!.some((n) => n > 0) ? [i] : []));
  return metricsFromConfusion(
    keep.map((i) => labels[i]!),
    keep.map((t) => keep.map((p) => confusion[t]![p]!)),
  );
}

/** The raw sources a run's data was made of (its manifest), or undefined when it has no manifest. */
async function sourcesOf(data: ObjectStore, runId: string): Promise<Set<string> | undefined> {
  const key = runManifestKey(runId);
  try {
    const manifest = parseRecord(Manifest, JSON.parse(new TextDecoder().decode(await data.get(key))), key);
    return new Set(manifest.sources.map((s) => s.key));
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return undefined;
    throw err;
  }
}

/**
 * Whether the live model's data has every source of this run's and more: then this candidate has nothing
 * the live model lacks (it started before a run with more data was promoted, e.g. after a lost race), and
 * promoting it would drop data. The same sources (a forced retrain) are not covered: the gate decides.
 */
async function liveCovers(data: ObjectStore, runId: string, liveRunId: string): Promise<boolean> {
  if (liveRunId === runId) return false;
  const [mine, live] = await Promise.all([sourcesOf(data, runId), sourcesOf(data, liveRunId)]);
  if (!mine || !live || live.size <= mine.size) return false;
  return [...mine].every((key) => live.has(key));
}

/** The lowest recall among the classes that have test rows, and its class. */
export function lowestRecall(metrics: Metrics): { minRecall: number; minRecallLabel: string } {
  let minRecall = 1;
  let minRecallLabel = "";
  for (const label of metrics.labels) {
    const m = metrics.perClass[label];
    if (m && m.support > 0 && (minRecallLabel === "" || m.recall < minRecall)) {
      minRecall = m.recall;
      minRecallLabel = label;
    }
  }
  return { minRecall, minRecallLabel };
}

/**
 * Score: champion / challenger over the whole test split. Sums the confusion counts the Evaluate
 * Map's children wrote (integer sums: the order does not matter), scores the candidate and the
 * live model on the same rows, stores the full metrics beside the candidate and in the registry.
 * The gate (a Choice state) then compares the two.
 * @throws LiveModelChangedError when the children scored different live versions (a promotion happened meanwhile).
 * @example const out = await score(ports, { runId, modelName, modelVersion, children, results, gate });
 * @throws TestSplitTooSmallError when the test split has fewer rows than `gate.minTestRows`.
 */
export async function score(ports: StepPorts, input: ScoreInput): Promise<EvaluateOutput> {
  const outputs = await readMapOutputs(ports.data, input.results, EvaluateShardOutput, input.children);
  const lives = new Set(outputs.map((o) => o.live));
  if (lives.size > 1) {
    throw new LiveModelChangedError(
      `the live model of ${input.modelName} changed while the test shards were scored (${[...lives].join(", ")})`,
    );
  }
  let total: Confusions | undefined;
  for (const output of [...outputs].sort((a, b) => a.index - b.index)) {
    const part = await readJson(ports.data, output.key, Confusions);
    if (!total) total = part;
    else {
      if (part.labels.join("\n") !== total.labels.join("\n"))
        throw new InvalidInputError(`child ${output.index} scored other labels than child 0`);
      addInto(total.candidate.confusion, part.candidate.confusion);
      if (total.live && part.live) addInto(total.live.confusion, part.live.confusion);
    }
  }
  if (!total) throw new InvalidInputError("no test shard was scored");
  const record = await ports.registry.getModelVersion(input.modelName, input.modelVersion);
  if (!record) throw new ModelNotFoundError(`candidate ${input.modelName}@${input.modelVersion} is not registered`);
  const candidate = metricsOf(total.labels, total.candidate);
  if (candidate.count < input.gate.minTestRows) {
    throw new TestSplitTooSmallError(
      `the test split has ${candidate.count} rows, fewer than the ${input.gate.minTestRows} the gate decides on (minTestRows): add data, or lower TOLLGATE_MIN_TEST_ROWS knowingly (docs/gate.md)`,
    );
  }
  const liveMetrics = total.live ? metricsOf(total.labels, total.live) : null;
  let live: EvaluateOutput["live"] = null;
  if (total.live && liveMetrics) {
    const liveRecord = await ports.registry.getModelVersion(input.modelName, total.live.version);
    if (!liveRecord)
      throw new ModelNotFoundError(`live model ${input.modelName}@${total.live.version} has no registry record`);
    live = {
      version: total.live.version,
      accuracy: liveMetrics.accuracy,
      threshold: liveMetrics.accuracy + input.gate.minGain,
      covers: await liveCovers(ports.data, input.runId, liveRecord.runId),
    };
  }
  // One key per live version scored against: after a lost promotion race the run evaluates again
  // against the new live model, and model objects are never replaced (create-only on AWS).
  const metricsKey = `${modelPrefix(input.modelName, input.modelVersion)}metrics-vs-${live?.version ?? "none"}.json`;
  await ports.models.put(metricsKey, JSON.stringify({ candidate, live: live && { ...live, metrics: liveMetrics } }));
  await ports.registry.putModelVersion({
    ...record,
    metricsKey,
    metrics: { ...record.metrics, testAccuracy: candidate.accuracy, macroF1: candidate.macroF1 },
  });
  return {
    candidateVersion: input.modelVersion,
    accuracy: candidate.accuracy,
    macroF1: candidate.macroF1,
    testRows: candidate.count,
    ...lowestRecall(candidate),
    metricsKey,
    live,
  };
}
