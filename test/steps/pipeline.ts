/**
 * Runs the training and evaluation steps in the order the state machine runs them, without the
 * engine (each Map's children in a loop, their results written as ResultWriter writes them), for
 * the tests of the steps after them.
 */
import {
  type EvaluateOutput,
  type PreprocessOutput,
  type ScaleSettings,
  ShardItem,
  type TrainingOptions,
  type TrainingState,
  type TrainOutput,
} from "@tollgate/core/contracts";
import { readJson } from "@tollgate/core/json-lines";
import {
  countShardTerms,
  evaluateShard,
  exportModel,
  merge,
  mergeTermParts,
  preprocess,
  type StepPorts,
  score,
  select,
  selectTerms,
  trainShard,
} from "@tollgate/core/steps";
import { z } from "zod";
import { FIXTURE_MIN_TEST_ROWS, topicRows } from "../helpers/topics.ts";
import { putCurated, putMapResults } from "./fixtures.ts";

export const SCALE: ScaleSettings = {
  mapConcurrency: 4,
  rowsPerChild: 1_000_000,
  specSampleRows: 1_000_000,
  sampleRows: 100_000,
};

/** The training state the state machine starts with when one child fits all (the OneChild state). */
export const ONE_CHILD: TrainingState = {
  round: 0,
  chosen: null,
  weightsKey: null,
  best: null,
  rounds: [],
  continue: true,
};

/** The Map's children's batches of shards (as ItemBatcher makes them). */
export async function batches(ports: StepPorts, prepared: PreprocessOutput): Promise<ShardItem[][]> {
  const shards = await readJson(ports.data, prepared.shardsKey, z.array(ShardItem));
  const out: ShardItem[][] = [];
  for (let i = 0; i < shards.length; i += prepared.fanOut.shardsPerChild)
    out.push(shards.slice(i, i + prepared.fanOut.shardsPerChild));
  return out;
}

/** How the spec's Maps are run by {@link termSpec}: partitions, partitions per MergeTerms child, children's order. */
export interface TermRun {
  termParts: number;
  partsPerChild: number;
  /** Lists each Map's children last to first in its results (they may finish in any order). */
  reversed?: boolean;
}

/**
 * The CountTerms Map's children over `jobs`, the MergeTerms Map's children over the partitions and
 * SelectTerms, which writes the spec to `featureSpecKey`. Returns what SelectTerms returns.
 */
export async function termSpec(
  ports: StepPorts,
  ids: { runId: string; manifestKey: string; featureSpecKey: string },
  jobs: ShardItem[][],
  run: TermRun,
) {
  const { runId, manifestKey } = ids;
  const order = <T>(list: T[]) => (run.reversed ? list.reverse() : list);
  const counted = [];
  for (const Items of jobs)
    counted.push(await countShardTerms(ports, { BatchInput: { runId, manifestKey, termParts: run.termParts }, Items }));
  const results = await putMapResults(ports, `runs/${runId}/maps/terms`, order(counted));
  const merged = [];
  for (let first = 0; first < run.termParts; first += run.partsPerChild) {
    const Items = Array.from({ length: Math.min(run.partsPerChild, run.termParts - first) }, (_, i) => ({
      part: first + i,
    }));
    merged.push(
      await mergeTermParts(ports, { BatchInput: { runId, manifestKey, children: jobs.length, results }, Items }),
    );
  }
  return selectTerms(ports, {
    ...ids,
    children: merged.length,
    results: await putMapResults(ports, `runs/${runId}/maps/term-merge`, order(merged)),
  });
}

/**
 * When Preprocess did not read every row (SpecCounted → CountTerms): the CountTerms Map, the
 * MergeTerms Map and SelectTerms, which write the exact spec. Returns what SelectTerms returns, or
 * null when exact.
 */
export async function countedSpec(
  ports: StepPorts,
  runId: string,
  prepared: PreprocessOutput,
  manifestKey: string,
  perShard = false,
) {
  if (prepared.exact) return null;
  const jobs = perShard
    ? (await batches(ports, prepared)).flat().map((item) => [item])
    : await batches(ports, prepared);
  return termSpec(ports, { runId, manifestKey, featureSpecKey: prepared.featureSpecKey }, jobs, {
    termParts: prepared.termParts,
    partsPerChild: prepared.termMerge.partsPerChild,
  });
}

/** Select (when sharded), then rounds of the Train Map and Merge until Merge stops. */
export async function trainRounds(
  ports: StepPorts,
  runId: string,
  prepared: PreprocessOutput,
  seed = 42,
  trainingOptions: TrainingOptions = { selectionBudget: 3 },
) {
  let training =
    prepared.fanOut.children > 1
      ? await select(ports, {
          runId,
          seed,
          trainingOptions,
          featureSpecKey: prepared.featureSpecKey,
          samples: prepared.samples,
        })
      : ONE_CHILD;
  const jobs = await batches(ports, prepared);
  do {
    const outputs = [];
    for (const Items of jobs) {
      const BatchInput = {
        runId,
        dataset: "topics",
        modelName: "topics",
        seed,
        trainingOptions,
        featureSpecKey: prepared.featureSpecKey,
        validationSampleKey: prepared.samples.validation,
        training,
      };
      outputs.push(await trainShard(ports, { BatchInput, Items }));
    }
    const results = await putMapResults(ports, `runs/${runId}/maps/train`, outputs);
    training = await merge(ports, {
      runId,
      featureSpecKey: prepared.featureSpecKey,
      validationSampleKey: prepared.samples.validation,
      children: jobs.length,
      results,
      training,
      trainingOptions,
    });
  } while (training.continue);
  return training;
}

/** A trained candidate of model "topics" (run `runId`), registered but not evaluated. */
export async function trainedCandidate(
  ports: StepPorts,
  runId: string,
  rows = topicRows(400, 5),
  options: {
    shards?: number;
    scale?: Partial<ScaleSettings>;
    countPerShard?: boolean;
    trainingOptions?: TrainingOptions;
  } = {},
): Promise<{ prepared: PreprocessOutput; training: TrainingState; trained: TrainOutput }> {
  const { trainingOptions = { selectionBudget: 3 } } = options;
  const manifestKey = await putCurated(ports, "topics", rows, options.shards);
  const prepared = await preprocess(ports, {
    runId,
    dataset: "topics",
    manifestKey,
    scale: { ...SCALE, ...options.scale },
  });
  await countedSpec(ports, runId, prepared, manifestKey, options.countPerShard);
  const training = await trainRounds(ports, runId, prepared, 42, trainingOptions);
  const trained = await exportModel(ports, {
    runId,
    modelName: "topics",
    seed: 42,
    trainingOptions,
    prepared,
    training,
  });
  return { prepared, training, trained };
}

/** The Evaluate Map's children and Score, on a trained candidate. */
export async function evaluated(
  ports: StepPorts,
  runId: string,
  prepared: PreprocessOutput,
  trained: TrainOutput,
  minGain = 0,
  minTestRows = FIXTURE_MIN_TEST_ROWS,
): Promise<EvaluateOutput> {
  const jobs = await batches(ports, prepared);
  const BatchInput = {
    runId,
    dataset: "topics",
    modelName: "topics",
    modelVersion: trained.modelVersion,
    modelKey: trained.modelKey,
  };
  const outputs = [];
  for (const Items of jobs) outputs.push(await evaluateShard(ports, { BatchInput, Items }));
  const results = await putMapResults(ports, `runs/${runId}/maps/evaluate`, outputs);
  return score(ports, {
    runId,
    modelName: "topics",
    modelVersion: trained.modelVersion,
    children: jobs.length,
    results,
    gate: { minAccuracy: 0, minGain, minTestRows },
  });
}
