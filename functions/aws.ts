/**
 * The Lambda composition root: builds the AWS ports (S3, DynamoDB) once per process from the
 * environment, and wraps a step as a Lambda handler with a per-invocation logger.
 */
import { DynamoRegistry, S3ObjectStore } from "@tollgate/aws";
import { logger } from "@tollgate/core/logger";
import { readSettings, Settings } from "@tollgate/core/settings";
import type { Step, StepPorts } from "@tollgate/core/steps";

/** What a step Lambda reads from its environment. */
export const LambdaSettings = Settings.pick({ dataBucket: true, modelBucket: true, registryTable: true });

let ports: StepPorts | undefined;

/** The AWS ports, built on first use from the environment (fails fast naming a missing key). */
export function awsPorts(): StepPorts {
  if (!ports) {
    const env = readSettings(LambdaSettings, process.env, {}, "Lambda environment");
    ports = {
      data: new S3ObjectStore({ bucket: env.dataBucket }),
      models: new S3ObjectStore({ bucket: env.modelBucket }),
      registry: new DynamoRegistry({ tableName: env.registryTable }),
    };
  }
  return ports;
}

/** Wraps a step as a Lambda handler: logs start/end with the run id, rethrows named errors unchanged. */
export function lambdaHandler<O>(step: Step<O>): (event: unknown) => Promise<O> {
  return async (event) => {
    const runId = typeof event === "object" && event && "runId" in event ? String(event.runId) : undefined;
    const log = logger.child({ step: step.name, runId });
    log.info("step started");
    try {
      const out = await step.make(awsPorts())(event);
      log.info("step succeeded");
      return out;
    } catch (err) {
      log.error({ err }, "step failed");
      throw err;
    }
  };
}
