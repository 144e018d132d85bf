/**
 * Loading a classifier where scoring is one path among others (the registry's model detail, the
 * CLI's predict): onnxruntime-node, a native library, is imported on the first load rather than
 * with the module that may need it.
 */
import type { OnnxTextClassifier } from "./runtime.ts";

/**
 * `OnnxTextClassifier.load(bytes)`, importing the runtime on first use.
 * @example const classifier = await loadClassifier(await models.get(record.modelKey));
 */
export async function loadClassifier(bytes: Uint8Array): Promise<OnnxTextClassifier> {
  const { OnnxTextClassifier } = await import("./runtime.ts");
  return OnnxTextClassifier.load(bytes);
}
