/**
 * Maps each Task state of the definition to its in-process implementation: Lambda invokes to the
 * same step handlers the Lambdas run, the Glue job to the local ETL runner. A Task whose resource
 * has no local implementation is refused when the definition is loaded.
 */
import { describeError, UnsupportedAslFeatureError } from "@tollgate/core/errors";
import { type AslDefinition, LAMBDA_INVOKE, walkStates } from "@tollgate/core/workflow/asl";
import type { HistoryBuilder, TaskResource } from "./history.ts";

/** Local stand-in for a Lambda function or a Glue job: input is the state's effective Parameters. */
export type LocalTask = (parameters: Record<string, unknown>, stateName: string) => Promise<unknown>;

export interface LocalTargets {
  /** By function name or ARN as it appears in the substituted definition. */
  lambdas: Record<string, (payload: unknown) => Promise<unknown>>;
  /** By Glue job name. */
  glueJobs: Record<string, (args: Record<string, string>) => Promise<Record<string, unknown>>>;
}

const GLUE_SYNC = "arn:aws:states:::glue:startJobRun.sync";

/** An error carrying a Step Functions error name and cause (what Catch and history see). */
export class TaskError extends Error {
  constructor(
    name: string,
    override readonly cause: string,
  ) {
    super(cause);
    this.name = name;
  }
}

function lambdaTask(fn: (payload: unknown) => Promise<unknown>): LocalTask {
  return async (params) => {
    try {
      const out = await fn(params.Payload);
      return { Payload: out, StatusCode: 200, ExecutedVersion: "$LATEST" };
    } catch (err) {
      // As on AWS: Error is the function's errorType, Cause its JSON error object.
      const { name, message } = describeError(err);
      throw new TaskError(name, JSON.stringify({ errorType: name, errorMessage: message }));
    }
  };
}

function glueTask(job: (args: Record<string, string>) => Promise<Record<string, unknown>>): LocalTask {
  return async (params) => {
    const args = (params.Arguments ?? {}) as Record<string, string>;
    const stripped = Object.fromEntries(Object.entries(args).map(([k, v]) => [k.replace(/^--/, ""), v]));
    try {
      return await job(stripped);
    } catch (err) {
      // As on AWS: a failed .sync job run fails the task with States.TaskFailed and the JobRun as Cause.
      const { name, message } = describeError(err);
      throw new TaskError(
        "States.TaskFailed",
        JSON.stringify({ JobName: params.JobName, JobRunState: "FAILED", ErrorMessage: `${name}: ${message}` }),
      );
    }
  };
}

/**
 * Builds the engine's `taskResourceLocalHandlers` (keyed by state name), recording task events.
 * @throws UnsupportedAslFeatureError for a Task whose resource or target has no local implementation.
 */
export function bindTasks(
  definition: AslDefinition,
  targets: LocalTargets,
  history: HistoryBuilder,
): Record<string, (input: unknown) => Promise<unknown>> {
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const { name, state } of walkStates(definition.States)) {
    if (state.Type !== "Task") continue;
    const target = String(state.Parameters?.FunctionName ?? state.Parameters?.JobName ?? "");
    let task: LocalTask | undefined;
    let resource: TaskResource;
    if (state.Resource === LAMBDA_INVOKE) {
      const fn = targets.lambdas[target];
      task = fn && lambdaTask(fn);
      resource = { resourceType: "lambda", resource: "invoke" };
    } else if (state.Resource === GLUE_SYNC) {
      const job = targets.glueJobs[target];
      task = job && glueTask(job);
      resource = { resourceType: "glue", resource: "startJobRun.sync" };
    } else {
      throw new UnsupportedAslFeatureError(
        `state "${name}" uses resource ${state.Resource}, which has no local implementation`,
      );
    }
    if (!task)
      throw new UnsupportedAslFeatureError(`state "${name}" targets "${target}", which has no local implementation`);
    const run = task;
    handlers[name] = async (input) => {
      const params = (input ?? {}) as Record<string, unknown>;
      history.taskStarted(name, resource, params);
      try {
        const out = await run(params, name);
        history.taskSucceeded(name, resource, out);
        return out as never;
      } catch (err) {
        const e = err instanceof TaskError ? err : new TaskError(describeError(err).name, describeError(err).message);
        history.taskFailed(name, resource, e.name, e.cause);
        throw e;
      }
    };
  }
  return handlers;
}
