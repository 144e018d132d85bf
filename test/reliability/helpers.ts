/** Shared set-up for the reliability suite: a home with a live model, and consistency checks. */
import { readFile } from "node:fs/promises";
import { OnnxTextClassifier } from "@tollgate/core/onnx/runtime";
import { type OpenOptions, openTollgate, type Tollgate } from "@tollgate/local/app";
import { expect } from "vitest";
import { topicRows } from "../helpers/topics.ts";

export { input, PERMISSIVE_GATE } from "./inputs.ts";

/** Adds a raw file of synthetic rows to the dataset and returns its key. */
export async function addRaw(tg: Tollgate, name: string, rows = 300, seed = 1): Promise<string> {
  const key = `raw/topics/${name}.jsonl`;
  await tg.portsFor("test").data.put(
    key,
    topicRows(rows, seed)
      .map((r) => JSON.stringify(r))
      .join("\n"),
  );
  return key;
}

export function open(options: OpenOptions): Tollgate {
  return openTollgate(options);
}

/**
 * The system is consistent when the live pointer names a registered, evaluated version whose
 * status is `live` and whose model file loads and predicts, and no other version is marked live.
 */
export async function expectConsistent(tg: Tollgate, modelName = "topics"): Promise<string | undefined> {
  const { registry, objects } = tg.stores;
  const live = await registry.getLive(modelName);
  const versions = await registry.listModelVersions(modelName);
  expect(versions.filter((v) => v.status === "live").map((v) => v.version)).toEqual(live ? [live.version] : []);
  if (!live) return undefined;
  const record = versions.find((v) => v.version === live.version);
  expect(record?.metrics.testAccuracy).not.toBeNull();
  const classifier = await OnnxTextClassifier.load(await objects.models.get(record!.modelKey));
  const { labels } = await classifier.predict(["the dog and the cat", "the referee and the football"]);
  await classifier.release();
  expect(labels).toEqual(["animal", "sport"]);
  return live.version;
}

export const readText = (path: string) => readFile(path, "utf8");
