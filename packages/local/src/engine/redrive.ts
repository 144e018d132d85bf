/**
 * Where a redrive restarts: Step Functions redrives an unsuccessful execution from the state that
 * failed, with the input that state had. In this workflow a failed task is caught and routed to
 * RecordFailure → Failed, so "the state that failed" is the task whose failure was caught, not
 * the Fail state (see docs/local-runtime.md for how this differs from AWS's redrive).
 */
import { ExecutionNotRedrivableError } from "@tollgate/core/errors";

interface Event {
  type: string;
  [details: string]: unknown;
}

/** States that only record a failure; a redrive never restarts there. */
const FAILURE_PATH = new Set(["RecordFailure", "Failed"]);

/**
 * The state to restart from and its original input.
 * @throws ExecutionNotRedrivableError when the history has no failed state to restart from.
 */
export function redriveStart(events: readonly Event[]): { state: string; input: unknown } {
  let current: { state: string; input: string } | undefined;
  let failedAt: { state: string; input: string } | undefined;
  for (const e of events) {
    const entered = e.stateEnteredEventDetails as { name: string; input: string } | undefined;
    if (entered && e.type.endsWith("StateEntered")) current = { state: entered.name, input: entered.input };
    const failed = e.type === "TaskFailed" || e.type.endsWith("StateFailed") || e.type === "ExecutionFailed";
    if (failed && current && !FAILURE_PATH.has(current.state)) failedAt = current;
  }
  // A process that died mid-state leaves a state entered and never exited.
  const last = events.at(-1);
  if (!failedAt && current && !FAILURE_PATH.has(current.state) && last && !last.type.endsWith("StateExited")) {
    failedAt = current;
  }
  if (!failedAt) throw new ExecutionNotRedrivableError("the execution's history has no failed state to redrive from");
  return { state: failedAt.state, input: JSON.parse(failedAt.input) as unknown };
}
