/** Lambda entry point of the MergeTermParts state, a child of the MergeTerms Map (see workflows/retrain.asl.json). */
import { MergeTermPartsInput } from "@tollgate/core/contracts";
import { defineStep, mergeTermParts } from "@tollgate/core/steps";
import { lambdaHandler } from "./lambda-step.ts";

/** The step: its input contract and the core function it runs (the local runtime runs it too). */
export const step = defineStep("MergeTermParts", MergeTermPartsInput, mergeTermParts);
export const handler = lambdaHandler(step);
