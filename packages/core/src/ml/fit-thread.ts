/**
 * A second thread for selection's candidate fits: the main thread fits some candidates of a rung
 * while this one fits the others (each fit depends only on its examples, options and seed, so the
 * figures are the same as one after the other). Without a worker, or when it fails, `fit` rejects
 * and the caller fits the candidate itself.
 */
import type { Worker } from "node:worker_threads";
import type { ExampleSet } from "./examples.ts";
import type { FitOptions } from "./fit.ts";
import type { ExactRefitJob, FitJob, FitReply } from "./fit-worker.ts";
import { cacheParts, startWorker } from "./threads.ts";

export class FitThread {
  private nextId = 0;
  private failure: Error | undefined;
  private readonly pending = new Map<number, { resolve: (r: FitReply) => void; reject: (e: Error) => void }>();

  private constructor(private readonly worker: Worker) {
    worker.on("message", (reply: FitReply) => {
      const job = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      job?.resolve(reply);
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      for (const job of this.pending.values()) job.reject(err);
      this.pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", () => fail(new Error("the fit thread exited")));
  }

  /** A started thread, or undefined on one core or without the worker module (a bundle). */
  static async start(): Promise<FitThread | undefined> {
    const worker = await startWorker("./fit-worker.ts", {});
    return worker && new FitThread(worker);
  }

  /**
   * Fits a candidate in the thread: its validation figures and epochs.
   * @throws Error when the thread failed or the fit threw there.
   */
  async fit(
    shape: { features: number; classes: number },
    train: ExampleSet & { kind: "cached" },
    validation: ExampleSet & { kind: "cached" },
    opts: FitOptions,
  ): Promise<{ validation: { loss: number; accuracy: number }; epochsRun: number }> {
    if (this.failure) throw this.failure;
    const job: FitJob = {
      id: this.nextId++,
      ...shape,
      train: cacheParts(train),
      validation: cacheParts(validation),
      opts,
    };
    const reply = await this.send(job);
    if (!("validation" in reply)) throw new Error("the fit thread answered a fit with no figures");
    return { validation: reply.validation, epochsRun: reply.epochsRun };
  }

  /**
   * The exact solver's refit (`fitDualCd` on `set`, train + validation, with c, passes and the
   * seed's PRNG: the same weights as on the main thread), e.g. ahead of the race's verdict.
   * @throws Error when the thread failed or the fit threw there.
   */
  async refitExact(
    shape: { features: number; classes: number },
    set: ExampleSet & { kind: "cached" },
    fit: { c: number; passes: number; seed: number },
  ): Promise<{ weights: Float32Array; bias: Float32Array; passes: number }> {
    if (this.failure) throw this.failure;
    const reply = await this.send({ id: this.nextId++, exact: { ...shape, set: cacheParts(set), ...fit } });
    if (!("refitted" in reply)) throw new Error("the fit thread answered a refit with no weights");
    return reply.refitted;
  }

  private async send(job: FitJob | ExactRefitJob): Promise<FitReply> {
    const reply = await new Promise<FitReply>((resolve, reject) => {
      this.pending.set(job.id, { resolve, reject });
      this.worker.postMessage(job);
    });
    if ("error" in reply) throw Object.assign(new Error(reply.error.message), { name: reply.error.name });
    return reply;
  }

  /** The thread, for other work once its fits are done (`wide.ts`); undefined if it failed or was closed. */
  get idle(): Worker | undefined {
    return this.failure ? undefined : this.worker;
  }

  /** Stops the thread. */
  async close(): Promise<void> {
    this.failure ??= new Error("the fit thread was closed");
    await this.worker.terminate();
  }
}
