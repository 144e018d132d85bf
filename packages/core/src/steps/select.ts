import { CuratedRow, type SelectInput, type TrainingState } from "../contracts.ts";
import { readJson } from "../json-lines.ts";
import { readJsonLines } from "../json-lines-reader.ts";
import { type Logger, logger } from "../logger.ts";
import { encoder, fillCache } from "../ml/examples.ts";
import { FeatureSpec } from "../ml/feature-spec.ts";
import { DEFAULT_TRAIN_OPTIONS } from "../ml/fit.ts";
import { selectHyperparameters } from "../ml/selection.ts";
import { fitOverrides, trainOptionsOf } from "../ml/training-settings.ts";
import type { StepPorts } from "./step-ports.ts";
import { writeFitReport } from "./training.ts";

/**
 * Select: before sharded training, chooses the hyperparameters on validation in one process, on
 * Preprocess's bounded samples of training and validation rows (successive halving,
 * docs/adr/0005-hyperparameter-selection.md), so its cost does not grow with the corpus. The Train
 * Map then runs with the choice; the candidates and scores go to the model card.
 * @example const training = await select(ports, { runId, seed: 42, trainingOptions: { selectionBudget: 3 }, featureSpecKey, samples });
 */
export async function select(ports: StepPorts, input: SelectInput, log: Logger = logger): Promise<TrainingState> {
  const spec = await readJson(ports.data, input.featureSpecKey, FeatureSpec);
  const encode = encoder(spec);
  const cached = async (key: string) => {
    const cache = await fillCache(() => readJsonLines(ports.data, [key], CuratedRow), Number.POSITIVE_INFINITY, encode);
    return { kind: "cached" as const, cache: cache! };
  };
  const report = await selectHyperparameters(
    spec,
    { trainSet: await cached(input.samples.train), validationSet: await cached(input.samples.validation) },
    { ...DEFAULT_TRAIN_OPTIONS, ...fitOverrides(input.trainingOptions), seed: input.seed },
    trainOptionsOf(input.trainingOptions).selection,
    log,
  );
  await writeFitReport(ports, input.runId, { selection: report });
  return { round: 0, chosen: report.chosen, weightsKey: null, best: null, rounds: [], continue: true };
}
