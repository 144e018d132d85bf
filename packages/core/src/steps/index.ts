/**
 * The workflow's Lambda steps: core functions over {@link StepPorts}, and `defineStep`, which
 * wraps one with its input contract.
 * @example
 * import { defineStep, trainShard } from "@tollgate/core/steps";
 * const TrainShard = defineStep("TrainShard", TrainShardInput, trainShard);
 */
export { checkNewData } from "./check-new-data.ts";
export { gateReason, promote, recordFailure, recordRunFailure, reject, requestApproval } from "./decide.ts";
export { type Correlation, correlationOf, defineStep, parseInput, type Step } from "./define.ts";
export { confusionsKey, evaluateShard } from "./evaluate-shard.ts";
export { exportModel } from "./export.ts";
export { HandoffError, handoffKeys, handoffRows } from "./handoff.ts";
export { MAX_ROUNDS, merge } from "./merge.ts";
export { modelPrefix, modelVersionFor } from "./model-keys.ts";
export { fanOutOf, MAX_CLASSES, preprocess } from "./preprocess.ts";
export { score } from "./score.ts";
export { select } from "./select.ts";
export { childIndex, readMapOutputs, splitRows } from "./shards.ts";
export { countShardTerms, mergeTermParts, selectTerms, termCandidatesKey, termTableKey } from "./spec-terms.ts";
export { nowIso, type StepPorts } from "./step-ports.ts";
export { trainShard } from "./train-shard.ts";
export { childSeed, trainingKeys } from "./training.ts";
