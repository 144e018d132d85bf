/**
 * The Lambda composition root: builds the AWS ports (S3, DynamoDB) once per process from the
 * environment, and wraps a step as a Lambda handler with a per-invocation logger.
 */
import { DynamoRegistry, S3ObjectStore } from "@tollgate/aws";
import { logger } from "@tollgate/core/logger";
import type { Step, StepPorts } from "@tollgate/core/steps";
import { z } from "zod";

const Env = z.object({
  DATA_BUCKET: z.string().min(1).describe("the data bucket (raw/, curated/, prepared/, runs/)"),
  MODEL_BUCKET: z.string().min(1).describe("the versioned model bucket (models/<name>/<version>/)"),
  REGISTRY_TABLE: z.string().min(1).describe("the registry's DynamoDB table"),
});

let ports: StepPorts | undefined;

/** The AWS ports, built on first use from the environment (fails fast naming a missing key). */
export function awsPorts(): StepPorts {
  if (!ports) {
    const env = Env.parse(process.env);
    ports = {
      data: new S3ObjectStore({ bucket: env.DATA_BUCKET }),
      models: new S3ObjectStore({ bucket: env.MODEL_BUCKET }),
      registry: new DynamoRegistry({ tableName: env.REGISTRY_TABLE }),
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
