/**
 * Runs executions of the exact deployed ASL file with the local interpreter, persisting each
 * execution and its history (GetExecutionHistory shape) event by event as it goes.
 */
import { executionName } from "@tollgate/core/contracts";
import {
  ExecutionNotFoundError,
  ExecutionNotRedrivableError,
  ExecutionNotRunningError,
  InvalidNameError,
  UnsupportedAslFeatureError,
} from "@tollgate/core/errors";
import { logger } from "@tollgate/core/logger";
import type { AuditLog } from "@tollgate/core/ports";
import type { MapRunProgress } from "@tollgate/core/workflow";
import { walkStates } from "@tollgate/core/workflow/asl";
import { processAlive, waitForExit } from "../processes.ts";
import type { ExecutionRecord, HistoryEvent, SqliteExecutionStore } from "../stores/execution-store.ts";
import { HistoryRecorder } from "./asl/events.ts";
import { type Outcome, type RestartPoint, runExecution } from "./asl/execution.ts";
import type { Bindings, MapRunBinding } from "./asl/interpreter.ts";
import type { ContextObject } from "./asl/paths.ts";
import { type AslDefinition, isDistributedMap } from "./asl/types.ts";
import { redriveStart } from "./redrive.ts";
import { bindTasks, type LocalTargets } from "./tasks.ts";

export const LOCAL_ACCOUNT = "000000000000";
export const LOCAL_REGION = "local";
export const STATE_MACHINE_NAME = "tollgate-retrain";
export const STATE_MACHINE_ARN = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${STATE_MACHINE_NAME}`;
/** The role the deployed state machine runs as, as the history names it locally. */
export const STATE_MACHINE_ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT}:role/${STATE_MACHINE_NAME}`;
/** How often a running execution checks whether another process stopped it. */
export const STOP_POLL_MS = 500;
const STOP_CAUSE = "The execution was stopped";
/** How long an app opening a home waits for a dead run's Map worker to die with it (parent-watch.ts: ~0.1 s). */
const ORPHAN_EXIT_MS = 5_000;
export const executionArn = (name: string) =>
  `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${STATE_MACHINE_NAME}:${name}`;

export interface WorkflowDeps {
  definition: AslDefinition;
  executions: SqliteExecutionStore;
  audit: AuditLog;
  /** The in-process targets for one run (ports carry the run id for auditing). */
  targetsFor(runId: string): LocalTargets;
  /** The map runners of the definition's Distributed Map states, for one run. */
  mapRunnersFor?(runId: string, onProgress?: MapRunProgress): Record<string, MapRunBinding>;
  /**
   * Called when an execution ends without success (FAILED, TIMED_OUT, ABORTED), as EventBridge's
   * "Execution Status Change" rule is on AWS (stacks/Pipeline.ts). Its errors are logged, never the run's.
   */
  onUnsuccessful?(execution: ExecutionRecord): Promise<void>;
}

export interface StartOptions {
  /** Who starts the run (recorded in the audit log as CloudTrail's userIdentity). */
  startedBy?: string;
  /** Called with every history event as it is recorded (for progress output). */
  onEvent?: (event: HistoryEvent) => void;
  /** Called whenever a Map Run's counts change (children started, done), with a succeeded child's output. */
  onMapRun?: MapRunProgress;
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
  /** The executions this process runs, to stop them at once (others notice within {@link STOP_POLL_MS}). */
  private readonly running = new Map<string, AbortController>();
  /** The programs of stopped or timed-out executions whose task was still in flight. */
  private readonly abandoned = new Set<Promise<unknown>>();

  constructor(private readonly deps: WorkflowDeps) {
    // Binding at construction refuses a definition with a Task or a Distributed Map that has no local runner.
    bindTasks(deps.definition, deps.targetsFor("load-check"));
    const runners = deps.mapRunnersFor?.("load-check") ?? {};
    for (const { path, name, state } of walkStates(deps.definition.States)) {
      if (isDistributedMap(state) && !runners[name])
        throw new UnsupportedAslFeatureError(`Distributed Map "${path}" has no local map runner`);
    }
  }

  get definition(): AslDefinition {
    return this.deps.definition;
  }

  /**
   * StartExecution: same name and same input → the existing execution; same name, other input →
   * ExecutionAlreadyExists; a name Step Functions refuses (a `/`, a space, over 80 characters …) → InvalidName.
   */
  async start(name: string, input: unknown, options: StartOptions = {}): Promise<RunHandle> {
    const valid = executionName.safeParse(name);
    if (!valid.success)
      throw new InvalidNameError(`execution name ${JSON.stringify(name)}: ${valid.error.issues[0]?.message}`);
    const arn = executionArn(name);
    const { record: execution, created } = this.deps.executions.tryCreate({
      executionArn: arn,
      name,
      stateMachineArn: STATE_MACHINE_ARN,
      input: JSON.stringify(input),
      startDate: new Date().toISOString(),
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
    return { execution, started: true, done: this.execute(execution, options) };
  }

  /**
   * RedriveExecution: reruns a FAILED, ABORTED or TIMED_OUT execution as the same execution from
   * its unsuccessful state (see redrive.ts), with that state's original input; a Distributed Map
   * there reruns only its unsuccessful children. The history gains an `ExecutionRedriven` event.
   * @throws ExecutionNotFoundError; ExecutionNotRedrivable when it succeeded, is running, or has nothing to redrive.
   */
  async redrive(name: string, options: StartOptions = {}): Promise<RunHandle> {
    const { executions } = this.deps;
    const before = executions.get(name);
    if (!before) throw new ExecutionNotFoundError(`no run named ${name}`);
    if (before.status === "SUCCEEDED" || before.status === "RUNNING") throw notRedrivable(name, before.status);
    const restart = redriveStart(this.deps.definition, executions.history(name), before.input);
    if (!executions.claimRedrive(name)) throw notRedrivable(name, before.status);
    const execution = executions.get(name) as ExecutionRecord;
    return { execution, started: true, done: this.execute(execution, options, restart) };
  }

  /**
   * StopExecution: a RUNNING execution ends ABORTED (`States.Aborted`) at once; the process that runs
   * it (this one, or another within {@link STOP_POLL_MS}) stops its program and records
   * `ExecutionAborted`. The live model is untouched unless Promote had already swapped it.
   * @throws ExecutionNotFoundError; ExecutionNotRunningError when it has already ended.
   */
  async stop(name: string, options: { stoppedBy?: string } = {}): Promise<ExecutionRecord> {
    const { executions } = this.deps;
    if (!executions.get(name)) throw new ExecutionNotFoundError(`no run named ${name}`);
    this.recoverInterrupted(); // a run whose process died is FAILED (redrivable), not stopped
    const stopped = executions.finish(name, { status: "ABORTED", error: "States.Aborted", cause: STOP_CAUSE });
    if (!stopped) {
      const status = executions.get(name)?.status;
      throw new ExecutionNotRunningError(`run ${name} is ${status}: only RUNNING runs can be stopped`);
    }
    await this.deps.audit.record({
      eventSource: "states.amazonaws.com",
      eventName: "StopExecution",
      userIdentity: { type: "LocalUser", principalId: options.stoppedBy ?? "local" },
      requestParameters: { executionArn: executionArn(name) },
      resources: [{ type: "AWS::StepFunctions::StateMachine", ARN: STATE_MACHINE_ARN }],
      runId: name,
    });
    this.running.get(name)?.abort();
    return executions.get(name) as ExecutionRecord;
  }

  /** Resolves once the tasks that stopped or timed-out executions left in flight have ended (before closing the stores). */
  async idle(): Promise<void> {
    while (this.abandoned.size > 0) await Promise.all([...this.abandoned]);
  }

  /**
   * Marks RUNNING executions whose process died (killed, crashed) as FAILED with
   * `ExecutionInterrupted`, so they can be redriven. Returns their names.
   */
  recoverInterrupted(): string[] {
    const { executions } = this.deps;
    const orphans = executions.orphans(processAlive);
    // A dead run's Map worker dies with it within a watch period (parent-watch.ts) and writes
    // nothing meanwhile; wait for it, so that nothing of it remains once its child is redrivable.
    for (const { name, worker } of orphans)
      if (worker !== undefined && !waitForExit(worker, ORPHAN_EXIT_MS))
        logger.warn(
          { run: name, pid: worker },
          "a dead run's Map worker is still running; marking its child interrupted",
        );
    return orphans.map((orphan) => {
      const cause = "the process running this execution stopped before it finished; redrive it to resume";
      const last = executions.history(orphan.name).at(-1);
      executions.appendEvents(orphan.name, [
        {
          timestamp: new Date().toISOString(),
          type: "ExecutionFailed",
          previousEventId: last?.id ?? 0,
          executionFailedEventDetails: { error: "ExecutionInterrupted", cause },
        },
      ]);
      executions.finish(orphan.name, { status: "FAILED", error: "ExecutionInterrupted", cause });
      return orphan.name;
    });
  }

  private async execute(execution: ExecutionRecord, options: StartOptions, restart?: RestartPoint) {
    const { executions } = this.deps;
    const name = execution.name;
    const lastEventId = restart ? (executions.history(name).at(-1)?.id ?? 0) : 0;
    const recorder = new HistoryRecorder((event) => {
      const { id, ...rest } = event;
      const [stored] = executions.appendEvents(name, [rest]);
      if (stored?.id !== id) throw new Error(`history of ${name}: event ${id} was stored as ${stored?.id}`);
      options.onEvent?.(stored);
    }, lastEventId + 1);
    const bindings: Bindings = {
      tasks: bindTasks(this.deps.definition, this.deps.targetsFor(name)),
      maps: this.deps.mapRunnersFor?.(name, options.onMapRun) ?? {},
      mapRunArn: (state, startedId) => mapRunArn(name, state, startedId),
    };
    for (const runner of Object.values(bindings.maps)) runner.warm?.();
    // stopped here (stop()) or by another process (the store says it is no longer RUNNING)
    const stop = new AbortController();
    this.running.set(name, stop);
    const watch = setInterval(() => {
      try {
        if (executions.get(name)?.status !== "RUNNING") stop.abort();
      } catch (err) {
        // the stores were closed under a running execution (its next write fails the run): stop watching
        clearInterval(watch);
        logger.warn({ err, run: name }, "cannot read the run's status any more");
      }
    }, STOP_POLL_MS).unref();
    let outcome: Outcome;
    try {
      outcome = await runExecution({
        definition: this.deps.definition,
        inputText: execution.input,
        context: contextFor(execution),
        recorder,
        bindings,
        region: LOCAL_REGION,
        signal: stop.signal,
        onAbandoned: (settled) => {
          this.abandoned.add(settled);
          void settled.finally(() => this.abandoned.delete(settled));
        },
        ...(restart ? { redrive: { lastEventId, restart } } : {}),
      });
    } finally {
      clearInterval(watch);
      this.running.delete(name);
    }
    executions.finish(name, recordOf(outcome)); // no change when stop() closed it already
    const finished = executions.get(name) as ExecutionRecord;
    if (finished.status !== "SUCCEEDED") {
      await this.deps.onUnsuccessful?.(finished).catch((error: unknown) => {
        logger.error({ err: error, run: name }, "the run's status-change handler failed");
      });
    }
    return finished;
  }
}

/** A Map Run's ARN: one per run of a Distributed Map state (a retry or a loop starts another). */
export function mapRunArn(execution: string, state: string, startedEventId: number): string {
  return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:mapRun:${STATE_MACHINE_NAME}/${state}:${execution}-${startedEventId}`;
}

/** The context object (`$$`) of an execution. */
export function contextFor(
  execution: ExecutionRecord,
  stateMachine = { Id: STATE_MACHINE_ARN, Name: STATE_MACHINE_NAME },
): ContextObject {
  return {
    Execution: {
      Id: execution.executionArn,
      Name: execution.name,
      StartTime: execution.startDate,
      Input: JSON.parse(execution.input) as unknown,
      RoleArn: STATE_MACHINE_ROLE_ARN,
      RedriveCount: execution.redriveCount,
    },
    StateMachine: stateMachine,
  };
}

/** What DescribeExecution records of an outcome. */
export function recordOf(outcome: Outcome) {
  return outcome.status === "SUCCEEDED"
    ? { status: outcome.status, output: JSON.stringify(outcome.output ?? null) }
    : { status: outcome.status, error: outcome.error, cause: outcome.cause };
}

const notRedrivable = (name: string, status: string) =>
  new ExecutionNotRedrivableError(`run ${name} is ${status}: only FAILED, ABORTED or TIMED_OUT runs can be redriven`);
