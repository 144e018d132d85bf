/** Lambda entry point of the EvaluateShard state (see workflows/retrain.asl.json). */
import { EvaluateShardInput } from "@tollgate/core/contracts";
import { defineStep, evaluateShard } from "@tollgate/core/steps";
import { lambdaHandler } from "./lambda-step.ts";

/** The step: its input contract and the core function it runs (the local runtime runs it too). */
export const step = defineStep("EvaluateShard", EvaluateShardInput, evaluateShard);
export const handler = lambdaHandler(step);
