/**
 * Lambda entry point of the retrain trigger: S3 "Object Created" events (EventBridge → SQS,
 * delayed by the coalescing window) → StartExecution of the retrain state machine.
 * Core logic: packages/core/src/workflow/upload-trigger.ts. Failed starts are reported per message, so SQS
 * retries only those; malformed messages are logged and dropped.
 */
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { InvalidInputError } from "@tollgate/core/errors";
import { logger as rootLogger } from "@tollgate/core/logger";
import {
  type ExecutionStarter,
  ObjectCreatedEvent,
  planRuns,
  startRuns,
  type TriggerSettings,
} from "@tollgate/core/workflow/upload-trigger";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { z } from "zod";

const Env = z.object({
  STATE_MACHINE_ARN: z.string().startsWith("arn:").describe("the retrain state machine"),
  TOLLGATE_COALESCE_SECONDS: z.coerce.number().int().min(0).max(900).describe("coalescing window (0: off)"),
  TOLLGATE_MIN_ACCURACY: z.coerce.number().min(0).max(1).describe("gate: minimum test accuracy"),
  TOLLGATE_MIN_GAIN: z.coerce.number().min(-1).max(1).describe("gate: minimum gain over the live model"),
  TOLLGATE_SEED: z.coerce.number().int().nonnegative().default(42).describe("training seed"),
});

/** What the trigger handler needs; the Lambda builds it from its environment. */
export interface TriggerDeps {
  starter: ExecutionStarter;
  settings: TriggerSettings;
  logger?: typeof rootLogger;
}

/** The Step Functions implementation of the starter port. */
export function sfnStarter(client: SFNClient, stateMachineArn: string): ExecutionStarter {
  return {
    async start(name, input) {
      const out = await client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
      return { executionArn: out.executionArn ?? "" };
    },
  };
}

/** Builds the SQS batch handler around the given ports. */
export function createTriggerHandler(deps: TriggerDeps): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const log = (deps.logger ?? rootLogger).child({ step: "Trigger" });
  return async (event) => {
    const messagesByEvent = new Map<string, string[]>();
    const events: ObjectCreatedEvent[] = [];
    for (const record of event.Records) {
      const parsed = ObjectCreatedEvent.safeParse(safeJson(record.body));
      if (!parsed.success) {
        log.warn(
          { messageId: record.messageId, issues: parsed.error.issues },
          "not an S3 Object Created event: dropped",
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

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** @throws InvalidInputError naming each bad or missing variable. */
function readEnv(env: NodeJS.ProcessEnv): z.infer<typeof Env> {
  const parsed = Env.safeParse(env);
  if (!parsed.success) throw new InvalidInputError(`trigger environment is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

let built: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;

/** The Lambda handler: settings and the SFN client built once per process from the environment. */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  if (!built) {
    const env = readEnv(process.env);
    built = createTriggerHandler({
      starter: sfnStarter(new SFNClient({}), env.STATE_MACHINE_ARN),
      settings: {
        coalesceSeconds: env.TOLLGATE_COALESCE_SECONDS,
        gate: { minAccuracy: env.TOLLGATE_MIN_ACCURACY, minGain: env.TOLLGATE_MIN_GAIN },
        seed: env.TOLLGATE_SEED,
      },
    });
  }
  return built(event);
};
