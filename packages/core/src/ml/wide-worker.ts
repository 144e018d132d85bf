/**
 * The worker thread of `wide.ts`: builds the wide representation from the rows it was started
 * with and shares its examples, then, each if the race's thread has not claimed it first, fits and
 * scores the grid's first wide candidate and refits it on train + validation (what the race needs
 * if that candidate wins), sending each; then sends the spec when asked.
 */
import { parentPort, workerData } from "node:worker_threads";
import { sharedParts } from "./threads.ts";
import {
  CLAIM,
  CLAIMANT,
  claim,
  refitWide,
  type SentJob,
  unpackRows,
  type WideJob,
  type WideMessage,
  wideCandidate,
  wideFeatures,
} from "./wide.ts";

const port = parentPort!;
const post = (message: WideMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const { job: sent, claims } = workerData as { job: SentJob; claims: Int32Array };
const job: WideJob = { ...sent, train: unpackRows(sent.train), validation: unpackRows(sent.validation) };
try {
  const features = await wideFeatures(job);
  const { spec, terms } = features;
  port.on("message", () => post({ spec }));
  // Shared: both threads read the same arrays (no copy on either side).
  const train = sharedParts(features.train);
  const validation = sharedParts(features.validation);
  post({ examples: { terms, train, validation } });
  // Only the grid's first c: another would compete for the cores with the race itself.
  const [c, classes] = [job.cs[0]!, job.labels.length];
  if (claim(claims, CLAIM.candidate, CLAIMANT.thread)) {
    post({ candidate: await wideCandidate(features, classes, c, job.passes, job.seed) });
  }
  if (claim(claims, CLAIM.refit, CLAIMANT.thread)) {
    const refit = refitWide(features, classes, c, job.passes, job.seed);
    post({ refit }, [refit.weights.buffer as ArrayBuffer]);
  }
} catch (err) {
  post({ error: (err as Error).message });
}
