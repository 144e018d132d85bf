export { gateReason, promote, recordFailure, reject } from "./decide.ts";
export { evaluate, scoreModelFile } from "./evaluate.ts";
export type { StepPorts } from "./ports.ts";
export { preprocess, SHARD_ROWS } from "./preprocess.ts";
export { modelPrefix, modelVersionFor, train } from "./train.ts";
