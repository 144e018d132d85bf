/** Lambda entry point of the Preprocess state (see workflows/retrain.asl.json). */
import { lambdaHandler } from "./aws.ts";
import { steps } from "./steps.ts";

export const handler = lambdaHandler(steps.Preprocess);
