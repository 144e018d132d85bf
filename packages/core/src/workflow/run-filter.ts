/**
 * Which runs a listing answers: the console's run filters and `tollgate runs` take the same ones
 * (status, a part of the name, a start-date range, a page), the local store answers them in SQL
 * and the AWS backend while it pages through ListExecutions.
 */
import { z } from "zod";

export interface RunFilter {
  status?: string;
  limit?: number;
  /** Skips this many (paging, with `limit`). */
  offset?: number;
  /** Only executions whose name contains this (case-insensitive). */
  nameContains?: string;
  /** Only executions started at or after this ISO time. */
  startedFrom?: string;
  /** Only executions started before this ISO time. */
  startedBefore?: string;
}

/**
 * A day (`2026-11-30`) or an ISO time, as an ISO time; with `end`, a day ends at the next midnight
 * (UTC), so `--to 2026-11-30` includes that day.
 * @example runInstant(true).parse("2026-11-30") // "2026-12-01T00:00:00.000Z"
 */
export const runInstant = (end: boolean) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/, "a date (2026-11-30) or an ISO time (2026-11-30T16:00:00Z)")
    .transform((s, ctx) => {
      const day = s.length === 10;
      const t = Date.parse(day ? `${s}T00:00:00Z` : s.endsWith("Z") ? s : `${s}Z`);
      if (Number.isNaN(t)) {
        ctx.addIssue({ code: "custom", message: `${s} is not a date` });
        return z.NEVER;
      }
      return new Date(t + (day && end ? 86_400_000 : 0)).toISOString();
    });

/**
 * Whether an execution passes the filter's name and date parts (status, limit and offset are the
 * lister's).
 * @example matchesRun({ nameContains: "Topics" }, { name: "run-topics-1", startDate: "2026-11-30T10:00:00.000Z" }) // true
 */
export function matchesRun(filter: RunFilter, e: { name: string; startDate: string }): boolean {
  if (filter.nameContains && !e.name.toLowerCase().includes(filter.nameContains.toLowerCase())) return false;
  if (filter.startedFrom && Date.parse(e.startDate) < Date.parse(filter.startedFrom)) return false;
  if (filter.startedBefore && Date.parse(e.startDate) >= Date.parse(filter.startedBefore)) return false;
  return true;
}
