/**
 * What `tollgate models compare` and the console's compare view show (computed by
 * model-detail.ts's compareVersions). Types only, so the console's web page can import them
 * without the scoring code behind them.
 */
import type { Metrics } from "../contracts.ts";
import type { PairedDifference } from "../ml/paired.ts";

/** Two versions on the same rows. */
export interface Comparison {
  modelName: string;
  /** The test split both were scored on. */
  on: { dataset: string; datasetVersion: string; rows: number };
  a: { version: string; metrics: Metrics };
  b: { version: string; metrics: Metrics };
  /** Accuracy of b minus a, its 95% interval and McNemar's test. */
  accuracy: PairedDifference;
  macroF1: { a: number; b: number; difference: number };
  /** Per class: F1 of a and b and the change, largest change first. */
  perClass: { label: string; a: number; b: number; difference: number; support: number }[];
}
