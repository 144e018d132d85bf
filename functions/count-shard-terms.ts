/** Lambda entry point of the CountShardTerms state (see workflows/retrain.asl.json). */
import { CountShardTermsInput } from "@tollgate/core/contracts";
import { countShardTerms, defineStep } from "@tollgate/core/steps";
import { lambdaHandler } from "./lambda-step.ts";

/** The step: its input contract and the core function it runs (the local runtime runs it too). */
export const step = defineStep("CountShardTerms", CountShardTermsInput, countShardTerms);
export const handler = lambdaHandler(step);
