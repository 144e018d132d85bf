/**
 * Sharded training's shared pieces: where a run's training states live, each child's seed, the
 * report of the fit (selection, curve) that Export puts in the model card, and the state a round
 * starts from.
 */
import { z } from "zod";
import type { TrainingState } from "../contracts.ts";
import { readJson } from "../json-lines.ts";
import type { FeatureSpec } from "../ml/feature-spec.ts";
import { decodeModelState } from "../ml/model-state.ts";
import type { StepPorts } from "./step-ports.ts";

/** Where a run's training states and reports live (data bucket, `runs/<run>/train/`). */
export function trainingKeys(runId: string) {
  const base = `runs/${runId}/train/`;
  return {
    child: (round: number, index: string) => `${base}round-${String(round).padStart(3, "0")}/child-${index}.state`,
    merged: (round: number) => `${base}round-${String(round).padStart(3, "0")}/merged.state`,
    report: `${base}fit.json`,
  };
}

/** A child's seed: a function of the run's seed, the round and the child (never of timing). */
export const childSeed = (seed: number, round: number, index: number): number =>
  (Math.imul(seed ^ 0x9e3779b1, 31) + Math.imul(round, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0;

/** What the model card tells of the fit (the selection's candidates, the final fit's curve and settings). */
export const FitReport = z.object({
  selection: z.unknown().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  curve: z.array(z.unknown()).optional(),
  /** The single child's held-out validation figures (its early-stopped fit, before the refit on train + validation). */
  validation: z.object({ loss: z.number(), accuracy: z.number() }).optional(),
  /**
   * The model's own feature spec when it is not Preprocess's narrowed by `chosen`: the exact race's
   * wide representation (min df 1, sublinear tf), which Train builds itself (ADR 0005 item 7).
   */
  spec: z.unknown().optional(),
});
export type FitReport = z.infer<typeof FitReport>;

export async function writeFitReport(ports: StepPorts, runId: string, report: FitReport): Promise<void> {
  await ports.data.put(trainingKeys(runId).report, JSON.stringify(report));
}

export async function readFitReport(ports: StepPorts, runId: string): Promise<FitReport> {
  const key = trainingKeys(runId).report;
  return (await ports.data.exists(key)) ? readJson(ports.data, key, FitReport) : {};
}

/** The weights (and accumulators) a round starts from: the last merged state, or zeros. */
export async function loadStart(ports: StepPorts, training: TrainingState, trained: FeatureSpec) {
  if (training.weightsKey) return decodeModelState(await ports.data.get(training.weightsKey));
  return {
    weights: new Float32Array(trained.vocabulary.length * trained.labels.length),
    bias: new Float32Array(trained.labels.length),
  };
}
