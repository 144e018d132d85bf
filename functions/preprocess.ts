/** Lambda entry point of the Preprocess state (see workflows/retrain.asl.json). */
import { PreprocessInput } from "@tollgate/core/contracts";
import { defineStep, preprocess } from "@tollgate/core/steps";
import { lambdaHandler } from "./lambda-step.ts";

/** The step: its input contract and the core function it runs (the local runtime runs it too). */
export const step = defineStep("Preprocess", PreprocessInput, preprocess);
export const handler = lambdaHandler(step);
