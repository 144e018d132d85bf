/** The consistency check shared by the reliability tests and the bench (no test-runner imports). */
import { OnnxTextClassifier } from "@tollgate/core/onnx/runtime";
import type { Tollgate } from "@tollgate/local/app";

export interface Consistency {
  problems: string[];
  live: string | undefined;
}

/**
 * Consistent: the live pointer names a registered, evaluated version whose status is `live` and
 * whose model file loads and predicts; no other version is marked live.
 */
export async function checkConsistency(tg: Tollgate, modelName = "topics"): Promise<Consistency> {
  const { registry, objects } = tg.stores;
  const problems: string[] = [];
  const live = await registry.getLive(modelName);
  const versions = await registry.listModelVersions(modelName);
  const marked = versions.filter((v) => v.status === "live").map((v) => v.version);
  if (marked.join() !== (live ? live.version : ""))
    problems.push(`versions marked live: [${marked}], pointer: ${live?.version}`);
  if (!live) return { problems, live: undefined };
  const record = versions.find((v) => v.version === live.version);
  if (!record) return { problems: [...problems, `live ${live.version} is not registered`], live: live.version };
  if (record.metrics.testAccuracy === null) problems.push(`live ${live.version} was never evaluated`);
  try {
    const classifier = await OnnxTextClassifier.load(await objects.models.get(record.modelKey));
    const { labels } = await classifier.predict(["the dog and the cat", "the referee and the football"]);
    await classifier.release();
    if (labels.join() !== "animal,sport") problems.push(`live model predicts ${labels}`);
  } catch (err) {
    problems.push(`live model does not load: ${(err as Error).message}`);
  }
  return { problems, live: live.version };
}
