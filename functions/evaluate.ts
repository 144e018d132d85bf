/** Lambda entry point of the Evaluate state (see workflows/retrain.asl.json). */
import { EvaluateInput } from "@tollgate/core/contracts";
import { defineStep, evaluate } from "@tollgate/core/steps";
import { lambdaHandler } from "./lambda-step.ts";

/** The step: its input contract and the core function it runs (the local runtime runs it too). */
export const step = defineStep("Evaluate", EvaluateInput, evaluate);
export const handler = lambdaHandler(step);
