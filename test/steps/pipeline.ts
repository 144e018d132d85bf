/** Runs Preprocess and Train on the topic fixture, for the tests of the steps after them. */
import type { PreprocessOutput, TrainOutput } from "@tollgate/core/contracts";
import { preprocess, type StepPorts, train } from "@tollgate/core/steps";
import { topicRows } from "../helpers/topics.ts";
import { putCurated } from "./fixtures.ts";

/** A trained candidate of model "topics" (run `runId`), registered but not evaluated. */
export async function trainedCandidate(
  ports: StepPorts,
  runId: string,
  rows = topicRows(400, 5),
): Promise<{ prepared: PreprocessOutput; trained: TrainOutput }> {
  const manifestKey = await putCurated(ports, "topics", rows);
  const prepared = await preprocess(ports, { runId, dataset: "topics", manifestKey });
  const trained = await train(ports, { runId, modelName: "topics", seed: 42, prepared });
  return { prepared, trained };
}
