/** Lambda entry point of the RecordFailure state (see workflows/retrain.asl.json). */
import { FailureInput } from "@tollgate/core/contracts";
import { defineStep, recordFailure } from "@tollgate/core/steps";
import { lambdaHandler } from "./lambda-step.ts";

/** The step: its input contract and the core function it runs (the local runtime runs it too). */
export const step = defineStep("RecordFailure", FailureInput, recordFailure);
export const handler = lambdaHandler(step);
