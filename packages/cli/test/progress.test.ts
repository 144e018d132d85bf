/** The progress line of a Distributed Map: children done out of total, failures, elapsed, rows/s, time left. */
import type { MapRunRecord } from "@tollgate/core/workflow/executions";
import { describe, expect, it } from "vitest";
import { childRows, mapRunLine, progressPrinter } from "../src/progress.ts";

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
const run = (succeeded: number, failed: number, total: number, stateName = "Train"): MapRunRecord => ({
  mapRunArn: `arn:map:${stateName}`,
  executionArn: "arn:run",
  stateName,
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
    expect(mapRunLine(run(2, 0, 3), at(10), 412_000)).toBe(
      "  ↻ Train: 2/3 children done, 10.0s, 41200 rows/s, ~5s left",
    );
  });

  it("reads each Map's children's row counts from their outputs", () => {
    expect(childRows("Train", { index: 0, examples: 800, stateKey: "k" })).toBe(800);
    expect(childRows("Evaluate", { index: 3, rows: 100 })).toBe(100);
    expect(childRows("CountTerms", { index: 0, documents: 640, terms: 9 })).toBe(640);
    expect(childRows("MergeTerms", { index: 0, documents: 640, candidates: 9 })).toBeUndefined();
    expect(childRows("Train", null)).toBeUndefined();
  });

  it("sums the rows of the children that succeeded into the line's rows/s", () => {
    const lines: string[] = [];
    const printer = progressPrinter((l) => lines.push(l));
    const startDate = new Date(Date.now() - 10_000).toISOString(); // 10 s ago
    const at = (r: MapRunRecord) => ({ ...r, startDate });
    printer.onMapRun?.(at(run(1, 0, 3, "Evaluate")), { output: { index: 0, rows: 300_000 } });
    printer.onMapRun?.(at(run(2, 0, 3, "Evaluate")), { output: { index: 1, rows: 500_000 } });
    printer.onMapRun?.(at(run(1, 0, 2, "MergeTerms")), { output: { index: 0, documents: 800, candidates: 5 } });
    const rates = lines.map((l) => /, (\d+) rows\/s/.exec(l)?.[1]);
    // ~10 s elapsed in both Evaluate lines: 300k rows, then 800k
    expect(Number(rates[0])).toBeGreaterThan(25_000);
    expect(Number(rates[0])).toBeLessThanOrEqual(30_000);
    expect(Number(rates[1]) / Number(rates[0])).toBeCloseTo(800 / 300, 2);
    expect(rates[2]).toBeUndefined();
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
