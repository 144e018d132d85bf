/** Lambda entry point of the Merge state (see workflows/retrain.asl.json). */
import { MergeInput } from "@tollgate/core/contracts";
import { defineStep, merge } from "@tollgate/core/steps";
import { lambdaHandler } from "./lambda-step.ts";

/** The step: its input contract and the core function it runs (the local runtime runs it too). */
export const step = defineStep("Merge", MergeInput, merge);
export const handler = lambdaHandler(step);
