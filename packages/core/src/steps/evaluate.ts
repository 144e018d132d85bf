import { CuratedRow, type EvaluateInput, type EvaluateOutput, type Metrics } from "../contracts.ts";
import { ModelNotFoundError } from "../errors.ts";
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
