/** Wraps a workflow step as a Lambda handler (each step's entry file does, e.g. functions/train.ts). */
import { logger } from "@tollgate/core/logger";
import { correlationOf, type Step } from "@tollgate/core/steps";

/**
 * The Lambda handler of a step: AWS ports built on the first invocation, start and end logged
 * with the step's correlation keys (the step's own lines carry them too), named errors rethrown unchanged.
 * @example export const handler = lambdaHandler(step);
 */
export function lambdaHandler<O>(step: Step<O>): (event: unknown) => Promise<O> {
  let run: ((event: unknown) => Promise<O>) | undefined;
  return async (event) => {
    const log = logger.child(correlationOf(step.name, event));
    log.info("step started");
    try {
      run ??= step.make((await import("./aws.ts")).awsPorts());
      const out = await run(event);
      log.info("step succeeded");
      return out;
    } catch (err) {
      log.error({ err }, "step failed");
      throw err;
    }
  };
}
