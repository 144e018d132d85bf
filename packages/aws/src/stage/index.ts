/**
 * A deployed stage, as the CLI's `--stage` backend operates it: connecting (credentials, region,
 * the stacks' outputs), starting and following runs, and the predict Function URL.
 * @example
 * import { connectStage, runOnStage } from "@tollgate/aws/stage";
 */
export { connectStage, type StageContext, triggerSettings } from "./connect.ts";
export { followRun, type PollSettings, type RunProgress, waitForRun } from "./follow.ts";
export {
  APP_NAME,
  STAGE_STACKS,
  type Stage,
  StageOutputs,
  stackName,
  stageFromCloudFormation,
  stageFromOutputsFile,
} from "./outputs.ts";
export { type FunctionUrlTarget, predictOnStage, type ScoredText } from "./predict.ts";
export { rawKeyFor } from "./raw-key.ts";
export {
  ingestToStage,
  redriveOnStage,
  runNamesFor,
  runOnStage,
  type StartDeps,
  type StartedRun,
} from "./start.ts";
