/**
 * A run's audit trail on AWS: management events from CloudTrail's event history (LookupEvents)
 * and data events from the trail's log files, as core's audit records.
 * @example
 * import { auditOnStage } from "@tollgate/aws/cloudtrail";
 */
export { type AuditDeps, arnParts, auditOnStage, triggerUploads } from "./audit.ts";
export {
  type AuditedRun,
  DELIVERY_DELAY_MS,
  dataEvents,
  deliveredAt,
  runFunctionNames,
  type TrailScope,
  type TriggerUploads,
} from "./data.ts";
export { type Clock, LOOKUP_INTERVAL_MS, MANAGEMENT_DELAY_MS, managementEvents } from "./management.ts";
export { CloudTrailRecord, sessionName, toAuditRecord } from "./record.ts";
