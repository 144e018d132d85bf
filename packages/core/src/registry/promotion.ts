import type { LivePointer } from "../contracts.ts";
import { InvalidInputError, ModelNotFoundError } from "../errors.ts";
import type { Registry } from "../ports.ts";

/**
 * Makes `version` live by compare-and-swap on the current live version (the same swap the
 * Promote step uses), for an operator's promote from the CLI or the console.
 * @example await promoteVersion(registry, "wordnet", "20261126-ab12cd", "cli:alice");
 * @throws ModelNotFoundError for an unknown version; InvalidInputError for a failed one or one already live;
 *   LiveModelChangedError if the pointer moved meanwhile.
 */
export async function promoteVersion(
  registry: Registry,
  modelName: string,
  version: string,
  by: string,
): Promise<LivePointer> {
  const record = await registry.getModelVersion(modelName, version);
  if (!record) throw new ModelNotFoundError(`model ${modelName} has no version ${version}`);
  if (record.status === "failed")
    throw new InvalidInputError(`${modelName}@${version} failed during its run and cannot go live`);
  const live = await registry.getLive(modelName);
  if (live?.version === version) throw new InvalidInputError(`${modelName}@${version} is already live`);
  return registry.swapLive(modelName, live?.version ?? null, version, by);
}

/**
 * Rolls back `steps` versions (default 1) in the live pointer's history: each rollback steps back
 * one version, so two rollbacks after promotions v1 → v2 → v3 make v1 live (the same compare-and-swap).
 * @example await rollbackLive(registry, "wordnet", "cli:alice");     // v3 → v2
 * @example await rollbackLive(registry, "wordnet", "cli:alice", 2);  // v3 → v1
 * @throws InvalidInputError when nothing is live or the history is shorter than `steps`.
 */
export async function rollbackLive(registry: Registry, modelName: string, by: string, steps = 1): Promise<LivePointer> {
  if (!Number.isInteger(steps) || steps < 1) throw new InvalidInputError(`steps back must be 1 or more, not ${steps}`);
  const live = await registry.getLive(modelName);
  if (!live) throw new InvalidInputError(`model ${modelName} has no live version to roll back`);
  const target = live.history[steps - 1];
  if (!target) {
    const earlier = live.history.length
      ? `only ${live.history.length} earlier live version(s): ${live.history.join(", ")}`
      : "no earlier live version";
    throw new InvalidInputError(
      `${modelName}@${live.version} has ${earlier}; promote a version by name to go elsewhere (tollgate models lists them)`,
    );
  }
  return registry.swapLive(modelName, live.version, target, by, { back: steps });
}
