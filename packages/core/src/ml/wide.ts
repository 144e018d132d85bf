/**
 * The exact race's wide representation (small data, docs/adr/0005-hyperparameter-selection.md item
 * 7): the peers' features (minimum document frequency 1, no 100k cap, sublinear tf, l2), built from
 * the training rows. Its spec and features differ from Preprocess's, so they are worked out on
 * their own: in a worker thread beside the SGD search and fit when there is a second core
 * (`wide-worker.ts`), which then sends them and goes on to refit the grid's first `c` on train +
 * validation (what the race needs if that candidate wins) without waiting to be asked; else in this
 * thread when the race asks. The race fits and scores the wide candidates itself. Every piece is a
 * function of the rows, options and seed, so the figures and weights are the same either way.
 */
import type { Worker } from "node:worker_threads";
import { fitDualCd } from "./dual-cd.ts";
import { type ExampleSet, encoder, fillCache, type Row } from "./examples.ts";
import {
  type FeatureOptions,
  type FeatureSpec,
  FeatureSpecBuilder,
  featureLimit,
  specFromTerms,
} from "./feature-spec.ts";
import { mulberry32 } from "./random.ts";
import { unionCache } from "./refit.ts";
import { type CacheParts, cachedSet, startWorker } from "./threads.ts";

/** What the wide representation needs: the rows as text, the labels and Preprocess's options; the grid and seed for the refits. */
export interface WideJob {
  train: Row[];
  validation: Row[];
  labels: string[];
  options: FeatureOptions;
  cs: number[];
  passes: number;
  seed: number;
}

/** The wide representation's cached training and validation examples, over `terms` features. */
export interface WideExamples {
  terms: number;
  train: ExampleSet & { kind: "cached" };
  validation: ExampleSet & { kind: "cached" };
}

/** The wide representation: its spec and examples. */
export type WideFeatures = WideExamples & { spec: FeatureSpec };

/** A refit on train + validation: dual CD with this `c` and pass count. */
export interface WideRefit {
  c: number;
  passes: number;
  weights: Float32Array;
  bias: Float32Array;
  rows: number;
}

/** From the thread: the examples (typed arrays: cheap to copy), each refit, the spec when asked (its strings are not). */
export type WideMessage =
  | { examples: { terms: number; train: CacheParts; validation: CacheParts } }
  | { refit: WideRefit }
  | { spec: FeatureSpec }
  | { error: string };

/** The wide representation of a spec's options: every term seen (minimum df 1, only the weight bound), sublinear tf. */
export const wideOptions = (options: FeatureOptions): FeatureOptions => ({
  ...options,
  minDf: 1,
  maxFeatures: options.maxWeights,
  sublinearTf: true,
});

/** Builds the wide spec from the training rows and featurizes both splits with it. */
export async function wideFeatures(
  job: Pick<WideJob, "train" | "validation" | "labels" | "options">,
): Promise<WideFeatures> {
  const options = wideOptions(job.options);
  const builder = new FeatureSpecBuilder(job.labels, options);
  for (const row of job.train) {
    if ("ids" in row) builder.addTokens(row.label, row.ids, row.tokens);
    else builder.add(row);
  }
  // Every term, when they fit the weight bound (Austen: 173k), in the order first seen: the model
  // needs a fixed order, not the sorted one (sorting them by frequency and text took ~0.5 s there).
  const counted = [...builder.terms()];
  const spec =
    counted.length <= featureLimit(options, job.labels.length)
      ? specFromTerms(job.labels, options, builder.documentCount, counted)
      : builder.build();
  const encode = encoder(spec);
  const cached = async (rows: Row[]) => ({
    kind: "cached" as const,
    cache: (await fillCache(() => rows, Number.POSITIVE_INFINITY, encode))!,
  });
  const terms = spec.vocabulary.length;
  return { spec, terms, train: await cached(job.train), validation: await cached(job.validation) };
}

/** Dual CD with `c` for `passes` passes on train + validation (the race's refit of a wide winner). */
export function refitWide(examples: WideExamples, classes: number, c: number, passes: number, seed: number): WideRefit {
  const all = unionCache(examples.train, examples.validation);
  const out = fitDualCd(all, undefined, examples.terms, classes, { c, passes }, mulberry32(seed));
  return { c, passes: out.passes, weights: out.weights, bias: out.bias, rows: all.count };
}

/**
 * The wide representation as the race reads it: `features()` and `refit(c, passes)` resolve with
 * the thread's (when it has them) or are computed here.
 */
export class WideCandidates {
  private received: WideExamples | undefined;
  private receivedSpec: FeatureSpec | undefined;
  private specAsked = false;
  private local: Promise<WideFeatures> | undefined;
  private readonly refits: WideRefit[] = [];
  private waiters: Array<() => void> = [];
  private worker: Worker | undefined;
  /** Whether a worker thread was started for the work. */
  threaded = false;

  private constructor(private readonly job: WideJob) {}

  /** Starts the work in a worker thread when one can run (it begins at once), else leaves it to be done here when asked. */
  static async start(job: WideJob): Promise<WideCandidates> {
    const wide = new WideCandidates(job);
    const worker = await startWorker("./wide-worker.ts", { job });
    if (worker) wide.listen(worker);
    return wide;
  }

  private listen(worker: Worker): void {
    this.worker = worker;
    this.threaded = true;
    worker.on("message", (message: WideMessage) => {
      if ("error" in message) return this.fallBack();
      if ("examples" in message) {
        const { terms, train, validation } = message.examples;
        this.received = { terms, train: cachedSet(train), validation: cachedSet(validation) } as WideExamples;
      } else if ("refit" in message) this.refits.push(message.refit);
      else this.receivedSpec = message.spec;
      this.wake();
    });
    worker.on("error", () => this.fallBack());
    worker.on("exit", () => this.fallBack());
  }

  /** The thread failed or stopped: what it did not send is computed here (the same results). */
  private fallBack(): void {
    if (!this.worker) return;
    this.worker = undefined;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private computed(): Promise<WideFeatures> {
    this.local ??= wideFeatures(this.job);
    return this.local;
  }

  private until(): Promise<void> {
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** The wide representation's cached examples. */
  async examples(): Promise<WideExamples> {
    for (;;) {
      if (this.received) return this.received;
      if (!this.worker) return this.computed();
      await this.until();
    }
  }

  /** The wide spec (asked of the thread only when needed: its term strings cost the receiver). */
  async spec(): Promise<FeatureSpec> {
    for (;;) {
      if (this.receivedSpec) return this.receivedSpec;
      if (!this.worker) return (await this.computed()).spec;
      if (!this.specAsked) this.worker.postMessage("spec");
      this.specAsked = true;
      await this.until();
    }
  }

  /** The refit on train + validation with this `c` for `passes` passes. */
  async refit(c: number, passes: number): Promise<WideRefit> {
    for (;;) {
      const found = this.refits.find((r) => r.c === c && r.passes === passes);
      if (found) return found;
      // The thread refits the grid's first c for the grid's passes; others are computed here.
      if (!this.worker || passes !== this.job.passes || c !== this.job.cs[0]) break;
      await this.until();
    }
    return refitWide(await this.examples(), this.job.labels.length, c, passes, this.job.seed);
  }

  /** Stops the thread, if any. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}
