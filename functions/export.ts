/** Lambda entry point of the Export state (see workflows/retrain.asl.json). */
import { ExportInput } from "@tollgate/core/contracts";
import { defineStep, exportModel } from "@tollgate/core/steps";
import { lambdaHandler } from "./lambda-step.ts";

/** The step: its input contract and the core function it runs (the local runtime runs it too). */
export const step = defineStep("Export", ExportInput, exportModel);
export const handler = lambdaHandler(step);
