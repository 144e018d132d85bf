/**
 * One execution attempt (a start or a redrive) of a definition: the Execution* events around the
 * program, the execution timeout, and the outcome DescribeExecution reports.
 */
import { States, toStatesError } from "./errors.ts";
import { EventContext, type HistoryRecorder, NOT_TRUNCATED } from "./events.ts";
import { type Bindings, runProgram } from "./interpreter.ts";
import type { ContextObject } from "./paths.ts";
import type { AslDefinition } from "./types.ts";

export type Outcome =
  | { status: "SUCCEEDED"; output: unknown }
  | { status: "FAILED" | "TIMED_OUT" | "ABORTED"; error: string; cause: string };

/** Where a redrive restarts: a top-level state and the input it had. */
export interface RestartPoint {
  state: string;
  input: unknown;
  /** Distributed Map states whose Map Run is redriven (only its unsuccessful children rerun), with its ARN. */
  redrivenMaps: Record<string, string>;
}

export interface ExecutionSpec {
  definition: AslDefinition;
  /** The input as StartExecution received it (recorded verbatim). */
  inputText: string;
  context: ContextObject;
  recorder: HistoryRecorder;
  bindings: Bindings;
  region: string;
  /** Stops the execution (StopExecution). */
  signal?: AbortSignal;
  /**
   * Called when the execution ends by a stop or its timeout while a state still runs, with the
   * program's end (it never rejects): a task in flight goes on, as a Lambda does after StopExecution.
   */
  onAbandoned?: (settled: Promise<unknown>) => void;
  /** Set when redriving: the id of the history's last event and where to restart. */
  redrive?: { lastEventId: number; restart: RestartPoint };
}

/** Runs the execution to its end and records its history; never throws for a failed execution. */
export async function runExecution(spec: ExecutionSpec): Promise<Outcome> {
  const { definition, recorder, context } = spec;
  const root = new EventContext(spec.redrive?.lastEventId ?? 0);
  if (spec.redrive) {
    recorder.add(root, "ExecutionRedriven", {
      executionRedrivenEventDetails: { redriveCount: context.Execution.RedriveCount },
    });
  } else {
    recorder.add(
      root,
      "ExecutionStarted",
      {
        executionStartedEventDetails: {
          input: spec.inputText,
          inputDetails: NOT_TRUNCATED,
          roleArn: context.Execution.RoleArn,
        },
      },
      false,
    );
  }
  const stop = new AbortController();
  const onStop = () => stop.abort();
  spec.signal?.addEventListener("abort", onStop, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    const ms = (definition.TimeoutSeconds ?? Number.POSITIVE_INFINITY) * 1000;
    // Past setTimeout's range (about 24.8 days) the execution simply has no timer.
    if (ms <= 2 ** 31 - 1) timer = setTimeout(() => resolve("timeout"), ms);
  });
  const restart = spec.redrive?.restart;
  const program = runProgram(
    definition,
    restart ? restart.input : context.Execution.Input,
    root,
    {
      recorder,
      bindings: spec.bindings,
      region: spec.region,
      context,
      signal: stop.signal,
      redrivenMaps: new Map(Object.entries(restart?.redrivenMaps ?? {})),
    },
    restart?.state,
  ).then(
    (output) => ({ status: "SUCCEEDED" as const, output }),
    (err: unknown) => {
      const { name, cause } = toStatesError(err);
      return { status: "FAILED" as const, error: name, cause };
    },
  );
  const aborted = new Promise<"aborted">((resolve) => stop.signal.addEventListener("abort", () => resolve("aborted")));
  try {
    const first = await Promise.race([program, timedOut, aborted]);
    if (first === "timeout" || first === "aborted") {
      stop.abort();
      spec.onAbandoned?.(program);
      const outcome: Outcome =
        first === "timeout"
          ? { status: "TIMED_OUT", error: States.Timeout, cause: "The execution timed out" }
          : { status: "ABORTED", error: "States.Aborted", cause: "The execution was stopped" };
      recorder.add(
        root,
        first === "timeout" ? "ExecutionTimedOut" : "ExecutionAborted",
        first === "timeout" ? { executionTimedOutEventDetails: {} } : { executionAbortedEventDetails: {} },
      );
      recorder.close();
      return outcome;
    }
    if (first.status === "SUCCEEDED") {
      recorder.add(root, "ExecutionSucceeded", {
        executionSucceededEventDetails: { output: JSON.stringify(first.output ?? null), outputDetails: NOT_TRUNCATED },
      });
    } else {
      recorder.add(root, "ExecutionFailed", {
        executionFailedEventDetails: { error: first.error, cause: first.cause },
      });
    }
    recorder.close();
    return first;
  } finally {
    clearTimeout(timer);
    spec.signal?.removeEventListener("abort", onStop);
  }
}
