/**
 * The retrain state machine's executions through Step Functions: ListExecutions,
 * DescribeExecution and GetExecutionHistory (all pages), StartExecution. Results take the
 * shapes the local store records (dates as ISO strings), so both backends render the same.
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  ExecutionDoesNotExist,
  type ExecutionStatus,
  paginateGetExecutionHistory,
  paginateListExecutions,
  RedriveExecutionCommand,
  type SFNClient,
  type HistoryEvent as SfnHistoryEvent,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { ExecutionNotFoundError, ExecutionNotRunningError } from "@tollgate/core/errors";
import type { ExecutionRecord, HistoryEvent } from "@tollgate/core/workflow/executions";
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

  /** Newest first, at most `limit`, optionally of one status (pages of up to 1,000). */
  async list(filter: { status?: string; limit?: number } = {}): Promise<ListedExecution[]> {
    const limit = filter.limit ?? 50;
    const out: ListedExecution[] = [];
    const pages = paginateListExecutions(
      { client: this.sfn, pageSize: Math.min(Math.max(limit, 1), 1000) },
      {
        stateMachineArn: this.stateMachineArn,
        ...(filter.status ? { statusFilter: filter.status as ExecutionStatus } : {}),
      },
    );
    for await (const page of pages) {
      for (const e of page.executions ?? []) {
        if (out.length >= limit) return out;
        out.push({ name: e.name ?? "", status: e.status ?? "", startDate: iso(e.startDate) ?? "" });
      }
      if (out.length >= limit) break;
    }
    return out;
  }

  /** @throws ExecutionNotFoundError (the local backend's message) when there is no such run. */
  async describe(name: string): Promise<AwsExecutionSummary> {
    try {
      return toSummary(
        await this.sfn.send(new DescribeExecutionCommand({ executionArn: executionArn(this.stateMachineArn, name) })),
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
      { executionArn: executionArn(this.stateMachineArn, name), includeExecutionData: true },
    );
    for await (const page of pages) for (const e of page.events ?? []) events.push(toHistoryEvent(e));
    return events;
  }

  /** RedriveExecution: restarts a failed run from the state that failed (`ExecutionNotRedrivable` otherwise). */
  async redrive(name: string): Promise<void> {
    await this.describe(name);
    await this.sfn.send(new RedriveExecutionCommand({ executionArn: executionArn(this.stateMachineArn, name) }));
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
