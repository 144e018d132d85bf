/**
 * A run's management events from CloudTrail's event history (LookupEvents, all pages): the
 * StartExecution that started it (who, with what request) and the Etl state's StartJobRun.
 * LookupEvents allows two requests a second per account and region: requests are paced to that
 * rate, and a throttled one is still retried by the clients' retry strategy (clients.ts).
 */
import { type CloudTrailClient, LookupEventsCommand } from "@aws-sdk/client-cloudtrail";
import type { AuditRecord } from "@tollgate/core/contracts";
import { tryJsonParse } from "@tollgate/core/json";
import { logger } from "@tollgate/core/logger";
import type { AwsExecutionSummary } from "../step-functions.ts";
import { CloudTrailRecord, toAuditRecord } from "./record.ts";

/** Management events usually appear in the event history within 5 minutes of the call, at most 15. */
export const MANAGEMENT_DELAY_MS = 15 * 60_000;

/** LookupEvents allows two requests a second per account and region: one every 500 ms. */
export const LOOKUP_INTERVAL_MS = 500;

/** A clock to pace requests with. */
export interface Clock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

/** Spaces calls `intervalMs` apart (the first goes at once). */
function pacer(intervalMs: number, clock: Clock): () => Promise<void> {
  let last = Number.NEGATIVE_INFINITY;
  return async () => {
    const wait = last + intervalMs - clock.now();
    if (wait > 0) await clock.sleep(wait);
    last = clock.now();
  };
}

/** The records of one event name in a window (oldest first), parsed; unreadable ones are logged and skipped. */
async function lookup(
  client: CloudTrailClient,
  pace: () => Promise<void>,
  eventName: string,
  start: Date,
  end: Date,
): Promise<CloudTrailRecord[]> {
  const records: CloudTrailRecord[] = [];
  let token: string | undefined;
  do {
    await pace();
    const page = await client.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: "EventName", AttributeValue: eventName }],
        StartTime: start,
        EndTime: end,
        MaxResults: 50,
        ...(token ? { NextToken: token } : {}),
      }),
    );
    for (const event of page.Events ?? []) {
      const parsed = CloudTrailRecord.safeParse(tryJsonParse(event.CloudTrailEvent));
      if (parsed.success) records.push(parsed.data);
      else logger.warn({ eventId: event.EventId, issues: parsed.error.issues }, "unreadable CloudTrail event skipped");
    }
    token = page.NextToken;
  } while (token);
  return records.reverse();
}

/** Whether a request's parameters mention the run (by execution ARN, name, or its manifest key). */
function mentionsRun(record: CloudTrailRecord, execution: AwsExecutionSummary): boolean {
  const request = record.requestParameters ?? {};
  const response = record.responseElements ?? {};
  if (record.eventName === "StartExecution") {
    return (
      response.executionArn === execution.executionArn ||
      (request.name === execution.name && request.stateMachineArn === execution.stateMachineArn)
    );
  }
  const args = (request.arguments ?? {}) as Record<string, unknown>;
  return Object.values(args).some((v) => typeof v === "string" && v.includes(`runs/${execution.name}/`));
}

/**
 * The run's management events, and whether the event history may still be missing some.
 * @example const { records, pending } = await managementEvents(cloudTrail, execution, Date.now());
 */
export async function managementEvents(
  client: CloudTrailClient,
  execution: AwsExecutionSummary,
  now: number,
  clock: Clock = realClock,
): Promise<{ records: AuditRecord[]; pending: boolean }> {
  const pace = pacer(LOOKUP_INTERVAL_MS, clock);
  const started = new Date(execution.startDate);
  const stopped = execution.stopDate ? new Date(execution.stopDate) : new Date(now);
  const around = 5 * 60_000;
  const starts = await lookup(
    client,
    pace,
    "StartExecution",
    new Date(started.getTime() - around),
    new Date(started.getTime() + around),
  );
  const jobs = await lookup(client, pace, "StartJobRun", started, stopped);
  const machine = [{ type: "AWS::StepFunctions::StateMachine", ARN: execution.stateMachineArn }];
  const records = [
    ...starts.filter((r) => mentionsRun(r, execution)).map((r) => toAuditRecord(r, execution.name, machine)),
    ...jobs.filter((r) => mentionsRun(r, execution)).map((r) => toAuditRecord(r, execution.name)),
  ];
  const foundStart = records.some((r) => r.eventName === "StartExecution");
  return { records, pending: !foundStart && now - started.getTime() < MANAGEMENT_DELAY_MS };
}
