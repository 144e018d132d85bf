/** Lambda entry point of the Promote state (see workflows/retrain.asl.json). */
import { DecisionInput } from "@tollgate/core/contracts";
import { defineStep, promote } from "@tollgate/core/steps";
import { lambdaHandler } from "./lambda-step.ts";

/** The step: its input contract and the core function it runs (the local runtime runs it too). */
export const step = defineStep("Promote", DecisionInput, promote);
export const handler = lambdaHandler(step);
