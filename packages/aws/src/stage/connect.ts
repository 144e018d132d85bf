/**
 * Connecting to a stage, once per process: credentials first (nothing is sent without them),
 * then the region, the clients and the stage's outputs, and the trigger's settings for `run`.
 */
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { GATE_SETTINGS, readSettings, SETTINGS_ENV, Settings, TRAINING_SETTINGS } from "@tollgate/core/settings";
import { type TriggerSettings, triggerSettingsOf } from "@tollgate/core/workflow/upload-trigger";
import { type AwsClients, makeClients, requireCredentials, requireRegion } from "../clients.ts";
import { type Stage, stageFromCloudFormation, stageFromOutputsFile } from "./outputs.ts";

/** Everything the AWS backend works with. */
export interface StageContext {
  stage: Stage;
  region: string;
  credentials: AwsCredentialIdentityProvider;
  clients: AwsClients;
  /** The trigger's settings (naming and gate of `run`). */
  settings: TriggerSettings;
}

/** The settings of `run --stage`: the trigger's, as `sst deploy` reads them (stacks/settings.ts). */
export const StageRunSettings = Settings.pick({
  coalesceSeconds: true,
  ...GATE_SETTINGS,
  seed: true,
  ...TRAINING_SETTINGS,
});

/** The trigger's settings: the stage's outputs when it publishes them, else the environment, else the defaults. */
export function triggerSettings(stage: Stage, env: NodeJS.ProcessEnv): TriggerSettings {
  const o = stage.outputs;
  const overrides = {
    coalesceSeconds: o.CoalesceSeconds,
    minAccuracy: o.MinAccuracy,
    minGain: o.MinGain,
    seed: o.Seed,
  };
  const settings = triggerSettingsOf(readSettings(StageRunSettings, env, overrides, "stage settings"));
  return {
    ...settings,
    ...(o.TrainingOptions ? { trainingOptions: o.TrainingOptions } : {}),
    datasets: o.DatasetSettings ?? {},
  };
}

/**
 * Connects to `stageName` with the standard credential chain and region.
 * @throws NoCredentialsError, NoRegionError, StageNotFoundError
 * @example const ctx = await connectStage("prod", process.env);
 */
export async function connectStage(stageName: string, env: NodeJS.ProcessEnv): Promise<StageContext> {
  const credentials = await requireCredentials(stageName);
  const region = await requireRegion(stageName);
  const clients = makeClients({ region, credentials });
  const outputsFile = env[SETTINGS_ENV.stageOutputs];
  const stage = outputsFile
    ? await stageFromOutputsFile(outputsFile, stageName)
    : await stageFromCloudFormation(clients.cfn, stageName);
  return { stage, region, credentials, clients, settings: triggerSettings(stage, env) };
}
