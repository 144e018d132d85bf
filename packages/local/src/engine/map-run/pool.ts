/**
 * A pool of worker processes for a Map Run's children: at most `size` processes, each running
 * one child at a time (CPU-heavy children then use every core). Started on demand, stopped when
 * the Map Run ends; `kill` stops them at once (a Map Run that failed or was stopped).
 */
import { type ChildProcess, fork } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Outcome } from "../asl/execution.ts";
import type { ChildRun } from "./child.ts";
import type { FromWorker, ToWorker } from "./worker.ts";

/** Which module builds a worker's child runtime, and with what (JSON) options. */
export interface WorkerRuntimeSpec {
  /** A file URL of a module exporting `createChildRuntime(options)`. */
  module: string;
  options: unknown;
}

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));
/** Workers load TypeScript through tsx's loader, found next to this package. */
const TSX_LOADER = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve("tsx/package.json")), "dist", "loader.mjs"),
).href;

/** The error of a child whose worker process ended before answering. */
export class WorkerExitedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkerProcessExited";
  }
}

interface Job {
  child: ChildRun;
  onStart?: (() => void) | undefined;
  resolve(outcome: Outcome): void;
  reject(err: Error): void;
}

interface Worker {
  process: ChildProcess;
  ready: Promise<void>;
  job: Job | undefined;
}

export class WorkerPool {
  private readonly workers = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private readonly queue: Job[] = [];
  private killed = false;

  constructor(
    private readonly size: number,
    private readonly runtime: WorkerRuntimeSpec,
  ) {}

  /**
   * Runs a child in the next free worker (`onStart` when a worker takes it); rejects with
   * WorkerExitedError if that worker dies or the pool is killed first.
   */
  run(child: ChildRun, onStart?: () => void): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      if (this.killed) return reject(new WorkerExitedError("the Map Run's workers were stopped"));
      this.queue.push({ child, onStart, resolve, reject });
      this.dispatch();
    });
  }

  /** The names of the children running right now. */
  running(): string[] {
    return [...this.workers].flatMap((w) => (w.job ? [w.job.child.name] : []));
  }

  /** The process ids of the live workers. */
  pids(): number[] {
    return [...this.workers].flatMap((w) => (w.process.pid ? [w.process.pid] : []));
  }

  /** Stops idle workers (the Map Run is over). */
  async close(): Promise<void> {
    await Promise.all([...this.workers].map((w) => this.stop(w)));
  }

  /** Stops every worker now, running children included; queued children are rejected. */
  async kill(): Promise<void> {
    this.killed = true;
    for (const job of this.queue.splice(0)) job.reject(new WorkerExitedError("the Map Run's workers were stopped"));
    const exits = [...this.workers].map((w) => new Promise((resolve) => w.process.once("exit", resolve)));
    for (const w of this.workers) if (w.process.exitCode === null) w.process.kill("SIGKILL");
    await Promise.all(exits);
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.workers.size < this.size ? this.spawn() : undefined);
      if (!worker) return;
      const job = this.queue.shift() as Job;
      worker.job = job;
      job.onStart?.();
      worker.ready.then(
        () => this.send(worker, { type: "run", child: job.child }),
        (err: Error) => this.fail(worker, err),
      );
    }
  }

  private spawn(): Worker {
    const child = fork(WORKER, [], {
      execArgv: ["--import", TSX_LOADER],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let markReady: () => void = () => {};
    let markFailed: (err: Error) => void = () => {};
    const worker: Worker = {
      process: child,
      job: undefined,
      ready: new Promise<void>((resolve, reject) => {
        markReady = resolve;
        markFailed = reject;
      }),
    };
    worker.ready.catch(() => {});
    this.workers.add(worker);
    child.on("message", (message: FromWorker) => {
      if (message.type === "ready") markReady();
      else if (message.type === "error") {
        markFailed(new Error(message.message));
        this.fail(worker, new Error(message.message));
      } else {
        const job = worker.job;
        worker.job = undefined;
        job?.resolve(message.outcome);
        this.idle.push(worker);
        this.dispatch();
      }
    });
    // A send to a worker that has just died fails with EPIPE; its "exit" event settles its job.
    child.on("error", () => {});
    child.on("exit", (code, signal) => {
      this.workers.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      const err = new WorkerExitedError(`worker process ${child.pid} exited (${signal ?? `code ${code}`})`);
      markFailed(err);
      if (worker.job) worker.job.reject(err);
      worker.job = undefined;
      if (!this.killed) this.dispatch();
    });
    this.send(worker, { type: "init", module: this.runtime.module, options: this.runtime.options });
    return worker;
  }

  private fail(worker: Worker, err: Error): void {
    const job = worker.job;
    worker.job = undefined;
    job?.reject(err);
    if (worker.process.exitCode === null) worker.process.kill("SIGKILL");
  }

  private stop(worker: Worker): Promise<void> {
    if (worker.process.exitCode !== null || worker.process.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      worker.process.once("exit", () => resolve());
      if (this.killed) return; // kill() has sent SIGKILL: only its exit is left to see
      if (worker.process.connected) this.send(worker, { type: "exit" });
      else worker.process.kill("SIGKILL");
    });
  }

  /**
   * Sends a message unless the channel is already closed. A worker can die between the check and
   * the write (EPIPE): the error goes to the callback, and the worker's "exit" handler settles it.
   */
  private send(worker: Worker, message: ToWorker): void {
    if (!worker.process.connected) return;
    worker.process.send(message, (err) => {
      if (err && worker.process.exitCode === null) worker.process.kill("SIGKILL");
    });
  }
}
