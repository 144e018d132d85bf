/** Execution inputs for the reliability suite (no test-runner imports: child processes use it too). */

/** Always promote a candidate that reaches 0.5, so redriven runs end live (the gate is not under test here). */
export const PERMISSIVE_GATE = { minAccuracy: 0.5, minGain: -1 };

export const input = (sources: string[] = [], gate = PERMISSIVE_GATE) => ({
  dataset: "topics",
  modelName: "topics",
  gate,
  seed: 3,
  sources,
});
