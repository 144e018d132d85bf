/**
 * Execution history in the shape of Step Functions' GetExecutionHistory: ids in order, and each
 * event's `previousEventId` following the causal chain of the branch, iteration or program it
 * belongs to. The chaining follows the model moto's interpreter (ported from LocalStack, checked
 * against AWS) uses: every program, branch and iteration has a context holding the id its next
 * event points back to; "…Succeeded" summary events do not move it; a finished branch or
 * iteration hands its context back to its parent (the latest id wins).
 */

import type { HistoryEvent } from "@tollgate/core/workflow";

export type { HistoryEvent };

/** Where the next event of one program, branch or iteration points back to. */
export class EventContext {
  /** The id of the latest event recorded in this context, whether or not it moved `source`. */
  last: number;
  constructor(public source: number) {
    this.last = source;
  }
  /** A context for a branch or iteration that starts here. */
  fork(): EventContext {
    return new EventContext(this.source);
  }
  /** Takes back a finished branch's or iteration's context. */
  join(other: EventContext): void {
    this.source = Math.max(this.source, other.source);
    this.last = Math.max(this.last, other.last);
  }
}

export const NOT_TRUNCATED = { truncated: false } as const;

export class HistoryRecorder {
  private nextId: number;
  private closed = false;

  /**
   * @param sink receives each event as it happens (the store persists it)
   * @param firstId the id of the first event to record (after an existing history when redriving)
   */
  constructor(
    private readonly sink: (event: HistoryEvent) => void,
    firstId = 1,
  ) {
    this.nextId = firstId;
  }

  /**
   * Records an event in `context`; `advance: false` for events later events do not point back to
   * (ExecutionStarted, MapIterationSucceeded, MapStateSucceeded, ParallelStateSucceeded, …).
   */
  add(context: EventContext, type: string, details: Record<string, unknown> = {}, advance = true): number {
    if (this.closed) return context.source;
    const id = this.nextId++;
    const event: HistoryEvent = {
      timestamp: new Date().toISOString(),
      type,
      id,
      previousEventId: context.source,
      ...details,
    };
    context.last = id;
    if (advance) context.source = id;
    this.sink(event);
    return id;
  }

  /** After the execution's last event: work still running (a task that ignored a timeout) records nothing. */
  close(): void {
    this.closed = true;
  }

  /** The id the next event will get. */
  get next(): number {
    return this.nextId;
  }
}
