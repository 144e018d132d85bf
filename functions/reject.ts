/** Lambda entry point of the Reject state (see workflows/retrain.asl.json). */
import { DecisionInput } from "@tollgate/core/contracts";
import { defineStep, reject } from "@tollgate/core/steps";
import { lambdaHandler } from "./lambda-step.ts";

/** The step: its input contract and the core function it runs (the local runtime runs it too). */
export const step = defineStep("Reject", DecisionInput, reject);
export const handler = lambdaHandler(step);
