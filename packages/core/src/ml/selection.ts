/**
 * Hyperparameter selection on validation: successive halving (Jamieson & Talwalkar 2016; the
 * inner loop of Hyperband, Li et al. 2018) over a small grid, with the training rows as the
 * resource. Rung 0 fits every learning rate × n-gram candidate on a small seeded sample; the best
 * third goes on to rung 1, crossed with the L2 candidates, on a larger sample; the best of rung 1
 * is the choice, and the caller fits it on all rows. Every candidate is an early-stopped fit of
 * `selection.epochs` epochs (the plain fit's minimum), scored on the validation split only
 * (accuracy, then loss), never on test.
 *
 * The budget is counted in training passes over the full training split, not in seconds, so the
 * choice does not depend on machine load: each rung gets (budget − 1) passes, its sample sized to
 * match; the final fit runs at least 2 passes, so selection and final fit together stay within
 * `budget` × the passes of one plain fit. Samples are bounded (`maxSampleRows`), so selection fits
 * in one process whatever the corpus size: a sharded trainer calls this on a sample, then trains
 * the chosen values over the shards (docs/adr/0005-hyperparameter-selection.md).
 */
import { performance } from "node:perf_hooks";
import { type Logger, logger } from "../logger.ts";
import { DEFAULT_EXACT, type ExactReport } from "./dual-cd.ts";
import { type ExampleSet, encoder, fillCache, type Rows, reservoir } from "./examples.ts";
import type { FeatureSpec } from "./feature-spec.ts";
import { DEFAULT_TRAIN_OPTIONS, type FitOptions } from "./fit.ts";
import { FitThread } from "./fit-thread.ts";
import { mulberry32, permutation } from "./random.ts";
import type { VectorCache } from "./row-cache.ts";
import { type Candidate, RungFits } from "./rung.ts";

export interface SelectionOptions {
  /** Selection and final fit together: at most this many times the passes of one plain fit (default 3). */
  budget?: number;
  learningRates?: number[];
  l2s?: number[];
  /** n-gram sizes to try (each at most the spec's: Preprocess builds the widest spec). */
  ngrams?: number[];
  /** Minimum document frequencies to try (each at least the spec's). */
  minDfs?: number[];
  /** Epochs of each candidate fit (default 2). */
  epochs?: number;
  /** The largest sample any rung trains on (default 100,000 rows). */
  maxSampleRows?: number;
  /** Values the user pinned (tollgate.config.json `training`): each is the only one tried. */
  pinned?: Partial<Candidate>;
}

export const DEFAULT_SELECTION = {
  budget: 3,
  learningRates: [0.3, 1, 3],
  l2s: [1e-6, 1e-4],
  ngrams: [2, 1],
  minDfs: [] as number[],
  epochs: 2,
  maxSampleRows: 100_000,
};

export type { Candidate } from "./rung.ts";

export interface CandidateResult extends Candidate {
  rung: number;
  rows: number;
  epochs: number;
  validationAccuracy: number;
  validationLoss: number;
}

export interface SelectionReport {
  method: string;
  budget: number;
  /** Training passes spent, counted over the full training split. */
  passes: number;
  seconds: number;
  trainRows: number;
  validationRows: number;
  candidates: CandidateResult[];
  chosen: Candidate;
  /** The values the user pinned (not searched); the rest of `chosen` was chosen on validation. */
  pinned?: Partial<Candidate>;
  /** The exact solver's race against the early-stopped SGD fit, on small data (`dual-cd.ts`). */
  exact?: ExactReport;
}

/** A seeded sample of up to `size` rows of a stream, featurized into a cache, in random order. */
async function cachedSample(spec: FeatureSpec, rows: Rows, size: number, rand: () => number) {
  const sample = await reservoir(rows, size, rand);
  const cache = (await fillCache(() => sample.rows, Number.POSITIVE_INFINITY, encoder(spec)))!;
  return { set: { kind: "cached" as const, cache, subset: permutation(cache.count, rand) }, total: sample.seen };
}

/** Rows of the training split to sample from: its cache in a seeded order, or a bounded sample of the stream. */
async function sampleSource(spec: FeatureSpec, set: ExampleSet, size: number, rand: () => number) {
  if (set.kind === "streamed") return cachedSample(spec, set.rows, size, rand);
  const total = set.cache.count;
  return { set: { kind: "cached" as const, cache: set.cache, subset: permutation(total, rand) }, total };
}

type Cached = ExampleSet & { kind: "cached" };

const better = (a: CandidateResult, b: CandidateResult) =>
  a.validationAccuracy !== b.validationAccuracy
    ? b.validationAccuracy - a.validationAccuracy
    : a.validationLoss - b.validationLoss;

/**
 * Chooses the learning rate, L2 and feature variant on validation by successive halving.
 * Deterministic for `defaults.seed` and the rows' order.
 * @example
 * const report = await selectHyperparameters(spec, { trainSet, validationSet }, { ...DEFAULT_TRAIN_OPTIONS, seed: 42 });
 * report.chosen // { learningRate: 1, l2: 1e-6, ngramMax: 1, minDf: 2 }
 */
export async function selectHyperparameters(
  spec: FeatureSpec,
  data: {
    trainSet: ExampleSet;
    validationSet: ExampleSet;
    /** A second thread the caller booted early (the caller closes it); else one is started on large data. */
    thread?: Promise<FitThread | undefined> | undefined;
    /** Rung 0, started by the caller on its sample before the training cache was complete (`startFirstRung`). */
    early?: EarlyRung | undefined;
  },
  defaults: FitOptions,
  options: SelectionOptions = {},
  log: Logger = logger,
): Promise<SelectionReport> {
  const started = performance.now();
  const { o, pinned } = grids(options);
  const only = onlyCandidate(spec, o, defaults);
  if (only) {
    // A budget of 1, or a single candidate: nothing to choose, the caller fits it.
    return {
      method: o.budget <= 1 ? "none (budget 1: one plain fit)" : "none (every searched value is pinned)",
      budget: o.budget,
      passes: 0,
      seconds: (performance.now() - started) / 1000,
      trainRows: data.trainSet.kind === "cached" ? data.trainSet.cache.count : 0,
      validationRows: data.validationSet.kind === "cached" ? data.validationSet.cache.count : 0,
      candidates: [],
      chosen: only,
      pinned,
    };
  }
  const rand = mulberry32(defaults.seed ^ SAMPLE_SEED);
  const source =
    data.early && data.trainSet.kind === "cached"
      ? {
          set: { kind: "cached" as const, cache: data.trainSet.cache, subset: data.early.subset },
          total: data.trainSet.cache.count,
        }
      : await sampleSource(spec, data.trainSet, o.maxSampleRows, rand);
  const validationSet: ExampleSet =
    data.validationSet.kind === "cached"
      ? data.validationSet
      : (await cachedSample(spec, data.validationSet.rows, o.maxSampleRows, rand)).set;
  const rung0 = firstRung(spec, o, defaults);
  const validations = data.early?.validations ?? new Map<string, ExampleSet>();
  const results: CandidateResult[] = [];
  let passes = 0;
  const rowsOf = (candidates: Candidate[]) => rungRows(o, candidates.length, source.set.subset.length, source.total);
  const runRung = async (rung: number, candidates: Candidate[], started?: RungFits) => {
    const rows = rowsOf(candidates);
    const sample: Cached = { ...source.set, subset: source.set.subset.subarray(0, rows) };
    const work = { spec, candidates, sample, validation: validationSet, defaults, epochs: o.epochs, validations };
    const fits = await (started ?? new RungFits(work, thread, log)).finish();
    const out: CandidateResult[] = [];
    for (const [k, c] of candidates.entries()) {
      const fit = fits[k]!;
      passes += (fit.epochsRun * rows) / source.total;
      out.push({
        ...c,
        rung,
        rows,
        epochs: fit.epochsRun,
        validationAccuracy: fit.validation.accuracy,
        validationLoss: fit.validation.loss,
      });
    }
    results.push(...out);
    return out.sort(better);
  };
  // Large data (the exact race's size bound, as for the refit beside the fit): a second thread.
  const own = !data.thread && source.total * spec.labels.length > DEFAULT_EXACT.maxPairs;
  const thread = own ? await FitThread.start() : await data.thread;
  log.debug({ thread: thread !== undefined }, "selection: a second thread for candidates");
  let second: CandidateResult[];
  try {
    const first = await runRung(0, rung0, data.early?.rung);
    const survivors = first.slice(0, Math.max(1, Math.ceil(first.length / 3)));
    const rung1 = survivors.flatMap((s) =>
      o.l2s.map((l2) => ({ learningRate: s.learningRate, l2, ngramMax: s.ngramMax, minDf: s.minDf })),
    );
    second = await runRung(1, rung1);
  } finally {
    if (own) await thread?.close();
  }
  const { learningRate, l2, ngramMax, minDf } = second[0]!;
  return {
    method:
      "successive halving (rung 0: learning rate × features on a sample; rung 1: the best third × L2 on a larger sample)",
    budget: o.budget,
    passes: Number(passes.toFixed(3)),
    seconds: (performance.now() - started) / 1000,
    trainRows: source.total,
    validationRows: validationSet.kind === "cached" ? (validationSet.subset?.length ?? validationSet.cache.count) : 0,
    candidates: results,
    chosen: { learningRate, l2, ngramMax, minDf },
    pinned,
  };
}

/** Seeds the samples' permutation (with the fit's seed). */
const SAMPLE_SEED = 0x5e1ec7;

/** Rung 0's candidates: every learning rate × n-gram size × minimum df, at the first L2. */
function firstRung(spec: FeatureSpec, o: typeof DEFAULT_SELECTION, defaults: FitOptions): Candidate[] {
  const ngrams = [...new Set(o.ngrams.filter((n) => n <= spec.options.ngramMax))];
  const minDfs = o.minDfs.length ? [...new Set(o.minDfs.filter((m) => m >= spec.options.minDf))] : [spec.options.minDf];
  const rung0: Candidate[] = [];
  for (const ngramMax of ngrams.length ? ngrams : [spec.options.ngramMax]) {
    for (const minDf of minDfs) {
      for (const learningRate of o.learningRates)
        rung0.push({ learningRate, l2: o.l2s[0] ?? defaults.l2, ngramMax, minDf });
    }
  }
  return rung0;
}

/** A rung's sample size: (budget − 1) passes over the training split shared by its candidates, bounded. */
function rungRows(o: typeof DEFAULT_SELECTION, candidates: number, available: number, total: number): number {
  const share = Math.max(0, o.budget - 1) / (candidates * o.epochs);
  return Math.max(1, Math.min(available, o.maxSampleRows, Math.ceil(share * total)));
}

/** Rung 0 started early, and the seeded order of the training rows its samples are prefixes of. */
export interface EarlyRung {
  subset: Int32Array;
  rung: RungFits;
  /** The validation set of each feature variant, restricted once for both rungs. */
  validations: Map<string, ExampleSet>;
}

/**
 * Where rung 0's sample lies among `total` cached training rows: the seeded order of the rows
 * (as `selectHyperparameters` draws it) and how many of its first rows rung 0 fits on; undefined
 * when no search will run. The caller featurizes those rows first, then starts the rung with
 * `startFirstRung` while it featurizes the rest.
 */
export function firstRungSample(
  spec: FeatureSpec,
  total: number,
  defaults: FitOptions,
  options: SelectionOptions,
): { subset: Int32Array; rows: number } | undefined {
  const { o } = grids(options);
  if (onlyCandidate(spec, o, defaults)) return undefined;
  const subset = permutation(total, mulberry32(defaults.seed ^ SAMPLE_SEED));
  return { subset, rows: rungRows(o, firstRung(spec, o, defaults).length, total, total) };
}

/**
 * Starts rung 0 on `sample` (the first rows of `subset`, featurized in that order) on the second
 * thread; `selectHyperparameters` (given the result as `early`) finishes it. Same figures as a
 * rung 0 it runs itself on the complete cache.
 */
export function startFirstRung(
  spec: FeatureSpec,
  subset: Int32Array,
  sample: VectorCache,
  validationSet: ExampleSet,
  defaults: FitOptions,
  options: SelectionOptions,
  thread: FitThread | undefined,
  log: Logger = logger,
): EarlyRung {
  const { o } = grids(options);
  const work = {
    spec,
    candidates: firstRung(spec, o, defaults),
    sample: { kind: "cached" as const, cache: sample },
    validation: validationSet,
    defaults,
    epochs: o.epochs,
    validations: new Map<string, ExampleSet>(),
  };
  return { subset, rung: new RungFits(work, thread, log), validations: work.validations };
}

/** The grids searched: the defaults, the caller's, and each pinned value as the only one tried. */
function grids(options: SelectionOptions) {
  const { pinned = {}, ...rest } = options;
  const o = { ...DEFAULT_SELECTION, ...rest };
  if (pinned.learningRate !== undefined) o.learningRates = [pinned.learningRate];
  if (pinned.l2 !== undefined) o.l2s = [pinned.l2];
  if (pinned.ngramMax !== undefined) o.ngrams = [pinned.ngramMax];
  if (pinned.minDf !== undefined) o.minDfs = [pinned.minDf];
  return { o, pinned };
}

/** Whether `selectHyperparameters` will search (fit candidates) under these options, rather than return the only candidate. */
export function searches(spec: FeatureSpec, options: SelectionOptions): boolean {
  const { o } = grids(options);
  return onlyCandidate(spec, o, { ...DEFAULT_TRAIN_OPTIONS, seed: 0 }) === undefined;
}

/** The one candidate to fit without a search (a budget of 1, or one value left in each grid), else undefined. */
function onlyCandidate(spec: FeatureSpec, o: typeof DEFAULT_SELECTION, defaults: FitOptions): Candidate | undefined {
  const ngrams = [...new Set(o.ngrams.filter((n) => n <= spec.options.ngramMax))];
  const minDfs = [...new Set(o.minDfs.filter((m) => m >= spec.options.minDf))];
  const grids = [o.learningRates, o.l2s, ngrams, minDfs];
  if (o.budget > 1 && grids.some((grid) => grid.length > 1)) return undefined;
  // each grid's only value (a pinned one), else the plain fit's default
  const one = <T>(grid: T[], fallback: T) => (grid.length === 1 ? grid[0]! : fallback);
  return {
    learningRate: one(o.learningRates, defaults.learningRate),
    l2: one(o.l2s, defaults.l2),
    ngramMax: one(ngrams, spec.options.ngramMax),
    minDf: one(minDfs, spec.options.minDf),
  };
}
