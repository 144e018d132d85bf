/**
 * The retrain trigger, locally: the same core planning as the trigger Lambda (execution names
 * derived from the object version, or from the coalescing window), starting executions of the
 * local workflow. StartExecution semantics are those of the local engine: an existing name with
 * the same input is a no-op, with another input `ExecutionAlreadyExists`.
 */
import { ExecutionAlreadyExistsError } from "@tollgate/core/errors";
import { logger } from "@tollgate/core/logger";
import {
  type ExecutionStarter,
  type ObjectCreatedEvent,
  planRuns,
  type RunOutcome,
  startRuns,
  type TriggerSettings,
} from "@tollgate/core/workflow/upload-trigger";
import type { LocalWorkflow, RunHandle } from "./engine/runner.ts";

export interface LocalTrigger {
  /** Handles a delivery of events (as one EventBridge/SQS batch). */
  deliver(events: ObjectCreatedEvent[]): Promise<RunOutcome[]>;
  /** The runs this trigger started, to await them. */
  started: RunHandle[];
}

/**
 * @example const trigger = localTrigger(tg.workflow, settings); await trigger.deliver([event]);
 */
export function localTrigger(workflow: LocalWorkflow, settings: TriggerSettings): LocalTrigger {
  const started: RunHandle[] = [];
  const starter: ExecutionStarter = {
    async start(name, input) {
      const handle = await workflow.start(name, input, { startedBy: "trigger" });
      if (!handle.started) throw new ExecutionAlreadyExistsError(`execution ${name} already exists`);
      started.push(handle);
      return { executionArn: handle.execution.executionArn };
    },
  };
  return { started, deliver: (events) => startRuns(planRuns(events, settings), starter, logger) };
}

/** An S3 "Object Created" event for a key, as EventBridge would deliver it (for the local data store). */
export function objectCreated(
  key: string,
  options: { version: string; time?: Date; id?: string; bucket?: string },
): ObjectCreatedEvent {
  return {
    id: options.id ?? `${key}#${options.version}`,
    source: "aws.s3",
    "detail-type": "Object Created",
    time: (options.time ?? new Date()).toISOString(),
    detail: { bucket: { name: options.bucket ?? "tollgate-data" }, object: { key, "version-id": options.version } },
  };
}
