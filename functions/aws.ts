/**
 * The Lambda composition root: builds the AWS ports (S3, DynamoDB) once per process from the
 * environment. Handlers import it on their first invocation, so the local runtime, which runs the
 * same handler modules with its own ports, never loads the AWS SDK clients.
 */
import { DynamoRegistry, S3ObjectStore } from "@tollgate/aws";
import { readSettings, Settings } from "@tollgate/core/settings";
import type { StepPorts } from "@tollgate/core/steps";

/** What a step Lambda reads from its environment. */
export const LambdaSettings = Settings.pick({ dataBucket: true, modelBucket: true, registryTable: true });

let ports: StepPorts | undefined;

/** The AWS ports, built on first use from the environment (fails fast naming a missing key). */
export function awsPorts(): StepPorts {
  if (!ports) {
    const env = readSettings(LambdaSettings, process.env, {}, "Lambda environment");
    ports = {
      data: new S3ObjectStore({ bucket: env.dataBucket }),
      // model files are written once: Train's and Evaluate's roles may only create objects (stacks/access.ts)
      models: new S3ObjectStore({ bucket: env.modelBucket, createOnly: true }),
      registry: new DynamoRegistry({ tableName: env.registryTable }),
    };
  }
  return ports;
}
