/**
 * Turns the embedded engine's event log into events shaped like Step Functions'
 * GetExecutionHistory (`TaskStateEntered`, `TaskScheduled`, `TaskSucceeded`, `ChoiceStateEntered`, …).
 * Task-level events (scheduled/started/succeeded/failed) come from the local task invoker; state-level
 * events come from the engine; `HistoryBuilder` interleaves them in the order AWS would record them.
 */
import type { StateMachine } from "aws-local-stepfunctions";

/** The engine's event type (not exported by the package). */
export type EventLog = ReturnType<StateMachine["run"]>["eventLogs"] extends AsyncGenerator<infer E> ? E : never;

/** One history event without its id (the store numbers them). */
export interface HistoryEventInput {
  timestamp: string;
  type: string;
  previousEventId?: number;
  [details: string]: unknown;
}

export interface TaskResource {
  resourceType: string;
  resource: string;
}

const json = (value: unknown) => JSON.stringify(value ?? null);
const iso = (ms: number) => new Date(ms).toISOString();

export class HistoryBuilder {
  private readonly pending = new Map<string, HistoryEventInput[]>();

  constructor(private readonly emit: (events: HistoryEventInput[]) => void) {}

  /** Called by the task invoker: a task of `state` was scheduled and started. */
  taskStarted(state: string, task: TaskResource, parameters: unknown): void {
    const at = new Date().toISOString();
    this.queue(state, {
      timestamp: at,
      type: "TaskScheduled",
      taskScheduledEventDetails: { ...task, region: "local", parameters: json(parameters) },
    });
    this.queue(state, { timestamp: at, type: "TaskStarted", taskStartedEventDetails: task });
  }

  /** Called by the task invoker when the task returned. */
  taskSucceeded(state: string, task: TaskResource, output: unknown): void {
    this.queue(state, {
      timestamp: new Date().toISOString(),
      type: "TaskSucceeded",
      taskSucceededEventDetails: { ...task, output: json(output), outputDetails: { truncated: false } },
    });
  }

  /** Called by the task invoker when the task threw. */
  taskFailed(state: string, task: TaskResource, error: string, cause: string): void {
    this.queue(state, {
      timestamp: new Date().toISOString(),
      type: "TaskFailed",
      taskFailedEventDetails: { ...task, error, cause },
    });
  }

  /** Called for each event of the engine's log, in order. */
  engineEvent(event: EventLog): void {
    const state = "state" in event ? event.state.name : undefined;
    if (state && event.type !== "StateEntered") this.flush(state);
    const converted = toAwsEvents(event);
    if (converted.length > 0) this.emit(converted);
    if (state && event.type === "StateEntered") this.flush(state);
  }

  private queue(state: string, event: HistoryEventInput): void {
    const list = this.pending.get(state) ?? [];
    list.push(event);
    this.pending.set(state, list);
  }

  private flush(state: string): void {
    const list = this.pending.get(state);
    if (list && list.length > 0) {
      this.pending.delete(state);
      this.emit(list);
    }
  }
}

function causeOf(event: { Error: string; Cause: unknown }): { error: string; cause: string } {
  return { error: event.Error, cause: typeof event.Cause === "string" ? event.Cause : json(event.Cause) };
}

/** The AWS history events for one engine event (task-level events come from the invoker instead). */
export function toAwsEvents(event: EventLog): HistoryEventInput[] {
  const timestamp = iso(event.timestamp);
  const truncated = { truncated: false };
  switch (event.type) {
    case "ExecutionStarted":
      return [
        {
          timestamp,
          type: "ExecutionStarted",
          executionStartedEventDetails: { input: json(event.input), inputDetails: truncated },
        },
      ];
    case "ExecutionSucceeded":
      return [
        {
          timestamp,
          type: "ExecutionSucceeded",
          executionSucceededEventDetails: { output: json(event.output), outputDetails: truncated },
        },
      ];
    case "ExecutionFailed":
      return [{ timestamp, type: "ExecutionFailed", executionFailedEventDetails: causeOf(event) }];
    case "ExecutionAborted":
      return [{ timestamp, type: "ExecutionAborted", executionAbortedEventDetails: {} }];
    case "ExecutionTimeout":
      return [{ timestamp, type: "ExecutionTimedOut", executionTimedOutEventDetails: { error: "States.Timeout" } }];
    case "StateEntered": {
      const { name, type, input } = event.state;
      return [
        {
          timestamp,
          type: `${type}StateEntered`,
          stateEnteredEventDetails: { name, input: json(input), inputDetails: truncated },
        },
      ];
    }
    case "StateExited": {
      const { name, type, output } = event.state;
      return [
        {
          timestamp,
          type: `${type}StateExited`,
          stateExitedEventDetails: { name, output: json(output), outputDetails: truncated },
        },
      ];
    }
    case "StateFailed":
      // A Task's failure is the invoker's TaskFailed; other states record their own.
      if (event.state.type === "Task") return [];
      return [
        {
          timestamp,
          type: `${event.state.type}StateFailed`,
          stateFailedEventDetails: { name: event.state.name, ...causeOf(event) },
        },
      ];
    case "StateRetried":
    case "StateCaught":
      // AWS records a retry as a new TaskScheduled and a catch as the TaskStateExited that follows.
      return [];
    default:
      // Map iterations and Parallel branches keep the engine's names.
      return [{ timestamp, type: event.type, details: json(event) }];
  }
}
