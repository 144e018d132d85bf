/**
 * A run's Distributed Map states as `tollgate show` and the console show them: each Map Run with its
 * child counts (DescribeMapRun), where its ResultWriter wrote (the Map state's output), and its child
 * executions (ListExecutions by Map Run). Both backends fill the same shapes, so both targets render alike.
 */
import type { ExecutionRecord, ExecutionStatus, HistoryEvent, MapRunCounts, MapRunRecord } from "./executions.ts";
import { ms, stateTimeline } from "./timeline.ts";

/** One child execution of a Map Run (ListExecutions' fields), named so that `tollgate show <name>` opens it. */
export interface MapRunChild {
  /** Locally `<map run id>/<item index>`; on a stage the child's execution ARN (Step Functions names children by UUID). */
  name: string;
  /** The item (or batch) index, when the name carries it (locally). */
  index: number | null;
  status: ExecutionStatus;
  startDate: string;
  stopDate: string | null;
  durationMs: number | null;
}

/** Where a Map Run's ResultWriter put its manifest (`ResultWriterDetails`). */
export interface ResultWriterLocation {
  bucket: string;
  key: string;
}

/** A Map Run with its ResultWriter location and (when asked for) its children. */
export interface MapRunView extends MapRunRecord {
  resultWriter: ResultWriterLocation | null;
  children?: MapRunChild[];
}

/** The parent of a child execution: its run, the Map state and the Map Run. */
export interface ParentRun {
  name: string;
  stateName: string;
  mapRunArn: string;
  index: number | null;
}

/** The last `:`-separated part of an ARN (an execution's or Map Run's name or id). */
export const arnTail = (arn: string) => arn.slice(arn.lastIndexOf(":") + 1);

/** The item index a local child's name ends with (`…/3` → 3), else null. */
export function childIndex(name: string): number | null {
  const m = /\/(\d+)$/.exec(name);
  return m ? Number(m[1]) : null;
}

/** A child execution as a {@link MapRunChild}. */
export function toChild(
  e: Pick<ExecutionRecord, "name" | "status" | "startDate" | "stopDate">,
  name = e.name,
): MapRunChild {
  return {
    name,
    index: childIndex(name),
    status: e.status,
    startDate: e.startDate,
    stopDate: e.stopDate,
    durationMs: e.stopDate ? ms(e.startDate, e.stopDate) : null,
  };
}

/** The ResultWriterDetails a Map state's output holds for `mapRunArn` (wherever its ResultPath put it). */
function findWriter(value: unknown, mapRunArn: string, depth = 0): ResultWriterLocation | null {
  if (!value || typeof value !== "object" || depth > 6) return null;
  const o = value as { MapRunArn?: unknown; ResultWriterDetails?: { Bucket?: unknown; Key?: unknown } };
  const d = o.ResultWriterDetails;
  if (o.MapRunArn === mapRunArn && typeof d?.Bucket === "string" && typeof d.Key === "string") {
    return { bucket: d.Bucket, key: d.Key };
  }
  for (const v of Object.values(value)) {
    const found = findWriter(v, mapRunArn, depth + 1);
    if (found) return found;
  }
  return null;
}

/** Where each Map Run of a history wrote its results, by Map Run ARN (from the Map states' outputs). */
export function resultWriters(events: HistoryEvent[]): Map<string, ResultWriterLocation> {
  const out = new Map<string, ResultWriterLocation>();
  let arn: string | undefined;
  for (const e of events) {
    const started = (e.mapRunStartedEventDetails ?? e.mapRunRedrivenEventDetails) as { mapRunArn?: string } | undefined;
    if (started?.mapRunArn) arn = started.mapRunArn;
    const exited = e.stateExitedEventDetails as { output?: string } | undefined;
    if (arn && e.type === "MapStateExited" && exited?.output) {
      const found = findWriter(JSON.parse(exited.output), arn);
      if (found) out.set(arn, found);
      arn = undefined;
    }
  }
  return out;
}

/**
 * Map Runs with their ResultWriter locations, as {@link MapRunView}s, each named by the Map state whose
 * `MapRunStarted` it is in the parent's history (a Map Run ARN carries the state's `Label`, when it has one).
 */
export function mapRunViews(runs: MapRunRecord[], events: HistoryEvent[]): MapRunView[] {
  const writers = resultWriters(events);
  const states = new Map(stateTimeline(events).flatMap((r) => (r.mapRunArn ? [[r.mapRunArn, r.name] as const] : [])));
  return runs.map((run) => ({
    ...run,
    stateName: states.get(run.mapRunArn) ?? run.stateName,
    resultWriter: writers.get(run.mapRunArn) ?? null,
  }));
}

/**
 * A Map Run's children in one phrase: how many, then how many in each state that has any.
 * @example childCounts(counts) // "3 children: 3 ✓" or "4 children: 1 ✓ 1 ✗ 1 running 1 pending"
 */
export function childCounts(c: MapRunCounts): string {
  const parts = [
    c.succeeded ? `${c.succeeded} ✓` : "",
    c.failed ? `${c.failed} ✗` : "",
    c.timedOut ? `${c.timedOut} timed out` : "",
    c.aborted ? `${c.aborted} aborted` : "",
    c.running ? `${c.running} running` : "",
    c.pending ? `${c.pending} pending` : "",
  ].filter(Boolean);
  return `${c.total} ${c.total === 1 ? "child" : "children"}${parts.length ? `: ${parts.join(" ")}` : ""}`;
}
