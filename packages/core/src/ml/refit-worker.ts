/**
 * The worker thread of `refit-beside.ts`: the refit on train + validation (`refitLinear`'s epoch,
 * `refitEpoch`, with the same optimiser, seed and order, so the same weights), one epoch at a time as the parent
 * allows, keeping the averaged weights of the last `keep` epochs until the parent asks for one.
 */
import { parentPort, workerData } from "node:worker_threads";
import { AdaGrad } from "./adagrad.ts";
import type { FitOptions } from "./fit.ts";
import { mulberry32 } from "./random.ts";
import { refitEpoch } from "./refit.ts";
import { VectorCache } from "./row-cache.ts";
import type { CacheParts } from "./threads.ts";

export interface RefitWorkerData {
  features: number;
  classes: number;
  cache: CacheParts;
  opts: FitOptions;
  /** Epochs whose weights are kept (the early-stopped fit's best is at most patience epochs back). */
  keep: number;
}

/**
 * From the parent: the data (first, unless the thread started with it as its `workerData`: a thread
 * booted before the fit's options were known gets them this way); run up to epoch `upTo`; send
 * the weights after epoch `want`.
 */
export type ToRefitWorker = { data: RefitWorkerData } | { upTo: number } | { want: number };

const port = parentPort!;
let data: RefitWorkerData;
let optimizer: AdaGrad;
let rand: () => number;
let set: { kind: "cached"; cache: VectorCache };
const kept = new Map<number, { weights: Float32Array; bias: Float32Array }>();

function begin(received: RefitWorkerData): void {
  data = received;
  optimizer = new AdaGrad(data.features, data.classes, data.opts);
  rand = mulberry32(data.opts.seed);
  set = { kind: "cached", cache: VectorCache.from(data.cache) };
}
if ((workerData as RefitWorkerData | undefined)?.cache) begin(workerData as RefitWorkerData);
let allowed = 0;
let done = 0;
let want: number | undefined;
let running = false;
let sent = false;

async function pump(): Promise<void> {
  if (running) return;
  running = true;
  while (want === undefined || done < want) {
    if (done >= allowed) break;
    const epoch = done + 1;
    await refitEpoch(optimizer, set, rand, data.opts, epoch);
    done = epoch;
    kept.set(epoch, optimizer.snapshot());
    kept.delete(epoch - data.keep);
  }
  running = false;
  if (want !== undefined && done >= want && !sent) {
    sent = true;
    const weights = kept.get(want);
    port.postMessage(
      { epoch: want, rows: set.cache.count, weights },
      weights ? [weights.weights.buffer as ArrayBuffer, weights.bias.buffer as ArrayBuffer] : [],
    );
  }
}

port.on("message", (message: ToRefitWorker) => {
  if ("data" in message) return begin(message.data);
  if ("upTo" in message) allowed = Math.max(allowed, message.upTo);
  else {
    want = message.want;
    allowed = Math.max(allowed, want);
  }
  void pump().catch((err: Error) => port.postMessage({ error: { name: err.name, message: err.message } }));
});
port.postMessage({ ready: true });
