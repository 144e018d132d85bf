/**
 * The workflow's Lambda steps: core functions over {@link StepPorts}, and `defineStep`, which
 * wraps one with its input contract.
 * @example
 * import { defineStep, train } from "@tollgate/core/steps";
 * const Train = defineStep("Train", TrainInput, train);
 */
export { checkNewData } from "./check-new-data.ts";
export { gateReason, promote, recordFailure, reject } from "./decide.ts";
export { type Correlation, correlationOf, defineStep, parseInput, type Step } from "./define.ts";
export { evaluate, scoreModelFile } from "./evaluate.ts";
export { preprocess, SHARD_ROWS } from "./preprocess.ts";
export { nowIso, type StepPorts } from "./step-ports.ts";
export { modelPrefix, modelVersionFor, train } from "./train.ts";
