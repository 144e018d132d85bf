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
 * Squared scales, one row of `classes` per distinct row: feature j's for class c is
 * `rows[rowOf[j] · classes + c]` (`scaleOf`).
 */
export interface ScaleRows {
  rows: Float64Array;
  rowOf: Int32Array;
}

/** Document counts up to this have their ratios worked out once per class (most terms are rare). */
const SMALL = 15;

/**
 * The squared scales s² of every feature j for every class c, from the cached examples (all, or
 * the indices in `subset`), one row per distinct row (`ScaleRows`). Counts are integers (exact in a double), so they
 * are kept as such; a term's scale depends only on its class's count and its total, so those of
 * totals up to `SMALL` (most terms: Austen's 173k have a median of 1) are taken from a table worked
 * out per class by the same expression, with the same floats, instead of a logarithm each.
 * @example
 * const scale = nbScale(cache, undefined, features, classes); // fitDualCd(…, { c, passes, scale }, rand)
 */
export function nbScale(
  cache: VectorCache,
  subset: Int32Array | undefined,
  features: number,
  classes: number,
  options: NbOptions = DEFAULT_NB,
): ScaleRows {
  const C = classes;
  const { alpha, power } = options;
  const counts = new Int32Array(features * C);
  const { ids, offsets } = cache;
  const n = subset?.length ?? cache.count;
  for (let k = 0; k < n; k++) {
    const i = subset ? subset[k]! : k;
    const y = cache.classes[i]!;
    for (let p = offsets[i]!; p < offsets[i + 1]!; p++) counts[ids[p]! * C + y]!++;
  }
  const total = new Int32Array(features);
  const inClass = new Float64Array(C);
  let all = 0;
  for (let j = 0; j < features; j++) {
    let t = 0;
    for (let c = 0; c < C; c++) {
      t += counts[j * C + c]!;
      inClass[c]! += counts[j * C + c]!;
    }
    total[j] = t;
    all += t;
  }
  const exponent = 2 * power;
  const norms = Array.from({ length: C }, (_, c) => ({
    p: inClass[c]! + alpha * features,
    q: all - inClass[c]! + alpha * features,
  }));
  const squared = (c: number, inC: number, t: number) => {
    const r = Math.log((inC + alpha) / norms[c]!.p / ((t - inC + alpha) / norms[c]!.q));
    return exponent === 1 ? Math.abs(r) : Math.abs(r) ** exponent;
  };
  // table[(c · (SMALL + 1) + t) · (SMALL + 1) + inC]: class c's scale for a term in t documents, inC of class c.
  const side = SMALL + 1;
  const table = new Float64Array(C * side * side);
  for (let c = 0; c < C; c++) {
    for (let t = 0; t <= SMALL; t++)
      for (let inC = 0; inC <= t; inC++) table[(c * side + t) * side + inC] = squared(c, inC, t);
  }
  // A term's row depends only on its counts per class: terms with the same counts share one row
  // (Austen's 173k wide terms have ~13k rows), found by hashing the counts.
  const slots = new Int32Array(2 ** Math.ceil(Math.log2(2 * features + 2))).fill(-1);
  const mask = slots.length - 1;
  const firstOf: number[] = [];
  const rowOf = new Int32Array(features);
  const rows: number[] = [];
  for (let j = 0; j < features; j++) {
    const at = j * C;
    let h = 0;
    for (let c = 0; c < C; c++) h = Math.imul(h ^ counts[at + c]!, 0x9e3779b1) >>> 0;
    let slot = h & mask;
    for (;;) {
      const row = slots[slot]!;
      if (row < 0) break;
      const other = firstOf[row]! * C;
      let same = true;
      for (let c = 0; c < C && same; c++) same = counts[other + c] === counts[at + c];
      if (same) break;
      slot = (slot + 1) & mask;
    }
    if (slots[slot]! >= 0) {
      rowOf[j] = slots[slot]!;
      continue;
    }
    rowOf[j] = slots[slot] = firstOf.length;
    firstOf.push(j);
    const t = total[j]!;
    if (t <= SMALL) for (let c = 0; c < C; c++) rows.push(table[(c * side + t) * side + counts[at + c]!]!);
    else for (let c = 0; c < C; c++) rows.push(squared(c, counts[at + c]!, t));
  }
  return { rows: Float64Array.from(rows), rowOf };
}

/** Every feature its own row of `scale` (features × classes squared scales): the form `fitDualCd` takes. */
export const rowPerFeature = (scale: Float64Array, features: number): ScaleRows => ({
  rows: scale,
  rowOf: Int32Array.from({ length: features }, (_, j) => j),
});

/** Feature j's squared scale for class c. */
export const scaleOf = (s: ScaleRows, classes: number, j: number, c: number): number =>
  s.rows[s.rowOf[j]! * classes + c]!;
