/** Lambda entry point of the Train state (see workflows/retrain.asl.json). */
import { TrainInput } from "@tollgate/core/contracts";
import { defineStep, train } from "@tollgate/core/steps";
import { lambdaHandler } from "./lambda-step.ts";

/** The step: its input contract and the core function it runs (the local runtime runs it too). */
export const step = defineStep("Train", TrainInput, train);
export const handler = lambdaHandler(step);
