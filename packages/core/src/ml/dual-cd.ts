/**
 * An exact solver for small data: L2-regularized logistic regression by dual coordinate descent,
 * one-vs-rest, as LIBLINEAR's solver 7 (`-s 7`; Yu, Huang & Lin, "Dual coordinate descent methods
 * for logistic regression and maximum entropy models", Machine Learning 85, 2011), with a
 * regularized bias (`-B 1`). Each pass visits the examples in a seeded random order and, for each
 * class, solves the example's one-variable dual subproblem by Newton's method, keeping
 * `w_k = Σ_i y_ik α_ik x_i` up to date. It converges to the regularized optimum in a few passes
 * where SGD with early stopping stops short of it (6 literary classes: see
 * docs/adr/0005-hyperparameter-selection.md, item 7).
 *
 * The model is the same linear model (weights [features × classes], bias): the ONNX export is
 * unchanged; its softmax over the one-vs-rest margins gives the same argmax.
 */
import { type ExampleSet, sizeOf } from "./examples.ts";
import { DEFAULT_NB, type NbOptions, nbScale } from "./nb-weights.ts";
import { evaluate } from "./pass.ts";
import { mulberry32, permutation } from "./random.ts";
import type { VectorCache } from "./row-cache.ts";

export interface DualCdOptions {
  /** The inverse regularization strength (LIBLINEAR's `-c`). */
  c: number;
  /** Passes over the examples (each updates every example's dual variables once per class). */
  passes: number;
  /** Stop once the largest projected gradient of a pass is below this (LIBLINEAR's `-e`, 0.1). */
  tolerance?: number;
  /**
   * Class c's problem trained on x ⊙ s_c: the squared scales s²[j·classes + c] (`nb-weights.ts`).
   * The weights returned apply to the unscaled features (w_c ⊙ s_c), so the model is used as any.
   */
  scale?: Float64Array;
}

/**
 * Fits the model on cached examples (all, or the indices in `subset`).
 * @example
 * const { weights, bias, passes } = fitDualCd(cache, features, classes, { c: 100, passes: 8 }, mulberry32(42));
 */
export function fitDualCd(
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
  const s2 = options.scale;
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

/**
 * The exact solver's candidates: tried when the training rows × classes are at most `maxPairs`,
 * for each `c` on the widest spec's features and then (with `wide`) on the wide representation
 * (`wide.ts`), in that order, as long as the pass budget lasts.
 */
export interface ExactOptions {
  cs: number[];
  passes: number;
  maxPairs: number;
  /**
   * The wide representation's candidates (and refit) train their one-vs-rest problems on Naive
   * Bayes-weighted features (`nb-weights.ts`), or plain with null. Preprocess's features stay plain.
   */
  wideNb: NbOptions | null;
}
export const DEFAULT_EXACT: ExactOptions = { cs: [100, 10], passes: 5, maxPairs: 1_000_000, wideNb: DEFAULT_NB };

/** A race candidate's settings as the model card's algorithm names them: c, then the wide representation's features and weights. */
export const exactSettings = (k: Pick<ExactCandidate, "c" | "features" | "weights">): string =>
  `c = ${k.c}${k.features ? ", min df 1, sublinear tf" : ""}${k.weights ? `, ${k.weights}` : ""}`;

/** How a candidate's features were weighted, as the model card says it. */
export const nbLabel = (nb: NbOptions) => `naive Bayes log-count ratios |r|^${nb.power}, α ${nb.alpha}`;

export interface ExactCandidate {
  solver: "dual coordinate descent";
  c: number;
  passes: number;
  validationAccuracy: number;
  validationLoss: number;
  /** The wide representation's candidates: "min df 1, sublinear tf" and its term count. */
  features?: string;
  /** The features' weights per class when not plain (`nbLabel`). */
  weights?: string;
}

/** What the exact solver's race found: its candidates, and the one that beat SGD on validation (if any). */
export interface ExactReport {
  /** SGD's early-stopped fit on validation, the figure to beat. */
  sgd: { validationAccuracy: number; validationLoss: number };
  candidates: ExactCandidate[];
  /** The candidate chosen (strictly more accurate on validation than SGD and the candidates before it), else null. */
  chosen: { c: number; passes: number; wide?: true } | null;
  /** Passes the candidates spent over the training rows. */
  passes: number;
  /** Why it did not run, when it did not. */
  skipped?: string;
}

/** The wide representation's candidates (`wide.ts`): each fitted and scored on its own features, its `features` set. */
export interface WideSource {
  candidate(c: number, passes: number): Promise<ExactCandidate>;
}

/** The race's candidates in order: each `c` on the widest spec's features, then (`wide`) on the wide representation. */
export function exactGrid(options: ExactOptions, wide: boolean): Array<{ c: number; wide: boolean }> {
  return options.cs.flatMap((c) => (wide ? [false, true] : [false]).map((w) => ({ c, wide: w })));
}

/**
 * The passes left the race needs to surely reach its first wide candidate: the candidates before
 * it at their full passes, then it and the refit of it (a candidate that converges sooner spends
 * less, so the race may reach it with fewer). Infinite when the grid has none.
 */
export function passesToFirstWide(options: ExactOptions, refitRatio: number): number {
  const k = exactGrid(options, true).findIndex((g) => g.wide);
  return k < 0 ? Number.POSITIVE_INFINITY : k * options.passes + options.passes * (1 + refitRatio);
}

/**
 * Races the exact solver against SGD's early-stopped fit on validation: each candidate of the grid
 * (each `c`, on the widest spec's features, then on the wide representation when `wide` is given)
 * is fitted on the training rows for `passes` passes and scored on validation, as long as the pass
 * budget left covers it and the refit of the winner on train + validation (`refitRatio` × its
 * passes). The winner must be strictly more accurate on validation than SGD (and than the candidates before it).
 * @example
 * const report = await raceExact(spec.vocabulary.length, C, trainSet, validationSet, fit.validation, 20, 1.11, 42);
 */
export async function raceExact(
  features: number,
  classes: number,
  train: ExampleSet & { kind: "cached" },
  validation: ExampleSet & { kind: "cached" },
  sgd: { accuracy: number; loss: number },
  passesLeft: number,
  refitRatio: number,
  seed: number,
  options: ExactOptions = DEFAULT_EXACT,
  wide?: WideSource,
): Promise<ExactReport> {
  const report: ExactReport = {
    sgd: { validationAccuracy: sgd.accuracy, validationLoss: sgd.loss },
    candidates: [],
    chosen: null,
    passes: 0,
  };
  const rows = sizeOf(train)!;
  if (rows * classes > options.maxPairs) {
    return { ...report, skipped: `training rows × classes ${rows * classes} > ${options.maxPairs}` };
  }
  const grid = exactGrid(options, wide !== undefined);
  let best: { accuracy: number; chosen: NonNullable<ExactReport["chosen"]> } | undefined;
  for (const k of grid) {
    const { c } = k;
    if (report.passes + options.passes * (1 + refitRatio) > passesLeft) {
      report.skipped ??= `pass budget: ${k.wide ? "wide " : ""}c = ${c} and on not tried`;
      break;
    }
    const candidate = k.wide
      ? await wide!.candidate(c, options.passes)
      : await exactCandidate(features, classes, train, validation, { c, passes: options.passes, nb: null }, seed);
    report.passes += candidate.passes;
    report.candidates.push(candidate);
    if (!best || candidate.validationAccuracy > best.accuracy) {
      const chosen = { c, passes: candidate.passes, ...(k.wide ? { wide: true as const } : {}) };
      best = { accuracy: candidate.validationAccuracy, chosen };
    }
  }
  if (best && best.accuracy > sgd.accuracy) report.chosen = best.chosen;
  return report;
}

/** One candidate: fitted on the cached training examples (over `features` features), scored on validation. */
export async function exactCandidate(
  features: number,
  classes: number,
  train: ExampleSet & { kind: "cached" },
  validation: ExampleSet & { kind: "cached" },
  fit: { c: number; passes: number; nb: NbOptions | null },
  seed: number,
): Promise<ExactCandidate> {
  const { c, nb } = fit;
  const model = fitDualCd(
    train.cache,
    train.subset,
    features,
    classes,
    nbFit(train.cache, train.subset, features, classes, fit),
    mulberry32(seed),
  );
  const v = await evaluate(model, validation);
  return {
    solver: "dual coordinate descent",
    c,
    passes: model.passes,
    validationAccuracy: v.accuracy,
    validationLoss: v.loss,
    ...(nb ? { weights: nbLabel(nb) } : {}),
  };
}

/** `fitDualCd`'s options for `c`, `passes` and, with `nb`, the Naive Bayes scales of these examples. */
export function nbFit(
  cache: VectorCache,
  subset: Int32Array | undefined,
  features: number,
  classes: number,
  fit: { c: number; passes: number; nb: NbOptions | null },
): DualCdOptions {
  const { c, passes, nb } = fit;
  return nb ? { c, passes, scale: nbScale(cache, subset, features, classes, nb) } : { c, passes };
}
