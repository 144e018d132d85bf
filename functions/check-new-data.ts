/** Lambda entry point of the CheckNewData state (see workflows/retrain.asl.json). */
import { CheckNewDataInput } from "@tollgate/core/contracts";
import { checkNewData, defineStep } from "@tollgate/core/steps";
import { lambdaHandler } from "./lambda-step.ts";

/** The step: its input contract and the core function it runs (the local runtime runs it too). */
export const step = defineStep("CheckNewData", CheckNewDataInput, checkNewData);
export const handler = lambdaHandler(step);
