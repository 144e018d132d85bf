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
import { tryJsonParse } from "../json.ts";
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
 * @param runInputOf the run's execution input (JSON), or undefined when the execution is no longer known.
 * @example const l = await lineageOf({ registry, data }, "topics", "20261130-ab12cd", async (id) => (await describe(id)).input);
 * @throws ModelNotFoundError for an unknown version.
 */
export async function lineageOf(
  ports: { registry: Registry; data: ObjectStore },
  modelName: string,
  version: string,
  runInputOf: (runId: string) => Promise<string | undefined>,
): Promise<Lineage> {
  const model = await ports.registry.getModelVersion(modelName, version);
  if (!model) throw new ModelNotFoundError(`model ${modelName} has no version ${version}`);
  const [run, live, decisions, runInput] = await Promise.all([
    ports.registry.getRun(model.runId),
    ports.registry.getLive(modelName),
    ports.registry.listDecisions(modelName),
    runInputOf(model.runId),
  ]);
  let data: Lineage["data"] = null;
  const manifestKey = runManifestKey(model.runId);
  try {
    const manifest = await readJson(ports.data, manifestKey, Manifest);
    data = { datasetVersion: manifest.datasetVersion, manifestKey, rawFiles: manifest.sources };
  } catch (err) {
    if (!(err instanceof ObjectNotFoundError)) throw err;
  }
  // An unreadable or missing input names no uploads.
  const input = tryJsonParse(runInput);
  const sources = typeof input === "object" && input !== null ? (input as { sources?: unknown }).sources : undefined;
  const triggeredBy = Array.isArray(sources) ? sources.filter((s): s is string => typeof s === "string") : [];
  return {
    model,
    live: live?.version === version,
    run: run ?? null,
    triggeredBy,
    data,
    decisions: decisions.filter((d) => d.version === version || d.live.before === version || d.live.after === version),
  };
}
