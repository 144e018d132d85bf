/**
 * A run's audit trail on AWS: management events from CloudTrail's event history (LookupEvents)
 * and data events from the trail's log files, as core's audit records.
 * @example
 * import { auditOnStage } from "@tollgate/aws/cloudtrail";
 */
export { type AuditDeps, arnParts, auditOnStage } from "./audit.ts";
export { DELIVERY_DELAY_MS, dataEvents, deliveredAt, runFunctionNames, type TrailScope } from "./data.ts";
export { MANAGEMENT_DELAY_MS, managementEvents } from "./management.ts";
export { CloudTrailRecord, sessionName, toAuditRecord } from "./record.ts";
