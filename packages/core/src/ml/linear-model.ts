/**
 * The linear model (multinomial logistic regression over the features of `features.ts`) and
 * its pure TypeScript scoring, the reference the ONNX export must match.
 *
 * Layout: `weights` is row-major by feature, `weights[j * C + c]` for feature j and class c
 * (C = labels.length, features = spec.vocabulary.length); `bias[c]`. Class order = `labels`.
 */
import { ModelFormatError } from "../errors.ts";
import type { FeatureSpec } from "./feature-spec.ts";
import { featurizer, type SparseVector } from "./featurizer.ts";

export interface LinearModel {
  spec: FeatureSpec;
  labels: string[];
  /** [features × classes], row-major by feature. */
  weights: Float32Array;
  /** [classes]. */
  bias: Float32Array;
}

/**
 * Checks the shapes of a model.
 * @throws ModelFormatError
 * @example
 * checkModel(model); // throws when weights.length !== vocabulary.length × labels.length
 */
export function checkModel(model: LinearModel): void {
  const C = model.labels.length;
  if (C < 2) throw new ModelFormatError("a model needs at least two labels");
  if (model.bias.length !== C) throw new ModelFormatError(`bias has ${model.bias.length} entries, expected ${C}`);
  const expected = model.spec.vocabulary.length * C;
  if (model.weights.length !== expected) {
    throw new ModelFormatError(`weights have ${model.weights.length} entries, expected ${expected}`);
  }
}

/**
 * Writes the logits `bias + Wᵀx` into `out` (length C).
 * @example
 * const z = new Float64Array(model.labels.length); logitsOf(model.weights, model.bias, x, z);
 */
export function logitsOf(weights: Float32Array, bias: Float32Array, x: SparseVector, out: Float64Array): void {
  logitsOfRange(weights, bias, x.ids, x.values, 0, x.ids.length, out);
}

/** `logitsOf` for the features `start … end − 1` of flat id and value arrays (no views to allocate). */
export function logitsOfRange(
  weights: Float32Array,
  bias: Float32Array,
  ids: Int32Array,
  values: Float64Array,
  start: number,
  end: number,
  out: Float64Array,
): void {
  const C = bias.length;
  const m = end - start;
  if (rowStarts.length < m) rowStarts = new Int32Array(2 ** Math.ceil(Math.log2(m)));
  const rows = rowStarts;
  for (let k = 0; k < m; k++) rows[k] = ids[start + k]! * C;
  // Eight classes at a time, each summed in a register over the features in order: the same sums
  // as feature by feature (`bias[c] + v₀·w₀c + v₁·w₁c + …`, same order), with a fraction of the loads and stores.
  let c = 0;
  for (; c + 8 <= C; c += 8) {
    let z0 = bias[c]!;
    let z1 = bias[c + 1]!;
    let z2 = bias[c + 2]!;
    let z3 = bias[c + 3]!;
    let z4 = bias[c + 4]!;
    let z5 = bias[c + 5]!;
    let z6 = bias[c + 6]!;
    let z7 = bias[c + 7]!;
    for (let k = 0; k < m; k++) {
      const r = rows[k]! + c;
      const v = values[start + k]!;
      z0 += v * weights[r]!;
      z1 += v * weights[r + 1]!;
      z2 += v * weights[r + 2]!;
      z3 += v * weights[r + 3]!;
      z4 += v * weights[r + 4]!;
      z5 += v * weights[r + 5]!;
      z6 += v * weights[r + 6]!;
      z7 += v * weights[r + 7]!;
    }
    out[c] = z0;
    out[c + 1] = z1;
    out[c + 2] = z2;
    out[c + 3] = z3;
    out[c + 4] = z4;
    out[c + 5] = z5;
    out[c + 6] = z6;
    out[c + 7] = z7;
  }
  for (; c < C; c++) {
    let z = bias[c]!;
    for (let k = 0; k < m; k++) z += values[start + k]! * weights[rows[k]! + c]!;
    out[c] = z;
  }
}

/** Scratch for `logitsOfRange`: the weight row offset of each feature of the example. */
let rowStarts = new Int32Array(256);

/**
 * Softmax in place; returns the log-sum-exp (so the loss of class y is `lse - z[y]` before the call).
 * @example
 * const z = Float64Array.of(1, 2); softmaxInPlace(z); // z ≈ [0.269, 0.731]
 */
export function softmaxInPlace(z: Float64Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < z.length; c++) if (z[c]! > max) max = z[c]!;
  let sum = 0;
  for (let c = 0; c < z.length; c++) {
    z[c] = Math.exp(z[c]! - max);
    sum += z[c]!;
  }
  for (let c = 0; c < z.length; c++) z[c]! /= sum;
  return max + Math.log(sum);
}

/**
 * Index of the largest value (the first one on ties, as ONNX ArgMax).
 * @example
 * argmax([0.2, 0.5, 0.5]) // 1
 */
export function argmax(z: ArrayLike<number>): number {
  let best = 0;
  for (let c = 1; c < z.length; c++) if (z[c]! > z[best]!) best = c;
  return best;
}

/**
 * Cross-entropy loss of one example and its gradient with respect to the logits
 * (`p - onehot(y)`, written into `grad`); the weight gradient is `grad[c] · x_j`.
 * @example
 * const g = new Float64Array(C); const loss = exampleGradient(model.weights, model.bias, x, y, g);
 */
export function exampleGradient(
  weights: Float32Array,
  bias: Float32Array,
  x: SparseVector,
  y: number,
  grad: Float64Array,
): number {
  return exampleGradientRange(weights, bias, x.ids, x.values, 0, x.ids.length, y, grad);
}

/** `exampleGradient` for the features `start … end − 1` of flat id and value arrays. */
export function exampleGradientRange(
  weights: Float32Array,
  bias: Float32Array,
  ids: Int32Array,
  values: Float64Array,
  start: number,
  end: number,
  y: number,
  grad: Float64Array,
): number {
  logitsOfRange(weights, bias, ids, values, start, end, grad);
  const zy = grad[y]!;
  const lse = softmaxInPlace(grad);
  grad[y]! -= 1;
  return lse - zy;
}

/**
 * Scores texts in pure TypeScript: the reference for the ONNX export (same tokens, same features).
 * @example
 * const { labels, probabilities } = scoreTexts(model, ["a small dog"]);
 * labels[0]; probabilities[0][model.labels.indexOf(labels[0])];
 */
export function scoreTexts(model: LinearModel, texts: string[]): { labels: string[]; probabilities: Float32Array[] } {
  checkModel(model);
  const featurize = featurizer(model.spec);
  const z = new Float64Array(model.labels.length);
  const labels: string[] = [];
  const probabilities: Float32Array[] = [];
  for (const text of texts) {
    logitsOf(model.weights, model.bias, featurize(text), z);
    const best = argmax(z);
    softmaxInPlace(z);
    labels.push(model.labels[best]!);
    probabilities.push(Float32Array.from(z));
  }
  return { labels, probabilities };
}
