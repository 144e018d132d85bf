/**
 * What a run of the workflow is started with, from the local settings: shared by the CLI's local
 * backend (`tollgate run`, `ingest`) and the console's Start button, so both start the same run.
 */
import { InvalidInputError } from "@tollgate/core/errors";
import { checkName } from "@tollgate/core/names";
import { gateOf, type TrainingSettings, trainingOptionsOf } from "@tollgate/core/settings";
import type { LocalConfig } from "./config.ts";

/** The settings a run's input is made of. */
export type RunSettings = Pick<LocalConfig, "seed" | "gateProblem" | "datasets"> &
  Parameters<typeof gateOf>[0] &
  Partial<TrainingSettings>;

/**
 * The execution input of a run on `raw/<dataset>/` (`sources`: the uploads that started it).
 * @throws InvalidInputError when the gate settings are invalid (a run must not start on them).
 */
export function runInput(settings: RunSettings, dataset: string, sources: string[], force = false) {
  checkName("dataset", dataset);
  if (settings.gateProblem) throw new InvalidInputError(`${settings.gateProblem}: fix it to start a run`);
  // the dataset's own gate, seed and training (tollgate.config.json `datasets`), else the global ones
  const own = settings.datasets?.[dataset];
  return {
    dataset,
    modelName: dataset,
    gate: own?.gate ?? gateOf(settings),
    seed: own?.seed ?? settings.seed,
    trainingOptions: own?.trainingOptions ?? trainingOptionsOf({ selectionBudget: 3, ...settings }),
    sources,
    force,
  };
}

/** The name of a run started by hand on `dataset` (`run-<dataset>-<UTC stamp>`). */
export function runName(dataset: string, now = new Date()): string {
  checkName("dataset", dataset);
  return `run-${dataset.slice(0, 50)}-${now.toISOString().replace(/[-:.TZ]/g, "")}`;
}
