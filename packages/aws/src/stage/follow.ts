/**
 * Waiting on a deployed stage: for the trigger to start the run that includes an uploaded
 * object, and for a run to finish, passing each new history event to the progress printer
 * (so `ingest` and `run` behave as they do locally, where they return when the run is done).
 */
import type { ExecutionRecord, HistoryEvent } from "@tollgate/core/workflow/executions";
import { RunNotStartedError } from "../errors.ts";
import type { StepFunctionsRuns } from "../step-functions.ts";

/** Told each new history event of a followed run. */
export interface RunProgress {
  onEvent?: (event: HistoryEvent) => void;
}

/** Polling settings. */
export interface PollSettings {
  /** Between two polls. Default 5 s. */
  intervalMs: number;
  /** How long `ingest` waits for the trigger to start a run (after the coalescing window). */
  startTimeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The object as the trigger lists it in a run's `sources`: `s3://bucket/key#version`. */
export const sourceOf = (bucket: string, key: string, version: string | undefined) =>
  `s3://${bucket}/${key}#${version ?? ""}`;

function listsSource(input: string, source: string): boolean {
  try {
    const sources = (JSON.parse(input) as { sources?: unknown }).sources;
    // unversioned bucket: the trigger names the version by sequencer or ETag, which the CLI does not know
    const matches = (s: unknown) =>
      typeof s === "string" && (source.endsWith("#") ? s.startsWith(source) : s === source);
    return Array.isArray(sources) && sources.some(matches);
  } catch {
    return false;
  }
}

/**
 * The run (started at or after `since`) whose input lists `source`, if there is one yet.
 * Reads ListExecutions newest first and describes each candidate once (`seen` remembers them).
 */
export async function findRunFor(
  runs: StepFunctionsRuns,
  source: string,
  since: Date,
  seen: Set<string> = new Set(),
): Promise<string | undefined> {
  for (const listed of await runs.list({ limit: 100 })) {
    if (new Date(listed.startDate) < since) break;
    if (seen.has(listed.name)) continue;
    seen.add(listed.name);
    const execution = await runs.describe(listed.name);
    if (listsSource(execution.input, source)) return listed.name;
  }
  return undefined;
}

/** Waits until a run lists `source`. @throws RunNotStartedError after `startTimeoutMs`. */
export async function waitForRunOf(
  runs: StepFunctionsRuns,
  source: string,
  since: Date,
  poll: PollSettings,
): Promise<string> {
  const now = poll.now ?? Date.now;
  const sleep = poll.sleep ?? defaultSleep;
  const deadline = now() + poll.startTimeoutMs;
  const seen = new Set<string>();
  for (;;) {
    const name = await findRunFor(runs, source, since, seen);
    if (name) return name;
    if (now() >= deadline) {
      throw new RunNotStartedError(
        `no run has picked up ${source} after ${Math.round(poll.startTimeoutMs / 1000)}s: check the trigger (its queue's dead-letter queue and logs)`,
      );
    }
    await sleep(poll.intervalMs);
  }
}

/** Follows a run to its end, passing every new history event to `progress`; returns it closed. */
export async function followRun(
  runs: StepFunctionsRuns,
  name: string,
  progress: RunProgress,
  poll: PollSettings,
): Promise<ExecutionRecord> {
  const sleep = poll.sleep ?? defaultSleep;
  let lastId = 0;
  const emit = (events: HistoryEvent[]) => {
    for (const e of events) {
      if (e.id <= lastId) continue;
      lastId = e.id;
      progress.onEvent?.(e);
    }
  };
  for (;;) {
    const execution = await runs.describe(name);
    if (progress.onEvent) emit(await runs.history(name));
    if (execution.status !== "RUNNING") return execution;
    await sleep(poll.intervalMs);
  }
}
