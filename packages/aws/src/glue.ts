/**
 * The Etl state's Glue job run: found in the history (the `glue:startJobRun.sync` task's
 * submitted/succeeded/failed events carry the JobRun), and on AWS read fresh with GetJobRun for
 * its state, duration, DPU-seconds and error message (the CLI's `show` prints it for both backends).
 */
import type { GlueClient, JobRun } from "@aws-sdk/client-glue";
import { tryJsonParse } from "@tollgate/core/json";
import type { HistoryEvent } from "@tollgate/core/workflow/executions";

/** What `show` tells about the Glue job run. */
export interface EtlJobRun {
  jobName: string;
  runId: string;
  state: string;
  startedOn: string | null;
  completedOn: string | null;
  /** Seconds the run consumed resources (Glue's ExecutionTime). */
  executionSeconds: number | null;
  /** Glue's DPUSeconds, else capacity × execution time (then `dpuEstimated`). */
  dpuSeconds: number | null;
  dpuEstimated: boolean;
  error: string | null;
}

/** A JobRun as GetJobRun returns it, or as JSON in a history event (dates as strings or epoch ms). */
type LooseJobRun = Omit<JobRun, "StartedOn" | "CompletedOn"> & {
  StartedOn?: Date | string | number | undefined;
  CompletedOn?: Date | string | number | undefined;
};

const parse = (text: unknown): Record<string, unknown> | undefined => {
  const value = tryJsonParse(text);
  return value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
};
const isoOf = (d: Date | string | number | undefined) => (d === undefined ? null : new Date(d).toISOString());

/** The JobRun fields a `show` line needs. */
export function fromJobRun(run: LooseJobRun): EtlJobRun {
  const seconds = run.ExecutionTime ?? null;
  const capacity = run.MaxCapacity ?? null;
  const estimated = run.DPUSeconds === undefined && seconds !== null && capacity !== null;
  return {
    jobName: run.JobName ?? "",
    runId: run.Id ?? "",
    state: run.JobRunState ?? "UNKNOWN",
    startedOn: isoOf(run.StartedOn),
    completedOn: isoOf(run.CompletedOn),
    executionSeconds: seconds,
    dpuSeconds: run.DPUSeconds ?? (estimated ? (capacity ?? 0) * (seconds ?? 0) : null),
    dpuEstimated: estimated,
    error: run.ErrorMessage ?? null,
  };
}

/** The Glue task's events: its job name (from the parameters) and what the events say of the run. */
export function jobRunInHistory(
  events: HistoryEvent[],
): { jobName: string; runId: string; run?: LooseJobRun } | undefined {
  let jobName: string | undefined;
  let runId: string | undefined;
  let run: LooseJobRun | undefined;
  for (const e of events) {
    const d = (e.taskScheduledEventDetails ??
      e.taskSubmittedEventDetails ??
      e.taskSucceededEventDetails ??
      e.taskFailedEventDetails) as Record<string, unknown> | undefined;
    if (d?.resourceType !== "glue") continue;
    if (e.type === "TaskScheduled") jobName ??= parse(d.parameters)?.JobName as string | undefined;
    else if (e.type === "TaskSubmitted") runId ??= parse(d.output)?.JobRunId as string | undefined;
    else {
      const body = (e.type === "TaskSucceeded" ? parse(d.output) : parse(d.cause)) as LooseJobRun | undefined;
      if (body?.Id) {
        run = body;
        runId ??= body.Id;
        jobName ??= body.JobName;
      }
    }
  }
  return jobName && runId ? { jobName, runId, ...(run ? { run } : {}) } : undefined;
}

/** The job run as the history records it (what the local runtime knows). */
export function etlFromHistory(events: HistoryEvent[]): EtlJobRun | undefined {
  const found = jobRunInHistory(events);
  return found?.run && fromJobRun({ JobName: found.jobName, ...found.run });
}

/** The job run fresh from Glue (GetJobRun), e.g. while it runs or with DPU-seconds the history lacks. */
export async function etlFromGlue(glue: GlueClient, events: HistoryEvent[]): Promise<EtlJobRun | undefined> {
  const found = jobRunInHistory(events);
  if (!found) return undefined;
  // imported here: `show` on the local runtime reads the job run from the history without the SDK
  const { GetJobRunCommand } = await import("@aws-sdk/client-glue");
  const { JobRun: run } = await glue.send(new GetJobRunCommand({ JobName: found.jobName, RunId: found.runId }));
  return run ? fromJobRun(run) : etlFromHistory(events);
}
