/**
 * `ingest` and `run` on a deployed stage. `ingest` puts the file under `raw/<dataset>/` (the
 * key is named by its content, as locally) and the trigger starts the run, which `ingest` finds
 * by the name the trigger gives it (its input need not list the file: an upload can join a run
 * that an earlier SQS batch of the same window started); `run` starts one
 * directly, named as the trigger names runs (packages/core/src/workflow/upload-trigger.ts), so a repeat, or a
 * `run` in the same coalescing window as an upload, is the same execution and starts nothing.
 * Both then follow the run to its end, as the local backend does.
 */
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { HeadObjectCommand, ListObjectVersionsCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { ExecutionNotRedrivableError, InvalidInputError, TollgateError } from "@tollgate/core/errors";
import { logger } from "@tollgate/core/logger";
import { checkName } from "@tollgate/core/names";
import type { ExecutionRecord } from "@tollgate/core/workflow/executions";
import {
  executionName,
  type ObjectCreatedEvent,
  planRuns,
  startRuns,
  type TriggerSettings,
} from "@tollgate/core/workflow/upload-trigger";
import { RunNotStartedError } from "../errors.ts";
import type { StepFunctionsRuns } from "../step-functions.ts";
import { followRun, type PollSettings, type RunProgress, waitForRun } from "./follow.ts";
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

const checkDataset = (dataset: string) => checkName("dataset", dataset);

/** An object version: what the trigger's event says of it. */
interface ObjectVersion {
  key: string;
  versionId: string | undefined;
  lastModified: Date;
}

async function head(s3: S3Client, bucket: string, key: string): Promise<ObjectVersion | undefined> {
  try {
    const out = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { key, versionId: out.VersionId, lastModified: out.LastModified ?? new Date() };
  } catch (err) {
    if (err instanceof Error && (err.name === "NotFound" || err.name === "NoSuchKey")) return undefined;
    throw err;
  }
}

/** The event the trigger would get for an object version (only the fields it reads). */
function eventFor(bucket: string, object: Omit<ObjectVersion, "lastModified">, time: Date): ObjectCreatedEvent {
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
 * The names the trigger can give the run that picks up an object version: it names runs by the
 * S3 event (upload-trigger.ts), whose time is the upload's to the second, as LastModified is; a
 * second either side covers an upload on a window's edge.
 * @throws InvalidInputError when the bucket is not versioned and runs are per object (the trigger
 * then names the run by the event's sequencer, which no S3 read returns).
 */
export function runNamesFor(bucket: string, object: ObjectVersion, settings: TriggerSettings): string[] {
  if (settings.coalesceSeconds === 0 && !object.versionId) {
    throw new InvalidInputError(
      `s3://${bucket} is not versioned: the trigger names per-object runs by version id (the stage's data bucket is versioned)`,
    );
  }
  const at = object.lastModified.getTime();
  const names = [-1000, 0, 1000, 2000].map((skew) =>
    executionName(eventFor(bucket, object, new Date(at + skew)), settings.coalesceSeconds),
  );
  return [...new Set(names.filter((n): n is string => n !== undefined))];
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
  if (!existing) await deps.s3.send(new PutObjectCommand({ Bucket: deps.dataBucket, Key: key, Body: body }));
  const object = existing ?? (await head(deps.s3, deps.dataBucket, key));
  if (!object) throw new RunNotStartedError(`s3://${deps.dataBucket}/${key} is gone right after the upload`);
  const name = await waitForRun(deps.runs, runNamesFor(deps.dataBucket, object, deps.settings), deps.poll);
  const execution = await followRun(deps.runs, name, progress, deps.poll);
  return { key, name, started: !existing, execution };
}

/** The newest version of the objects under `prefix` (delete markers and folders left out). */
async function newestObject(s3: S3Client, bucket: string, prefix: string): Promise<ObjectVersion | undefined> {
  let newest: ObjectVersion | undefined;
  let markers: { KeyMarker?: string; VersionIdMarker?: string } = {};
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, ...markers }));
    for (const v of page.Versions ?? []) {
      if (!v.IsLatest || !v.Key || v.Key.endsWith("/")) continue;
      const lastModified = v.LastModified ?? new Date(0);
      if (newest && newest.lastModified >= lastModified) continue;
      newest = { key: v.Key, versionId: v.VersionId === "null" ? undefined : v.VersionId, lastModified };
    }
    if (!page.IsTruncated) return newest;
    markers = {
      ...(page.NextKeyMarker ? { KeyMarker: page.NextKeyMarker } : {}),
      ...(page.NextVersionIdMarker ? { VersionIdMarker: page.NextVersionIdMarker } : {}),
    };
  }
}

/**
 * Starts the run of everything under `raw/<dataset>/` (the Etl state reads the whole prefix). With
 * a coalescing window, the run is the window's run as of now; without one, the newest object's
 * run. Either way the input lists the newest object only as its source, as an upload's event
 * would: listing every object would overflow Step Functions' 256 KiB input at about 2,000 objects.
 * With `force`, a new run named `<dataset>-forced-<time>` that trains even when nothing is new.
 * @throws InvalidInputError when there is nothing under `raw/<dataset>/`.
 */
export async function runOnStage(
  deps: StartDeps,
  dataset: string,
  progress: RunProgress,
  options: { force?: boolean } = {},
): Promise<StartedRun> {
  checkDataset(dataset);
  const newest = await newestObject(deps.s3, deps.dataBucket, `raw/${dataset}/`);
  if (!newest)
    throw new InvalidInputError(`nothing under s3://${deps.dataBucket}/raw/${dataset}/: ingest a file first`);
  const now = new Date((deps.poll.now ?? Date.now)());
  const at = deps.settings.coalesceSeconds > 0 ? now : newest.lastModified;
  const events = [eventFor(deps.dataBucket, newest, at)];
  const planned = planRuns(events, deps.settings).map((run) =>
    options.force
      ? {
          ...run,
          name: `${dataset}-forced-${now.toISOString().replace(/[-:]|\.\d{3}/g, "")}`,
          input: { ...run.input, force: true },
        }
      : run,
  );
  const [outcome] = await startRuns(planned, deps.runs, logger.child({ command: "run" }));
  if (!outcome) throw new InvalidInputError(`no object under raw/${dataset}/ can start a run`);
  if (outcome.status === "failed") {
    const err = new TollgateError(`could not start run ${outcome.name}: ${outcome.error.message}`);
    err.name = outcome.error.name;
    throw err;
  }
  const execution = await followRun(deps.runs, outcome.name, progress, deps.poll);
  return { name: outcome.name, started: outcome.status === "started", execution };
}

/**
 * Redrives a failed run and follows it. On AWS a redrive restarts at the state the execution
 * failed in; in this workflow every task failure is caught into RecordFailure → the `Failed` Fail
 * state, so that state is where a failed run ends, and a redrive would fail again at once: such a
 * run is refused with what to do instead (the local runtime restarts at the caught state, see
 * docs/local-runtime.md).
 * @throws ExecutionNotRedrivableError when the run ended in a Fail state.
 */
export async function redriveOnStage(deps: StartDeps, name: string, progress: RunProgress): Promise<StartedRun> {
  const failState = (await deps.runs.history(name)).findLast((e) => e.type === "FailStateEntered");
  if (failState) {
    const state = (failState.stateEnteredEventDetails as { name?: string } | undefined)?.name ?? "a Fail state";
    throw new ExecutionNotRedrivableError(
      `run ${name} ended in the Fail state ${state} (its failure was caught and recorded): on AWS a redrive restarts at the state the run failed in, ${state}, so it would fail again at once. Start a new run instead: tollgate --stage <stage> run --dataset <dataset>`,
    );
  }
  await deps.runs.redrive(name);
  return { name, started: true, execution: await followRun(deps.runs, name, progress, deps.poll) };
}
