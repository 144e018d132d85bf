/** Lambda entry point of the Score state (see workflows/retrain.asl.json). */
import { ScoreInput } from "@tollgate/core/contracts";
import { defineStep, score } from "@tollgate/core/steps";
import { lambdaHandler } from "./lambda-step.ts";

/** The step: its input contract and the core function it runs (the local runtime runs it too). */
export const step = defineStep("Score", ScoreInput, score);
export const handler = lambdaHandler(step);
