/**
 * A version's lineage: the raw files its run read (with the S3 version ids of the uploads that
 * started the run, on AWS) → the dataset version → the run → the model version → every decision
 * about it (promotions, rollbacks, approvals, with who, when and why).
 */
import {
  type DecisionRecord,
  Manifest,
  type ModelVersionRecord,
  type RunRecord,
  runManifestKey,
} from "../contracts.ts";
import { ModelNotFoundError, ObjectNotFoundError } from "../errors.ts";
import { readJson } from "../json-lines.ts";
import type { ObjectStore, Registry } from "../ports.ts";

export interface Lineage {
  model: ModelVersionRecord;
  live: boolean;
  run: RunRecord | null;
  /** The uploads that started the run, as the trigger named them (`s3://bucket/key#versionId` on AWS). */
  triggeredBy: string[];
  /** The dataset the run's Etl made, and the raw files it read (null when its manifest is gone). */
  data: { datasetVersion: string; manifestKey: string; rawFiles: Manifest["sources"] } | null;
  /** Decisions about this version, oldest first; the live pointer's moves to and from it included. */
  decisions: DecisionRecord[];
}

/**
 * @param runInput the run's execution input (JSON), when the execution is still known.
 * @example const l = await lineageOf({ registry, data }, "topics", "20261130-ab12cd", execution.input);
 * @throws ModelNotFoundError for an unknown version.
 */
export async function lineageOf(
  ports: { registry: Registry; data: ObjectStore },
  modelName: string,
  version: string,
  runInput?: string,
): Promise<Lineage> {
  const model = await ports.registry.getModelVersion(modelName, version);
  if (!model) throw new ModelNotFoundError(`model ${modelName} has no version ${version}`);
  const [run, live, decisions] = await Promise.all([
    ports.registry.getRun(model.runId),
    ports.registry.getLive(modelName),
    ports.registry.listDecisions(modelName),
  ]);
  let data: Lineage["data"] = null;
  const manifestKey = runManifestKey(model.runId);
  try {
    const manifest = await readJson(ports.data, manifestKey, Manifest);
    data = { datasetVersion: manifest.datasetVersion, manifestKey, rawFiles: manifest.sources };
  } catch (err) {
    if (!(err instanceof ObjectNotFoundError)) throw err;
  }
  let triggeredBy: string[] = [];
  try {
    const sources = (JSON.parse(runInput ?? "{}") as { sources?: unknown }).sources;
    if (Array.isArray(sources)) triggeredBy = sources.filter((s): s is string => typeof s === "string");
  } catch {
    // an unreadable input names no uploads
  }
  return {
    model,
    live: live?.version === version,
    run: run ?? null,
    triggeredBy,
    data,
    decisions: decisions.filter((d) => d.version === version || d.live.before === version || d.live.after === version),
  };
}
