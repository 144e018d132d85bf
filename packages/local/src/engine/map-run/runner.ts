/**
 * The local map runner a Distributed Map state is bound to when the definition is loaded (the
 * ASL bytes stay the deployed ones). It reads the items, starts one child execution per item or
 * batch in a pool of worker processes (MaxConcurrency, at most one per core by default), keeps the
 * Map Run's counts as DescribeMapRun shows them, fails the Map Run past the tolerated failures,
 * writes the ResultWriter files, and on a redrive reruns only the children that did not succeed.
 */
import { availableParallelism } from "node:os";
import type { ExecutionRecord, MapRunCounts, MapRunProgress } from "@tollgate/core/workflow";
import type { SqliteExecutionStore } from "../../stores/execution-store.ts";
import { emptyCounts, type SqliteMapRunStore } from "../../stores/map-run-store.ts";
import { States, StatesError } from "../asl/errors.ts";
import type { Outcome } from "../asl/execution.ts";
import type { MapRunBinding, MapRunRequest } from "../asl/interpreter.ts";
import { query } from "../asl/paths.ts";
import type { Program } from "../asl/types.ts";
import { LOCAL_ACCOUNT, LOCAL_REGION } from "../runner.ts";
import type { ChildRun } from "./child.ts";
import { type Buckets, type ChildJob, childJobs, readItems } from "./items.ts";
import { type PoolGroup, WorkerPool, type WorkerRuntimeSpec } from "./pool.ts";
import { writeResults } from "./results.ts";

export interface MapRunnerDeps {
  executions: SqliteExecutionStore;
  mapRuns: SqliteMapRunStore;
  /** The object stores ItemReader and ResultWriter name by bucket. */
  buckets: Buckets;
  /**
   * The app's worker pool, shared by its Map Runs (workers stay warm from one Map Run to the next);
   * without it, each Map Run starts its own pool of `runtime` workers and stops it at its end.
   */
  pool?: WorkerPool;
  /** What each worker process builds to run children (when there is no shared pool). */
  runtime?: WorkerRuntimeSpec;
  /** The parent execution's name and state machine. */
  parent: { name: string; stateMachineArn: string; stateMachineName: string };
  /** At most this many worker processes of its own (default: the number of cores). */
  workers?: number;
  /** Called whenever the Map Run's counts change, with the output of a child that just succeeded (progress output). */
  onProgress?: MapRunProgress;
}

type Status = "pending" | "running" | "succeeded" | "failed" | "timedOut" | "aborted";
const STATUS_OF: Record<string, Status> = {
  SUCCEEDED: "succeeded",
  FAILED: "failed",
  TIMED_OUT: "timedOut",
  ABORTED: "aborted",
  RUNNING: "running",
};

/** The tolerated failures of a Distributed Map state (undefined: not set). */
function tolerance(request: MapRunRequest): { count?: number; percentage?: number } {
  const { definition: s, input, context } = request;
  const read = (value: unknown, path: unknown) =>
    path ? Number(query(String(path), input, context)) : value === undefined ? undefined : Number(value);
  const count = read(s.ToleratedFailureCount, s.ToleratedFailureCountPath);
  const percentage = read(s.ToleratedFailurePercentage, s.ToleratedFailurePercentagePath);
  return { ...(count !== undefined ? { count } : {}), ...(percentage !== undefined ? { percentage } : {}) };
}

/**
 * Whether failed items exceed the tolerance: more than ToleratedFailureCount, or a larger share
 * than ToleratedFailurePercentage; with neither set, any failure does.
 */
export function exceedsTolerance(failed: number, total: number, tolerated: { count?: number; percentage?: number }) {
  if (tolerated.count === undefined && tolerated.percentage === undefined) return failed > 0;
  if (tolerated.count !== undefined && failed > tolerated.count) return true;
  return tolerated.percentage !== undefined && (failed * 100) / Math.max(total, 1) > tolerated.percentage;
}

/** What a closed child execution's record says of its outcome. */
function outcomeOf(record: ExecutionRecord): Outcome {
  return record.status === "SUCCEEDED"
    ? { status: "SUCCEEDED", output: JSON.parse(record.output ?? "null") }
    : { status: record.status as "FAILED", error: record.error ?? "", cause: record.cause ?? "" };
}

export class LocalMapRunner implements MapRunBinding {
  constructor(private readonly deps: MapRunnerDeps) {
    if (!deps.pool && !deps.runtime) throw new Error("a map runner needs a worker pool or a worker runtime");
  }

  /** Boots a worker of the shared pool ahead of the Map Run (called when a run starts). */
  warm(): void {
    this.deps.pool?.warm(1);
  }

  async run(request: MapRunRequest): Promise<unknown> {
    const { deps } = this;
    const { definition: state, input, context, mapRunArn } = request;
    const items = request.items ?? (await readItems(state, input, context, deps.buckets));
    const jobs = childJobs(state, input, context, items);
    const maxConcurrency = state.MaxConcurrencyPath
      ? Number(query(state.MaxConcurrencyPath, input, context))
      : (state.MaxConcurrency ?? 0);
    const tolerated = tolerance(request);
    const label = String(state.Label ?? request.state);
    const id = mapRunArn.slice(mapRunArn.lastIndexOf(":") + 1);
    const machine = `${deps.parent.stateMachineArn}/${label}`;
    const childOf = (job: ChildJob): ChildRun => {
      const name = `${id}/${job.index}`;
      return {
        name,
        executionArn: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${deps.parent.stateMachineName}/${label}:${name}`,
        stateMachineArn: machine,
        stateMachineName: `${deps.parent.stateMachineName}/${label}`,
        mapRunArn,
        parentName: deps.parent.name,
        mapState: request.state,
        index: job.index,
        input: job.input,
        processor: state.ItemProcessor as Program,
      };
    };

    // Children that succeeded in an earlier attempt (a redrive) keep their results.
    const status: Status[] = jobs.map(() => "pending");
    const results: unknown[] = jobs.map(() => null);
    if (request.redrive) {
      for (const child of deps.executions.list({ mapRunArn })) {
        const index = Number(child.name.slice(child.name.lastIndexOf("/") + 1));
        if (child.status === "SUCCEEDED" && index < jobs.length) {
          status[index] = "succeeded";
          results[index] = JSON.parse(child.output ?? "null");
        }
      }
      deps.mapRuns.redrive(mapRunArn);
    } else {
      deps.mapRuns.start(
        {
          mapRunArn,
          executionArn: context.Execution.Id,
          stateName: request.state,
          startDate: new Date().toISOString(),
          maxConcurrency,
          toleratedFailurePercentage: tolerated.percentage ?? 0,
          toleratedFailureCount: tolerated.count ?? 0,
          itemCounts: emptyCounts(),
          executionCounts: emptyCounts(),
        },
        deps.parent.name,
      );
    }
    const counts = () => this.count(jobs, status);
    const report = (ended?: { output: unknown }) => {
      const [itemCounts, executionCounts] = counts();
      deps.mapRuns.count(mapRunArn, itemCounts, executionCounts);
      const record = deps.mapRuns.get(mapRunArn);
      if (record) deps.onProgress?.(record, ended);
    };
    const exceeded = () => {
      const [itemCounts] = counts();
      return exceedsTolerance(
        itemCounts.failed + itemCounts.timedOut + itemCounts.aborted,
        itemCounts.total,
        tolerated,
      );
    };

    const todo = jobs.filter((_, i) => status[i] !== "succeeded");
    // Without the app's shared pool, a pool of this Map Run's own: as many workers as can be busy.
    const ownSize = Math.min(
      maxConcurrency || Number.POSITIVE_INFINITY,
      todo.length,
      deps.workers ?? availableParallelism(),
    );
    const own = deps.pool ? undefined : new WorkerPool(Math.max(1, ownSize), deps.runtime as WorkerRuntimeSpec);
    const pool: PoolGroup = (deps.pool ?? (own as WorkerPool)).group(maxConcurrency);
    let stopped: "exceeded" | "aborted" | undefined;
    const stop = (why: "exceeded" | "aborted") => {
      if (stopped) return;
      stopped = why;
      void pool.kill();
    };
    const onAbort = () => stop("aborted");
    request.signal.addEventListener("abort", onAbort, { once: true });
    report();
    try {
      await Promise.all(
        todo.map(async (job) => {
          const child = childOf(job);
          let outcome: Outcome;
          try {
            outcome = await pool.run(child, () => {
              status[job.index] = "running";
              report();
            });
          } catch (err) {
            // Stopped before it began (the Map Run was stopped): it stays pending. A worker lost
            // otherwise before the child began (it failed to boot, or crashed) fails the child:
            // a Map Run never succeeds without running its items.
            if (!deps.executions.get(child.name) && stopped !== undefined) {
              status[job.index] = "pending";
              return report();
            }
            outcome = this.lost(child, err as Error, stopped !== undefined);
          }
          status[job.index] = STATUS_OF[outcome.status] ?? "failed";
          if (outcome.status === "SUCCEEDED") results[job.index] = outcome.output;
          report(outcome.status === "SUCCEEDED" ? { output: outcome.output } : undefined);
          if (outcome.status !== "SUCCEEDED" && exceeded()) stop("exceeded");
        }),
      );
    } finally {
      request.signal.removeEventListener("abort", onAbort);
      await own?.close();
    }
    for (const [i, s] of status.entries()) if (s === "running") status[i] = "aborted";
    report();
    const pendingItems = jobs.filter((_, i) => status[i] === "pending").map((j) => j.input);
    const written = state.ResultWriter
      ? await writeResults(
          state,
          input,
          context,
          deps.buckets,
          mapRunArn,
          deps.executions.list({ mapRunArn }),
          pendingItems,
        )
      : undefined;
    if (written) {
      const [itemCounts, executionCounts] = counts();
      itemCounts.resultsWritten = written.written;
      executionCounts.resultsWritten = written.written;
      deps.mapRuns.count(mapRunArn, itemCounts, executionCounts);
    }
    if (stopped === "aborted") {
      deps.mapRuns.finish(mapRunArn, "ABORTED");
      throw new StatesError("States.Aborted", "the execution was stopped");
    }
    if (stopped === "exceeded" || exceeded()) {
      deps.mapRuns.finish(mapRunArn, "FAILED");
      throw new StatesError(
        States.ExceedToleratedFailureThreshold,
        "The specified tolerated failure threshold was exceeded",
      );
    }
    deps.mapRuns.finish(mapRunArn, "SUCCEEDED");
    return written ? written.output : results;
  }

  /** A child whose worker ended before answering: closed as ABORTED (stopped) or FAILED (crashed). */
  private lost(child: ChildRun, err: Error, stopped: boolean): Outcome {
    const { executions } = this.deps;
    const record = executions.get(child.name);
    if (record && record.status !== "RUNNING") return outcomeOf(record);
    const outcome: Outcome = stopped
      ? { status: "ABORTED", error: "States.Aborted", cause: "the Map Run was stopped" }
      : { status: "FAILED", error: err.name, cause: err.message };
    if (record) {
      const last = executions.history(child.name).at(-1);
      const [type, details] =
        outcome.status === "ABORTED"
          ? ["ExecutionAborted", { executionAbortedEventDetails: { error: outcome.error, cause: outcome.cause } }]
          : ["ExecutionFailed", { executionFailedEventDetails: { error: outcome.error, cause: outcome.cause } }];
      executions.appendEvents(child.name, [
        { timestamp: new Date().toISOString(), type, previousEventId: last?.id ?? 0, ...details },
      ]);
      executions.finish(child.name, { status: outcome.status, error: outcome.error, cause: outcome.cause });
    }
    return outcome;
  }

  /** Item and execution counts of the jobs in each status. */
  private count(jobs: ChildJob[], status: Status[]): [MapRunCounts, MapRunCounts] {
    const items = emptyCounts();
    const executions = emptyCounts();
    for (const [i, job] of jobs.entries()) {
      const s = status[i] ?? "pending";
      items[s] += job.items;
      items.total += job.items;
      executions[s] += 1;
      executions.total += 1;
    }
    return [items, executions];
  }
}
