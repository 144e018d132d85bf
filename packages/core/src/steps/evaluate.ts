import {
  CuratedRow,
  type EvaluateInput,
  type EvaluateOutput,
  Manifest,
  type Metrics,
  runManifestKey,
} from "../contracts.ts";
import { ModelNotFoundError, ObjectNotFoundError } from "../errors.ts";
import { parseRecord } from "../json.ts";
import { readJsonLines } from "../json-lines.ts";
import { computeMetrics } from "../ml/metrics.ts";
import { OnnxTextClassifier } from "../ml/onnx/runtime.ts";
import type { ObjectStore } from "../ports.ts";
import type { StepPorts } from "./step-ports.ts";
import { modelPrefix } from "./train.ts";

/** Scores an exported model file with onnxruntime on the given rows. */
export async function scoreModelFile(
  models: ObjectStore,
  modelKey: string,
  texts: string[],
  truth: string[],
): Promise<Metrics> {
  const classifier = await OnnxTextClassifier.load(await models.get(modelKey));
  try {
    const { labels } = await classifier.predict(texts);
    const classes = [...new Set([...classifier.labels, ...truth])].sort();
    return computeMetrics(truth, labels, classes);
  } finally {
    await classifier.release();
  }
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

/**
 * Champion / challenger: scores the candidate's exported model.onnx and the live model (if any)
 * on the same test split; stores the full metrics beside the candidate and in the registry.
 * @example const out = await evaluate(ports, { runId, modelName, modelVersion, modelKey, testShards, minGain: 0 });
 */
export async function evaluate(ports: StepPorts, input: EvaluateInput): Promise<EvaluateOutput> {
  const texts: string[] = [];
  const truth: string[] = [];
  for await (const row of readJsonLines(ports.data, input.testShards, CuratedRow)) {
    texts.push(row.text);
    truth.push(row.label);
  }
  const candidate = await scoreModelFile(ports.models, input.modelKey, texts, truth);
  const pointer = await ports.registry.getLive(input.modelName);
  let live: EvaluateOutput["live"] = null;
  let liveMetrics: Metrics | null = null;
  if (pointer) {
    const record = await ports.registry.getModelVersion(input.modelName, pointer.version);
    if (!record)
      throw new ModelNotFoundError(`live model ${input.modelName}@${pointer.version} has no registry record`);
    liveMetrics = await scoreModelFile(ports.models, record.modelKey, texts, truth);
    live = {
      version: pointer.version,
      accuracy: liveMetrics.accuracy,
      threshold: liveMetrics.accuracy + input.minGain,
      covers: await liveCovers(ports.data, input.runId, record.runId),
    };
  }
  // One key per live version scored against: after a lost promotion race the run evaluates again
  // against the new live model, and model objects are never replaced (create-only on AWS).
  const metricsKey = `${modelPrefix(input.modelName, input.modelVersion)}metrics-vs-${live?.version ?? "none"}.json`;
  await ports.models.put(metricsKey, JSON.stringify({ candidate, live: live && { ...live, metrics: liveMetrics } }));
  const record = await ports.registry.getModelVersion(input.modelName, input.modelVersion);
  if (!record) throw new ModelNotFoundError(`candidate ${input.modelName}@${input.modelVersion} is not registered`);
  await ports.registry.putModelVersion({
    ...record,
    metricsKey,
    metrics: { ...record.metrics, testAccuracy: candidate.accuracy, macroF1: candidate.macroF1 },
  });
  return {
    candidateVersion: input.modelVersion,
    accuracy: candidate.accuracy,
    macroF1: candidate.macroF1,
    metricsKey,
    live,
  };
}
