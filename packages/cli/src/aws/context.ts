/**
 * Connecting to a stage, once per process: credentials first (nothing is sent without them),
 * then the region, the clients and the stage's outputs, and the trigger's settings for `run`.
 */
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { TriggerSettings } from "@tollgate/core/workflow/upload-trigger";
import { type AwsClients, makeClients, requireCredentials, requireRegion } from "./clients.ts";
import { type Stage, stageFromCloudFormation, stageFromOutputsFile } from "./stage.ts";

/** Everything the AWS backend works with. */
export interface StageContext {
  stage: Stage;
  region: string;
  credentials: AwsCredentialIdentityProvider;
  clients: AwsClients;
  /** The trigger's settings (naming and gate of `run`). */
  settings: TriggerSettings;
}

/**
 * The trigger's settings: the stage's outputs when it publishes them, else the environment read
 * as `sst deploy` reads it (stacks/settings.ts: the same keys and defaults).
 */
export function triggerSettings(stage: Stage, env: NodeJS.ProcessEnv): TriggerSettings {
  const o = stage.outputs;
  const num = (value: number | undefined, key: string, fallback: number) =>
    value ?? (env[key] ? Number(env[key]) : fallback);
  return TriggerSettings.parse({
    coalesceSeconds: num(o.CoalesceSeconds, "TOLLGATE_COALESCE_SECONDS", 120),
    gate: {
      minAccuracy: num(o.MinAccuracy, "TOLLGATE_MIN_ACCURACY", 0.5),
      minGain: num(o.MinGain, "TOLLGATE_MIN_GAIN", 0),
    },
    seed: num(o.Seed, "TOLLGATE_SEED", 42),
  });
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
  const outputsFile = env.TOLLGATE_STAGE_OUTPUTS;
  const stage = outputsFile
    ? await stageFromOutputsFile(outputsFile, stageName)
    : await stageFromCloudFormation(clients.cfn, stageName);
  return { stage, region, credentials, clients, settings: triggerSettings(stage, env) };
}
