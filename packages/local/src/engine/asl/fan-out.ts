/**
 * Parallel and Map states. Branches and inline iterations run in this process, each with its own
 * event context (so `previousEventId` chains per branch or iteration); a Distributed Map hands its
 * items to the bound map runner, which runs them as child executions.
 */
import { States, StatesError, toStatesError } from "./errors.ts";
import type { EventContext } from "./events.ts";
import { type Env, runProgram, type StateCall } from "./interpreter.ts";
import { applyTemplate, type ContextObject, query } from "./paths.ts";
import { type AslState, isDistributedMap, type Program } from "./types.ts";

export async function runParallelState(
  state: AslState,
  input: unknown,
  ctx: EventContext,
  env: Env,
): Promise<unknown[]> {
  env.recorder.add(ctx, "ParallelStateStarted");
  const branches = state.Branches ?? [];
  const contexts = branches.map(() => ctx.fork());
  const results = await allOrFirstError(
    branches.map((branch, i) => (signal) => runProgram(branch, input, contexts[i] as EventContext, { ...env, signal })),
    env.signal,
  ).finally(() => {
    for (const c of contexts) ctx.join(c);
  });
  env.recorder.add(ctx, "ParallelStateSucceeded", {}, false);
  return results;
}

/** The items a Map state iterates over (ItemsPath over its input). */
function itemsOf(state: AslState, input: unknown, context: ContextObject): unknown[] {
  const items = state.ItemsPath ? query(state.ItemsPath, input, context) : input;
  if (!Array.isArray(items)) {
    throw new StatesError(
      States.Runtime,
      "Input of Map state must be an array or ItemsPath property must point to an array",
    );
  }
  return items;
}

function maxConcurrency(state: AslState, input: unknown, context: ContextObject): number {
  if (state.MaxConcurrencyPath) return Number(query(state.MaxConcurrencyPath, input, context));
  return state.MaxConcurrency ?? 0;
}

/** An item's input: ItemSelector (or the older Parameters) with `$$.Map.Item`, else the item. */
export function itemInput(state: AslState, input: unknown, context: ContextObject, index: number, value: unknown) {
  const selector = state.ItemSelector ?? state.Parameters;
  if (selector === undefined) return value;
  return applyTemplate(selector, input, { ...context, Map: { Item: { Index: index, Value: value } } });
}

/** A Map state's run; `call.input` is its input after InputPath. */
export async function runMapState(call: StateCall): Promise<unknown> {
  const { name, state, input, ctx, context, env } = call;
  const concurrency = maxConcurrency(state, input, context);
  if (isDistributedMap(state)) return runMapRun(call);
  const items = itemsOf(state, input, context);
  env.recorder.add(ctx, "MapStateStarted", { mapStateStartedEventDetails: { length: items.length } });
  const processor = (state.ItemProcessor ?? state.Iterator) as Program;
  const workers = Math.min(concurrency === 0 ? items.length : concurrency, items.length);
  const results: unknown[] = new Array(items.length);
  const workerContexts = Array.from({ length: workers }, () => ctx.fork());
  let nextIndex = 0;
  const detail = (index: number) => ({ name, index });
  try {
    await allOrFirstError(
      workerContexts.map((workerCtx) => async (signal) => {
        while (nextIndex < items.length && !signal.aborted) {
          const index = nextIndex++;
          const job = workerCtx.fork();
          env.recorder.add(job, "MapIterationStarted", { mapIterationStartedEventDetails: detail(index) });
          try {
            const value = itemInput(state, input, context, index, items[index]);
            results[index] = await runProgram(processor, value, job, { ...env, signal });
            env.recorder.add(job, "MapIterationSucceeded", { mapIterationSucceededEventDetails: detail(index) }, false);
          } catch (err) {
            env.recorder.add(job, "MapIterationFailed", { mapIterationFailedEventDetails: detail(index) }, false);
            throw err;
          } finally {
            workerCtx.join(job);
          }
          // A worker's last successful iteration hands on its closing event (MapIterationSucceeded).
          if (nextIndex >= items.length) workerCtx.source = job.last;
        }
      }),
      env.signal,
    );
  } finally {
    for (const c of workerContexts) ctx.join(c);
  }
  env.recorder.add(ctx, "MapStateSucceeded", {}, false);
  return results;
}

/** A Distributed Map: MapRunStarted (or MapRunRedriven), the bound runner, MapRunSucceeded/Failed. */
async function runMapRun({ name, state, input, ctx, context, env }: StateCall): Promise<unknown> {
  const binding = env.bindings.maps[name];
  if (!binding) throw new StatesError(States.Runtime, `Distributed Map "${name}" has no local map runner`);
  const items = state.ItemReader ? undefined : itemsOf(state, input, context);
  const startedId = env.recorder.add(ctx, "MapStateStarted", {
    mapStateStartedEventDetails: { length: items?.length ?? 0 },
  });
  const redriven = env.redrivenMaps.get(name);
  const redrive = redriven !== undefined;
  env.redrivenMaps.delete(name); // a retry of the state starts a new Map Run
  const mapRunArn = redriven ?? env.bindings.mapRunArn(name, startedId);
  if (redrive) {
    env.recorder.add(ctx, "MapRunRedriven", {
      mapRunRedrivenEventDetails: { mapRunArn, redriveCount: env.context.Execution.RedriveCount },
    });
  } else {
    env.recorder.add(ctx, "MapRunStarted", { mapRunStartedEventDetails: { mapRunArn } });
  }
  try {
    const result = await binding.run({
      state: name,
      definition: state,
      input,
      items,
      context,
      mapRunArn,
      redrive,
      signal: env.signal,
    });
    env.recorder.add(ctx, "MapRunSucceeded");
    env.recorder.add(ctx, "MapStateSucceeded", {}, false);
    return result;
  } catch (err) {
    const error = toStatesError(err);
    env.recorder.add(ctx, "MapRunFailed", { mapRunFailedEventDetails: { error: error.name, cause: error.cause } });
    throw error;
  }
}

/**
 * Runs tasks concurrently; on the first failure, aborts the others, waits for them to stop and
 * rethrows that failure. Resolves to the results in order.
 */
async function allOrFirstError<T>(tasks: ((signal: AbortSignal) => Promise<T>)[], parent: AbortSignal): Promise<T[]> {
  const abort = new AbortController();
  const onStop = () => abort.abort();
  parent.addEventListener("abort", onStop, { once: true });
  let first: unknown;
  let failed = false;
  try {
    const settled = await Promise.allSettled(
      tasks.map((task) =>
        task(abort.signal).catch((err: unknown) => {
          if (!failed) {
            failed = true;
            first = err;
            abort.abort();
          }
          throw err;
        }),
      ),
    );
    if (failed) throw first;
    return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
  } finally {
    parent.removeEventListener("abort", onStop);
  }
}
