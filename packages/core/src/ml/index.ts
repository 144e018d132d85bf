/**
 * The machine-learning core: text → tokens → features → linear model → ONNX, and metrics.
 * @example
 * import { buildFeatureSpec, exportOnnx, OnnxTextClassifier, trainLinear } from "@tollgate/core/ml";
 * const spec = await buildFeatureSpec(trainRows(), labels);
 * const { model } = await trainLinear(spec, trainRows, validationRows, { seed: 42 });
 * const classifier = await OnnxTextClassifier.load(exportOnnx(model));
 */

export { restrictSpec } from "./examples.ts";
export { buildFeatureSpec, FeatureOptions, FeatureSpec, termsOf } from "./feature-spec.ts";
export { featurizer, type SparseVector } from "./featurizer.ts";
export { checkModel, type LinearModel, scoreTexts } from "./linear-model.ts";
export { computeMetrics } from "./metrics.ts";
export { exportOnnx, exportTokenizerOnnx, FORMAT as ONNX_FORMAT, METADATA as ONNX_METADATA } from "./onnx/export.ts";
export { OnnxTextClassifier } from "./onnx/runtime.ts";
export { evaluate, type ShardPassOptions, trainShardPass } from "./pass.ts";
export { mulberry32 } from "./random.ts";
export {
  type CandidateResult,
  DEFAULT_SELECTION,
  type SelectionOptions,
  type SelectionReport,
  selectHyperparameters,
} from "./selection.ts";
export { murmur3, type SplitName, splitOf } from "./split.ts";
export { normalize, TOKEN_PATTERN, tokenize } from "./text.ts";
export { DEFAULT_TRAIN_OPTIONS, type EpochFigures, type TrainOptions, trainLinear } from "./trainer.ts";
export { TRAINER_VERSION, trainingSettings, trainingSettingsDigest } from "./training-settings.ts";
