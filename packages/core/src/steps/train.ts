import { createHash } from "node:crypto";
import { CuratedRow, type TrainInput, type TrainOutput } from "../contracts.ts";
import { readJson, readJsonLines } from "../json-lines.ts";
import { type Logger, logger } from "../logger.ts";
import { FeatureSpec } from "../ml/feature-spec.ts";
import { exportOnnx } from "../ml/onnx/export.ts";
import { trainLinear } from "../ml/trainer.ts";
import { trainingSettings, trainingSettingsDigest } from "../ml/training-settings.ts";
import { nowIso, type StepPorts } from "./step-ports.ts";

/** A sortable model version: UTC time of training, then a short hash of the run id. */
export function modelVersionFor(runId: string, at: string): string {
  const stamp = at.replace(/[-:T]/g, "").slice(0, 14);
  return `${stamp}-${createHash("sha256").update(runId).digest("hex").slice(0, 6)}`;
}

/** Where a model version's files live in the model store. */
export const modelPrefix = (modelName: string, version: string) => `models/${modelName}/${version}/`;

/**
 * Chooses hyperparameters on validation, trains the classifier on the train shards (early
 * stopping on validation), exports the
 * self-contained ONNX model and its model card, and registers the version as a candidate.
 * @example const out = await train(ports, { runId, modelName: "wordnet", seed: 42, prepared });
 */
export async function train(ports: StepPorts, input: TrainInput, log: Logger = logger): Promise<TrainOutput> {
  const { prepared } = input;
  const spec = await readJson(ports.data, prepared.featureSpecKey, FeatureSpec);
  const rows = (keys: string[]) => () => readJsonLines(ports.data, keys, CuratedRow);
  // Hyperparameters are chosen on the validation split (docs/adr/0005-hyperparameter-selection.md).
  const result = await trainLinear(
    spec,
    rows(prepared.splits.train),
    rows(prepared.splits.validation),
    { seed: input.seed, selection: true },
    log,
  );
  const onnx = exportOnnx(result.model);
  const createdAt = nowIso(ports);
  const modelVersion = modelVersionFor(input.runId, createdAt);
  const prefix = modelPrefix(input.modelName, modelVersion);
  const modelKey = `${prefix}model.onnx`;
  const cardKey = `${prefix}model-card.json`;
  const card = {
    modelName: input.modelName,
    version: modelVersion,
    runId: input.runId,
    createdAt,
    datasetVersion: prepared.datasetVersion,
    counts: prepared.counts,
    labels: result.model.labels,
    training: { ...result.params, selection: result.selection },
    /** What, besides the data, decided this model (CheckNewData compares its digest). */
    settings: { ...trainingSettings(input.seed), digest: trainingSettingsDigest(input.seed) },
    validation: result.validation,
    /** Validation loss and accuracy per epoch of the final fit. */
    curve: result.curve,
    onnx: {
      key: modelKey,
      sizeBytes: onnx.byteLength,
      input: "text: string[N]",
      outputs: ["label: string[N]", "probabilities: float[N,C]"],
    },
  };
  await ports.models.put(modelKey, onnx);
  await ports.models.put(cardKey, JSON.stringify(card, null, 2));
  await ports.registry.putModelVersion({
    modelName: input.modelName,
    version: modelVersion,
    status: "candidate",
    statusReason: null,
    runId: input.runId,
    datasetVersion: prepared.datasetVersion,
    modelKey,
    cardKey,
    metricsKey: null,
    trainingSettings: trainingSettingsDigest(input.seed),
    metrics: { validationAccuracy: result.validation.accuracy, testAccuracy: null, macroF1: null },
    createdAt,
  });
  return {
    modelVersion,
    modelKey,
    cardKey,
    validationAccuracy: result.validation.accuracy,
    sizeBytes: onnx.byteLength,
    ...(result.selection
      ? {
          selection: {
            ...result.selection.chosen,
            candidates: result.selection.candidates.length,
            passes: result.selection.passes,
          },
        }
      : {}),
  };
}
