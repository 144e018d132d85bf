/**
 * The worker thread of `fit-thread.ts`: fits selection candidates (`fitLinear`) sent by the main
 * thread, one at a time, and answers each with its validation figures. Once selection is done, the
 * idle thread may be sent the exact race's wide work (`{ wide }`, small data: `wide-run.ts`), so that
 * work does not wait for a thread to boot, or the exact solver's refit (`{ exact }`, `fitDualCd`)
 * while the main thread runs the race's candidate.
 */
import { parentPort } from "node:worker_threads";
import { fitDualCd } from "./dual-cd.ts";
import { type FitOptions, fitLinear } from "./fit.ts";
import { mulberry32 } from "./random.ts";
import { VectorCache } from "./row-cache.ts";
import { type CacheParts, cachedSet } from "./threads.ts";
import { runWide, type WideStart } from "./wide-run.ts";

export interface FitJob {
  id: number;
  features: number;
  classes: number;
  train: CacheParts;
  validation: CacheParts;
  opts: FitOptions;
}

/** The exact solver's refit: `fitDualCd` on `set` (train + validation) with `c`, `passes` and the seed's PRNG. */
export interface ExactRefitJob {
  id: number;
  exact: { features: number; classes: number; set: CacheParts; c: number; passes: number; seed: number };
}

export type FitReply =
  | { id: number; validation: { loss: number; accuracy: number }; epochsRun: number }
  | { id: number; refitted: { weights: Float32Array; bias: Float32Array; passes: number } }
  | { id: number; error: { name: string; message: string } };

const port = parentPort!;
let queue = Promise.resolve();

port.on("message", (job: FitJob | ExactRefitJob | { wide: WideStart }) => {
  if ("wide" in job) return void runWide(job.wide);
  queue = queue.then(async () => {
    try {
      if ("exact" in job) {
        const { features, classes, set, c, passes, seed } = job.exact;
        const refitted = fitDualCd(
          VectorCache.from(set),
          undefined,
          features,
          classes,
          { c, passes },
          mulberry32(seed),
        );
        const transfer = [refitted.weights.buffer, refitted.bias.buffer] as ArrayBuffer[];
        return port.postMessage({ id: job.id, refitted } satisfies FitReply, transfer);
      }
      const shape = { vocabulary: { length: job.features }, labels: { length: job.classes } };
      const fit = await fitLinear(shape, cachedSet(job.train), cachedSet(job.validation), job.opts);
      port.postMessage({ id: job.id, validation: fit.validation, epochsRun: fit.epochsRun } satisfies FitReply);
    } catch (err) {
      const { name, message } = err as Error;
      port.postMessage({ id: job.id, error: { name, message } } satisfies FitReply);
    }
  });
});
