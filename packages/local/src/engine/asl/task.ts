/**
 * One attempt of a Task state through its local binding, recorded as Step Functions records a
 * service integration: TaskScheduled, TaskStarted, (TaskSubmitted for `.sync`), then TaskSucceeded,
 * TaskFailed or TaskTimedOut (https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html).
 */
import { States, StatesError, toStatesError } from "./errors.ts";
import { type EventContext, NOT_TRUNCATED } from "./events.ts";
import { checkSize, type Env } from "./interpreter.ts";
import { type ContextObject, json, query } from "./paths.ts";
import type { AslState } from "./types.ts";

/** Step Functions' default task timeout when a Task sets none (seconds). */
export const DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface TaskCall {
  /** The state's effective input (after InputPath and Parameters). */
  parameters: unknown;
  context: ContextObject;
  /** For `.sync` integrations: records TaskSubmitted with what the start call answered. */
  submitted(output: unknown): void;
  /** Aborted when the task timed out or the execution stopped. */
  signal: AbortSignal;
}

/** A Task state's local implementation, chosen when the definition is loaded. */
export interface TaskBinding {
  /** As in the history: e.g. `lambda` / `invoke`, `glue` / `startJobRun.sync`. */
  resourceType: string;
  resource: string;
  /** The task's raw result (what ResultSelector sees); throws StatesError (or an Error, named) on failure. */
  invoke(call: TaskCall): Promise<unknown>;
}

export interface TaskRun {
  name: string;
  state: AslState;
  parameters: unknown;
  context: ContextObject;
  ctx: EventContext;
  env: Env;
  binding: TaskBinding;
}

function timeoutSeconds(state: AslState, input: unknown, context: ContextObject): number | undefined {
  if (state.TimeoutSeconds !== undefined) return state.TimeoutSeconds;
  if (state.TimeoutSecondsPath) return Number(query(state.TimeoutSecondsPath, input, context));
  return undefined;
}

export async function runTask(run: TaskRun): Promise<unknown> {
  const { name, state, parameters, context, ctx, env, binding } = run;
  const resource = { resourceType: binding.resourceType, resource: binding.resource };
  const timeout = timeoutSeconds(state, parameters, context);
  env.recorder.add(ctx, "TaskScheduled", {
    taskScheduledEventDetails: {
      ...resource,
      region: env.region,
      parameters: json(parameters),
      ...(timeout !== undefined ? { timeoutInSeconds: timeout } : {}),
    },
  });
  env.recorder.add(ctx, "TaskStarted", { taskStartedEventDetails: resource });
  const abort = new AbortController();
  const onStop = () => abort.abort();
  env.signal.addEventListener("abort", onStop, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const ms = (timeout ?? DEFAULT_TASK_TIMEOUT_SECONDS) * 1000;
  const timedOut = new Promise<never>((_, reject) => {
    // Past setTimeout's range (about 24.8 days) the task simply has no timer.
    if (ms <= MAX_TIMER_MS) timer = setTimeout(() => reject(new StatesError(States.Timeout, "")), ms);
  });
  try {
    const submitted = (output: unknown) =>
      env.recorder.add(ctx, "TaskSubmitted", {
        taskSubmittedEventDetails: { ...resource, output: json(output), outputDetails: NOT_TRUNCATED },
      });
    const result = await Promise.race([
      binding.invoke({ parameters, context, submitted, signal: abort.signal }),
      timedOut,
    ]);
    checkSize(result, name);
    env.recorder.add(ctx, "TaskSucceeded", {
      taskSucceededEventDetails: { ...resource, output: json(result), outputDetails: NOT_TRUNCATED },
    });
    return result;
  } catch (err) {
    const error = toStatesError(err);
    const type = error.name === States.Timeout ? "TaskTimedOut" : "TaskFailed";
    const details = type === "TaskTimedOut" ? "taskTimedOutEventDetails" : "taskFailedEventDetails";
    env.recorder.add(ctx, type, { [details]: { ...resource, error: error.name, cause: error.cause } });
    abort.abort();
    throw error;
  } finally {
    clearTimeout(timer);
    env.signal.removeEventListener("abort", onStop);
  }
}
