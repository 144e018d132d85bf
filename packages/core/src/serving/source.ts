/** The registry-backed model source: the live pointer, the version's record, its ONNX artifact. */
import { ModelNotFoundError } from "../errors.ts";
import { OnnxTextClassifier } from "../ml/onnx/runtime.ts";
import type { ObjectStore, Registry } from "../ports.ts";
import type { ModelSource } from "./live-model.ts";

/** What serving needs from a target: read access to the registry and the model store. */
export interface ServingPorts {
  registry: Pick<Registry, "getLive" | "getModelVersion">;
  models: Pick<ObjectStore, "get">;
}

/**
 * Reads the live version of `modelName` from the registry and loads a version's `model.onnx`
 * from the model store into onnxruntime.
 * @example const source = registryModelSource({ registry, models }, "topics");
 */
export function registryModelSource(ports: ServingPorts, modelName: string): ModelSource {
  return {
    liveVersion: async () => (await ports.registry.getLive(modelName))?.version,
    load: async (version) => {
      const record = await ports.registry.getModelVersion(modelName, version);
      if (!record) throw new ModelNotFoundError(`live version ${version} of ${modelName} is not registered`);
      return OnnxTextClassifier.load(await ports.models.get(record.modelKey));
    },
  };
}
