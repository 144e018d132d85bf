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
 * Rolls back to the version that was live before the current one (the same compare-and-swap).
 * @throws InvalidInputError when nothing is live or there is no previous version.
 */
export async function rollbackLive(registry: Registry, modelName: string, by: string): Promise<LivePointer> {
  const live = await registry.getLive(modelName);
  if (!live) throw new InvalidInputError(`model ${modelName} has no live version to roll back`);
  if (!live.previous)
    throw new InvalidInputError(`${modelName}@${live.version} has no previous live version to roll back to`);
  return registry.swapLive(modelName, live.version, live.previous, by);
}
