/**
 * @tollgate/functions: the Lambda handlers. Each entry file (`preprocess.ts`, `train.ts`, …)
 * exports the `handler` SST deploys; this index exports what the local runtime and the tests
 * build them from.
 * @example
 * import { steps } from "@tollgate/functions";
 * const run = steps.Train.make(ports);
 */
export { awsPorts, lambdaHandler } from "./aws.ts";
export { type PredictHandler, predictHandler } from "./predict.ts";
export { steps } from "./steps.ts";
export { createTriggerHandler, sfnStarter, type TriggerDeps } from "./trigger.ts";
