/** Lambda entry point of the TrainShard state (see workflows/retrain.asl.json). */
import { TrainShardInput } from "@tollgate/core/contracts";
import { defineStep, trainShard } from "@tollgate/core/steps";
import { lambdaHandler } from "./lambda-step.ts";

/** The step: its input contract and the core function it runs (the local runtime runs it too). */
export const step = defineStep("TrainShard", TrainShardInput, trainShard);
export const handler = lambdaHandler(step);
