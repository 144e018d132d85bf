/** The consistency check shared by the reliability tests and the bench (no test-runner imports). */
import { OnnxTextClassifier } from "@tollgate/core/ml/onnx/runtime";
import type { Tollgate } from "@tollgate/local/app";

export interface Consistency {
  problems: string[];
  live: string | undefined;
}

/**
 * Consistent: the live pointer names a registered, evaluated version whose status is `live` and
 * whose model file loads and answers (a known label and probabilities summing to 1 per text); no
 * other version is marked live.
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
    const { labels, probabilities } = await classifier.predict(["the dog and the cat", "the referee and the football"]);
    const classes = classifier.labels;
    await classifier.release();
    // Serving works: one known label and a probability distribution per text (quality is the gate's business).
    const sums = probabilities.map((p) => p.reduce((a, b) => a + b, 0));
    if (labels.length !== 2 || !labels.every((l) => classes.includes(l)) || sums.some((s) => Math.abs(s - 1) > 1e-4)) {
      problems.push(`live model answers ${JSON.stringify(labels)} (classes ${classes})`);
    }
  } catch (err) {
    problems.push(`live model does not load: ${(err as Error).message}`);
  }
  return { problems, live: live.version };
}
