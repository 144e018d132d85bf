/** Lambda entry point of the MergeTerms state (see workflows/retrain.asl.json). */
import { MergeTermsInput } from "@tollgate/core/contracts";
import { defineStep, mergeTerms } from "@tollgate/core/steps";
import { lambdaHandler } from "./lambda-step.ts";

/** The step: its input contract and the core function it runs (the local runtime runs it too). */
export const step = defineStep("MergeTerms", MergeTermsInput, mergeTerms);
export const handler = lambdaHandler(step);
