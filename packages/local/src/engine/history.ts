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
  private readonly types = new Map<string, string>();

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
    const timestamp = iso(event.timestamp);
    switch (event.type) {
      case "ExecutionStarted":
        return this.emit([
          { timestamp, type: "ExecutionStarted", executionStartedEventDetails: { input: json(event.input), inputDetails: { truncated: false } } },
        ]);
      case "ExecutionSucceeded":
        return this.emit([
          { timestamp, type: "ExecutionSucceeded", executionSucceededEventDetails: { output: json(event.output), outputDetails: { truncated: false } } },
        ]);
      case "ExecutionFailed":
        return this.emit([{ timestamp, type: "ExecutionFailed", executionFailedEventDetails: causeOf(event) }]);
      case "ExecutionAborted":
        return this.emit([{ timestamp, type: "ExecutionAborted", executionAbortedEventDetails: {} }]);
      case "ExecutionTimeout":
        return this.emit([{ timestamp, type: "ExecutionTimedOut", executionTimedOutEventDetails: { error: "States.Timeout" } }]);
      case "StateEntered": {
        this.types.set(event.state.name, event.state.type);
        this.emit([
          {
            timestamp,
            type: `${event.state.type}StateEntered`,
            stateEnteredEventDetails: { name: event.state.name, input: json(event.state.input), inputDetails: { truncated: false } },
          },
        ]);
        return this.flush(event.state.name);
      }
      case "StateExited":
        this.flush(event.state.name);
        return this.emit([
          {
            timestamp,
            type: `${event.state.type}StateExited`,
            stateExitedEventDetails: { name: event.state.name, output: json(event.state.output), outputDetails: { truncated: false } },
          },
        ]);
      case "StateFailed":
        this.flush(event.state.name);
        if (event.state.type !== "Task") {
          return this.emit([{ timestamp, type: `${event.state.type}StateFailed`, stateFailedEventDetails: { name: event.state.name, ...causeOf(event) } }]);
        }
        return;
      case "StateRetried":
      case "StateCaught":
        // AWS records a retry as a new TaskScheduled and a catch as the TaskStateExited that follows; nothing extra.
        return this.flush(event.state.name);
      default:
        // Map iterations and Parallel branches: recorded with their AWS names where they have one.
        return this.emit([{ timestamp, type: event.type, details: json(event) }]);
    }
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
