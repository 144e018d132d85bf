/**
 * A run's management events from CloudTrail's event history (LookupEvents, all pages): the
 * StartExecution that started it (who, with what request) and the Etl state's StartJobRun.
 * LookupEvents allows two requests a second per account and region: throttled pages are retried
 * by the clients' retry strategy (clients.ts).
 */
import { type CloudTrailClient, paginateLookupEvents } from "@aws-sdk/client-cloudtrail";
import type { AuditRecord } from "@tollgate/core/contracts";
import { tryJsonParse } from "@tollgate/core/json";
import { logger } from "@tollgate/core/logger";
import type { AwsExecutionSummary } from "../step-functions.ts";
import { CloudTrailRecord, toAuditRecord } from "./record.ts";

/** Management events usually appear in the event history within 5 minutes of the call, at most 15. */
export const MANAGEMENT_DELAY_MS = 15 * 60_000;

/** The records of one event name in a window (oldest first), parsed; unreadable ones are logged and skipped. */
async function lookup(
  client: CloudTrailClient,
  eventName: string,
  start: Date,
  end: Date,
): Promise<CloudTrailRecord[]> {
  const records: CloudTrailRecord[] = [];
  const pages = paginateLookupEvents(
    { client, pageSize: 50 },
    { LookupAttributes: [{ AttributeKey: "EventName", AttributeValue: eventName }], StartTime: start, EndTime: end },
  );
  for await (const page of pages) {
    for (const event of page.Events ?? []) {
      const parsed = CloudTrailRecord.safeParse(tryJsonParse(event.CloudTrailEvent));
      if (parsed.success) records.push(parsed.data);
      else logger.warn({ eventId: event.EventId, issues: parsed.error.issues }, "unreadable CloudTrail event skipped");
    }
  }
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
): Promise<{ records: AuditRecord[]; pending: boolean }> {
  const started = new Date(execution.startDate);
  const stopped = execution.stopDate ? new Date(execution.stopDate) : new Date(now);
  const around = 5 * 60_000;
  const starts = await lookup(
    client,
    "StartExecution",
    new Date(started.getTime() - around),
    new Date(started.getTime() + around),
  );
  const jobs = await lookup(client, "StartJobRun", started, stopped);
  const machine = [{ type: "AWS::StepFunctions::StateMachine", ARN: execution.stateMachineArn }];
  const records = [
    ...starts.filter((r) => mentionsRun(r, execution)).map((r) => toAuditRecord(r, execution.name, machine)),
    ...jobs.filter((r) => mentionsRun(r, execution)).map((r) => toAuditRecord(r, execution.name)),
  ];
  const foundStart = records.some((r) => r.eventName === "StartExecution");
  return { records, pending: !foundStart && now - started.getTime() < MANAGEMENT_DELAY_MS };
}
