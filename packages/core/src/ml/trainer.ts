/**
 * Training: multinomial logistic regression by AdaGrad SGD (one accumulator per feature row)
 * with iterate averaging, L2 on the rows touched by each example, updates skipped for the
 * classes whose gradient is negligible, and early stopping on validation loss (the best epoch's weights
 * are kept). Fully reproducible for a seed: seeded PRNG only, no Math.random.
 *
 * Data: the first pass featurizes the rows into a compact cache (about 12 bytes per non-zero
 * feature) when it fits in `cacheBytes` (by default as large as the optimiser state, so bounded
 * by the model, not the data); then every epoch visits a full seeded permutation,
 * without re-reading or re-tokenising. Beyond that bound, training streams over the rows each
 * epoch through a seeded shuffle buffer (memory: the model and the buffer, not the data).
 * Streaming cannot fully mix an input sorted by label; averaging from the first step keeps
 * it usable, but shards written in hash order train better.
 *
 * With `selection`, the learning rate, L2 and n-grams are first chosen on validation
 * (`selection.ts`); once early stopping has found the best epoch count, the final model is refit on
 * train + validation for that many epochs (`refit.ts`, as the peers are run); the pieces of a fit (`fit.ts`) and of one pass (`pass.ts`) are separate so
 * that a sharded trainer can reuse them.
 */

import { type Logger, logger } from "../logger.ts";
import { isExactChosen } from "../registry/selection-card.ts";
import { DEFAULT_EXACT, type ExactCandidate, exactSettings, fitDualCd, raceExact, releaseDualCd } from "./dual-cd.ts";
import {
  cacheEncoder,
  type ExampleSet,
  encoder,
  fillCache,
  type Row,
  type Rows,
  restrictCache,
  restrictSpec,
} from "./examples.ts";
import type { FeatureSpec } from "./feature-spec.ts";
import { DEFAULT_TRAIN_OPTIONS, type EpochFigures, type FitOptions, type FitResult, fitLinear } from "./fit.ts";
import { FitThread } from "./fit-thread.ts";
import type { LinearModel } from "./linear-model.ts";
import { mulberry32 } from "./random.ts";
import { refitLinear, unionCache, unionSet } from "./refit.ts";
import { RefitBeside } from "./refit-beside.ts";
import { VectorCache } from "./row-cache.ts";
import {
  type EarlyRung,
  firstRungSample,
  type SelectionOptions,
  type SelectionReport,
  searches,
  selectHyperparameters,
  startFirstRung,
} from "./selection.ts";
import { prepareWorkers } from "./threads.ts";
import { LazyWide } from "./wide-start.ts";

export { DEFAULT_TRAIN_OPTIONS, type EpochFigures } from "./fit.ts";

export interface TrainOptions {
  /** Seed of the shuffling PRNG; same seed and same rows → identical weights. */
  seed: number;
  /** Maximum passes over the training rows (default 25; early stopping usually ends far sooner). */
  epochs?: number;
  /** AdaGrad base learning rate (default 3; with `selection`, chosen on validation; the accumulators are per feature row). */
  learningRate?: number;
  /** L2 penalty, applied to the weights of the features an example touches (default 1e-6). */
  l2?: number;
  /** Stop after this many epochs without a gain (see `tolerance`) in validation loss (default 1). */
  patience?: number;
  /** Average the iterates (Polyak–Ruppert) and use the average (default true). */
  average?: boolean;
  /**
   * With averaging, average from this epoch on (default 1: from the first step; with the
   * per-row step sizes this converges in 2 epochs on WordNet, and is robust to an input sorted by
   * label that streaming only mixes locally).
   */
  averageFrom?: number;
  /**
   * An epoch gains only if it lowers the best validation loss by this fraction (default 0.02: stop
   * once an epoch gains less than 2%, keeping the best weights; chosen on the validation loss of
   * four datasets, see docs/adr/0005-hyperparameter-selection.md).
   */
  tolerance?: number;
  /**
   * Byte bound of the featurized-row cache (0: always stream). Default: as many bytes as the
   * optimiser's own state (12 per weight: weights and their running average), at least 64 MiB
   * (long documents in few classes, such as e-mails, need more than their small model), so memory
   * grows with the model, not with the data: larger data streams through the shuffle buffer.
   */
  cacheBytes?: number;
  /** Rows in the seeded shuffle buffer when streaming (default 16384). */
  shuffleBuffer?: number;
  /**
   * Skip, for an example, the weight updates of the classes whose logit gradient is below this
   * in absolute value (default 0.01: most of them once the model is fair; 0: update all).
   */
  minGradient?: number;
  /**
   * Once early stopping on validation has found the best epoch count, fit the final model again on
   * the training and validation rows together for that many epochs (default true; see `refit.ts`).
   * The reported validation figures and curve are the early-stopped fit's (held out).
   */
  refit?: boolean;
  /**
   * Choose the learning rate, L2 and n-grams on validation before the final fit (see
   * `selection.ts`); `true` for the default settings. Off by default here; the Train step turns it on.
   */
  selection?: SelectionOptions | boolean;
}

/** A race candidate as the fit report names its solver: c, then its features and weights when not the spec's plain ones. */
const solverOf = (k: ExactCandidate) =>
  [`dual coordinate descent, c = ${k.c}`, k.features, k.weights].filter(Boolean).join(", ");

/**
 * The exact race's pass budget: `budget` × the plain fit (the early-stopped fit of `epochs` epochs
 * and its refit of `best` epochs over `refitRatio` × the rows), less the selection and the
 * early-stopped fit already spent.
 */
function raceBudget(selection: SelectionReport, epochs: number, best: number, refitRatio: number): number {
  return selection.budget * (epochs + best * refitRatio) - selection.passes - epochs;
}

/**
 * The exact solver's race (`dual-cd.ts`) on the widest spec's cached examples, with the pass
 * budget left (`raceBudget`). Returns the report and train + validation as one cache. When no wide
 * work runs (the budget reaches no wide candidate), `narrow` is given that cache before the race:
 * the second core is free for the race's time.
 */
async function raceWidest(
  widest: { spec: FeatureSpec; trainSet: ExampleSet; validationSet: ExampleSet },
  fit: FitResult,
  selection: SelectionReport,
  seed: number,
  wide: LazyWide | undefined,
  narrow?: (all: VectorCache) => Promise<void>,
) {
  const { spec, trainSet, validationSet } = widest;
  if (trainSet.kind !== "cached" || validationSet.kind !== "cached") return undefined;
  const refitRatio = (fit.trainRows + fit.validationRows) / fit.trainRows;
  const left = raceBudget(selection, fit.epochsRun, fit.bestEpoch, refitRatio);
  // The wide work starts here at the latest when the budget surely reaches a wide candidate; else
  // what its thread started unasked is left undone, and the thread may refit ahead (`narrow`).
  const reached = (await wide?.raceReaches(left, refitRatio)) ?? false;
  // (train + validation as one cache: the narrow refit's data, here or ahead in a thread)
  const union = narrow && wide && !reached ? unionCache(trainSet, validationSet) : undefined;
  if (union) await narrow!(union);
  const report = await raceExact(
    spec.vocabulary.length,
    spec.labels.length,
    trainSet,
    validationSet,
    fit.validation,
    left,
    refitRatio,
    seed,
    DEFAULT_EXACT,
    wide,
  );
  const all = {
    kind: "cached" as const,
    cache: report.chosen && !report.chosen.wide ? (union ?? unionCache(trainSet, validationSet)) : trainSet.cache,
  };
  return { report, all };
}

/** A trained model, its held-out validation figures, parameters, loss curve and selection report. */
export interface Trained {
  model: LinearModel;
  validation: { accuracy: number; loss: number };
  params: Record<string, unknown>;
  curve: EpochFigures[];
  selection?: SelectionReport;
}

/** The smallest default cache bound (bytes), whatever the model size. */
const MIN_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * Trains a linear model on the rows of `train`, early-stopping on `validation` (each is called
 * once per pass and must yield the same rows each time). Epoch lines go to `log` (the step
 * passes its logger, which carries the run id). With `selection`, first chooses the
 * learning rate, L2 and n-grams on validation (successive halving on samples, see `selection.ts`),
 * then fits with the chosen values; the model's spec is then the chosen one.
 * @throws InvalidDatasetError on a label outside `spec.labels` or an empty training split.
 * @example
 * const { model, validation } = await trainLinear(spec, () => rows("train"), () => rows("validation"), { seed: 42 });
 */
export async function trainLinear(
  spec: FeatureSpec,
  train: Rows,
  validation: Rows,
  options: TrainOptions,
  log: Logger = logger,
): Promise<Trained> {
  // Large data by Preprocess's document count: the second threads boot now, while this one featurizes.
  const early = bootThreads(spec, options);
  try {
    return await trainWith(spec, train, validation, options, log, early);
  } finally {
    // Closed where used; here also when not reached (a bad row, an empty split), or the process would
    // not exit. Not waited for: a thread takes 15–50 ms to exit here, and nothing reads from it now.
    const closing = [
      early.wide?.close(),
      early.fit?.then((thread) => thread?.close()),
      early.refit?.then((beside) => beside?.close()),
    ];
    void Promise.allSettled(closing);
    releaseDualCd();
  }
}

/** `trainLinear`'s work, with the threads it booted. */
async function trainWith(
  spec: FeatureSpec,
  train: Rows,
  validation: Rows,
  options: TrainOptions,
  log: Logger,
  early: EarlyThreads,
): Promise<Trained> {
  let opts: FitOptions = { ...DEFAULT_TRAIN_OPTIONS, ...options };
  const C = spec.labels.length;
  const encode = encoder(spec);
  const cacheBytes = options.cacheBytes ?? Math.max(MIN_CACHE_BYTES, 12 * spec.vocabulary.length * C);
  const settings = selectionSettings(options);
  // Small data: the rows read once, as text, for the featurizing and the exact race's wide
  // candidates, whose work starts only once the race's budget surely reaches one (`wide-start.ts`).
  const texts = settings && opts.refit ? await smallRows(spec, { train, validation }, cacheBytes) : undefined;
  if (texts) {
    ({ train, validation } = texts);
    const job = {
      train: texts.train(),
      validation: texts.validation(),
      labels: spec.labels,
      options: spec.options,
      cs: DEFAULT_EXACT.cs,
      passes: DEFAULT_EXACT.passes,
      nb: DEFAULT_EXACT.wideNb,
      seed: opts.seed,
    };
    early.wide = new LazyWide(job, DEFAULT_EXACT, log);
    // (its thread's module bundle is looked up now, or built meanwhile in esbuild's own process)
    prepareWorkers();
  }
  const overlapped =
    settings && early.fit
      ? await featurizeBesideFirstRung(spec, { train, validation }, cacheBytes, opts, settings, early.fit, log)
      : undefined;
  // (the cache copies each vector: featurized into reused buffers)
  const toCache = cacheEncoder(spec);
  const trainCache = overlapped ? overlapped.trainCache : await fillCache(train, cacheBytes, toCache);
  // Large data will use a second thread (selection, the refit beside the fit): its module bundles meanwhile.
  if (trainCache && trainCache.count * C > DEFAULT_EXACT.maxPairs) prepareWorkers();
  const validationCache = overlapped
    ? overlapped.validationCache
    : await fillCache(validation, cacheBytes - (trainCache?.bytes ?? 0), toCache);
  let trainSet: ExampleSet = trainCache
    ? { kind: "cached", cache: trainCache }
    : { kind: "streamed", rows: train, encode };
  let validationSet: ExampleSet = validationCache
    ? { kind: "cached", cache: validationCache }
    : { kind: "streamed", rows: validation, encode };
  const widest = { spec, trainSet, validationSet };
  let finalSpec = spec;
  let selection: SelectionReport | undefined;
  if (settings) {
    try {
      const data = { trainSet, validationSet, thread: early.fit, early: overlapped?.early };
      selection = await selectHyperparameters(spec, data, opts, settings, log);
    } finally {
      // Idle now: the race's wide work (small data) runs in this thread, else it stops.
      if (selection && early.wide) early.wide.adopt(early.fit);
      else void early.fit?.then((thread) => thread?.close());
    }
    const { ngramMax, minDf, learningRate, l2 } = selection.chosen;
    opts = { ...opts, learningRate, l2 };
    const restricted = restrictSpec(spec, { ngramMax, minDf });
    if (restricted.spec.vocabulary.length < spec.vocabulary.length) {
      finalSpec = restricted.spec;
      const reencode = encoder(finalSpec);
      const narrow = (set: ExampleSet, rows: Rows): ExampleSet =>
        set.kind === "cached"
          ? { kind: "cached", cache: restrictCache(set, restricted.map, spec.idf) }
          : { kind: "streamed", rows, encode: reencode };
      trainSet = narrow(trainSet, train);
      validationSet = narrow(validationSet, validation);
    }
  }
  // Large data (no exact race): the refit runs beside the fit, epoch for epoch, on a second core.
  const beside = await startBeside(finalSpec, trainSet, validationSet, C, opts, early.refit);
  const searched = selection !== undefined && selection.budget > 1 && Object.keys(selection.pinned ?? {}).length === 0;
  // Small data: the race's wide work starts now in selection's thread, idle through the
  // early-stopped fit, and is abandoned if the race's budget turns out not to reach it.
  if (searched && opts.refit) await early.wide?.startOnIdleThread();
  let fit: FitResult;
  let refitted: Awaited<ReturnType<typeof refitLinear>> | undefined;
  try {
    fit = await fitLinear(finalSpec, trainSet, validationSet, opts, log, beside ? (e) => beside.allow(e) : undefined);
    if (fit.validationRows > 0 && fit.bestEpoch > 0) refitted = await beside?.weightsAfter(fit.bestEpoch);
  } finally {
    await beside?.close();
  }
  let { weights, bias } = fit;
  let validationFigures = fit.validation;
  let refit: { epochs: number; rows: number; solver?: string } | undefined;
  // Small data, with selection and refit: the exact solver on the widest features, chosen only if
  // more accurate on validation than the early-stopped fit, then refit on train + validation.
  // Not when the user pinned a value or allowed no selection (budget 1): the race would override them.
  // A race of narrow candidates only (small data): selection's idle thread refits the grid's first
  // candidate on train + validation meanwhile, used if the race chooses it with the same passes
  // (the same weights: `fitDualCd` of the same examples, c, passes and seed; a wide candidate the
  // race asks for early waits for it). Not for two classes: one solve, so the refit would save about
  // what the copy to the thread and sharing the core cost (the bench child, alternated: the fortunes,
  // 39 classes, train s median 5.11 → 3.80; spam, 2 classes, 3.28 → 3.74 when it ran there too).
  let ahead: { c: number; passes: number; out: Promise<ReturnType<typeof fitDualCd> | undefined> } | undefined;
  const refitAhead = async (all: VectorCache) => {
    const thread = await early.fit;
    if (!thread) return;
    const [c, passes] = [DEFAULT_EXACT.cs[0]!, DEFAULT_EXACT.passes];
    const shape = { features: spec.vocabulary.length, classes: C };
    // (posted now, before the race's synchronous work)
    const set = { kind: "cached" as const, cache: all };
    const out = thread.refitExact(shape, set, { c, passes, seed: opts.seed }).catch(() => undefined);
    ahead = { c, passes, out };
  };
  const exact =
    searched && opts.refit && fit.validationRows > 0 && fit.bestEpoch > 0
      ? await raceWidest(widest, fit, selection!, opts.seed, early.wide, C > 2 ? refitAhead : undefined)
      : undefined;
  // The wide thread's work is done with when no wide candidate won: stop it before the refit (not
  // while it refits ahead: it is stopped with the others at the end).
  if (!exact?.report.chosen?.wide && !ahead) await early.wide?.close();
  if (exact?.report.chosen?.wide) {
    const { c, passes } = exact.report.chosen;
    const wide = (await early.wide!.candidates)!;
    const out = await wide.refit(c, passes);
    finalSpec = await wide.spec();
    ({ weights, bias } = out);
    const chosen = exact.report.candidates.find((k) => k.c === c && k.features)!;
    validationFigures = { accuracy: chosen.validationAccuracy, loss: chosen.validationLoss };
    refit = { epochs: out.passes, rows: out.rows, solver: solverOf(chosen) };
    log.debug(refit, "exact solver on the wide representation chosen on validation; refit on train + validation");
  } else if (exact?.report.chosen) {
    const { c, passes } = exact.report.chosen;
    finalSpec = spec;
    const readied = ahead?.c === c && ahead.passes === passes ? await ahead.out : undefined;
    const out =
      readied ?? fitDualCd(exact.all.cache, undefined, spec.vocabulary.length, C, { c, passes }, mulberry32(opts.seed));
    ({ weights, bias } = out);
    const chosen = exact.report.candidates.find((k) => k.c === c && !k.features)!;
    validationFigures = { accuracy: chosen.validationAccuracy, loss: chosen.validationLoss };
    refit = { epochs: out.passes, rows: exact.all.cache.count, solver: solverOf(chosen) };
    log.debug(
      { ...refit, ahead: readied !== undefined },
      "exact solver chosen on validation; refit on train + validation",
    );
  } else if (opts.refit && fit.validationRows > 0 && fit.bestEpoch > 0) {
    const all = async () =>
      unionSet(
        { set: trainSet, rows: train },
        { set: validationSet, rows: validation },
        trainSet.kind === "streamed" ? trainSet.encode : encoder(finalSpec),
      );
    const out = refitted ?? (await refitLinear(finalSpec.vocabulary.length, C, await all(), fit.bestEpoch, opts));
    ({ weights, bias } = out);
    refit = { epochs: out.passes, rows: out.rows };
    log.debug({ ...refit, beside: refitted !== undefined }, "refit on train + validation");
  }
  const model: LinearModel = { spec: finalSpec, labels: [...spec.labels], weights, bias };
  const won = exact?.report.candidates.find((k) => isExactChosen(exact.report, k));
  return {
    model,
    validation: validationFigures,
    curve: fit.curve,
    ...(selection ? { selection: exact ? { ...selection, exact: exact.report } : selection } : {}),
    params: {
      algorithm: won
        ? `one-vs-rest L2 logistic regression, dual coordinate descent (LIBLINEAR -s 7), ${exactSettings(won)}`
        : `multinomial logistic regression, AdaGrad SGD${opts.average ? " with averaging" : ""}`,
      ...opts,
      selection: undefined,
      cacheBytes,
      averageFrom: opts.averageFrom ?? 1,
      epochsRun: fit.epochsRun,
      bestEpoch: fit.bestEpoch,
      examplesSeen: fit.examplesSeen,
      refit: refit ?? false,
      cached: { train: trainCache !== undefined, validation: validationCache !== undefined },
      features: finalSpec.vocabulary.length,
      ngramMax: finalSpec.options.ngramMax,
      classes: C,
      trainRows: fit.trainRows,
      validationRows: fit.validationRows,
    },
  };
}

/**
 * The refit beside the fit (`refit-beside.ts`), when it will surely be needed and the data is
 * cached: refit on, and above the exact race's size bound (below it the race may replace the refit,
 * and small data gains little from a second thread).
 */
async function startBeside(
  spec: FeatureSpec,
  trainSet: ExampleSet,
  validationSet: ExampleSet,
  classes: number,
  opts: FitOptions,
  booted: Promise<RefitBeside | undefined> | undefined,
): Promise<RefitBeside | undefined> {
  const unused = async () => void (await booted)?.close();
  if (!opts.refit || trainSet.kind !== "cached" || validationSet.kind !== "cached") return unused();
  if (validationSet.cache.count === 0 || trainSet.cache.count * classes <= DEFAULT_EXACT.maxPairs) return unused();
  const set = unionCache(trainSet, validationSet);
  const beside = await booted;
  if (!beside) return RefitBeside.start(spec.vocabulary.length, classes, set, opts);
  beside.begin(spec.vocabulary.length, classes, set, opts);
  return beside;
}

/**
 * The training and validation caches, with selection's rung 0 fitting on the second thread while
 * this one featurizes (issue 12 point 5): the training rows are read first (their count fixes the
 * seeded order rung 0's sample is a prefix of), the validation rows and rung 0's sample are
 * featurized, rung 0 starts, and this thread featurizes all training rows in their order, as
 * `fillCache` does. The same caches, sample and figures as the plain path; undefined (the caller
 * featurizes as before) when the rows, as text or cached, pass the cache bound or no search runs.
 */
async function featurizeBesideFirstRung(
  spec: FeatureSpec,
  rows: { train: Rows; validation: Rows },
  cacheBytes: number,
  opts: FitOptions,
  settings: SelectionOptions,
  thread: Promise<FitThread | undefined>,
  log: Logger,
): Promise<{ trainCache: VectorCache; validationCache: VectorCache; early: EarlyRung } | undefined> {
  const texts = await rowsWithin(rows.train, cacheBytes);
  // (An empty split: the plain path names the error.)
  const plan = texts?.length ? firstRungSample(spec, texts.length, opts, settings) : undefined;
  if (!texts || !plan) return undefined;
  // Every vector goes into a cache at once: featurized into reused buffers.
  const encode = cacheEncoder(spec);
  const validationCache = await fillCache(rows.validation, cacheBytes, encode);
  if (!validationCache) return undefined;
  const sample = new VectorCache(Number.POSITIVE_INFINITY);
  const slot = new Int32Array(texts.length).fill(-1);
  for (let k = 0; k < plan.rows; k++) {
    const { x, y } = encode(texts[plan.subset[k]!]!);
    sample.add(x, y);
    slot[plan.subset[k]!] = k;
  }
  const validationSet = { kind: "cached" as const, cache: validationCache };
  const early = startFirstRung(spec, plan.subset, sample, validationSet, opts, settings, await thread, log);
  log.debug({ sample: plan.rows, rows: texts.length }, "selection: rung 0 started beside the featurizing");
  const trainCache = new VectorCache(cacheBytes);
  try {
    for (const [i, row] of texts.entries()) {
      // The thread's replies now and then, so that it takes its next candidate meanwhile.
      if (i % 1024 === 0) await new Promise((resolve) => setImmediate(resolve));
      // A row of the sample is featurized already.
      const { x, y } = slot[i]! >= 0 ? sample.get(slot[i]!) : encode(row);
      if (!trainCache.add(x, y)) return void early.rung.cancel();
    }
  } catch (err) {
    early.rung.cancel();
    throw err;
  }
  // The plain path caches validation within what the training cache leaves.
  const room = cacheBytes - trainCache.bytes;
  if (room <= 0 || !validationCache.fitsWithin(room)) return void early.rung.cancel();
  return { trainCache, validationCache, early };
}

/** All rows, read into memory, while their text (UTF-16) or token ids stay within `bytes` (with a per-row allowance); else undefined. */
async function rowsWithin(rows: Rows, bytes: number): Promise<Row[] | undefined> {
  const out: Row[] = [];
  let used = 0;
  for await (const row of rows()) {
    used += ("ids" in row ? row.ids.byteLength : 2 * row.text.length) + 2 * row.label.length + 64;
    if (used > bytes) return undefined;
    out.push(row);
  }
  return out;
}

/**
 * Small data (Preprocess's document count × classes within the exact race's bound): the training
 * and validation rows read once as text (within the cache bound), for the featurizing and the
 * race's wide candidates; else undefined.
 */
async function smallRows(
  spec: FeatureSpec,
  rows: { train: Rows; validation: Rows },
  cacheBytes: number,
): Promise<{ train: () => Row[]; validation: () => Row[] } | undefined> {
  if (spec.documents * spec.labels.length > DEFAULT_EXACT.maxPairs) return undefined;
  const train = await rowsWithin(rows.train, cacheBytes);
  const validation = train && (await rowsWithin(rows.validation, cacheBytes));
  return train && validation && { train: () => train, validation: () => validation };
}

/** The search's settings when `options` asks for one (`true`: the defaults), else undefined. */
function selectionSettings(options: TrainOptions): SelectionOptions | undefined {
  return options.selection === true ? {} : options.selection || undefined;
}

type EarlyThreads = {
  fit?: Promise<FitThread | undefined>;
  refit?: Promise<RefitBeside | undefined>;
  wide?: LazyWide;
};

/**
 * The second threads, booted before featurizing: the worker modules bundle and the threads start
 * while this thread featurizes, off the critical path. The selection thread whenever a search will
 * run (session 8: small data too, whose second core no longer builds the race's wide representation
 * from the start, `wide-start.ts`); the refit's when Preprocess's document count says the data is
 * large (above the exact race's size bound, where `startBeside` uses it). The callers close what
 * they do not use.
 */
function bootThreads(spec: FeatureSpec, options: TrainOptions): EarlyThreads {
  const settings = selectionSettings(options);
  const search = settings !== undefined && searches(spec, settings);
  const large = spec.documents * spec.labels.length > DEFAULT_EXACT.maxPairs;
  if (!search && !large) return {};
  prepareWorkers();
  return {
    ...(search ? { fit: FitThread.start() } : {}),
    ...(large && (options.refit ?? DEFAULT_TRAIN_OPTIONS.refit) ? { refit: RefitBeside.boot() } : {}),
  };
}
