/**
 * Loading one registered version's ONNX model (the live one by default) from a registry and a
 * model store: what `predict --file` and `models compare` score with, locally and on a stage
 * (where the model is read from the model bucket and scored on this machine).
 */
import { ModelNotFoundError, ServiceUnavailableError } from "@tollgate/core/errors";
import { loadClassifier } from "@tollgate/core/ml/onnx/load";
import type { ObjectStore, Registry } from "@tollgate/core/ports";
import { notCollected } from "@tollgate/core/registry/promotion";
import type { BatchModel } from "./score-file.ts";

/** A loaded version: score with it, then release it. */
export interface LoadedVersion extends BatchModel {
  /** Per row of `probabilities`: whether its text had a term the model knows (OnnxTextClassifier.knownTerms). */
  knownTerms(probabilities: Float32Array[]): Promise<boolean[]>;
  release(): Promise<void>;
}

/**
 * Loads `version` of `modelName` (default: the live version).
 * @throws ServiceUnavailableError when nothing is live; ModelNotFoundError when the version is not registered.
 * @example const model = await loadVersion(registry, models, "topics"); try { … } finally { await model.release(); }
 */
export async function loadVersion(
  registry: Registry,
  models: ObjectStore,
  modelName: string,
  version?: string,
): Promise<LoadedVersion> {
  let wanted = version;
  if (wanted === undefined) {
    const live = await registry.getLive(modelName);
    if (!live) throw new ServiceUnavailableError(`model ${modelName} has no live version yet: ingest data first`);
    wanted = live.version;
  }
  const record = await registry.getModelVersion(modelName, wanted);
  if (!record) throw new ModelNotFoundError(`model ${modelName} has no version ${wanted}`);
  notCollected(record);
  const classifier = await loadClassifier(await models.get(record.modelKey));
  return {
    version: wanted,
    labels: classifier.labels,
    predict: (texts) => classifier.predict(texts),
    knownTerms: (probabilities) => classifier.knownTerms(probabilities),
    release: () => classifier.release(),
  };
}
