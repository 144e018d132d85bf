/**
 * The exact race's wide representation (small data, docs/adr/0005-hyperparameter-selection.md item
 * 7): the peers' features (minimum document frequency 1, no 100k cap, sublinear tf, l2), built from
 * the training rows (`wide-features.ts`). Its spec and features differ from Preprocess's, so they
 * are worked out on their own: in a worker thread when there is a second core (`wide-run.ts`;
 * selection's thread, idle once the search is done, else one of its own), which then shares them
 * (SharedArrayBuffers) and goes on, without waiting to be asked, to the race's first wide candidate (the grid's first `c`: fitted on train, scored on
 * validation) and its refit on train + validation (what the race needs if it wins); else in this
 * thread when the race asks. Each of those two is claimed by the first thread to reach it (an
 * atomic flag), so that they run side by side when both threads are free: the race, waiting for the
 * thread's candidate, refits here meanwhile. Every piece is a function of the rows, options and
 * seed, so the figures and weights are the same whichever thread computes them.
 */
import { MessageChannel, type MessagePort, type Worker } from "node:worker_threads";
import { type ExactCandidate, exactCandidate, fitDualCd, nbFit } from "./dual-cd.ts";
import type { Row } from "./examples.ts";
import type { FeatureOptions, FeatureSpec } from "./feature-spec.ts";
import type { NbOptions } from "./nb-weights.ts";
import { rememberTermTables, type TermTables } from "./onnx/term-tables.ts";
import { mulberry32 } from "./random.ts";
import { unionCache } from "./refit.ts";
import { type CacheParts, cachedSet, startWorker } from "./threads.ts";
import { type WideExamples, type WideFeatures, wideFeatures } from "./wide-features.ts";

export { type WideExamples, type WideFeatures, wideFeatures, wideOptions } from "./wide-features.ts";

/** What the wide representation needs: the rows as text, the labels and Preprocess's options; the grid and seed for the refits. */
export interface WideJob {
  train: Row[];
  validation: Row[];
  labels: string[];
  options: FeatureOptions;
  cs: number[];
  passes: number;
  seed: number;
  /** The race's Naive Bayes feature weights for the wide candidates (`ExactOptions.wideNb`). */
  nb: NbOptions | null;
}

/**
 * Rows as sent to the thread: the token rows' ids end to end in one SharedArrayBuffer (copied once
 * here; no ArrayBuffer per row to clone, nor to allocate and collect in the thread), each row
 * its label and either its text or where its ids are (the token list shared by all).
 */
export interface PackedRows {
  rows: Array<
    { label: string; text: string } | { label: string; at: number; count: number; tokens: readonly string[] }
  >;
  ids: Int32Array;
}

/** Packs rows for the thread (`unpackRows` gives them back, token ids as views of the shared array). */
export function packRows(rows: Row[]): PackedRows {
  let total = 0;
  for (const row of rows) if ("ids" in row) total += row.ids.length;
  const ids = new Int32Array(new SharedArrayBuffer(4 * total));
  let at = 0;
  const packed = rows.map((row) => {
    if (!("ids" in row)) return { label: row.label, text: row.text };
    ids.set(row.ids, at);
    at += row.ids.length;
    return { label: row.label, at: at - row.ids.length, count: row.ids.length, tokens: row.tokens };
  });
  return { rows: packed, ids: ids as unknown as Int32Array };
}

/** The rows `packRows` packed. */
export function unpackRows({ rows, ids }: PackedRows): Row[] {
  return rows.map((row) =>
    "text" in row ? row : { label: row.label, ids: ids.subarray(row.at, row.at + row.count), tokens: row.tokens },
  );
}

/** A `WideJob` as sent to the thread: its rows packed. */
export type SentJob = Omit<WideJob, "train" | "validation"> & { train: PackedRows; validation: PackedRows };

/**
 * A spec as sent between threads: its terms in one string, a newline after each but the last (no
 * term holds one: tokens are letters, marks and digits), and its idf in a typed array. Sent so, its
 * copy costs each side a string and an array instead of one string per term and a number per idf
 * (Austen's 173k wide terms: ~110 → ~45 ms, sending and receiving).
 */
export type PackedSpec = Omit<FeatureSpec, "vocabulary" | "idf"> & { vocabulary: string; idf: Float64Array };

/** Packs a spec to send it to another thread (`unpackSpec` gives it back). */
export const packSpec = (spec: FeatureSpec): PackedSpec => ({
  ...spec,
  vocabulary: spec.vocabulary.join("\n"),
  idf: Float64Array.from(spec.idf),
});

/** The spec `packSpec` packed. */
export const unpackSpec = (packed: PackedSpec): FeatureSpec => ({
  ...packed,
  vocabulary: packed.vocabulary === "" ? [] : packed.vocabulary.split("\n"),
  idf: Array.from(packed.idf),
});

/** A refit on train + validation: dual CD with this `c` and pass count. */
export interface WideRefit {
  c: number;
  passes: number;
  weights: Float32Array;
  bias: Float32Array;
  rows: number;
}

/**
 * From the thread: the examples (shared arrays), its candidate and refit, the spec when asked (its
 * strings cost the receiver) with its export's term tables (made there: the receiver's export then skips them).
 */
export type WideMessage =
  | { examples: { terms: number; train: CacheParts; validation: CacheParts } }
  | { candidate: ExactCandidate }
  | { refit: WideRefit }
  | { spec: PackedSpec; tables: TermTables }
  | { error: string };

/** The race's wide candidate: dual CD with `c` for `passes` passes (`nb` weights) on the wide training examples, scored on validation. */
export async function wideCandidate(
  examples: WideExamples,
  classes: number,
  fit: { c: number; passes: number; nb: NbOptions | null },
  seed: number,
): Promise<ExactCandidate> {
  const { terms, train, validation } = examples;
  const candidate = await exactCandidate(terms, classes, train, validation, fit, seed);
  return { ...candidate, features: `min df 1, sublinear tf: ${terms} terms` };
}

/** The work the thread does unasked, each claimed (`claim`) by the first thread to reach it: the grid's first wide candidate, its refit. */
export const CLAIM = { candidate: 0, refit: 1 } as const;
/** The slot of `claims` that, once 1, stops the thread's work (the race abandoned it). */
export const STOP = 2;
/** Who claims: this thread (the race's) or the worker. */
export const CLAIMANT = { here: 1, thread: 2 } as const;

/** Claims a piece of the thread's unasked work in `claims` (a SharedArrayBuffer's Int32Array); true if it was free. */
export const claim = (claims: Int32Array, what: number, who: number): boolean =>
  Atomics.compareExchange(claims, what, 0, who) === 0;

/** Dual CD with `c` for `passes` passes (`nb` weights, counted on these rows) on train + validation (the race's refit of a wide winner). */
export function refitWide(
  examples: WideExamples,
  classes: number,
  fit: { c: number; passes: number; nb: NbOptions | null },
  seed: number,
): WideRefit {
  const all = unionCache(examples.train, examples.validation);
  const options = nbFit(all, undefined, examples.terms, classes, fit);
  const out = fitDualCd(all, undefined, examples.terms, classes, options, mulberry32(seed));
  return { c: fit.c, passes: out.passes, weights: out.weights, bias: out.bias, rows: all.count };
}

/**
 * The wide representation as the race reads it: `candidate(c, passes)`, `refit(c, passes)`,
 * `examples()` and `spec()` resolve with the thread's (when it has or is computing them) or are
 * computed here.
 */
export class WideCandidates {
  private received: WideExamples | undefined;
  private receivedSpec: FeatureSpec | undefined;
  private specAsked = false;
  private local: Promise<WideFeatures> | undefined;
  private readonly candidates: ExactCandidate[] = [];
  private readonly refits: WideRefit[] = [];
  private waiters: Array<() => void> = [];
  private worker: Worker | undefined;
  private port: MessagePort | undefined;
  /** Whether a worker thread was started for the work. */
  threaded = false;

  private constructor(
    private readonly job: WideJob,
    private readonly claims: Int32Array,
  ) {}

  /**
   * Starts the work in a worker thread when one can run (it begins at once): `idle`, a thread
   * booted earlier whose own work is done (selection's, `fit-worker.ts`; it is stopped with this),
   * else a thread of its own; without one, leaves the work to be done here when asked.
   */
  static async start(job: WideJob, idle?: Worker): Promise<WideCandidates> {
    const claims = new Int32Array(new SharedArrayBuffer(12));
    const wide = new WideCandidates(job, claims);
    const worker = idle ?? (await startWorker("./wide-worker.ts", {}));
    if (!worker) return wide;
    // Its messages come through a channel of their own (the thread's port may carry its other work's).
    const { port1, port2 } = new MessageChannel();
    const sent: SentJob = { ...job, train: packRows(job.train), validation: packRows(job.validation) };
    worker.postMessage({ wide: { job: sent, claims, port: port2 } }, [port2]);
    wide.listen(worker, port1);
    return wide;
  }

  private listen(worker: Worker, port: MessagePort): void {
    this.worker = worker;
    this.port = port;
    this.threaded = true;
    port.on("message", (message: WideMessage) => {
      if ("error" in message) return this.fallBack();
      if ("examples" in message) {
        const { terms, train, validation } = message.examples;
        this.received = { terms, train: cachedSet(train), validation: cachedSet(validation) } as WideExamples;
      } else if ("candidate" in message) this.candidates.push(message.candidate);
      else if ("refit" in message) this.refits.push(message.refit);
      else {
        this.receivedSpec = unpackSpec(message.spec);
        rememberTermTables(this.receivedSpec, message.tables);
      }
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

  /**
   * The race will not reach a wide candidate: the thread's unasked work is claimed here, so that
   * the thread skips it, and its building stops (it then falls back: `fallBack`); what the race
   * still asks for is computed here.
   */
  abandon(): void {
    claim(this.claims, CLAIM.candidate, CLAIMANT.here);
    claim(this.claims, CLAIM.refit, CLAIMANT.here);
    Atomics.store(this.claims, STOP, 1);
  }

  /** Whether the race abandoned the work (`abandon` set the stop slot). */
  private get abandoned(): boolean {
    return Atomics.load(this.claims, STOP) === 1;
  }

  /** Whether `c` and `passes` are the thread's unasked work (the grid's first c, the grid's passes). */
  private unasked(c: number, passes: number): boolean {
    return c === this.job.cs[0] && passes === this.job.passes;
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
      if (!this.worker) return (await this.computed()).spec();
      if (!this.specAsked) this.port!.postMessage("spec");
      this.specAsked = true;
      await this.until();
    }
  }

  /**
   * The wide candidate with this `c` for `passes` passes (fitted on train, scored on validation).
   * While the thread computes it, this thread takes the refit the thread would do next, if free.
   * Asked before the thread has shared its examples, this thread waits for them rather than claim
   * the candidate: the thread, which alone can make the spec's strings, then takes the shorter fit
   * (the candidate: the training rows only) and this one the longer refit (Austen, timed by hand:
   * when this thread came first and claimed the candidate, it then sat idle ~0.3 s while the thread
   * refit, then made the spec).
   */
  async candidate(c: number, passes: number): Promise<ExactCandidate> {
    const classes = this.job.labels.length;
    for (;;) {
      const found = this.candidates.find((k) => k.c === c && k.passes === passes);
      if (found) return found;
      if (!this.worker || this.abandoned || !this.unasked(c, passes)) break;
      if (!this.received) await this.until();
      else if (claim(this.claims, CLAIM.refit, CLAIMANT.here)) {
        this.refits.push(refitWide(this.received, classes, { c, passes, nb: this.job.nb }, this.job.seed));
      } else if (claim(this.claims, CLAIM.candidate, CLAIMANT.here)) break;
      else await this.until();
    }
    return wideCandidate(await this.examples(), classes, { c, passes, nb: this.job.nb }, this.job.seed);
  }

  /** The refit on train + validation with this `c` for `passes` passes. */
  async refit(c: number, passes: number): Promise<WideRefit> {
    for (;;) {
      const found = this.refits.find((r) => r.c === c && r.passes === passes);
      if (found) return found;
      if (!this.worker || this.abandoned || !this.unasked(c, passes)) break;
      if (claim(this.claims, CLAIM.refit, CLAIMANT.here)) break;
      await this.until();
    }
    return refitWide(await this.examples(), this.job.labels.length, { c, passes, nb: this.job.nb }, this.job.seed);
  }

  /** Stops the thread, if any. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.port?.close();
    await worker?.terminate();
  }
}
