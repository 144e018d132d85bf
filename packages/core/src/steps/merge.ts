import {
  CuratedRow,
  type Hyperparameters,
  type MergeInput,
  type RoundFigures,
  type TrainingState,
  TrainShardOutput,
} from "../contracts.ts";
import { InvalidInputError } from "../errors.ts";
import { readJson } from "../json-lines.ts";
import { readJsonLines } from "../json-lines-reader.ts";
import { type Logger, logger } from "../logger.ts";
import { encoder, specFor } from "../ml/examples.ts";
import { FeatureSpec } from "../ml/feature-spec.ts";
import { DEFAULT_TRAIN_OPTIONS } from "../ml/fit.ts";
import { mergeStates } from "../ml/merge.ts";
import { decodeModelState, encodeModelState } from "../ml/model-state.ts";
import { evaluate } from "../ml/pass.ts";
import { readMapOutputs } from "./shards.ts";
import type { StepPorts } from "./step-ports.ts";
import { readFitReport, trainingKeys } from "./training.ts";

/** The most rounds of sharded training (early stopping usually ends them far sooner). */
export const MAX_ROUNDS = 10;

/**
 * Merge: ends a round of sharded training. Averages the children's training states weighted by
 * their examples, in the order of their index (streaming: memory is the model's, whatever the
 * number of children; the same children give the same bytes whatever order they finished in),
 * scores the result on the validation sample, and says whether another round may help: it stops,
 * keeping the best round, once a round lowers the validation loss by less than the trainer's
 * early-stopping tolerance (2%), after {@link MAX_ROUNDS} (or the run's `maxEpochs`, if fewer), or when one
 * child fitted it all.
 * @throws InvalidInputError when the round's results are missing or incomplete.
 * @example const training = await merge(ports, { runId, featureSpecKey, validationSampleKey, children, results, training });
 */
export async function merge(ports: StepPorts, input: MergeInput, log: Logger = logger): Promise<TrainingState> {
  const before = input.training;
  const round = before.round + 1;
  const outputs = await readMapOutputs(ports.data, input.results, TrainShardOutput, input.children);
  const chosen = before.chosen ?? outputs[0]?.chosen;
  if (!chosen) throw new InvalidInputError("no hyperparameters: neither Select nor the single child chose them");
  // A single child that fitted it all refit on train + validation: its held-out figures are those of
  // its early-stopped fit (the fit report), not the refit model scored on rows it trained on; and
  // there is nothing to average, so its state is the round's (no copy, no re-scoring).
  const only = !before.chosen && outputs.length === 1 ? outputs[0] : undefined;
  const heldOut = only ? (await readFitReport(ports, input.runId)).validation : undefined;
  const merged =
    only && heldOut
      ? { key: only.key, examples: only.examples, loss: Number.NaN, validation: heldOut }
      : await mergeRound(ports, input, outputs, round, chosen);
  const { key, validation } = merged;
  const figures: RoundFigures = {
    round,
    children: outputs.length,
    examples: merged.examples,
    trainLoss: Number.isFinite(merged.loss) ? merged.loss : null,
    validationLoss: validation.loss,
    validationAccuracy: validation.accuracy,
  };
  log.info(figures, "round merged");
  const previous = before.best?.validationLoss ?? Number.POSITIVE_INFINITY;
  const best =
    validation.loss < previous
      ? { round, key, validationLoss: validation.loss, validationAccuracy: validation.accuracy }
      : before.best;
  const gained = validation.loss < previous * (1 - DEFAULT_TRAIN_OPTIONS.tolerance);
  return {
    round,
    chosen,
    weightsKey: key,
    best,
    rounds: [...before.rounds, figures],
    continue:
      outputs.length > 1 && gained && round < Math.min(MAX_ROUNDS, input.trainingOptions.maxEpochs ?? MAX_ROUNDS),
  };
}

/** Averages the round's children into its merged state, writes it and scores it on the validation sample. */
async function mergeRound(
  ports: StepPorts,
  input: MergeInput,
  outputs: TrainShardOutput[],
  round: number,
  chosen: Hyperparameters,
) {
  const { state } = await mergeStates(outputs, async (key) => decodeModelState(await ports.data.get(key)));
  const key = trainingKeys(input.runId).merged(round);
  await ports.data.put(key, encodeModelState(state));
  const spec = specFor(await readJson(ports.data, input.featureSpecKey, FeatureSpec), chosen);
  const validation = await evaluate(state, {
    kind: "streamed",
    rows: () => readJsonLines(ports.data, [input.validationSampleKey], CuratedRow),
    encode: encoder(spec),
  });
  return { key, examples: state.examples, loss: state.loss, validation };
}
