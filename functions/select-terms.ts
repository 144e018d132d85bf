/** Lambda entry point of the SelectTerms state (see workflows/retrain.asl.json). */
import { SelectTermsInput } from "@tollgate/core/contracts";
import { defineStep, selectTerms } from "@tollgate/core/steps";
import { lambdaHandler } from "./lambda-step.ts";

/** The step: its input contract and the core function it runs (the local runtime runs it too). */
export const step = defineStep("SelectTerms", SelectTermsInput, selectTerms);
export const handler = lambdaHandler(step);
