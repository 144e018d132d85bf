/**
 * Waiting on a deployed stage: for the trigger to start the run that includes an uploaded
 * object, and for a run to finish, passing each new history event to the progress printer
 * (so `ingest` and `run` behave as they do locally, where they return when the run is done).
 */

import { ExecutionNotFoundError } from "@tollgate/core/errors";
import type { ExecutionRecord, HistoryEvent, MapRunRecord } from "@tollgate/core/workflow/executions";
import { RunNotStartedError } from "../errors.ts";
import type { StepFunctionsRuns } from "../step-functions.ts";

/** Told each new history event of a followed run, and each change of its Map Runs' counts. */
export interface RunProgress {
  onEvent?: (event: HistoryEvent) => void;
  /** A Map Run's counts (DescribeMapRun), each time they changed since the last poll. */
  onMapRun?: (run: MapRunRecord) => void;
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

/**
 * Waits until a run of one of `names` exists (DescribeExecution each poll) and returns its name.
 * @throws RunNotStartedError after `startTimeoutMs`.
 */
export async function waitForRun(runs: StepFunctionsRuns, names: string[], poll: PollSettings): Promise<string> {
  const now = poll.now ?? Date.now;
  const sleep = poll.sleep ?? defaultSleep;
  const deadline = now() + poll.startTimeoutMs;
  for (;;) {
    for (const name of names) {
      const found = await runs.describe(name).then(
        () => true,
        (err: unknown) => {
          if (err instanceof ExecutionNotFoundError) return false;
          throw err;
        },
      );
      if (found) return name;
    }
    if (now() >= deadline) {
      throw new RunNotStartedError(
        `no run ${names.join(" or ")} after ${Math.round(poll.startTimeoutMs / 1000)}s: check the trigger (its queue's dead-letter queue and logs)`,
      );
    }
    await sleep(poll.intervalMs);
  }
}

/**
 * Follows a run to its end, passing every new history event to `progress`, and with `onMapRun` the
 * counts of its Map Runs (ListMapRuns + DescribeMapRun each poll) when they changed; returns it closed.
 */
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
  const seen = new Map<string, string>(); // Map Run ARN → its status and counts last reported
  const reportMapRuns = async () => {
    for (const run of await runs.mapRuns(name)) {
      const state = JSON.stringify([run.status, run.executionCounts]);
      if (seen.get(run.mapRunArn) === state) continue;
      seen.set(run.mapRunArn, state);
      progress.onMapRun?.(run);
    }
  };
  for (;;) {
    const execution = await runs.describe(name);
    if (progress.onEvent) emit(await runs.history(name));
    if (progress.onMapRun) await reportMapRuns();
    if (execution.status !== "RUNNING") return execution;
    await sleep(poll.intervalMs);
  }
}
