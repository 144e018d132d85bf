/**
 * Paired comparison of two classifiers scored on the same rows: McNemar's test on the rows where
 * exactly one of them is right, and a confidence interval for the accuracy difference.
 *
 * With b = rows only A gets right and c = rows only B gets right (n rows in all):
 * - McNemar's statistic with continuity correction, (|b − c| − 1)² / (b + c), against χ²(1)
 *   (statsmodels' `mcnemar(table, exact=False, correction=True)`), and the exact test: two-sided
 *   binomial, p = min(1, 2·P[X ≤ min(b, c)]), X ~ Bin(b + c, ½) (statsmodels' `exact=True`).
 * - The difference of accuracies B − A = (c − b) / n with its Wald interval for paired proportions,
 *   se = √((b + c) − (c − b)² / n) / n (Agresti, Categorical Data Analysis, §10.1).
 */

export interface McNemar {
  /** Rows only A classified right. */
  onlyA: number;
  /** Rows only B classified right. */
  onlyB: number;
  /** χ² with continuity correction (0 when b + c = 0). */
  statistic: number;
  /** Its p-value against χ²(1). */
  pValue: number;
  /** The exact (binomial) two-sided p-value. */
  exactPValue: number;
}

export interface PairedDifference {
  /** Accuracy of B minus accuracy of A. */
  difference: number;
  /** The 95% interval of the difference. */
  ci95: [number, number];
  mcnemar: McNemar;
}

/** The complementary error function: Numerical Recipes' `erfcc` (Chebyshev fit), fractional error < 1.2e-7. */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P[χ²(1) ≥ x]. */
export function chiSquare1Survival(x: number): number {
  return x <= 0 ? 1 : erfc(Math.sqrt(x / 2));
}

/** Two-sided exact binomial p-value of McNemar's test. */
function exactMcNemar(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  // P[X ≤ k] for X ~ Bin(n, 1/2), summed in log space (n may be large).
  let logTerm = -n * Math.LN2; // log C(n,0) / 2^n
  let cdf = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log(n - i + 1) - Math.log(i);
    cdf += Math.exp(logTerm);
  }
  return Math.min(1, 2 * cdf);
}

/**
 * McNemar's test from the two discordant counts.
 * @example mcnemar(12, 25).statistic // (|12 − 25| − 1)² / 37
 */
export function mcnemar(onlyA: number, onlyB: number): McNemar {
  const n = onlyA + onlyB;
  const statistic = n === 0 ? 0 : (Math.abs(onlyA - onlyB) - 1) ** 2 / n;
  return { onlyA, onlyB, statistic, pValue: chiSquare1Survival(statistic), exactPValue: exactMcNemar(onlyA, onlyB) };
}

/**
 * Compares two classifiers' correctness on the same rows.
 * @example pairedDifference([true, false], [true, true]).difference // 0.5
 */
export function pairedDifference(correctA: readonly boolean[], correctB: readonly boolean[]): PairedDifference {
  if (correctA.length !== correctB.length) throw new RangeError("both models must be scored on the same rows");
  const n = correctA.length;
  let onlyA = 0;
  let onlyB = 0;
  for (let i = 0; i < n; i++) {
    if (correctA[i] && !correctB[i]) onlyA++;
    else if (!correctA[i] && correctB[i]) onlyB++;
  }
  const difference = n ? (onlyB - onlyA) / n : 0;
  const se = n ? Math.sqrt(Math.max(0, onlyA + onlyB - (onlyB - onlyA) ** 2 / n)) / n : 0;
  const z = 1.959963984540054;
  return { difference, ci95: [difference - z * se, difference + z * se], mcnemar: mcnemar(onlyA, onlyB) };
}
