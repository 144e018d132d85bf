/**
 * `fitDualCd` as it was written in JavaScript before its passes moved to WebAssembly (session 13):
 * the reference its floats must equal, bit for bit (dual-cd.test.ts).
 */
import type { DualCdOptions } from "../src/ml/dual-cd.ts";
import { scaleOf } from "../src/ml/nb-weights.ts";
import { permutation } from "../src/ml/random.ts";
import type { VectorCache } from "../src/ml/row-cache.ts";

export function referenceDualCd(
  cache: VectorCache,
  subset: Int32Array | undefined,
  features: number,
  classes: number,
  options: DualCdOptions,
  rand: () => number,
): { weights: Float32Array; bias: Float32Array; passes: number } {
  const C = classes;
  const upper = options.c;
  const tolerance = options.tolerance ?? 0.1;
  const { ids, values, offsets } = cache;
  const n = subset?.length ?? cache.count;
  const row = (k: number) => (subset ? subset[k]! : k);
  // (the squared scales as one row per feature: features × classes)
  const s2 =
    options.scale &&
    Float64Array.from({ length: features * C }, (_, at) => scaleOf(options.scale!, C, Math.floor(at / C), at % C));
  // Work in float64; the model is written as float32 at the end. With `scale`, w holds the weights
  // on the unscaled features (u_c = s_c ⊙ w_c): margins need no scaling, updates take s².
  const w = new Float64Array(features * C);
  const b = new Float64Array(C);
  // alpha[2(kC + c)] = α, alpha[2(kC + c) + 1] = c − α (both kept, as LIBLINEAR does, for precision near the bounds).
  const alpha = new Float64Array(2 * n * C);
  const start = Math.min(0.001 * upper, 1e-8);
  // Two classes: "0 vs rest" is "1 vs rest" mirrored, so only class 1 is solved (w_0 = −w_1 at the end).
  const first = C === 2 ? 1 : 0;
  // ... and, unscaled, in its own contiguous array: the margins and updates touch half the cache
  // lines (the same sums in the same order, so the same floats; spam's race candidate ~1.5× faster).
  const w1 = C === 2 && !s2 ? new Float64Array(features) : undefined;
  // xx[k] = ‖x_k‖² + 1 (the bias feature); per class (xx[k·C + c]) when scaled.
  const xx = new Float64Array(s2 ? n * C : n);
  for (let k = 0; k < n; k++) {
    const i = row(k);
    let sq = 1;
    for (let p = offsets[i]!; p < offsets[i + 1]!; p++) sq += values[p]! * values[p]!;
    if (!s2) xx[k] = sq;
    const label = cache.classes[i]!;
    for (let c = first; c < C; c++) {
      alpha[2 * (k * C + c)] = start;
      alpha[2 * (k * C + c) + 1] = upper - start;
      const y = c === label ? 1 : -1;
      b[c]! += y * start;
      if (s2) {
        let scaled = 1;
        for (let p = offsets[i]!; p < offsets[i + 1]!; p++) {
          const at = ids[p]! * C + c;
          scaled += values[p]! * values[p]! * s2[at]!;
          w[at]! += y * start * values[p]! * s2[at]!;
        }
        xx[k * C + c] = scaled;
      } else if (w1) for (let p = offsets[i]!; p < offsets[i + 1]!; p++) w1[ids[p]!]! += y * start * values[p]!;
      else for (let p = offsets[i]!; p < offsets[i + 1]!; p++) w[ids[p]! * C + c]! += y * start * values[p]!;
    }
  }
  const z = new Float64Array(C);
  let innerTolerance = 1e-2;
  const innerMin = Math.min(1e-8, tolerance);
  let passes = 0;
  while (passes < options.passes) {
    passes++;
    const order = permutation(n, rand);
    let largest = 0;
    let newtonSteps = 0;
    for (let s = 0; s < n; s++) {
      const k = order[s]!;
      const i = row(k);
      const from = offsets[i]!;
      const to = offsets[i + 1]!;
      if (w1) {
        let z1 = b[1]!;
        for (let p = from; p < to; p++) z1 += values[p]! * w1[ids[p]!]!;
        z[1] = z1;
      } else {
        for (let c = 0; c < C; c++) z[c] = b[c]!;
        for (let p = from; p < to; p++) {
          const at = ids[p]! * C;
          const v = values[p]!;
          for (let c = 0; c < C; c++) z[c]! += v * w[at + c]!;
        }
      }
      const label = cache.classes[i]!;
      for (let c = first; c < C; c++) {
        const a = s2 ? xx[k * C + c]! : xx[k]!;
        const y = c === label ? 1 : -1;
        const base = 2 * (k * C + c);
        const bb = y * z[c]!;
        // Minimize over α (ind1) or its complement, whichever the gradient points to.
        let ind1 = base;
        let ind2 = base + 1;
        let sign = 1;
        if (0.5 * a * (alpha[ind2]! - alpha[ind1]!) + bb < 0) {
          ind1 = base + 1;
          ind2 = base;
          sign = -1;
        }
        const old = alpha[ind1]!;
        let x = upper - old < 0.5 * upper ? 0.1 * old : old;
        let gp = a * (x - old) + sign * bb + Math.log(x / (upper - x));
        largest = Math.max(largest, Math.abs(gp));
        let steps = 0;
        while (steps <= 100 && Math.abs(gp) >= innerTolerance) {
          const gpp = a + upper / (upper - x) / x;
          const next = x - gp / gpp;
          x = next <= 0 ? 0.1 * x : next;
          gp = a * (x - old) + sign * bb + Math.log(x / (upper - x));
          steps++;
        }
        newtonSteps += steps;
        if (steps === 0) continue;
        alpha[ind1] = x;
        alpha[ind2] = upper - x;
        const delta = sign * (x - old) * y;
        b[c]! += delta;
        if (s2) {
          for (let p = from; p < to; p++) {
            const at = ids[p]! * C + c;
            w[at]! += delta * values[p]! * s2[at]!;
          }
        } else if (w1) for (let p = from; p < to; p++) w1[ids[p]!]! += delta * values[p]!;
        else for (let p = from; p < to; p++) w[ids[p]! * C + c]! += delta * values[p]!;
      }
    }
    if (largest < tolerance) break;
    if (newtonSteps <= n / 10) innerTolerance = Math.max(innerMin, 0.1 * innerTolerance);
  }
  if (w1) for (let j = 0; j < features; j++) w[2 * j + 1] = w1[j]!;
  if (first === 1) {
    for (let j = 0; j < features; j++) w[2 * j] = -w[2 * j + 1]!;
    b[0] = -b[1]!;
  }
  return { weights: Float32Array.from(w), bias: Float32Array.from(b), passes };
}
