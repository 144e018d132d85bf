/**
 * ml/paired.ts: McNemar's test pinned to statsmodels' values on fixed tables (test/fixtures/mcnemar.json,
 * made by test/fixtures/mcnemar.py), and the paired accuracy difference with its interval.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { chiSquare1Survival, mcnemar, pairedDifference } from "../src/ml/paired.ts";

const reference = JSON.parse(readFileSync(new URL("../../../test/fixtures/mcnemar.json", import.meta.url), "utf8")) as {
  cases: { table: [[number, number], [number, number]]; statistic: number; pValue: number; exactPValue: number }[];
};

/** Rows whose correctness gives the table [[both, onlyA], [onlyB, neither]]. */
function rows([[both, onlyA], [onlyB, neither]]: [[number, number], [number, number]]) {
  const a: boolean[] = [];
  const b: boolean[] = [];
  const add = (n: number, x: boolean, y: boolean) => {
    for (let i = 0; i < n; i++) {
      a.push(x);
      b.push(y);
    }
  };
  add(both, true, true);
  add(onlyA, true, false);
  add(onlyB, false, true);
  add(neither, false, false);
  return { a, b };
}

describe("McNemar's test", () => {
  it.each(reference.cases)("matches statsmodels on $table", ({ table, statistic, pValue, exactPValue }) => {
    const { a, b } = rows(table);
    const { mcnemar: m } = pairedDifference(a, b);
    expect(m.onlyA).toBe(table[0][1]);
    expect(m.onlyB).toBe(table[1][0]);
    expect(m.statistic).toBeCloseTo(statistic, 10);
    expect(Math.abs(m.pValue - pValue)).toBeLessThan(1e-6 * Math.max(pValue, 1e-3));
    expect(Math.abs(m.exactPValue - exactPValue)).toBeLessThan(1e-9 + 1e-9 * exactPValue);
  });

  it("gives p = 1 when the models never disagree", () => {
    expect(mcnemar(0, 0)).toMatchObject({ statistic: 0, pValue: 1, exactPValue: 1 });
    expect(chiSquare1Survival(3.841458820694124)).toBeCloseTo(0.05, 6);
  });
});

describe("pairedDifference", () => {
  it("is B's accuracy minus A's, with a 95% Wald interval for paired proportions", () => {
    const { a, b } = rows([
      [40, 12],
      [25, 23],
    ]);
    const d = pairedDifference(a, b);
    expect(d.difference).toBeCloseTo((25 - 12) / 100, 12);
    // se = sqrt((b + c) − (c − b)² / n) / n = sqrt(37 − 1.69) / 100
    const se = Math.sqrt(37 - 169 / 100) / 100;
    expect(d.ci95[0]).toBeCloseTo(0.13 - 1.959963984540054 * se, 12);
    expect(d.ci95[1]).toBeCloseTo(0.13 + 1.959963984540054 * se, 12);
  });
});
