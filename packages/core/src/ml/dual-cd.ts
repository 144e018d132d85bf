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

import { DUAL_CD_WASM } from "./dual-cd-wasm.ts";
import { type ExampleSet, sizeOf } from "./examples.ts";
import { DEFAULT_NB, type NbOptions, nbScale, type ScaleRows } from "./nb-weights.ts";
import { evaluate } from "./pass.ts";
import { mulberry32, permutation } from "./random.ts";
import type { VectorCache } from "./row-cache.ts";
import { checkWasmBytes, type ExampleRegions, instantiate, writeExamples } from "./wasm.ts";

export interface DualCdOptions {
  /** The inverse regularization strength (LIBLINEAR's `-c`). */
  c: number;
  /** Passes over the examples (each updates every example's dual variables once per class). */
  passes: number;
  /** Stop once the largest projected gradient of a pass is below this (LIBLINEAR's `-e`, 0.1). */
  tolerance?: number;
  /**
   * Class c's problem trained on x ⊙ s_c: the squared scales s² by rows (`nb-weights.ts`; a full
   * features × classes array: `rowPerFeature`). The weights returned apply to the unscaled features
   * (w_c ⊙ s_c), so the model is used as any.
   */
  scale?: ScaleRows;
}

/** The module's exports (src/ml/wasm.ts; addresses are byte offsets into its memory). */
interface DualCdModule extends ExampleRegions {
  prepare(
    nnz: number,
    cacheRows: number,
    rows: number,
    features: number,
    classes: number,
    scaled: boolean,
    scaleRows: number,
  ): void;
  rows(): number;
  order(): number;
  scale(): number;
  rowOf(): number;
  weights(): number;
  bias(): number;
  steps(): number;
  init(upper: number, start: number): void;
  pass(upper: number, innerTolerance: number): number;
  finish(): void;
}

/**
 * This thread's instance, reused by every fit (each `prepare` starts its memory over): a fresh one
 * per fit would pay, in its first sweep, for mapping the pages of ~30 MB (Austen's wide refit).
 * Dropped by `releaseDualCd`.
 */
let reused: DualCdModule | undefined;

/** Lets this thread's dual CD instance, and the memory its largest fit grew, be collected (`trainLinear` does, when done). */
export function releaseDualCd(): void {
  reused = undefined;
}

/**
 * Fits the model on cached examples (all, or the indices in `subset`). The passes run in
 * WebAssembly (packages/core/assembly/dual-cd.ts: the same operations in the same order, with this
 * Math.log, so the same floats, ~2× faster); each pass's order is drawn here from `rand`.
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
  const upper = options.c;
  const tolerance = options.tolerance ?? 0.1;
  const n = subset?.length ?? cache.count;
  const nnz = cache.offsets[cache.count]!;
  reused ??= instantiate<DualCdModule>(DUAL_CD_WASM, { log: Math.log });
  const m = reused;
  const scale = options.scale;
  const scaleRows = scale ? scale.rows.length / classes : 0;
  // (what prepare lays out: the examples, the rows' order and dual variables, the model, the scales)
  const perRow = 8 + 8 + 16 * classes + 8 * (scale ? classes : 1);
  const bytes = 12 * nnz + perRow * cache.count + 8 * features * (classes + 1) + 8 * scaleRows * classes + 4 * features;
  checkWasmBytes(bytes, `dual coordinate descent on ${cache.count} rows × ${features} features`);
  m.prepare(nnz, cache.count, n, features, classes, scale !== undefined, scaleRows);
  // (prepare grew the memory: the views are made after it)
  writeExamples(m, cache);
  const { buffer } = m.memory;
  const rows = new Int32Array(buffer, m.rows(), n);
  if (subset) rows.set(subset);
  else for (let k = 0; k < n; k++) rows[k] = k;
  if (scale) {
    new Float64Array(buffer, m.scale(), scale.rows.length).set(scale.rows);
    new Int32Array(buffer, m.rowOf(), features).set(scale.rowOf);
  }
  m.init(upper, Math.min(0.001 * upper, 1e-8));
  const order = new Int32Array(buffer, m.order(), n);
  let innerTolerance = 1e-2;
  const innerMin = Math.min(1e-8, tolerance);
  let passes = 0;
  while (passes < options.passes) {
    passes++;
    order.set(permutation(n, rand));
    const largest = m.pass(upper, innerTolerance);
    if (largest < tolerance) break;
    if (m.steps() <= n / 10) innerTolerance = Math.max(innerMin, 0.1 * innerTolerance);
  }
  m.finish();
  return {
    weights: Float32Array.from(new Float64Array(buffer, m.weights(), features * classes)),
    bias: Float32Array.from(new Float64Array(buffer, m.bias(), classes)),
    passes,
  };
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
