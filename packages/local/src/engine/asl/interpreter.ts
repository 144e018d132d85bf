/**
 * The Amazon States Language (JSONPath) interpreter of the embedded runtime. It runs a definition
 * state by state and records the history Step Functions would record (see events.ts). Task states
 * and Distributed Map states run through bindings made when the definition is loaded; nothing here
 * calls AWS.
 */
import { type ChoiceRule, evaluateRule } from "./choice.ts";
import { errorMatches, isTerminal, States, StatesError, toStatesError } from "./errors.ts";
import { type EventContext, type HistoryRecorder, NOT_TRUNCATED } from "./events.ts";
import { runMapState, runParallelState } from "./fan-out.ts";
import {
  applyResultPath,
  applyTemplate,
  type ContextObject,
  json,
  NoSuchPathError,
  payloadBytes,
  query,
  selectPath,
} from "./paths.ts";
import { runTask, type TaskBinding } from "./task.ts";
import type { AslState, Catcher, Program, Retrier } from "./types.ts";

/** Step Functions' payload quota: 256 KiB of UTF-8 JSON per state input, output or task result. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

/** What a Distributed Map state is bound to: the local map runner. */
export interface MapRunBinding {
  /**
   * Runs the Map Run; resolves to the Map state's result (the children's outputs, or the
   * ResultWriter's answer). Throws a StatesError when the Map Run fails.
   */
  run(request: MapRunRequest): Promise<unknown>;
  /** Gets ready ahead of a Map Run (a run that may reach it starts), e.g. boots a worker process. */
  warm?(): void;
}

export interface MapRunRequest {
  state: string;
  definition: AslState;
  /** The state's input after InputPath. */
  input: unknown;
  /** The items when they come from the input (no ItemReader). */
  items: unknown[] | undefined;
  context: ContextObject;
  mapRunArn: string;
  /** The Map Run is being redriven: rerun only its unsuccessful children. */
  redrive: boolean;
  signal: AbortSignal;
}

export interface Bindings {
  /** By state name (names are unique in a definition, nested states included). */
  tasks: Record<string, TaskBinding>;
  /** Distributed Map states by name. */
  maps: Record<string, MapRunBinding>;
  /** The ARN of a new Map Run of `state`, started at the MapStateStarted event `startedEventId`. */
  mapRunArn(state: string, startedEventId: number): string;
}

export interface Env {
  recorder: HistoryRecorder;
  bindings: Bindings;
  region: string;
  context: ContextObject;
  signal: AbortSignal;
  /** Distributed Map states whose Map Run this attempt redrives, with the Map Run's ARN. */
  redrivenMaps: Map<string, string>;
}

export interface StateResult {
  output: unknown;
  next: string | undefined;
}

/** One state being run: its name and definition, its raw input, its event context, `$$`, the run. */
export interface StateCall {
  name: string;
  state: AslState;
  input: unknown;
  ctx: EventContext;
  context: ContextObject;
  env: Env;
}

/** Runs a program (the definition, a branch, an iteration) from `startAt`; resolves to its output. */
export async function runProgram(
  program: Program,
  input: unknown,
  ctx: EventContext,
  env: Env,
  startAt = program.StartAt,
): Promise<unknown> {
  let name: string | undefined = startAt;
  let value = input;
  while (name !== undefined) {
    if (env.signal.aborted) throw new StatesError("States.Aborted", "the execution was stopped");
    const state = program.States[name];
    if (!state) throw new StatesError(States.Runtime, `state "${name}" does not exist`);
    ({ output: value, next: name } = await runState(name, state, value, ctx, env));
  }
  return value;
}

const entered = (name: string, input: unknown) => ({
  stateEnteredEventDetails: { name, input: json(input), inputDetails: NOT_TRUNCATED },
});

async function runState(name: string, state: AslState, input: unknown, ctx: EventContext, env: Env) {
  const enteredId = env.recorder.add(ctx, `${state.Type}StateEntered`, entered(name, input));
  const context: ContextObject = {
    ...env.context,
    State: { Name: name, EnteredTime: new Date().toISOString(), RetryCount: 0 },
  };
  try {
    const result = await evaluate({ name, state, input, ctx, context, env });
    return exit(name, state, result, ctx, env);
  } catch (err) {
    throw locate(err, name, enteredId);
  }
}

const located = new WeakSet<Error>();

/** Runtime errors name the state they happened in, as Step Functions words them. */
function locate(err: unknown, name: string, enteredId: number): unknown {
  const runtime = err instanceof NoSuchPathError || (err instanceof StatesError && err.name === States.Runtime);
  if (!runtime || located.has(err)) return err;
  const located_ = new StatesError(
    States.Runtime,
    `An error occurred while executing the state '${name}' (entered at the event id #${enteredId}). ${
      err instanceof StatesError ? err.cause : err.message
    }`,
  );
  located.add(located_);
  return located_;
}

/** Records the exit (after checking the output against the payload quota). */
function exit(name: string, state: AslState, result: StateResult, ctx: EventContext, env: Env): StateResult {
  if (state.Type === "Fail") return result;
  checkSize(result.output, name);
  env.recorder.add(ctx, `${state.Type}StateExited`, {
    stateExitedEventDetails: { name, output: json(result.output), outputDetails: NOT_TRUNCATED },
  });
  return result;
}

export function checkSize(value: unknown, state: string): void {
  if (payloadBytes(value) > MAX_PAYLOAD_BYTES) {
    throw new StatesError(
      States.DataLimitExceeded,
      `The state/task '${state}' returned a result with a size exceeding the maximum number of bytes service limit.`,
    );
  }
}

const nextOf = (state: AslState) => (state.End ? undefined : state.Next);

/** InputPath then Parameters: the effective input of a Pass, Task or Parallel state. */
export function effectiveInput(state: AslState, input: unknown, context: ContextObject): unknown {
  const selected = selectPath(state.InputPath, input, context);
  return state.Parameters === undefined ? selected : applyTemplate(state.Parameters, selected, context);
}

/** ResultSelector, ResultPath, OutputPath: a state's output from its raw input and its result. */
export function stateOutput(state: AslState, input: unknown, result: unknown, context: ContextObject): unknown {
  const selected = state.ResultSelector === undefined ? result : applyTemplate(state.ResultSelector, result, context);
  return selectPath(state.OutputPath, applyResultPath(state.ResultPath, input, selected), context);
}

async function evaluate(call: StateCall): Promise<StateResult> {
  const { name, state, input, context, env } = call;
  switch (state.Type) {
    case "Pass": {
      const effective = effectiveInput(state, input, context);
      const result = "Result" in state ? state.Result : effective;
      return {
        output: selectPath(state.OutputPath, applyResultPath(state.ResultPath, input, result), context),
        next: nextOf(state),
      };
    }
    case "Succeed":
      return {
        output: selectPath(state.OutputPath, selectPath(state.InputPath, input, context), context),
        next: undefined,
      };
    case "Fail": {
      const error = state.ErrorPath ? query(String(state.ErrorPath), input, context) : state.Error;
      const cause = state.CausePath ? query(String(state.CausePath), input, context) : state.Cause;
      throw new StatesError(String(error ?? ""), String(cause ?? ""));
    }
    case "Choice":
      return choose(state, input, context);
    case "Wait":
      await wait(state, selectPath(state.InputPath, input, context), context, env.signal);
      return {
        output: selectPath(state.OutputPath, selectPath(state.InputPath, input, context), context),
        next: nextOf(state),
      };
    case "Task":
    case "Parallel":
    case "Map":
      return withRetryAndCatch(call);
    default:
      throw new StatesError(States.Runtime, `state "${name}" has an unknown type ${state.Type}`);
  }
}

function choose(state: AslState, input: unknown, context: ContextObject): StateResult {
  const effective = selectPath(state.InputPath, input, context);
  const rules = (state.Choices ?? []) as ChoiceRule[];
  const rule = rules.find((r) => evaluateRule(r, effective, context));
  const next = rule?.Next ?? (state.Default as string | undefined);
  if (next === undefined) throw new StatesError(States.NoChoiceMatched, "No Matches!");
  return { output: selectPath(state.OutputPath, effective, context), next };
}

async function wait(state: AslState, input: unknown, context: ContextObject, signal: AbortSignal): Promise<void> {
  let until: number;
  if (state.Seconds !== undefined) until = Date.now() + Number(state.Seconds) * 1000;
  else if (state.SecondsPath) until = Date.now() + Number(query(String(state.SecondsPath), input, context)) * 1000;
  else if (state.Timestamp) until = Date.parse(String(state.Timestamp));
  else until = Date.parse(String(query(String(state.TimestampPath), input, context)));
  if (Number.isNaN(until)) throw new StatesError(States.Runtime, "the Wait state's time is not a number or timestamp");
  await sleep(until - Date.now(), signal);
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** The states that can fail and be retried or caught: Task, Parallel and Map. */
async function withRetryAndCatch(call: StateCall): Promise<StateResult> {
  const { state, input, ctx, context, env } = call;
  const attempts = (state.Retry ?? []).map(() => 0);
  for (;;) {
    try {
      const result = await attempt(call);
      return { output: stateOutput(state, input, result, context), next: nextOf(state) };
    } catch (err) {
      const error = toStatesError(err);
      if (err instanceof NoSuchPathError) throw err;
      const delay = retryDelay(state.Retry ?? [], attempts, error.name, state.Type);
      if (delay !== undefined) {
        await sleep(delay, env.signal);
        (context.State as { RetryCount: number }).RetryCount++;
        continue;
      }
      if (state.Type !== "Task") env.recorder.add(ctx, `${state.Type}StateFailed`);
      const catcher = catcherFor(state.Catch ?? [], error.name, state.Type);
      if (!catcher) throw error;
      const output = applyResultPath(catcher.ResultPath, input, { Error: error.name, Cause: error.cause });
      return { output, next: catcher.Next };
    }
  }
}

function attempt(call: StateCall) {
  const { name, state, input, ctx, context, env } = call;
  if (state.Type === "Task") {
    const binding = env.bindings.tasks[name];
    if (!binding) throw new StatesError(States.Runtime, `state "${name}" has no local task binding`);
    const parameters = effectiveInput(state, input, context);
    checkSize(parameters, name);
    return runTask({ name, state, parameters, context, ctx, env, binding });
  }
  if (state.Type === "Parallel") return runParallelState(state, effectiveInput(state, input, context), ctx, env);
  return runMapState({ ...call, input: selectPath(state.InputPath, input, context) });
}

/** Milliseconds to wait before the next attempt, or undefined when no retrier applies (any more). */
function retryDelay(retriers: Retrier[], attempts: number[], error: string, type: string): number | undefined {
  if (isTerminal(error)) return undefined;
  const index = retriers.findIndex((r) => errorMatches(r.ErrorEquals, error, type));
  const retrier = retriers[index];
  if (!retrier) return undefined;
  const done = attempts[index] ?? 0;
  if (done >= (retrier.MaxAttempts ?? 3)) return undefined;
  attempts[index] = done + 1;
  const seconds = Math.min(
    (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** done,
    retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY,
  );
  return (retrier.JitterStrategy === "FULL" ? Math.random() : 1) * seconds * 1000;
}

function catcherFor(catchers: Catcher[], error: string, type: string): Catcher | undefined {
  return catchers.find((c) => errorMatches(c.ErrorEquals, error, type));
}
