/**
 * The refit beside the early-stopped fit: on a machine with a second core, the refit on train +
 * validation (`refit.ts`) runs in a worker thread at the same time as the fit, epoch for epoch
 * (it may start epoch k once the fit has started its epoch k). When the fit stops at its best
 * epoch E, the worker's weights after its epoch E are the refit's: the same weights as
 * `refitLinear(…, E, …)` computes afterwards (the same loop, optimiser, seed and order), without
 * waiting for it. Without a worker (one core, or no worker module beside this one, as in a bundled
 * Lambda) or when it fails, the caller refits after the fit as before.
 */
import type { Worker } from "node:worker_threads";
import type { FitOptions } from "./fit.ts";
import type { RefitWorkerData, ToRefitWorker } from "./refit-worker.ts";
import type { VectorCache } from "./row-cache.ts";
import { startWorker } from "./threads.ts";

type Reply =
  | { ready: true }
  | { epoch: number; rows: number; weights: { weights: Float32Array; bias: Float32Array } | undefined }
  | { error: { name: string; message: string } };

export class RefitBeside {
  private failed = false;
  private waiting: ((reply: Reply | undefined) => void) | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on("message", (reply: Reply) => {
      if ("ready" in reply) return;
      if ("error" in reply) this.failed = true;
      this.settle(reply);
    });
    worker.on("error", () => {
      this.failed = true;
      this.settle(undefined);
    });
    worker.on("exit", () => {
      this.failed = true;
      this.settle(undefined);
    });
  }

  /**
   * Starts the worker on `set` (train + validation, cached; its arrays move to the worker), or
   * undefined when it cannot help or run.
   * @example const beside = await RefitBeside.start(F, C, all.cache, opts); … beside?.allow(epoch) … await beside?.weightsAfter(E)
   */
  static async start(
    features: number,
    classes: number,
    set: VectorCache,
    opts: FitOptions,
  ): Promise<RefitBeside | undefined> {
    const beside = await RefitBeside.boot();
    beside?.begin(features, classes, set, opts);
    return beside;
  }

  /**
   * Starts the thread before its data exists (it boots while the caller featurizes and selects:
   * off the critical path); `begin` hands it the data. Undefined when it cannot run.
   * @example const booting = RefitBeside.boot(); … (await booting)?.begin(F, C, all.cache, opts)
   */
  static async boot(): Promise<RefitBeside | undefined> {
    const worker = await startWorker("./refit-worker.ts", {});
    return worker && new RefitBeside(worker);
  }

  /** Hands the booted thread its data: `set` (train + validation, cached; its arrays move to the worker, unusable here afterwards). */
  begin(features: number, classes: number, set: VectorCache, opts: FitOptions): void {
    const { ids, values, offsets, classes: labels, count } = set;
    const data: RefitWorkerData = {
      features,
      classes,
      cache: { ids, values, offsets, classes: labels, count },
      opts: { ...opts, selection: undefined } as FitOptions,
      keep: Math.max(2, opts.patience + 1),
    };
    const transferList = [ids.buffer, values.buffer, offsets.buffer, labels.buffer] as ArrayBuffer[];
    if (!this.failed) this.worker.postMessage({ data } satisfies ToRefitWorker, transferList);
  }

  /** The fit has started its epoch `epoch`: the worker may run its own up to that one. */
  allow(epoch: number): void {
    this.send({ upTo: epoch });
  }

  /**
   * The refit's weights after `epoch` epochs (the worker finishes it first if need be), or
   * undefined when the worker failed or no longer holds that epoch's weights.
   */
  async weightsAfter(
    epoch: number,
  ): Promise<{ weights: Float32Array; bias: Float32Array; rows: number; passes: number } | undefined> {
    if (this.failed) return undefined;
    const reply = await new Promise<Reply | undefined>((resolve) => {
      this.waiting = resolve;
      this.send({ want: epoch });
    });
    if (!reply || !("epoch" in reply) || !reply.weights) return undefined;
    return { ...reply.weights, rows: reply.rows, passes: epoch };
  }

  /** Stops the worker (always call it: the fit may stop before asking). */
  async close(): Promise<void> {
    this.failed = true;
    await this.worker.terminate();
  }

  private send(message: ToRefitWorker): void {
    if (!this.failed) this.worker.postMessage(message);
  }

  private settle(reply: Reply | undefined): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.(reply);
  }
}
