/**
 * One child execution of a Map Run, run where it is called (in a worker process): created (or
 * redriven) in the execution store, its ItemProcessor run by the interpreter with its own
 * history, then closed. What a worker needs to run one is a {@link ChildRuntime}.
 */
import type { SqliteExecutionStore } from "../../stores/execution-store.ts";
import { HistoryRecorder } from "../asl/events.ts";
import { type Outcome, runExecution } from "../asl/execution.ts";
import type { Program } from "../asl/types.ts";
import { redriveStart } from "../redrive.ts";
import { LOCAL_REGION, recordOf, STATE_MACHINE_ROLE_ARN } from "../runner.ts";
import { bindTasks, type LocalTargets } from "../tasks.ts";

/** A child execution: who it is and what it runs. Plain data (it crosses to a worker process). */
export interface ChildRun {
  name: string;
  executionArn: string;
  stateMachineArn: string;
  stateMachineName: string;
  mapRunArn: string;
  /** The parent execution and its Distributed Map state. */
  parentName: string;
  mapState: string;
  /** The item (or batch) index. */
  index: number;
  input: unknown;
  processor: Program;
}

/**
 * What a worker process builds once (from the options the app gives the map runner) to run
 * children: the execution store under the same TOLLGATE_HOME, and the same step handlers with
 * the same local stores for a child's Task states.
 */
export interface ChildRuntime {
  executions: SqliteExecutionStore;
  targetsFor(child: ChildRun): LocalTargets;
  close(): void;
}

/** What a worker gives the runtime it builds. */
export interface WorkerHost {
  /**
   * The stores (or any object of them) such that each call first checks that the worker's parent
   * is alive, and ends the worker otherwise: a worker never writes after its parent is gone.
   */
  guard<T extends object>(stores: T): T;
}

/** A module a worker imports: it exports `createChildRuntime(options, host)`. */
export interface ChildRuntimeModule {
  createChildRuntime(options: unknown, host: WorkerHost): ChildRuntime | Promise<ChildRuntime>;
}

/** Runs (or redrives, when it exists and did not succeed) one child execution to its end. */
export async function runChild(runtime: ChildRuntime, child: ChildRun): Promise<Outcome> {
  const { executions } = runtime;
  const existing = executions.get(child.name);
  let restart: ReturnType<typeof redriveStart> | undefined;
  if (existing) {
    if (existing.status === "SUCCEEDED") return { status: "SUCCEEDED", output: JSON.parse(existing.output ?? "null") };
    restart = redriveStart(child.processor, executions.history(child.name), existing.input);
    if (!executions.claimRedrive(child.name))
      return { status: "FAILED", error: "ExecutionNotRedrivable", cause: `child ${child.name} is ${existing.status}` };
  } else {
    executions.tryCreate({
      name: child.name,
      executionArn: child.executionArn,
      stateMachineArn: child.stateMachineArn,
      input: JSON.stringify(child.input),
      startDate: new Date().toISOString(),
      mapRunArn: child.mapRunArn,
      itemIndex: child.index,
    });
  }
  const record = executions.get(child.name);
  if (!record) throw new Error(`child execution ${child.name} was not created`);
  const lastEventId = restart ? (executions.history(child.name).at(-1)?.id ?? 0) : 0;
  const recorder = new HistoryRecorder((event) => {
    const { id: _, ...rest } = event;
    executions.appendEvents(child.name, [rest]);
  }, lastEventId + 1);
  const outcome = await runExecution({
    definition: child.processor,
    inputText: record.input,
    context: {
      Execution: {
        Id: record.executionArn,
        Name: record.name,
        StartTime: record.startDate,
        Input: child.input,
        RoleArn: STATE_MACHINE_ROLE_ARN,
        RedriveCount: record.redriveCount,
      },
      StateMachine: { Id: child.stateMachineArn, Name: child.stateMachineName },
    },
    recorder,
    bindings: {
      tasks: bindTasks(child.processor, runtime.targetsFor(child)),
      maps: {},
      mapRunArn: () => {
        throw new Error("a Distributed Map inside a Map Run's child is refused at load");
      },
    },
    region: LOCAL_REGION,
    ...(restart ? { redrive: { lastEventId, restart } } : {}),
  });
  executions.finish(child.name, recordOf(outcome));
  return outcome;
}
