/** The progress line of a Distributed Map: children done out of total, failures, elapsed, time left. */
import type { MapRunRecord } from "@tollgate/core/workflow/executions";
import { describe, expect, it } from "vitest";
import { mapRunLine, progressPrinter } from "../src/progress.ts";

const counts = (succeeded: number, failed: number, total: number) => ({
  pending: total - succeeded - failed,
  running: 0,
  succeeded,
  failed,
  timedOut: 0,
  aborted: 0,
  total,
  resultsWritten: 0,
  failuresNotRedrivable: 0,
  pendingRedrive: 0,
});
const run = (succeeded: number, failed: number, total: number): MapRunRecord => ({
  mapRunArn: "arn:map",
  executionArn: "arn:run",
  stateName: "Train",
  status: "RUNNING",
  startDate: "2026-01-01T00:00:00.000Z",
  stopDate: null,
  maxConcurrency: 2,
  toleratedFailurePercentage: 0,
  toleratedFailureCount: 0,
  itemCounts: counts(succeeded, failed, total),
  executionCounts: counts(succeeded, failed, total),
  redriveCount: 0,
  redriveDate: null,
});
const at = (seconds: number) => Date.parse("2026-01-01T00:00:00.000Z") + seconds * 1000;

describe("a Map Run's progress line", () => {
  it("says the children done, the failures and the time left at the pace so far", () => {
    expect(mapRunLine(run(1, 0, 4), at(10))).toBe("  ↻ Train: 1/4 children done, 10.0s, ~30s left");
    expect(mapRunLine(run(2, 1, 4), at(9))).toBe("  ↻ Train: 3/4 children done (1 failed), 9.0s, ~3s left");
    expect(mapRunLine(run(4, 0, 4), at(12))).toBe("  ↻ Train: 4/4 children done, 12.0s");
  });

  it("prints once per child that ends, not when one starts", () => {
    const lines: string[] = [];
    const printer = progressPrinter((l) => lines.push(l));
    printer.onMapRun?.(run(0, 0, 2));
    printer.onMapRun?.(run(1, 0, 2));
    printer.onMapRun?.(run(1, 0, 2));
    printer.onMapRun?.(run(2, 0, 2));
    expect(lines.map((l) => l.replace(/, [\d.]+s.*$/, ""))).toEqual([
      "  ↻ Train: 1/2 children done",
      "  ↻ Train: 2/2 children done",
    ]);
  });
});
