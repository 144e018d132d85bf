/**
 * Lambda entry point of the retrain trigger: S3 "Object Created" events (EventBridge → SQS,
 * delayed by the coalescing window) → StartExecution of the retrain state machine.
 * Core logic: packages/core/src/workflow/upload-trigger.ts. Failed starts are reported per message, so SQS
 * retries only those; malformed messages are logged and dropped.
 */
import { SFNClient } from "@aws-sdk/client-sfn";
import { StepFunctionsRuns } from "@tollgate/aws";
import { tryJsonParse } from "@tollgate/core/json";
import { logger as rootLogger } from "@tollgate/core/logger";
import { GATE_SETTINGS, readSettings, Settings, TRAINING_SETTINGS } from "@tollgate/core/settings";
import {
  datasetOf,
  type ExecutionStarter,
  ObjectCreatedEvent,
  planRuns,
  startRuns,
  type TriggerSettings,
  triggerSettingsOf,
} from "@tollgate/core/workflow/upload-trigger";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";

/** What the trigger Lambda reads from its environment (the stack sets every field). */
export const TriggerLambdaSettings = Settings.pick({
  stateMachineArn: true,
  coalesceSeconds: true,
  ...GATE_SETTINGS,
  seed: true,
  datasetSettings: true,
  ...TRAINING_SETTINGS,
});

/** What the trigger handler needs; the Lambda builds it from its environment. */
export interface TriggerDeps {
  starter: ExecutionStarter;
  settings: TriggerSettings;
  logger?: typeof rootLogger;
}

/** Builds the SQS batch handler around the given ports. */
export function createTriggerHandler(deps: TriggerDeps): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const log = (deps.logger ?? rootLogger).child({ step: "Trigger" });
  return async (event) => {
    const messagesByEvent = new Map<string, string[]>();
    const events: ObjectCreatedEvent[] = [];
    for (const record of event.Records) {
      const parsed = ObjectCreatedEvent.safeParse(tryJsonParse(record.body));
      if (!parsed.success) {
        log.warn(
          { messageId: record.messageId, issues: parsed.error.issues },
          "not an S3 Object Created event: dropped",
        );
        continue;
      }
      if (!datasetOf(parsed.data.detail.object.key)) {
        log.warn(
          { messageId: record.messageId, key: parsed.data.detail.object.key },
          "object outside raw/<dataset>/ (dataset names are lowercase letters, digits and dashes): no run",
        );
        continue;
      }
      events.push(parsed.data);
      messagesByEvent.set(parsed.data.id, [...(messagesByEvent.get(parsed.data.id) ?? []), record.messageId]);
    }
    const outcomes = await startRuns(planRuns(events, deps.settings), deps.starter, log);
    const failed = outcomes.filter((o) => o.status === "failed").flatMap((o) => o.eventIds);
    return {
      batchItemFailures: [...new Set(failed)].flatMap((id) =>
        (messagesByEvent.get(id) ?? []).map((itemIdentifier) => ({ itemIdentifier })),
      ),
    };
  };
}

let built: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;

/** The Lambda handler: settings and the SFN client built once per process from the environment. */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  if (!built) {
    const env = readSettings(TriggerLambdaSettings, process.env, {}, "trigger environment");
    built = createTriggerHandler({
      starter: new StepFunctionsRuns(new SFNClient({}), env.stateMachineArn),
      settings: triggerSettingsOf(env),
    });
  }
  return built(event);
};
