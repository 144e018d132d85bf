/**
 * Runs executions of the exact deployed ASL file with aws-local-stepfunctions, persisting each
 * execution and its history (GetExecutionHistory shape) as it goes.
 */
import "../polyfill.ts";
import { describeError } from "@tollgate/core/errors";
import { logger } from "@tollgate/core/logger";
import type { AuditLog } from "@tollgate/core/ports";
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine } from "aws-local-stepfunctions";
import type { ExecutionRecord, SqliteExecutionStore } from "../stores/execution-store.ts";
import type { AslDefinition } from "./definition.ts";
import { HistoryBuilder, type HistoryEventInput } from "./history.ts";
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

  private async execute(execution: ExecutionRecord, input: unknown, options: StartOptions): Promise<ExecutionRecord> {
    const { executions } = this.deps;
    const name = execution.name;
    const history = new HistoryBuilder((events) => {
      executions.appendEvents(name, events);
      for (const e of events) options.onEvent?.(e);
    });
    const handlers = bindTasks(this.deps.definition, this.deps.targetsFor(name), history);
    const run = this.machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: handlers as never },
      context: {
        Execution: { Id: execution.executionArn, Name: name, StartTime: execution.startDate, Input: input },
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

function failureOf(err: unknown): { error: string; cause: string } {
  if (err instanceof ExecutionError) {
    const caught = (err as ExecutionError & { cause?: { name?: string; message?: string } }).cause;
    if (caught && typeof caught === "object")
      return { error: caught.name ?? "States.Runtime", cause: caught.message ?? "" };
  }
  const { name, message } = describeError(err);
  return { error: name, cause: message };
}
