/** Lambda entry point of the Select state (see workflows/retrain.asl.json). */
import { SelectInput } from "@tollgate/core/contracts";
import { defineStep, select } from "@tollgate/core/steps";
import { lambdaHandler } from "./lambda-step.ts";

/** The step: its input contract and the core function it runs (the local runtime runs it too). */
export const step = defineStep("Select", SelectInput, select);
export const handler = lambdaHandler(step);
