/** Lambda entry point of the RequestApproval state (see workflows/retrain.asl.json). */
import { DecisionInput } from "@tollgate/core/contracts";
import { defineStep, requestApproval } from "@tollgate/core/steps";
import { lambdaHandler } from "./lambda-step.ts";

/** The step: its input contract and the core function it runs (the local runtime runs it too). */
export const step = defineStep("RequestApproval", DecisionInput, requestApproval);
export const handler = lambdaHandler(step);
