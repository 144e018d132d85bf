/**
 * Naive Bayes feature weights for the exact solver's one-vs-rest problems (NBSVM: Wang & Manning,
 * "Baselines and bigrams: simple, good sentiment and topic classification", ACL 2012). For class c,
 * the log-count ratio of binarized features r_c = log((p / ‖p‖₁) / (q / ‖q‖₁)), with p = α + the
 * number of class-c documents holding each term and q the same over the other classes; class c's
 * problem is then trained on x ⊙ s_c. Only |s_c| matters (a sign is absorbed by the weight), and we
 * take s_c = |r_c|^½ (power ½, chosen on validation only: ADR 0005 item 7, session 9): the L2 penalty
 * on the weight of term j becomes w_j² / |r_cj|, a prior whose variance grows with the term's Naive
 * Bayes evidence. The model stays one linear model over the same features (weights w_c ⊙ s_c), so
 * the export and serving are unchanged.
 */
import type { VectorCache } from "./row-cache.ts";

export interface NbOptions {
  /** Smoothing added to every term's document count (the paper's α). */
  alpha: number;
  /** s = |r|^power: 1 the paper's scaling, ½ its square root. */
  power: number;
}

export const DEFAULT_NB: NbOptions = { alpha: 1, power: 0.5 };

/**
 * The squared scales s²[j·classes + c] of every feature j for every class c, from the cached
 * examples (all, or the indices in `subset`).
 * @example
 * const scale = nbScale(cache, undefined, features, classes); // fitDualCd(…, { c, passes, scale }, rand)
 */
export function nbScale(
  cache: VectorCache,
  subset: Int32Array | undefined,
  features: number,
  classes: number,
  options: NbOptions = DEFAULT_NB,
): Float64Array {
  const C = classes;
  const { alpha, power } = options;
  const counts = new Float64Array(features * C);
  const { ids, offsets } = cache;
  const n = subset?.length ?? cache.count;
  for (let k = 0; k < n; k++) {
    const i = subset ? subset[k]! : k;
    const y = cache.classes[i]!;
    for (let p = offsets[i]!; p < offsets[i + 1]!; p++) counts[ids[p]! * C + y]! += 1;
  }
  const total = new Float64Array(features);
  const inClass = new Float64Array(C);
  let all = 0;
  for (let j = 0; j < features; j++) {
    for (let c = 0; c < C; c++) {
      total[j]! += counts[j * C + c]!;
      inClass[c]! += counts[j * C + c]!;
    }
    all += total[j]!;
  }
  const scale = new Float64Array(features * C);
  const exponent = 2 * power;
  for (let c = 0; c < C; c++) {
    const pNorm = inClass[c]! + alpha * features;
    const qNorm = all - inClass[c]! + alpha * features;
    for (let j = 0; j < features; j++) {
      const inC = counts[j * C + c]!;
      const r = Math.log((inC + alpha) / pNorm / ((total[j]! - inC + alpha) / qNorm));
      scale[j * C + c] = exponent === 1 ? Math.abs(r) : Math.abs(r) ** exponent;
    }
  }
  return scale;
}
