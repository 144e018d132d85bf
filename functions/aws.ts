/**
 * The Lambda composition root: builds the AWS ports (S3, DynamoDB) from the environment. Handlers
 * import it on their first invocation, so the local runtime, which runs the same handler modules
 * with its own ports, never loads the AWS SDK clients.
 */
import { DynamoRegistry, S3ObjectStore } from "@tollgate/aws";
import { readSettings, Settings } from "@tollgate/core/settings";
import type { StepPorts } from "@tollgate/core/steps";

/** What a step Lambda reads from its environment. */
export const LambdaSettings = Settings.pick({ dataBucket: true, modelBucket: true, registryTable: true });

/**
 * The AWS ports from the environment (fails fast naming a missing key). Each handler builds them
 * once, on its first invocation, and keeps them (clients reuse their connections across invocations).
 */
export function awsPorts(env: NodeJS.ProcessEnv = process.env): StepPorts {
  const settings = readSettings(LambdaSettings, env, {}, "Lambda environment");
  return {
    data: new S3ObjectStore({ bucket: settings.dataBucket }),
    // model files are written once: Train's and Evaluate's roles may only create objects (stacks/access.ts)
    models: new S3ObjectStore({ bucket: settings.modelBucket, createOnly: true }),
    registry: new DynamoRegistry({ tableName: settings.registryTable }),
  };
}
