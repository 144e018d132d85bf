export { preprocess, SHARD_ROWS } from "./preprocess.ts";
export { train, modelVersionFor, modelPrefix } from "./train.ts";
export { evaluate, scoreModelFile } from "./evaluate.ts";
export { promote, reject, recordFailure, gateReason } from "./decide.ts";
export type { StepPorts } from "./ports.ts";
