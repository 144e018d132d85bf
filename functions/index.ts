/**
 * @tollgate/functions: the Lambda handlers. Each step's entry file (`preprocess.ts`, `train-shard.ts`, …,
 * named after its `${<Key>FunctionArn}` in workflows/retrain.asl.json) exports the `step` the local
 * runtime runs and the `handler` SST deploys; `predict.ts` and `trigger.ts` are the other Lambdas.
 * @example
 * import { lambdaHandler } from "@tollgate/functions";
 * export const handler = lambdaHandler(step);
 */
export { awsPorts, LambdaSettings } from "./aws.ts";
export { lambdaHandler } from "./lambda-step.ts";
export { type PredictHandler, predictHandler } from "./predict.ts";
export { createTriggerHandler, type TriggerDeps, TriggerLambdaSettings } from "./trigger.ts";
