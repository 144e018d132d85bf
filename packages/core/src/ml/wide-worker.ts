/**
 * The worker thread of `wide.ts`: builds the wide representation from the rows it was started
 * with and sends its examples, refits the grid's first `c` on train + validation (what the race
 * needs if that candidate wins) and sends it, then sends the spec when asked.
 */
import { parentPort, workerData } from "node:worker_threads";
import { cacheParts } from "./threads.ts";
import { refitWide, type WideJob, type WideMessage, wideFeatures } from "./wide.ts";

const port = parentPort!;
const post = (message: WideMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const { job } = workerData as { job: WideJob };
try {
  const features = await wideFeatures(job);
  const { spec, terms, train, validation } = features;
  port.on("message", () => post({ spec }));
  post({ examples: { terms, train: cacheParts(train), validation: cacheParts(validation) } });
  // Only the grid's first c: a refit of another would compete for the cores with the race itself.
  const refit = refitWide(features, job.labels.length, job.cs[0]!, job.passes, job.seed);
  post({ refit }, [refit.weights.buffer as ArrayBuffer]);
} catch (err) {
  post({ error: (err as Error).message });
}
