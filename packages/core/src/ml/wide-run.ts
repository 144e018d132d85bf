/**
 * The thread side of `wide.ts`, run in the thread it is sent to (selection's fit thread once idle, or
 * a thread of its own): builds the wide representation from the rows it is sent and shares its
 * examples, then, each if the race's thread has not claimed it first, fits and scores the grid's
 * first wide candidate and refits it on train + validation (what the race needs if that candidate
 * wins), sending each through its port; then makes the spec's strings and sends them when asked.
 */
import type { MessagePort } from "node:worker_threads";
import type { TermTables } from "./onnx/term-tables.ts";
import { sharedParts } from "./threads.ts";
import {
  CLAIM,
  CLAIMANT,
  claim,
  type PackedSpec,
  packSpec,
  refitWide,
  type SentJob,
  STOP,
  unpackRows,
  type WideJob,
  type WideMessage,
  wideCandidate,
  wideFeatures,
} from "./wide.ts";

/** What starts the work in a thread: the job, the claim flags (shared) and the port its messages go through. */
export interface WideStart {
  job: SentJob;
  claims: Int32Array;
  port: MessagePort;
}

/** Runs the wide work of `start` (see the module's comment); failures are sent as `{ error }`. */
export async function runWide({ job: sent, claims, port }: WideStart): Promise<void> {
  const post = (message: WideMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  try {
    const job: WideJob = { ...sent, train: unpackRows(sent.train), validation: unpackRows(sent.validation) };
    const features = await wideFeatures(job, () => Atomics.load(claims, STOP) === 1);
    // (abandoned by the race: what it still asks for is computed there)
    if (!features) return post({ error: "abandoned by the race" });
    let made: { spec: PackedSpec; tables: TermTables } | undefined;
    const specMessage = () => {
      made ??= { spec: packSpec(features.spec()), tables: features.tables() };
      return made;
    };
    port.on("message", () => post(specMessage()));
    // Shared: both threads read the same arrays (no copy on either side).
    const train = sharedParts(features.train);
    const validation = sharedParts(features.validation);
    post({ examples: { terms: features.terms, train, validation } });
    // Only the grid's first c: another would compete for the cores with the race itself.
    const classes = job.labels.length;
    const fit = { c: job.cs[0]!, passes: job.passes, nb: job.nb };
    const candidate = claim(claims, CLAIM.candidate, CLAIMANT.thread);
    if (candidate) post({ candidate: await wideCandidate(features, classes, fit, job.seed) });
    const refit = claim(claims, CLAIM.refit, CLAIMANT.thread);
    if (refit) {
      const out = refitWide(features, classes, fit, job.seed);
      post({ refit: out }, [out.weights.buffer as ArrayBuffer]);
    }
    // Idle now: the spec's strings, made before the race asks for them (if its winner is this;
    // not when the race left all the work here: abandoned, the thread has other work to take).
    if (candidate || refit) specMessage();
  } catch (err) {
    post({ error: (err as Error).message });
  }
}
