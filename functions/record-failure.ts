/**
 * Lambda entry point of the RecordFailure state (see workflows/retrain.asl.json), also the target
 * of the rule on the state machine's "Execution Status Change" events (stacks/Pipeline.ts), so a
 * run that ends without success is recorded even where no Catch leads here.
 */
import { RecordFailureInput } from "@tollgate/core/contracts";
import { defineStep, recordRunFailure } from "@tollgate/core/steps";
import { lambdaHandler } from "./lambda-step.ts";

/** The step: its input contract and the core function it runs (the local runtime runs it too). */
export const step = defineStep("RecordFailure", RecordFailureInput, recordRunFailure);
export const handler = lambdaHandler(step);
