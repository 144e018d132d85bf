import { type CheckNewDataInput, type CheckNewDataOutput, Manifest } from "../contracts.ts";
import { readJson } from "../json-lines.ts";
import { trainingSettingsDigest } from "../ml/training-settings.ts";
import { nowIso, type StepPorts } from "./step-ports.ts";

/**
 * CheckNewData: is there anything to train? Compares the dataset version the Etl state wrote and
 * this run's training settings with those of the live model. Both equal (and not `force`): the
 * run is recorded as "no-new-data" and `unchanged` is true, so the NewData Choice ends it without
 * training; the live model stays live. Otherwise (new data, other settings, nothing live, or
 * `force`) the run goes on and the gate decides.
 * @example const out = await checkNewData(ports, { runId, manifestKey, run: { dataset: "reviews", modelName: "reviews", gate, seed: 42, sources: [], force: false } });
 */
export async function checkNewData(ports: StepPorts, input: CheckNewDataInput): Promise<CheckNewDataOutput> {
  const { datasetVersion } = await readJson(ports.data, input.manifestKey, Manifest);
  const { trainingOptions } = input.run;
  const trainingSettings = trainingSettingsDigest(input.run.seed, trainingOptions);
  const pointer = await ports.registry.getLive(input.run.modelName);
  const live = pointer ? await ports.registry.getModelVersion(input.run.modelName, pointer.version) : undefined;
  const out = (unchanged: boolean, reason: string): CheckNewDataOutput => ({
    unchanged,
    datasetVersion,
    trainingSettings,
    trainingOptions,
    live: pointer?.version ?? null,
    reason,
  });
  if (!pointer || !live) return out(false, `nothing is live for ${input.run.modelName}: training`);
  const sameData = live.datasetVersion === datasetVersion;
  const sameSettings = live.trainingSettings === trainingSettings;
  if (!sameData)
    return out(
      false,
      `new data: dataset ${datasetVersion.slice(0, 16)}, live ${live.version} was trained on ${live.datasetVersion.slice(0, 16)}`,
    );
  if (!sameSettings) return out(false, `same data, other training settings than live ${live.version}: training`);
  if (input.run.force) return out(false, `same data and settings as live ${live.version}, retraining as forced`);
  const reason = `no new data: dataset ${datasetVersion.slice(0, 16)} and training settings ${trainingSettings} are those of live ${live.version}; nothing to train (run --force retrains anyway)`;
  await ports.registry.putRun({
    runId: input.runId,
    dataset: input.run.dataset,
    modelName: input.run.modelName,
    datasetVersion,
    modelVersion: live.version,
    decision: "no-new-data",
    reason,
    updatedAt: nowIso(ports),
  });
  return out(true, reason);
}
