/**
 * `ingest` and `run` on a deployed stage. `ingest` puts the file under `raw/<dataset>/` (the
 * key is named by its content, as locally) and the trigger starts the run; `run` starts one
 * directly, named as the trigger names runs (packages/core/src/workflow/upload-trigger.ts), so a repeat, or a
 * `run` in the same coalescing window as an upload, is the same execution and starts nothing.
 * Both then follow the run to its end, as the local backend does.
 */
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { HeadObjectCommand, ListObjectVersionsCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { datasetName } from "@tollgate/core/contracts";
import { InvalidInputError, TollgateError } from "@tollgate/core/errors";
import { logger } from "@tollgate/core/logger";
import type { ExecutionRecord } from "@tollgate/core/workflow/executions";
import {
  type ObjectCreatedEvent,
  planRuns,
  startRuns,
  type TriggerSettings,
} from "@tollgate/core/workflow/upload-trigger";
import type { StepFunctionsRuns } from "../step-functions.ts";
import { findRunFor, followRun, type PollSettings, type RunProgress, sourceOf, waitForRunOf } from "./follow.ts";
import { rawKeyFor } from "./raw-key.ts";

/** A started (or found) run, followed to its end. */
export interface StartedRun {
  name: string;
  /** False when the run existed already (same name: nothing new started). */
  started: boolean;
  execution: ExecutionRecord;
}

/** What `ingest` and `run` need. */
export interface StartDeps {
  s3: S3Client;
  dataBucket: string;
  runs: StepFunctionsRuns;
  settings: TriggerSettings;
  poll: PollSettings;
}

/** Clock skew allowance between this machine and AWS when matching runs to an upload. */
const SKEW_MS = 60_000;

function checkDataset(dataset: string): void {
  const parsed = datasetName.safeParse(dataset);
  if (!parsed.success) throw new InvalidInputError(`dataset "${dataset}": ${parsed.error.issues[0]?.message}`);
}

async function head(s3: S3Client, bucket: string, key: string) {
  try {
    const out = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { versionId: out.VersionId, lastModified: out.LastModified ?? new Date() };
  } catch (err) {
    if (err instanceof Error && (err.name === "NotFound" || err.name === "NoSuchKey")) return undefined;
    throw err;
  }
}

/** Uploads the file (unless the same content is there already) and follows the run that picks it up. */
export async function ingestToStage(
  deps: StartDeps,
  file: string,
  dataset: string,
  progress: RunProgress,
): Promise<StartedRun & { key: string }> {
  checkDataset(dataset);
  const body = await readFile(file);
  const key = rawKeyFor(dataset, file, body);
  const existing = await head(deps.s3, deps.dataBucket, key);
  const now = deps.poll.now ?? Date.now;
  let versionId = existing?.versionId;
  let since = new Date((existing?.lastModified.getTime() ?? now()) - SKEW_MS);
  if (!existing) {
    const put = await deps.s3.send(new PutObjectCommand({ Bucket: deps.dataBucket, Key: key, Body: body }));
    versionId = put.VersionId;
    since = new Date(now() - SKEW_MS);
  }
  const source = sourceOf(deps.dataBucket, key, versionId);
  const name = existing
    ? ((await findRunFor(deps.runs, source, since)) ?? (await waitForRunOf(deps.runs, source, since, deps.poll)))
    : await waitForRunOf(deps.runs, source, since, deps.poll);
  const execution = await followRun(deps.runs, name, progress, deps.poll);
  return { key, name, started: !existing, execution };
}

/** The newest version of every object under `prefix` (delete markers and folders left out). */
async function latestObjects(s3: S3Client, bucket: string, prefix: string) {
  const found: { key: string; versionId: string | undefined; lastModified: Date }[] = [];
  let markers: { KeyMarker?: string; VersionIdMarker?: string } = {};
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, ...markers }));
    for (const v of page.Versions ?? []) {
      if (!v.IsLatest || !v.Key || v.Key.endsWith("/")) continue;
      const versionId = v.VersionId === "null" ? undefined : v.VersionId;
      found.push({ key: v.Key, versionId, lastModified: v.LastModified ?? new Date(0) });
    }
    if (!page.IsTruncated) break;
    markers = {
      ...(page.NextKeyMarker ? { KeyMarker: page.NextKeyMarker } : {}),
      ...(page.NextVersionIdMarker ? { VersionIdMarker: page.NextVersionIdMarker } : {}),
    };
  }
  return found.sort((a, b) => a.lastModified.getTime() - b.lastModified.getTime());
}

/** The event the trigger would get for an object (only the fields it reads). */
function eventFor(
  bucket: string,
  object: { key: string; versionId: string | undefined },
  time: Date,
): ObjectCreatedEvent {
  return {
    id: `tollgate-cli-${randomUUID()}`,
    source: "aws.s3",
    "detail-type": "Object Created",
    time: time.toISOString(),
    detail: {
      bucket: { name: bucket },
      object: { key: object.key, ...(object.versionId ? { "version-id": object.versionId } : {}) },
    },
  };
}

/**
 * Starts the run of everything under `raw/<dataset>/`. With a coalescing window, the run is the
 * window's run as of now (all objects as sources); without one, it is the newest object's run.
 * @throws InvalidInputError when there is nothing under `raw/<dataset>/`.
 */
export async function runOnStage(deps: StartDeps, dataset: string, progress: RunProgress): Promise<StartedRun> {
  checkDataset(dataset);
  const objects = await latestObjects(deps.s3, deps.dataBucket, `raw/${dataset}/`);
  const newest = objects.at(-1);
  if (!newest)
    throw new InvalidInputError(`nothing under s3://${deps.dataBucket}/raw/${dataset}/: ingest a file first`);
  const now = new Date((deps.poll.now ?? Date.now)());
  const windowed = deps.settings.coalesceSeconds > 0;
  const events = windowed
    ? objects.map((o) => eventFor(deps.dataBucket, o, now))
    : [eventFor(deps.dataBucket, newest, newest.lastModified)];
  const [outcome] = await startRuns(planRuns(events, deps.settings), deps.runs, logger.child({ command: "run" }));
  if (!outcome) throw new InvalidInputError(`no object under raw/${dataset}/ can start a run`);
  if (outcome.status === "failed") {
    const err = new TollgateError(`could not start run ${outcome.name}: ${outcome.error.message}`);
    err.name = outcome.error.name;
    throw err;
  }
  const execution = await followRun(deps.runs, outcome.name, progress, deps.poll);
  return { name: outcome.name, started: outcome.status === "started", execution };
}
