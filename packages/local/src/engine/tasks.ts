/**
 * Binds each Task state of a definition, nested ones in Parallel branches and inline Maps
 * included, to its in-process implementation: `lambda:invoke` to the step handler the function
 * runs, `glue:startJobRun.sync` to the local ETL runner. A Task whose resource or target has no
 * local implementation is refused when the definition is loaded, so nothing ever reaches AWS.
 * (The states of a Distributed Map's ItemProcessor are bound in the worker that runs its children.)
 */
import { describeError, UnsupportedAslFeatureError } from "@tollgate/core/errors";
import { States, StatesError } from "./asl/errors.ts";
import type { TaskBinding, TaskCall } from "./asl/task.ts";
import { type AslState, isDistributedMap, type Program, subPrograms } from "./asl/types.ts";

/** What a local Glue job answers: the JobRun, as GetJobRun returns it. */
export type GlueJobRun = Record<string, unknown> & { Id: string; JobRunState: string };

export interface LocalTargets {
  /** By function name or ARN as it appears in the substituted definition. */
  lambdas: Record<string, (payload: unknown) => Promise<unknown>>;
  /** By Glue job name: runs the job with its run id (what StartJobRun answered) and its arguments. */
  glueJobs: Record<string, (jobRunId: string, args: Record<string, string>) => Promise<GlueJobRun>>;
}

const LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
const GLUE_SYNC = "arn:aws:states:::glue:startJobRun.sync";
export const SUPPORTED_RESOURCES = [LAMBDA_INVOKE, GLUE_SYNC];

function lambdaBinding(fn: (payload: unknown) => Promise<unknown>): TaskBinding {
  return {
    resourceType: "lambda",
    resource: "invoke",
    invoke: async ({ parameters }: TaskCall) => {
      try {
        const out = await fn((parameters as { Payload?: unknown }).Payload);
        return { Payload: out, StatusCode: 200, ExecutedVersion: "$LATEST" };
      } catch (err) {
        // As on AWS: Error is the function's errorType, Cause its JSON error object.
        const { name, message } = describeError(err);
        throw new StatesError(name, JSON.stringify({ errorType: name, errorMessage: message }));
      }
    },
  };
}

let jobRunCounter = 0;
const newJobRunId = () =>
  `jr_${Date.now().toString(16)}${process.pid.toString(16)}${(jobRunCounter++).toString(16).padStart(4, "0")}`;

function glueBinding(
  jobName: string,
  job: (jobRunId: string, args: Record<string, string>) => Promise<GlueJobRun>,
): TaskBinding {
  return {
    resourceType: "glue",
    resource: "startJobRun.sync",
    invoke: async ({ parameters, submitted }: TaskCall) => {
      const params = parameters as { Arguments?: Record<string, string> };
      const args = Object.fromEntries(
        Object.entries(params.Arguments ?? {}).map(([k, v]) => [k.replace(/^--/, ""), v]),
      );
      const jobRunId = newJobRunId();
      // StartJobRun answered: `.sync` records TaskSubmitted with its output, then waits for the run.
      submitted({ JobRunId: jobRunId });
      try {
        return await job(jobRunId, args);
      } catch (err) {
        // As on AWS: a failed .sync job run fails the task with States.TaskFailed and the JobRun as Cause.
        const { name, message } = describeError(err);
        throw new StatesError(
          States.TaskFailed,
          JSON.stringify({
            Id: jobRunId,
            JobName: jobName,
            JobRunState: "FAILED",
            ErrorMessage: `${name}: ${message}`,
          }),
        );
      }
    },
  };
}

/** Every Task state the parent runs (Distributed Map processors excluded), with a readable path. */
function* taskStates(program: Program, path = ""): Generator<[path: string, name: string, state: AslState]> {
  for (const [name, state] of Object.entries(program.States)) {
    const here = path ? `${path} > ${name}` : name;
    if (state.Type === "Task") yield [here, name, state];
    if (isDistributedMap(state)) continue;
    for (const sub of subPrograms(state)) yield* taskStates(sub.program, `${here}${sub.label}`);
  }
}

/**
 * The task bindings of a program, keyed by state name.
 * @throws UnsupportedAslFeatureError for a Task whose resource or target has no local implementation.
 */
export function bindTasks(program: Program, targets: LocalTargets): Record<string, TaskBinding> {
  const bindings: Record<string, TaskBinding> = {};
  for (const [path, name, state] of taskStates(program)) {
    const params = (state.Parameters ?? {}) as { FunctionName?: string; JobName?: string };
    if (state.Resource === LAMBDA_INVOKE) {
      const fn = params.FunctionName ? targets.lambdas[params.FunctionName] : undefined;
      if (!fn) throw noTarget(path, params.FunctionName);
      bindings[name] = lambdaBinding(fn);
    } else if (state.Resource === GLUE_SYNC) {
      const job = params.JobName ? targets.glueJobs[params.JobName] : undefined;
      if (!job || !params.JobName) throw noTarget(path, params.JobName);
      bindings[name] = glueBinding(params.JobName, job);
    } else {
      throw new UnsupportedAslFeatureError(
        `state "${path}" uses resource ${state.Resource}, which has no local implementation (only ${SUPPORTED_RESOURCES.join(", ")})`,
      );
    }
  }
  return bindings;
}

const noTarget = (path: string, target: string | undefined) =>
  new UnsupportedAslFeatureError(
    `state "${path}" targets ${target ? `"${target}"` : "nothing (FunctionName/JobName must be fixed, not a path)"}, which has no local implementation`,
  );
