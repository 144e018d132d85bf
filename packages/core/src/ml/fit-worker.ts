/**
 * The worker thread of `fit-thread.ts`: fits selection candidates (`fitLinear`) sent by the main
 * thread, one at a time, and answers each with its validation figures. Once selection is done, the
 * idle thread may be sent the exact race's wide work (`{ wide }`, small data: `wide-run.ts`), so that
 * work does not wait for a thread to boot.
 */
import { parentPort } from "node:worker_threads";
import { type FitOptions, fitLinear } from "./fit.ts";
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

export type FitReply =
  | { id: number; validation: { loss: number; accuracy: number }; epochsRun: number }
  | { id: number; error: { name: string; message: string } };

const port = parentPort!;
let queue = Promise.resolve();

port.on("message", (job: FitJob | { wide: WideStart }) => {
  if ("wide" in job) return void runWide(job.wide);
  queue = queue.then(async () => {
    try {
      const shape = { vocabulary: { length: job.features }, labels: { length: job.classes } };
      const fit = await fitLinear(shape, cachedSet(job.train), cachedSet(job.validation), job.opts);
      port.postMessage({ id: job.id, validation: fit.validation, epochsRun: fit.epochsRun } satisfies FitReply);
    } catch (err) {
      const { name, message } = err as Error;
      port.postMessage({ id: job.id, error: { name, message } } satisfies FitReply);
    }
  });
});
