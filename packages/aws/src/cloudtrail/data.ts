/**
 * A run's data events from the stage's trail: the log files CloudTrail delivers to the trail
 * bucket (`AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/<account>_CloudTrail_<region>_<yyyymmddThhmmZ>_<unique>.json.gz`,
 * the time being the delivery's), filtered to the uploads under `raw/` that started the run, and
 * the writes to the model bucket and the registry table made during the run by the run's roles
 * (the Lambda functions its Task states invoked: a function's CloudTrail session name is the
 * function's name). Delivery takes about 5 minutes.
 */
import { promisify } from "node:util";
import { gunzip as gunzipCallback } from "node:zlib";
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from "@aws-sdk/client-s3";
import type { AuditRecord } from "@tollgate/core/contracts";
import { tryJsonParse } from "@tollgate/core/json";
import { logger } from "@tollgate/core/logger";
import type { HistoryEvent } from "@tollgate/core/workflow/executions";
import { CloudTrailRecord, sessionName, toAuditRecord } from "./record.ts";

const gunzip = promisify(gunzipCallback);

/** Where the trail delivers and what to keep. */
export interface TrailScope {
  trailBucket: string;
  account: string;
  region: string;
  /** The audited resources' ARNs; one ending in `/` is a prefix (`arn:aws:s3:::<model bucket>/`). */
  resources: string[];
}

/** A log file is delivered at most this long after the calls it records (CloudTrail: usually 5 minutes). */
export const DELIVERY_DELAY_MS = 15 * 60_000;

/** The `FunctionName` of a lambda:invoke task's parameters (JSON), or "" when unreadable. */
function functionNameIn(parameters: string): string {
  const name = (tryJsonParse(parameters) as { FunctionName?: unknown } | null | undefined)?.FunctionName;
  return typeof name === "string" ? name : "";
}

/** The names of the Lambda functions the run's Task states invoked (its roles' session names). */
export function runFunctionNames(events: HistoryEvent[]): Set<string> {
  const names = new Set<string>();
  for (const e of events) {
    const d = e.taskScheduledEventDetails as { resourceType?: string; parameters?: string } | undefined;
    if (e.type !== "TaskScheduled" || d?.resourceType !== "lambda" || !d.parameters) continue;
    const fn = functionNameIn(d.parameters);
    const afterFunction = fn.includes(":function:") ? (fn.split(":function:")[1] ?? "") : fn;
    names.add(afterFunction.split(":")[0] ?? afterFunction);
  }
  return names;
}

const DELIVERED_AT = /_(\d{8}T\d{4}Z)_[^_]+\.json\.gz$/;

/** The delivery time in a log file's name. */
export function deliveredAt(key: string): Date | undefined {
  const stamp = DELIVERED_AT.exec(key)?.[1];
  if (!stamp) return undefined;
  const [, y, mo, d, h, mi] = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z$/.exec(stamp) ?? [];
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:00Z`);
}

/** The day folders a window touches. */
function dayPrefixes(scope: TrailScope, from: Date, to: Date): string[] {
  const prefixes: string[] = [];
  const day = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  for (; day <= to; day.setUTCDate(day.getUTCDate() + 1)) {
    const [y, m, d] = day.toISOString().slice(0, 10).split("-");
    prefixes.push(`AWSLogs/${scope.account}/CloudTrail/${scope.region}/${y}/${m}/${d}/`);
  }
  return prefixes;
}

/** `yyyymmddThhmmZ`, the delivery stamp in a log file's name. */
const stamp = (d: Date) => `${d.toISOString().slice(0, 16).replace(/[-:]/g, "")}Z`;

/**
 * The keys of the log files delivered from `from` to `to`, oldest first. A day folder's files are
 * named `<account>_CloudTrail_<region>_<delivery stamp>_…`, so the listing starts after the first
 * stamp (S3 lists in key order) and stops at the first file past `to`: the rest of the day is not read.
 */
async function* logFilesDelivered(s3: S3Client, scope: TrailScope, from: Date, to: Date): AsyncGenerator<string> {
  const first = new Date(from.getTime() - 60_000);
  for (const prefix of dayPrefixes(scope, from, to)) {
    const startAfter = `${prefix}${scope.account}_CloudTrail_${scope.region}_${stamp(first)}`;
    const pages = paginateListObjectsV2(
      { client: s3 },
      { Bucket: scope.trailBucket, Prefix: prefix, StartAfter: startAfter },
    );
    for await (const page of pages) {
      for (const { Key } of page.Contents ?? []) {
        const at = Key ? deliveredAt(Key) : undefined;
        if (!Key || !at || at < from) continue;
        if (at > to) return;
        yield Key;
      }
    }
  }
}

/**
 * The uploads that started a run: writes under its dataset's `raw/` prefix, either of an object
 * version its input lists (`s3://bucket/key#version`) or, for a coalesced run, made in its window.
 */
export interface TriggerUploads {
  /** e.g. `arn:aws:s3:::<data bucket>/raw/<dataset>/` */
  prefix: string;
  sources: Set<string>;
  /** The coalescing window (empty when runs are per object). */
  window: { from: Date; to: Date };
}

/** A run as the data events are matched to it. */
export interface AuditedRun {
  name: string;
  start: Date;
  end: Date;
  /** Session names of its roles (the Lambda functions its Task states invoked). */
  functions: Set<string>;
  uploads: TriggerUploads;
}

/**
 * The run's data events (oldest first): the uploads that started it, and its roles' writes to the
 * audited resources during it; and the newest delivery time seen since it started (null: none yet).
 * Reads the log files delivered from the first upload to `DELIVERY_DELAY_MS` after the run's end.
 */
export async function dataEvents(
  s3: S3Client,
  scope: TrailScope,
  run: AuditedRun,
): Promise<{ records: AuditRecord[]; newestDelivery: Date | null }> {
  const until = new Date(run.end.getTime() + DELIVERY_DELAY_MS);
  const from = new Date(Math.min(run.start.getTime(), run.uploads.window.from.getTime()) - 60_000);
  let newestDelivery: Date | null = null;
  const records: AuditRecord[] = [];
  for await (const key of logFilesDelivered(s3, scope, from, until)) {
    const at = deliveredAt(key);
    if (at && at >= run.start && (!newestDelivery || at > newestDelivery)) newestDelivery = at;
    records.push(...(await readLogFile(s3, scope, key, run)));
  }
  records.sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : 0));
  return { records, newestDelivery };
}

const UPLOADS = new Set(["PutObject", "CompleteMultipartUpload", "CopyObject"]);

/** Whether a record is one of the uploads that started the run. */
function isTriggerUpload(r: CloudTrailRecord, uploads: TriggerUploads): boolean {
  if (!UPLOADS.has(r.eventName)) return false;
  const object = (r.resources ?? []).find((x) => x.type === "AWS::S3::Object" && x.ARN?.startsWith(uploads.prefix));
  if (!object?.ARN) return false;
  const at = new Date(r.eventTime);
  if (at >= uploads.window.from && at < uploads.window.to) return true;
  const [, bucketAndKey = ""] = object.ARN.split(":::");
  const version = r.responseElements?.["x-amz-version-id"];
  return uploads.sources.has(`s3://${bucketAndKey}#${typeof version === "string" ? version : ""}`);
}

async function readLogFile(s3: S3Client, scope: TrailScope, key: string, run: AuditedRun): Promise<AuditRecord[]> {
  const out = await s3.send(new GetObjectCommand({ Bucket: scope.trailBucket, Key: key }));
  const text = (await gunzip(await (out.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array())))).toString(
    "utf8",
  );
  const { Records = [] } = JSON.parse(text) as { Records?: unknown[] };
  const kept: AuditRecord[] = [];
  for (const raw of Records) {
    const parsed = CloudTrailRecord.safeParse(raw);
    if (!parsed.success) {
      logger.warn({ key, issues: parsed.error.issues }, "unreadable CloudTrail record skipped");
      continue;
    }
    const r = parsed.data;
    const at = new Date(r.eventTime);
    const ours = run.functions.has(sessionName(r) ?? "");
    const audited = (r.resources ?? []).some((x) =>
      scope.resources.some((p) => x.ARN === p || (p.endsWith("/") && x.ARN?.startsWith(p))),
    );
    // CloudTrail times are whole seconds
    const during =
      at.getTime() >= Math.floor(run.start.getTime() / 1000) * 1000 && at.getTime() <= run.end.getTime() + 1000;
    if (r.eventCategory !== "Data") continue;
    if ((ours && audited && during) || isTriggerUpload(r, run.uploads)) kept.push(toAuditRecord(r, run.name));
  }
  return kept;
}
