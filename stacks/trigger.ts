/**
 * The retrain trigger: an EventBridge rule on the data bucket's "Object Created" events under
 * raw/ → an SQS queue that delays each event by the coalescing window → the trigger Lambda
 * (functions/trigger.ts), which starts the state machine with an idempotent execution name.
 */
import { Duration, type Stack } from "aws-cdk-lib";
import { Match, Rule } from "aws-cdk-lib/aws-events";
import { SqsQueue } from "aws-cdk-lib/aws-events-targets";
import { Effect, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import type { IStateMachine } from "aws-cdk-lib/aws-stepfunctions";
import { type TollgateFunction, tollgateFunction } from "./function.ts";
import { suppress } from "./nag.ts";
import { type DeploySettings, settingsEnv } from "./settings.ts";

/** The prefix under which an upload starts a retrain (`raw/<dataset>/…`). */
export const RAW_PREFIX = "raw/";
const TRIGGER_TIMEOUT_SECONDS = 30;

/** The trigger's parts, for wiring and tests. */
export interface RetrainTrigger {
  rule: Rule;
  queue: Queue;
  deadLetters: Queue;
  trigger: TollgateFunction;
}

/** Creates the rule, the delaying queue (with its dead-letter queue) and the trigger function. */
export function retrainTrigger(
  stack: Stack,
  deps: { dataBucket: IBucket; stateMachine: IStateMachine; settings: DeploySettings },
): RetrainTrigger {
  const { dataBucket, stateMachine, settings } = deps;
  const deadLetters = new Queue(stack, "TriggerDeadLetters", {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  suppress(deadLetters, "AwsSolutions-SQS3", "this is the dead-letter queue of the trigger queue");
  const queue = new Queue(stack, "TriggerQueue", {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    deliveryDelay: Duration.seconds(settings.coalesceSeconds),
    visibilityTimeout: Duration.seconds(6 * TRIGGER_TIMEOUT_SECONDS),
    deadLetterQueue: { queue: deadLetters, maxReceiveCount: 5 },
  });

  const rule = new Rule(stack, "RawObjectCreated", {
    description: "tollgate: an upload under raw/<dataset>/ starts a retrain",
    eventPattern: {
      source: ["aws.s3"],
      detailType: ["Object Created"],
      detail: { bucket: { name: [dataBucket.bucketName] }, object: { key: Match.prefix(RAW_PREFIX) } },
    },
  });
  rule.addTarget(new SqsQueue(queue));

  const trigger = tollgateFunction(stack, "Trigger", {
    handler: "functions/trigger.handler",
    description: "tollgate: starts the retrain state machine (idempotent names, coalesced bursts)",
    onnx: false,
    timeoutSeconds: TRIGGER_TIMEOUT_SECONDS,
    environment: settingsEnv({
      stateMachineArn: stateMachine.stateMachineArn,
      coalesceSeconds: settings.coalesceSeconds,
      minAccuracy: settings.minAccuracy,
      minGain: settings.minGain,
      minMacroF1: settings.minMacroF1,
      minClassRecall: settings.minClassRecall,
      minTestRows: settings.minTestRows,
      approval: settings.approval,
      seed: settings.seed,
      // the training options (tollgate.config.json `training`): each run's input carries them
      selectionBudget: settings.selectionBudget,
      learningRate: settings.learningRate,
      l2: settings.l2,
      ngramMax: settings.ngramMax,
      minDf: settings.minDf,
      maxEpochs: settings.maxEpochs,
      patience: settings.patience,
      datasetSettings: Object.keys(settings.datasetSettings).length
        ? JSON.stringify(settings.datasetSettings)
        : undefined,
      logLevel: settings.logLevel,
    }),
    statements: [
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ["states:StartExecution"],
        resources: [stateMachine.stateMachineArn],
      }),
    ],
  });
  trigger.fn.addEventSource(
    new SqsEventSource(queue, { batchSize: 10, maxBatchingWindow: Duration.seconds(5), reportBatchItemFailures: true }),
  );
  return { rule, queue, deadLetters, trigger };
}
