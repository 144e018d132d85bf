/**
 * The candidate fits of one rung of selection (`selection.ts`), shared by this thread and the
 * second one: each takes the next candidate not yet taken, so neither waits while work is left.
 * Each fit depends only on its examples, options and seed, so the figures are the same whoever
 * fits it and in whatever order. The rung can start before this thread is free (rung 0 runs on
 * the second thread while this one still featurizes, `trainer.ts`); `finish` fits what is left here.
 */
import type { Logger } from "../logger.ts";
import { type ExampleSet, restrictCache, restrictSpec } from "./examples.ts";
import type { FeatureSpec } from "./feature-spec.ts";
import { type FitOptions, fitLinear } from "./fit.ts";
import type { FitThread } from "./fit-thread.ts";

export interface Candidate {
  learningRate: number;
  l2: number;
  ngramMax: number;
  minDf: number;
}

/** What selection keeps of a candidate's fit. */
export type CandidateFit = { validation: { loss: number; accuracy: number }; epochsRun: number };

type Cached = ExampleSet & { kind: "cached" };
type Variant = { spec: FeatureSpec; train: Cached; validation: ExampleSet };

/** One rung: its candidates, its training sample (cached, in the sample's order), the validation set and the fit options. */
export interface RungWork {
  spec: FeatureSpec;
  candidates: Candidate[];
  sample: Cached;
  validation: ExampleSet;
  defaults: FitOptions;
  epochs: number;
  /** The validation set of each feature variant, shared by the rungs of one selection (restricted once). */
  validations: Map<string, ExampleSet>;
}

export class RungFits {
  private next = 0;
  private cancelled = false;
  private finishing = false;
  private readonly fits: Promise<CandidateFit>[] = [];
  /** Feature variants restricted once per rung (ids remapped, values renormalized). */
  private readonly variants = new Map<string, Variant>();
  private readonly thread: Promise<void>;

  /** Starts the rung: the second thread (if any) starts taking candidates now. */
  constructor(
    private readonly work: RungWork,
    thread: FitThread | undefined,
    private readonly log: Logger,
  ) {
    // Two candidates in flight while this thread does other work (featurizing), so that the thread
    // does not idle meanwhile; one once this thread fits candidates too, so that neither waits long
    // for the other at the rung's end (a fit here yields to the thread's replies once per epoch).
    const lane = async (t: FitThread, second: boolean) => {
      for (let k = this.claim(second); k !== undefined; k = this.claim(second)) {
        this.fits[k] = this.fitThere(t, k);
        await this.fits[k];
      }
    };
    this.thread = thread
      ? Promise.all([lane(thread, false), lane(thread, true)]).then(() => undefined)
      : Promise.resolve();
    // A rung given up before `finish` (the caller failed meanwhile) must not leave an unhandled rejection.
    this.thread.catch(() => undefined);
  }

  /** Fits the candidates not yet taken here, then waits for the thread's: the figures, in candidate order. */
  async finish(): Promise<CandidateFit[]> {
    this.finishing = true;
    for (;;) {
      // The thread's replies first (a fit here does not yield to them), so that it takes its next candidate.
      await new Promise((resolve) => setImmediate(resolve));
      const k = this.claim();
      if (k === undefined) break;
      this.fits[k] = Promise.resolve(await this.fitHere(k));
    }
    await this.thread;
    return Promise.all(this.fits);
  }

  /** Takes no more candidates (the thread finishes those it took); the rung's figures are not used. */
  cancel(): void {
    this.cancelled = true;
    this.next = this.work.candidates.length;
  }

  private claim(second = false): number | undefined {
    if (second && this.finishing) return undefined;
    return this.next < this.work.candidates.length ? this.next++ : undefined;
  }

  private job(k: number) {
    const c = this.work.candidates[k]!;
    const { defaults, epochs } = this.work;
    const opts = { ...defaults, learningRate: c.learningRate, l2: c.l2, epochs, evaluateFrom: epochs };
    return { v: this.variant(c), opts };
  }

  private fitHere(k: number): Promise<CandidateFit> {
    const { v, opts } = this.job(k);
    return fitLinear(v.spec, v.train, v.validation, opts, this.log);
  }

  private fitThere(thread: FitThread, k: number): Promise<CandidateFit> {
    const { v, opts } = this.job(k);
    const shape = { features: v.spec.vocabulary.length, classes: v.spec.labels.length };
    return thread.fit(shape, v.train, v.validation as Cached, opts).catch((err: Error) => {
      if (this.cancelled) return { validation: { loss: Number.NaN, accuracy: 0 }, epochsRun: 0 };
      this.log.debug({ err: err.message }, "selection candidate: the second thread failed, fitted here");
      return this.fitHere(k);
    });
  }

  private variant(c: Candidate): Variant {
    const key = `${c.ngramMax}/${c.minDf}`;
    let v = this.variants.get(key);
    if (!v) {
      const { spec, sample, validation, validations } = this.work;
      const restricted = restrictSpec(spec, c);
      const narrow = (set: Cached): Cached => ({
        kind: "cached",
        cache: restrictCache(set, restricted.map, spec.idf),
      });
      v =
        restricted.spec.vocabulary.length === spec.vocabulary.length
          ? { spec, train: sample, validation }
          : {
              spec: restricted.spec,
              train: narrow(sample),
              validation: validations.get(key) ?? (validation.kind === "cached" ? narrow(validation) : validation),
            };
      validations.set(key, v.validation);
      this.variants.set(key, v);
    }
    return v;
  }
}
