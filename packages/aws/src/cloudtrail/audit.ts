/**
 * `audit <run>` on a deployed stage: the run's management events (CloudTrail event history) and
 * data events (the trail's log files: the uploads that started it, its writes), oldest first, plus plain notices on what CloudTrail has
 * not delivered yet (management events appear within about 5 minutes, log files every 5 minutes).
 */
import type { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import type { S3Client } from "@aws-sdk/client-s3";
import type { AuditRecord } from "@tollgate/core/contracts";
import type { HistoryEvent } from "@tollgate/core/workflow/executions";
import type { AwsExecutionSummary } from "../step-functions.ts";
import { DELIVERY_DELAY_MS, dataEvents, runFunctionNames, type TriggerUploads } from "./data.ts";
import { managementEvents } from "./management.ts";

/** What the audit reads. */
export interface AuditDeps {
  cloudTrail: CloudTrailClient;
  s3: S3Client;
  dataBucket: string;
  modelBucket: string;
  registryTable: string;
  /** The trigger's coalescing window (s): the uploads made in a run's window started it. */
  coalesceSeconds: number;
  /** Absent when the stage has no Audit stack. */
  trailBucket: string | undefined;
  /** Told each thing the records may be missing, one line each. */
  notice: (line: string) => void;
  now?: () => number;
  /** Waits between LookupEvents requests, on the clock `now` (default: a timer on the real clock). */
  sleep?: (ms: number) => Promise<void>;
}

/** `arn:<partition>:states:<region>:<account>:…` → its parts. */
export function arnParts(arn: string): { partition: string; region: string; account: string } {
  const [, partition = "aws", , region = "", account = ""] = arn.split(":");
  return { partition, region, account };
}

const hhmm = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")}Z`;

/** `<dataset>-yyyymmddThhmmssZ` (a coalesced run's name) → its window's start. */
function windowStartOf(name: string): Date | undefined {
  const m = /-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(name);
  return m ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`) : undefined;
}

/** The uploads that started the run: the object versions its input lists, or those of its window. */
export function triggerUploads(
  execution: AwsExecutionSummary,
  dataBucket: string,
  coalesceSeconds: number,
): TriggerUploads {
  const { partition } = arnParts(execution.stateMachineArn);
  const input = (() => {
    try {
      return JSON.parse(execution.input) as { dataset?: unknown; sources?: unknown };
    } catch {
      return {};
    }
  })();
  const dataset = typeof input.dataset === "string" ? input.dataset : "";
  const sources = Array.isArray(input.sources) ? input.sources.filter((x) => typeof x === "string") : [];
  const from = (coalesceSeconds > 0 && windowStartOf(execution.name)) || new Date(execution.startDate);
  const to = new Date(from.getTime() + (coalesceSeconds > 0 ? coalesceSeconds * 1000 : 0));
  return {
    prefix: `arn:${partition}:s3:::${dataBucket}/raw/${dataset}/`,
    sources: new Set(sources),
    window: { from, to },
  };
}

/**
 * The run's audit records, oldest first.
 * @example const records = await auditOnStage(deps, execution, events);
 */
export async function auditOnStage(
  deps: AuditDeps,
  execution: AwsExecutionSummary,
  events: HistoryEvent[],
): Promise<AuditRecord[]> {
  const now = (deps.now ?? Date.now)();
  const running = execution.status === "RUNNING";
  if (running) deps.notice(`run ${execution.name} is still running: these are its records so far`);
  const management = await managementEvents(
    deps.cloudTrail,
    execution,
    now,
    deps.sleep ? { now: deps.now ?? Date.now, sleep: deps.sleep } : undefined,
  );
  if (management.pending) {
    deps.notice(
      `CloudTrail's event history has no StartExecution for ${execution.name} yet: management events appear within about 5 minutes of the call; try again later`,
    );
  }
  const records = [...management.records];
  if (!deps.trailBucket) {
    deps.notice(
      "this stage has no trail (no TrailBucket output of its Audit stack): model and registry writes are not shown",
    );
  } else {
    const { partition, region, account } = arnParts(execution.stateMachineArn);
    const end = execution.stopDate ? new Date(execution.stopDate) : new Date(now);
    const data = await dataEvents(
      deps.s3,
      {
        trailBucket: deps.trailBucket,
        account,
        region,
        resources: [
          `arn:${partition}:s3:::${deps.modelBucket}/`,
          `arn:${partition}:dynamodb:${region}:${account}:table/${deps.registryTable}`,
        ],
      },
      {
        name: execution.name,
        start: new Date(execution.startDate),
        end,
        functions: runFunctionNames(events),
        uploads: triggerUploads(execution, deps.dataBucket, deps.coalesceSeconds),
      },
    );
    records.push(...data.records);
    const complete = data.newestDelivery !== null && data.newestDelivery.getTime() >= end.getTime() + DELIVERY_DELAY_MS;
    if (!running && !complete && now - end.getTime() < DELIVERY_DELAY_MS) {
      const at = hhmm(end);
      deps.notice(
        data.newestDelivery
          ? `CloudTrail may not have delivered every data event of ${execution.name} yet: it ended at ${at}, the newest log file was delivered at ${hhmm(data.newestDelivery)} (delivery takes about 5 minutes, at most 15); run \`tollgate audit ${execution.name}\` again later`
          : `CloudTrail has not delivered the data events of ${execution.name} yet: no log file since it started (it ended at ${at}; delivery takes about 5 minutes); run \`tollgate audit ${execution.name}\` again later`,
      );
    } else if (!running && data.newestDelivery === null) {
      deps.notice(
        `no CloudTrail log file was delivered to ${deps.trailBucket} during or after ${execution.name}: check that the trail is logging`,
      );
    }
  }
  return records.sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : 0));
}
