/**
 * Runs executions of the exact deployed ASL file with aws-local-stepfunctions, persisting each
 * execution and its history (GetExecutionHistory shape) as it goes.
 */
import "../polyfill.ts";
import { describeError, ExecutionNotFoundError, ExecutionNotRedrivableError } from "@tollgate/core/errors";
import { logger } from "@tollgate/core/logger";
import type { AuditLog } from "@tollgate/core/ports";
import type { AslDefinition } from "@tollgate/core/workflow/asl";
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine } from "aws-local-stepfunctions";
import type { ExecutionRecord, SqliteExecutionStore } from "../stores/execution-store.ts";
import { HistoryBuilder, type HistoryEventInput } from "./history.ts";
import { redriveStart } from "./redrive.ts";
import { bindTasks, type LocalTargets } from "./tasks.ts";

export const LOCAL_ACCOUNT = "000000000000";
export const LOCAL_REGION = "local";
export const STATE_MACHINE_NAME = "tollgate-retrain";
export const STATE_MACHINE_ARN = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${STATE_MACHINE_NAME}`;
export const executionArn = (name: string) =>
  `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${STATE_MACHINE_NAME}:${name}`;

export interface WorkflowDeps {
  definition: AslDefinition;
  executions: SqliteExecutionStore;
  audit: AuditLog;
  /** The in-process targets for one run (ports carry the run id for auditing). */
  targetsFor(runId: string): LocalTargets;
}

export interface StartOptions {
  /** Who starts the run (recorded in the audit log as CloudTrail's userIdentity). */
  startedBy?: string;
  /** Called with every history event as it is recorded (for progress output). */
  onEvent?: (event: HistoryEventInput) => void;
}

export interface RunHandle {
  execution: ExecutionRecord;
  /** False when an execution with this name and input already existed (StartExecution is idempotent). */
  started: boolean;
  /** Resolves with the finished execution. */
  done: Promise<ExecutionRecord>;
}

/**
 * @example
 * const wf = new LocalWorkflow(deps);
 * const run = await wf.start("ingest-wordnet-1a2b", input);
 * const finished = await run.done; // finished.status === "SUCCEEDED"
 */
export class LocalWorkflow {
  private readonly machine: StateMachine;

  constructor(private readonly deps: WorkflowDeps) {
    this.machine = new StateMachine(deps.definition as never, { validationOptions: { checkArn: false } });
  }

  /** StartExecution: same name and same input → the existing execution; same name, other input → ExecutionAlreadyExists. */
  async start(name: string, input: unknown, options: StartOptions = {}): Promise<RunHandle> {
    const arn = executionArn(name);
    const startDate = new Date().toISOString();
    const { record: execution, created } = this.deps.executions.tryCreate({
      executionArn: arn,
      name,
      stateMachineArn: STATE_MACHINE_ARN,
      input: JSON.stringify(input),
      startDate,
    });
    if (!created) return { execution, started: false, done: Promise.resolve(execution) };
    await this.deps.audit.record({
      eventSource: "states.amazonaws.com",
      eventName: "StartExecution",
      userIdentity: { type: "LocalUser", principalId: options.startedBy ?? "local" },
      requestParameters: { stateMachineArn: STATE_MACHINE_ARN, name, input: JSON.stringify(input) },
      resources: [{ type: "AWS::StepFunctions::StateMachine", ARN: STATE_MACHINE_ARN }],
      runId: name,
    });
    return { execution, started: true, done: this.execute(execution, input, options) };
  }

  /**
   * RedriveExecution: reruns a FAILED, ABORTED or TIMED_OUT execution from the state that failed,
   * with that state's original input, as the same execution; the history gains an
   * `ExecutionRedriven` event with the redrive count.
   * @throws ExecutionNotFoundError; ExecutionNotRedrivable when it succeeded, is running, or has no failed state.
   */
  async redrive(name: string, options: StartOptions = {}): Promise<RunHandle> {
    const { executions } = this.deps;
    const before = executions.get(name);
    if (!before) throw new ExecutionNotFoundError(`no run named ${name}`);
    const from = redriveStart(executions.history(name));
    if (!executions.claimRedrive(name)) {
      throw new ExecutionNotRedrivableError(
        `run ${name} is ${before.status}: only FAILED, ABORTED or TIMED_OUT runs can be redriven`,
      );
    }
    const execution = executions.get(name) as ExecutionRecord;
    const redriven = {
      timestamp: new Date().toISOString(),
      type: "ExecutionRedriven",
      executionRedrivenEventDetails: { redriveCount: execution.redriveCount, startAt: from.state },
    };
    executions.appendEvents(name, [redriven]);
    options.onEvent?.(redriven);
    // The definition was validated when loaded; starting elsewhere leaves states unreachable, which the validator refuses.
    const machine = new StateMachine({ ...this.deps.definition, StartAt: from.state } as never, {
      validationOptions: { noValidate: true },
    });
    return { execution, started: true, done: this.execute(execution, from.input, options, machine) };
  }

  /**
   * Marks RUNNING executions whose process died (killed, crashed) as FAILED with
   * `ExecutionInterrupted`, so they can be redriven. Returns their names.
   */
  recoverInterrupted(): string[] {
    const { executions } = this.deps;
    return executions.orphans(isAlive).map((orphan) => {
      const cause = "the process running this execution stopped before it finished; redrive it to resume";
      executions.appendEvents(orphan.name, [
        {
          timestamp: new Date().toISOString(),
          type: "ExecutionFailed",
          executionFailedEventDetails: { error: "ExecutionInterrupted", cause },
        },
      ]);
      executions.finish(orphan.name, { status: "FAILED", error: "ExecutionInterrupted", cause });
      return orphan.name;
    });
  }

  private async execute(
    execution: ExecutionRecord,
    input: unknown,
    options: StartOptions,
    machine = this.machine,
  ): Promise<ExecutionRecord> {
    const { executions } = this.deps;
    const name = execution.name;
    const redrive = machine !== this.machine;
    const history = new HistoryBuilder((events) => {
      // A redrive continues the same execution: AWS records ExecutionRedriven, not a second ExecutionStarted.
      const kept = redrive ? events.filter((e) => e.type !== "ExecutionStarted") : events;
      executions.appendEvents(name, kept);
      for (const e of kept) options.onEvent?.(e);
    });
    const handlers = bindTasks(this.deps.definition, this.deps.targetsFor(name), history);
    const run = machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: handlers as never },
      context: {
        Execution: {
          Id: execution.executionArn,
          Name: name,
          StartTime: execution.startDate,
          Input: JSON.parse(execution.input),
        },
        StateMachine: { Id: STATE_MACHINE_ARN, Name: STATE_MACHINE_NAME },
      } as never,
    });
    const consumed = (async () => {
      for await (const event of run.eventLogs) history.engineEvent(event);
    })();
    try {
      const output = await run.result;
      await consumed;
      executions.finish(name, { status: "SUCCEEDED", output: JSON.stringify(output) });
    } catch (err) {
      await consumed.catch(() => undefined);
      const status =
        err instanceof ExecutionTimeoutError
          ? "TIMED_OUT"
          : err instanceof ExecutionAbortedError
            ? "ABORTED"
            : "FAILED";
      const { error, cause } = failureOf(err);
      if (!(err instanceof ExecutionError))
        logger.error({ err, execution: name }, "execution stopped by an engine error");
      executions.finish(name, { status, error, cause });
    }
    return executions.get(name) as ExecutionRecord;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function failureOf(err: unknown): { error: string; cause: string } {
  if (err instanceof ExecutionError) {
    const caught = (err as ExecutionError & { cause?: { name?: string; message?: string } }).cause;
    if (caught && typeof caught === "object")
      return { error: caught.name ?? "States.Runtime", cause: caught.message ?? "" };
  }
  const { name, message } = describeError(err);
  return { error: name, cause: message };
}
