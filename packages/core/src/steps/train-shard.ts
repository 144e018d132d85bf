import { CuratedRow, type TrainShardInput, type TrainShardOutput } from "../contracts.ts";
import { readJson } from "../json-lines.ts";
import { readJsonLines } from "../json-lines-reader.ts";
import { type Logger, logger } from "../logger.ts";
import { specFor } from "../ml/examples.ts";
import { FeatureSpec } from "../ml/feature-spec.ts";
import { DEFAULT_TRAIN_OPTIONS } from "../ml/fit.ts";
import { encodeModelState } from "../ml/model-state.ts";
import { trainShardPass } from "../ml/pass.ts";
import { trainLinear } from "../ml/trainer.ts";
import { trainOptionsOf } from "../ml/training-settings.ts";
import { handoffRows } from "./handoff.ts";
import { childIndex, padded, splitRows } from "./shards.ts";
import type { StepPorts } from "./step-ports.ts";
import { childSeed, loadStart, trainingKeys, writeFitReport } from "./training.ts";

/**
 * A child of the Train Map: trains on the training rows of its shards and writes its training
 * state for the merge.
 * - Many children (hyperparameters chosen by Select): one pass of iterative parameter mixing from
 *   the last round's merged weights and step-size accumulators.
 * - The only child (the data fits one): it chooses the hyperparameters on validation and fits to
 *   the end with early stopping, in one process, as an unsharded trainer does.
 * @example const out = await trainShard(ports, { BatchInput, Items: [{ index: 0, key, rows }] });
 */
export async function trainShard(
  ports: StepPorts,
  input: TrainShardInput,
  log: Logger = logger,
): Promise<TrainShardOutput> {
  const { BatchInput: job, Items: items } = input;
  const spec = await readJson(ports.data, job.featureSpecKey, FeatureSpec);
  const index = childIndex(items);
  const round = job.training.round + 1;
  // The training rows as Preprocess tokenized them (tokenize once), else their text.
  const handed = await handoffRows(ports.data, job.featureSpecKey, items, spec.labels, log);
  const rows =
    handed ??
    (() =>
      splitRows(
        ports.data,
        items.map((item) => item.key),
        "train",
      ));
  const key = trainingKeys(job.runId).child(round, padded(index));
  const { chosen } = job.training;
  if (!chosen) {
    const validation = () => readJsonLines(ports.data, [job.validationSampleKey], CuratedRow);
    const fit = await trainLinear(
      spec,
      rows,
      validation,
      { seed: job.seed, ...trainOptionsOf(job.trainingOptions) },
      log,
    );
    const trainRows = Number(fit.params.trainRows);
    await ports.data.put(
      key,
      encodeModelState({ weights: fit.model.weights, bias: fit.model.bias, examples: trainRows, loss: Number.NaN }),
    );
    await writeFitReport(ports, job.runId, {
      selection: fit.selection,
      params: fit.params,
      curve: fit.curve,
      validation: fit.validation,
      ...(fit.selection?.exact?.chosen?.wide ? { spec: fit.model.spec } : {}),
    });
    // The model's own feature spec (the exact solver, when chosen, trains on the widest one).
    const { ngramMax, minDf } = fit.model.spec.options;
    const chosen = fit.selection ? { ...fit.selection.chosen, ngramMax, minDf } : null;
    return { index, key, examples: trainRows, loss: null, chosen };
  }
  const trained = specFor(spec, chosen);
  const state = await trainShardPass(trained, await loadStart(ports, job.training, trained), rows, {
    seed: childSeed(job.seed, round, index),
    learningRate: chosen.learningRate,
    l2: chosen.l2,
    average: DEFAULT_TRAIN_OPTIONS.average,
    minGradient: DEFAULT_TRAIN_OPTIONS.minGradient,
  });
  await ports.data.put(key, encodeModelState(state));
  log.debug({ round: round, index, examples: state.examples, loss: state.loss }, "shard pass");
  return { index, key, examples: state.examples, loss: state.loss, chosen: null };
}
