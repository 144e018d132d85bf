/**
 * `arn:aws:states:::glue:startJobRun.sync` against Glue itself, as Step Functions runs the Etl
 * state on AWS: StartJobRun, then GetJobRun until the run ends. The result is the JobRun (dates as
 * epoch milliseconds, as the .sync task's output has them); a run that ends otherwise than
 * SUCCEEDED fails with `States.TaskFailed` and the JobRun as cause; an error of StartJobRun fails
 * with `Glue.<exception>` (e.g. `Glue.ConcurrentRunsExceededException`, which the Etl state retries).
 * The local engine can bind the Etl state to it (its `glueJobs` target) to run a stage's real job.
 * @example const etl = glueStartJobRunSync(new GlueClient({}), "tollgate-etl", { intervalMs: 5000 });
 * const jobRun = await etl({ dataset: "reviews", raw_prefix: "raw/reviews/", … });
 */
import { GetJobRunCommand, type GlueClient, type JobRun, StartJobRunCommand } from "@aws-sdk/client-glue";
import { describeError } from "@tollgate/core/errors";

/** The states a job run ends in. */
export const FINAL_JOB_RUN_STATES = new Set(["SUCCEEDED", "FAILED", "ERROR", "TIMEOUT", "STOPPED", "EXPIRED"]);

/** A task failure named as Step Functions names it (`States.TaskFailed`, `Glue.<exception>`). */
export class GlueTaskError extends Error {
  constructor(name: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
  }
}

/** Polling settings of the .sync wait. */
export interface SyncPoll {
  intervalMs: number;
  sleep?: (ms: number) => Promise<void>;
}

/** A JobRun as the .sync task outputs it: JSON, dates as epoch milliseconds. */
export function jobRunJson(run: JobRun): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(run)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, v instanceof Date ? v.getTime() : v]),
  );
}

/** The Etl task for the job `jobName`: job arguments without their `--` in, the final JobRun out. */
export function glueStartJobRunSync(
  glue: GlueClient,
  jobName: string,
  poll: SyncPoll,
): (args: Record<string, string>) => Promise<Record<string, unknown>> {
  const sleep = poll.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return async (args) => {
    let runId: string | undefined;
    try {
      const Arguments = Object.fromEntries(Object.entries(args).map(([k, v]) => [`--${k}`, v]));
      runId = (await glue.send(new StartJobRunCommand({ JobName: jobName, Arguments }))).JobRunId;
    } catch (err) {
      const { name, message } = describeError(err);
      throw new GlueTaskError(`Glue.${name}`, message, { cause: err });
    }
    if (!runId) throw new GlueTaskError("States.TaskFailed", `StartJobRun of ${jobName} returned no JobRunId`);
    for (;;) {
      const { JobRun: run } = await glue.send(new GetJobRunCommand({ JobName: jobName, RunId: runId }));
      const state = run?.JobRunState ?? "";
      if (run && FINAL_JOB_RUN_STATES.has(state)) {
        if (state === "SUCCEEDED") return jobRunJson(run);
        throw new GlueTaskError("States.TaskFailed", JSON.stringify(jobRunJson(run)));
      }
      await sleep(poll.intervalMs);
    }
  };
}
