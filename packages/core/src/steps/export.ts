import type { ExportInput, Hyperparameters, TrainOutput } from "../contracts.ts";
import { InvalidInputError } from "../errors.ts";
import { readJson } from "../json-lines.ts";
import { type Logger, logger } from "../logger.ts";
import { type ExactReport, exactSettings } from "../ml/dual-cd.ts";
import { specFor } from "../ml/examples.ts";
import { FeatureSpec } from "../ml/feature-spec.ts";
import type { LinearModel } from "../ml/linear-model.ts";
import { decodeModelState } from "../ml/model-state.ts";
import { exportOnnx } from "../ml/onnx/export.ts";
import type { SelectionReport } from "../ml/selection.ts";
import { pinnedOf, trainingSettings, trainingSettingsDigest } from "../ml/training-settings.ts";
import { isExactChosen } from "../registry/selection-card.ts";
import { modelPrefix, modelVersionFor } from "./model-keys.ts";
import { nowIso, type StepPorts } from "./step-ports.ts";
import { readFitReport } from "./training.ts";

/**
 * Export: once training has stopped, exports the best round's merged weights as the
 * self-contained ONNX model (once, whatever the number of rounds and children), writes its model
 * card (hyperparameters and how they were chosen, the loss curve per epoch or per round) and
 * registers the version as a candidate.
 * @throws InvalidInputError when no round was merged.
 * @example const out = await exportModel(ports, { runId, modelName: "wordnet", seed: 42, prepared, training });
 */
export async function exportModel(ports: StepPorts, input: ExportInput, log: Logger = logger): Promise<TrainOutput> {
  const { prepared, training } = input;
  const { best, chosen } = training;
  if (!best || !chosen) throw new InvalidInputError("training has no merged round to export");
  const report = await readFitReport(ports, input.runId);
  // The single child's own spec when it built one (the exact race's wide representation), else Preprocess's narrowed.
  const spec = report.spec
    ? FeatureSpec.parse(report.spec)
    : specFor(await readJson(ports.data, prepared.featureSpecKey, FeatureSpec), chosen);
  const state = decodeModelState(await ports.data.get(best.key));
  const model: LinearModel = { spec, labels: [...spec.labels], weights: state.weights, bias: state.bias };
  const onnx = exportOnnx(model);
  const selection = report.selection as SelectionReport | undefined;
  const createdAt = nowIso(ports);
  const modelVersion = modelVersionFor(input.runId, createdAt);
  const prefix = modelPrefix(input.modelName, modelVersion);
  const modelKey = `${prefix}model.onnx`;
  const cardKey = `${prefix}model-card.json`;
  const sharded = training.rounds.some((r) => r.children > 1);
  const card = {
    modelName: input.modelName,
    version: modelVersion,
    runId: input.runId,
    createdAt,
    datasetVersion: prepared.datasetVersion,
    counts: prepared.counts,
    labels: model.labels,
    training: {
      ...(report.params ?? {}),
      ...chosen,
      seed: input.seed,
      sharded: sharded
        ? "iterative parameter mixing: a pass per child per round, example-weighted averages of weights and step sizes"
        : false,
      features: spec.vocabulary.length,
      classes: spec.labels.length,
      selection,
    },
    validation: { accuracy: best.validationAccuracy, loss: best.validationLoss },
    /** Validation loss and accuracy per epoch of the final fit (one child). */
    curve: report.curve ?? [],
    /** Each round of sharded training, as the merge scored it; the best one is the model. */
    rounds: training.rounds,
    bestRound: best.round,
    /** What, besides the data, decided this model (CheckNewData compares its digest). */
    settings: {
      ...trainingSettings(input.seed, input.trainingOptions),
      digest: trainingSettingsDigest(input.seed, input.trainingOptions),
    },
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
    collected: null,
    trainingSettings: trainingSettingsDigest(input.seed, input.trainingOptions),
    metrics: { validationAccuracy: best.validationAccuracy, testAccuracy: null, macroF1: null },
    createdAt,
  });
  log.info({ modelVersion, rounds: training.round, bestRound: best.round }, "exported");
  return {
    modelVersion,
    modelKey,
    cardKey,
    validationAccuracy: best.validationAccuracy,
    sizeBytes: onnx.byteLength,
    rounds: training.round,
    // The model's own values (`chosen`: its n-grams are the widest when the exact solver won), and
    // every candidate scored on validation, the exact solver's included.
    selection: selection
      ? {
          ...selection.chosen,
          ngramMax: chosen.ngramMax,
          minDf: chosen.minDf,
          candidates: selection.candidates.length + (selection.exact?.candidates.length ?? 0),
          passes: Number((selection.passes + (selection.exact?.passes ?? 0)).toFixed(3)),
          budget: input.trainingOptions.selectionBudget,
          pinned: Object.keys(pinnedOf(input.trainingOptions)) as Array<keyof Hyperparameters>,
          ...(selection.exact?.chosen ? { solver: raceWinner(selection.exact) } : {}),
        }
      : null,
  };
}

/** The race's winner in brief, as the model card's algorithm names it. */
function raceWinner(exact: ExactReport): string {
  const won = exact.candidates.find((k) => isExactChosen(exact, k))!;
  return `dual coordinate descent, ${exactSettings(won)}`;
}
