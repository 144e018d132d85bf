/**
 * CloudTrail records (as in trail log files, and in LookupEvents' `CloudTrailEvent`) and their
 * mapping to the audit records the CLI prints for both backends.
 */
import type { AuditRecord } from "@tollgate/core/contracts";
import { z } from "zod";

/** The fields of a CloudTrail record the CLI reads; the rest is kept. */
export const CloudTrailRecord = z.looseObject({
  eventVersion: z.string(),
  eventID: z.string(),
  eventTime: z.string(),
  eventSource: z.string(),
  eventName: z.string(),
  awsRegion: z.string(),
  eventType: z.string(),
  eventCategory: z.string().optional(),
  userIdentity: z.looseObject({
    type: z.string(),
    principalId: z.string().optional(),
    arn: z.string().optional(),
    invokedBy: z.string().optional(),
  }),
  requestParameters: z.record(z.string(), z.unknown()).nullable().optional(),
  responseElements: z.record(z.string(), z.unknown()).nullable().optional(),
  resources: z.array(z.looseObject({ type: z.string().optional(), ARN: z.string().optional() })).optional(),
});
export type CloudTrailRecord = z.infer<typeof CloudTrailRecord>;

/** The session name of an assumed role (for a Lambda function: the function's name). */
export function sessionName(record: CloudTrailRecord): string | undefined {
  const arn = record.userIdentity.arn;
  if (record.userIdentity.type !== "AssumedRole" || !arn) return undefined;
  return arn.slice(arn.lastIndexOf("/") + 1);
}

/**
 * The audit record for a CloudTrail record of a run. `eventVersion` is CloudTrail's own
 * (1.08 to 1.11); core's audit schema pins 1.08, the version the local log writes.
 */
export function toAuditRecord(
  record: CloudTrailRecord,
  runId: string,
  fallbackResources: AuditRecord["resources"] = [],
): AuditRecord {
  const resources = (record.resources ?? [])
    .filter((r): r is { type: string; ARN: string } => typeof r.type === "string" && typeof r.ARN === "string")
    .map((r) => ({ type: r.type, ARN: r.ARN }));
  return {
    eventVersion: record.eventVersion as AuditRecord["eventVersion"],
    eventID: record.eventID,
    eventTime: record.eventTime,
    eventSource: record.eventSource,
    eventName: record.eventName,
    awsRegion: record.awsRegion,
    eventType: "AwsApiCall",
    userIdentity: {
      type: record.userIdentity.type,
      principalId: record.userIdentity.principalId ?? record.userIdentity.invokedBy ?? "",
      ...(record.userIdentity.arn ? { arn: record.userIdentity.arn } : {}),
    },
    requestParameters: record.requestParameters ?? {},
    resources: resources.length > 0 ? resources : fallbackResources,
    runId,
  };
}
