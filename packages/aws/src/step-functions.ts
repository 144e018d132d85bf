/**
 * The retrain state machine's executions through Step Functions: ListExecutions,
 * DescribeExecution and GetExecutionHistory (all pages), StartExecution. Results take the
 * shapes the local store records (dates as ISO strings), so both backends render the same.
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  DescribeMapRunCommand,
  type DescribeMapRunOutput,
  ExecutionDoesNotExist,
  type ExecutionStatus,
  paginateGetExecutionHistory,
  paginateListExecutions,
  paginateListMapRuns,
  RedriveExecutionCommand,
  ResourceNotFound,
  type SFNClient,
  type HistoryEvent as SfnHistoryEvent,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { ExecutionNotFoundError, ExecutionNotRunningError } from "@tollgate/core/errors";
import type { ExecutionRecord, HistoryEvent, MapRunCounts, MapRunRecord } from "@tollgate/core/workflow/executions";
import { arnTail, type MapRunChild, toChild } from "@tollgate/core/workflow/map-runs";
import { matchesRun, type RunFilter } from "@tollgate/core/workflow/run-filter";
import type { ExecutionStarter } from "@tollgate/core/workflow/upload-trigger";

/** An execution as DescribeExecution describes it (the local store records the same fields). */
export type AwsExecutionSummary = ExecutionRecord;

/** A listed execution (ListExecutions gives no input or output). */
export interface ListedExecution {
  name: string;
  status: string;
  startDate: string;
}

const iso = (d: Date | undefined) => (d ? d.toISOString() : null);

/** An execution's ARN: `name` itself when it is one (a Map Run's child), else the state machine's execution `name`. */
const arnOf = (stateMachineArn: string, name: string) =>
  name.startsWith("arn:") ? name : executionArn(stateMachineArn, name);

/** The execution's ARN. @example executionArn("arn:aws:states:eu-west-1:1:stateMachine:Retrain", "r1") // "arn:aws:states:eu-west-1:1:execution:Retrain:r1" */
export function executionArn(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`;
}

/** DescribeExecution's answer as the local store records an execution. */
export function toSummary(out: DescribeExecutionOutput): AwsExecutionSummary {
  return {
    executionArn: out.executionArn ?? "",
    name: out.name ?? "",
    stateMachineArn: out.stateMachineArn ?? "",
    // PENDING_REDRIVE (redrive accepted, not yet running) reads as RUNNING, as the console shows it.
    status: !out.status || out.status === "PENDING_REDRIVE" ? "RUNNING" : out.status,
    input: out.input ?? "{}",
    output: out.output ?? null,
    error: out.error ?? null,
    cause: out.cause ?? null,
    startDate: iso(out.startDate) ?? "",
    stopDate: iso(out.stopDate),
    redriveCount: out.redriveCount ?? 0,
    ...(out.mapRunArn ? { mapRunArn: out.mapRunArn } : {}),
  };
}

const countsOf = (c: { [K in keyof MapRunCounts]?: number | undefined } | undefined): MapRunCounts => ({
  pending: c?.pending ?? 0,
  running: c?.running ?? 0,
  succeeded: c?.succeeded ?? 0,
  failed: c?.failed ?? 0,
  timedOut: c?.timedOut ?? 0,
  aborted: c?.aborted ?? 0,
  total: c?.total ?? 0,
  resultsWritten: c?.resultsWritten ?? 0,
  failuresNotRedrivable: c?.failuresNotRedrivable ?? 0,
  pendingRedrive: c?.pendingRedrive ?? 0,
});

/**
 * DescribeMapRun's answer as the local store records a Map Run. `stateName` is the Map Run's label
 * (`…:mapRun:<machine>/<label>:<id>`): the Map state's name unless the state sets a `Label`.
 */
export function toMapRun(out: DescribeMapRunOutput): MapRunRecord {
  const arn = out.mapRunArn ?? "";
  const machine = arn.split(":mapRun:")[1] ?? "";
  return {
    mapRunArn: arn,
    executionArn: out.executionArn ?? "",
    stateName: machine.slice(machine.indexOf("/") + 1, machine.lastIndexOf(":")),
    status: out.status ?? "RUNNING",
    startDate: iso(out.startDate) ?? "",
    stopDate: iso(out.stopDate),
    maxConcurrency: out.maxConcurrency ?? 0,
    toleratedFailurePercentage: out.toleratedFailurePercentage ?? 0,
    toleratedFailureCount: out.toleratedFailureCount ?? 0,
    itemCounts: countsOf(out.itemCounts),
    executionCounts: countsOf(out.executionCounts),
    redriveCount: out.redriveCount ?? 0,
    redriveDate: iso(out.redriveDate),
  };
}

/** A GetExecutionHistory event with its timestamp as an ISO string and no empty fields. */
export function toHistoryEvent(event: SfnHistoryEvent): HistoryEvent {
  const { timestamp, id, type, previousEventId, ...details } = event;
  const kept = Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined));
  return {
    timestamp: iso(timestamp) ?? "",
    type: type ?? "",
    id: id ?? 0,
    previousEventId: previousEventId ?? 0,
    ...kept,
  };
}

/** Executions of one state machine. */
export class StepFunctionsRuns implements ExecutionStarter {
  constructor(
    private readonly sfn: SFNClient,
    /** The retrain state machine. */
    readonly stateMachineArn: string,
  ) {}

  /**
   * Newest first, at most `limit` after skipping `offset`, optionally of one status (ListExecutions'
   * own filter) and of a name part and start-date range (checked here, page by page: ListExecutions
   * answers newest first, so the listing stops at the first execution older than `startedFrom`).
   */
  async list(filter: RunFilter = {}): Promise<ListedExecution[]> {
    const limit = filter.limit ?? 50;
    let skip = filter.offset ?? 0;
    const narrowed = Boolean(filter.nameContains || filter.startedFrom || filter.startedBefore || skip);
    const out: ListedExecution[] = [];
    const pages = paginateListExecutions(
      { client: this.sfn, pageSize: narrowed ? 1000 : Math.min(Math.max(limit, 1), 1000) },
      {
        stateMachineArn: this.stateMachineArn,
        ...(filter.status ? { statusFilter: filter.status as ExecutionStatus } : {}),
      },
    );
    for await (const page of pages) {
      for (const e of page.executions ?? []) {
        if (out.length >= limit) return out;
        const listed = { name: e.name ?? "", status: e.status ?? "", startDate: iso(e.startDate) ?? "" };
        if (filter.startedFrom && Date.parse(listed.startDate) < Date.parse(filter.startedFrom)) return out;
        if (!matchesRun(filter, listed)) continue;
        if (skip > 0) skip--;
        else out.push(listed);
      }
      if (out.length >= limit) break;
    }
    return out;
  }

  /** @throws ExecutionNotFoundError (the local backend's message) when there is no such run. */
  async describe(name: string): Promise<AwsExecutionSummary> {
    try {
      return toSummary(
        await this.sfn.send(new DescribeExecutionCommand({ executionArn: arnOf(this.stateMachineArn, name) })),
      );
    } catch (err) {
      if (err instanceof ExecutionDoesNotExist || (err instanceof Error && err.name === "ExecutionDoesNotExist")) {
        throw new ExecutionNotFoundError(`no run named ${name} (see \`tollgate runs\`)`, { cause: err });
      }
      throw err;
    }
  }

  /** Every event, oldest first, with input and output data. */
  async history(name: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    const pages = paginateGetExecutionHistory(
      { client: this.sfn, pageSize: 1000 },
      { executionArn: arnOf(this.stateMachineArn, name), includeExecutionData: true },
    );
    for await (const page of pages) for (const e of page.events ?? []) events.push(toHistoryEvent(e));
    return events;
  }

  /** ListMapRuns (all pages) then DescribeMapRun of each: the Map Runs of run `name`, oldest first. */
  async mapRuns(name: string): Promise<MapRunRecord[]> {
    const arns: string[] = [];
    const pages = paginateListMapRuns(
      { client: this.sfn, pageSize: 1000 },
      { executionArn: arnOf(this.stateMachineArn, name) },
    );
    for await (const page of pages) for (const r of page.mapRuns ?? []) if (r.mapRunArn) arns.push(r.mapRunArn);
    const runs = await Promise.all(arns.map((arn) => this.describeMapRun(arn)));
    return runs.sort((a, b) => a.startDate.localeCompare(b.startDate));
  }

  /** DescribeMapRun. @throws ExecutionNotFoundError when there is no such Map Run. */
  async describeMapRun(mapRunArn: string): Promise<MapRunRecord> {
    try {
      return toMapRun(await this.sfn.send(new DescribeMapRunCommand({ mapRunArn })));
    } catch (err) {
      if (err instanceof ResourceNotFound || (err instanceof Error && err.name === "ResourceNotFound")) {
        throw new ExecutionNotFoundError(`no Map Run ${mapRunArn}`, { cause: err });
      }
      throw err;
    }
  }

  /** ListExecutions by Map Run (all pages): its children, oldest first, each named by its execution ARN. */
  async mapRunChildren(mapRunArn: string): Promise<MapRunChild[]> {
    const children: MapRunChild[] = [];
    for await (const page of paginateListExecutions({ client: this.sfn, pageSize: 1000 }, { mapRunArn })) {
      for (const e of page.executions ?? []) {
        children.push(
          toChild(
            {
              name: e.name ?? arnTail(e.executionArn ?? ""),
              status: e.status === "PENDING_REDRIVE" || !e.status ? "RUNNING" : e.status,
              startDate: iso(e.startDate) ?? "",
              stopDate: iso(e.stopDate),
            },
            e.executionArn ?? "",
          ),
        );
      }
    }
    return children.sort((a, b) => a.startDate.localeCompare(b.startDate));
  }

  /** RedriveExecution: restarts a failed run from the state that failed (`ExecutionNotRedrivable` otherwise). */
  async redrive(name: string): Promise<void> {
    await this.describe(name);
    await this.sfn.send(new RedriveExecutionCommand({ executionArn: arnOf(this.stateMachineArn, name) }));
  }

  /** StopExecution: a running run ends ABORTED (`ExecutionNotRunningError` when it has already ended). */
  async stop(name: string): Promise<void> {
    const run = await this.describe(name);
    if (run.status !== "RUNNING")
      throw new ExecutionNotRunningError(`run ${name} is ${run.status}: only RUNNING runs can be stopped`);
    await this.sfn.send(
      new StopExecutionCommand({
        executionArn: executionArn(this.stateMachineArn, name),
        cause: "stopped by tollgate",
      }),
    );
  }

  /** StartExecution (the trigger's starter port): an existing name throws `ExecutionAlreadyExists`. */
  async start(name: string, input: unknown): Promise<{ executionArn: string }> {
    const out = await this.sfn.send(
      new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }),
    );
    return { executionArn: out.executionArn ?? "" };
  }
}
