/**
 * A pool of worker processes for Map Run children: at most `size` processes, each running one
 * child at a time (CPU-heavy children then use every core). One pool serves every Map Run of an
 * app, so a worker booted for a run's Train Map also runs its Evaluate Map and the next run's:
 * the process boot, the step modules and the JIT stay warm. Each Map Run takes a {@link PoolGroup}
 * (its MaxConcurrency; `kill` stops only its own children). Idle workers do not keep the process
 * alive and exit after `idleMs`; `close` stops them all. A worker boots from the bundle of the
 * worker and its runtime module (bundle.ts) when there is one, else through tsx. A worker dies
 * with the process that forked it, even in the middle of a child (parent-watch.ts).
 */
import { type ChildProcess, fork, type StdioOptions } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Outcome } from "../asl/execution.ts";
import { workerBundle } from "./bundle.ts";
import type { ChildRun } from "./child.ts";
import type { FromWorker, ToWorker } from "./worker.ts";

/** Which module builds a worker's child runtime, and with what (JSON) options. */
export interface WorkerRuntimeSpec {
  /** A file URL of a module exporting `createChildRuntime(options)`. */
  module: string;
  options: unknown;
}

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));
/** Without a bundle, workers load TypeScript through tsx's loader, found next to this package. */
const TSX_LOADER = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve("tsx/package.json")), "dist", "loader.mjs"),
).href;
/** How long an idle worker waits for the next child before it exits. */
const IDLE_MS = 60_000;

/** The error of a child whose worker process ended before answering. */
export class WorkerExitedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkerProcessExited";
  }
}

/** The children of one Map Run in a shared pool. */
export interface PoolGroup {
  /** Runs a child when a worker is free and fewer than the group's limit of its children run. */
  run(child: ChildRun, onStart?: () => void): Promise<Outcome>;
  /** Stops this group's running children (their workers are killed) and refuses its queued ones. */
  kill(): Promise<void>;
}

interface Group {
  limit: number;
  running: number;
  stopped: boolean;
}

interface Job {
  child: ChildRun;
  group: Group;
  onStart?: (() => void) | undefined;
  resolve(outcome: Outcome): void;
  reject(err: Error): void;
}

interface Worker {
  process: ChildProcess;
  ready: Promise<void>;
  job: Job | undefined;
  killed: boolean;
  idleTimer?: NodeJS.Timeout | undefined;
}

const stoppedError = () => new WorkerExitedError("the Map Run's workers were stopped");

export class WorkerPool {
  private readonly workers = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private readonly queue: Job[] = [];
  private readonly all: Group = { limit: Number.POSITIVE_INFINITY, running: 0, stopped: false };
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly runtime: WorkerRuntimeSpec,
    private readonly idleMs = IDLE_MS,
  ) {}

  /**
   * Runs a child in the next free worker (`onStart` when a worker takes it); rejects with
   * WorkerExitedError if that worker dies or the pool is killed first.
   */
  run(child: ChildRun, onStart?: () => void): Promise<Outcome> {
    return this.enqueue(child, this.all, onStart);
  }

  /** A group of children (one Map Run) of which at most `limit` run at once (0: no limit but the pool's). */
  group(limit: number): PoolGroup {
    const group: Group = { limit: limit > 0 ? limit : Number.POSITIVE_INFINITY, running: 0, stopped: false };
    return { run: (child, onStart) => this.enqueue(child, group, onStart), kill: () => this.killGroup(group) };
  }

  /** Boots workers ahead of need, up to `count` live ones (a run that will reach a Map starts). */
  warm(count = 1): void {
    while (!this.closed && this.workers.size < Math.min(count, this.size)) this.park(this.spawn());
  }

  /** The names of the children running right now. */
  running(): string[] {
    return [...this.workers].flatMap((w) => (w.job ? [w.job.child.name] : []));
  }

  /** The process ids of the live workers. */
  pids(): number[] {
    return [...this.workers].flatMap((w) => (w.process.pid ? [w.process.pid] : []));
  }

  /** Stops every worker (the app is closing); queued children are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    this.rejectQueued(() => true);
    await Promise.all([...this.workers].map((w) => this.stop(w)));
  }

  /** Stops every worker now, running children included; queued and later children are rejected. */
  async kill(): Promise<void> {
    this.closed = true;
    this.rejectQueued(() => true);
    await this.killWorkers([...this.workers]);
  }

  private enqueue(child: ChildRun, group: Group, onStart?: () => void): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      if (this.closed || group.stopped) return reject(stoppedError());
      this.queue.push({ child, group, onStart, resolve, reject });
      this.dispatch();
    });
  }

  private async killGroup(group: Group): Promise<void> {
    group.stopped = true;
    this.rejectQueued((job) => job.group === group);
    await this.killWorkers([...this.workers].filter((w) => w.job?.group === group));
  }

  private rejectQueued(which: (job: Job) => boolean): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const job = this.queue[i] as Job;
      if (!which(job)) continue;
      this.queue.splice(i, 1);
      job.reject(stoppedError());
    }
  }

  private async killWorkers(workers: Worker[]): Promise<void> {
    const exits = workers.map((w) => this.exited(w));
    for (const w of workers) this.sigkill(w);
    await Promise.all(exits);
  }

  private dispatch(): void {
    for (let i = 0; i < this.queue.length; ) {
      const job = this.queue[i] as Job;
      if (job.group.running >= job.group.limit) {
        i++;
        continue;
      }
      const worker = this.idle.pop() ?? (this.workers.size < this.size ? this.spawn() : undefined);
      if (!worker) return;
      this.queue.splice(i, 1);
      this.assign(worker, job);
    }
  }

  private assign(worker: Worker, job: Job): void {
    clearTimeout(worker.idleTimer);
    worker.job = job;
    job.group.running++;
    worker.process.ref();
    worker.process.channel?.ref();
    job.onStart?.();
    worker.ready.then(
      () => this.send(worker, { type: "run", child: job.child }),
      (err: Error) => this.fail(worker, err),
    );
  }

  /** Takes the worker's job off it (the job settled or was lost). */
  private release(worker: Worker): Job | undefined {
    const job = worker.job;
    worker.job = undefined;
    if (job) job.group.running--;
    return job;
  }

  /** An idle worker waits for the next child without keeping the process alive, and exits after idleMs. */
  private park(worker: Worker): void {
    if (this.closed) return void this.stop(worker);
    this.idle.push(worker);
    worker.process.unref();
    worker.process.channel?.unref();
    worker.idleTimer = setTimeout(() => {
      const at = this.idle.indexOf(worker);
      if (at < 0) return;
      this.idle.splice(at, 1);
      void this.stop(worker);
    }, this.idleMs);
    worker.idleTimer.unref();
  }

  private spawn(): Worker {
    const { module } = this.runtime;
    const bundle = module.startsWith("file:") ? workerBundle(WORKER, fileURLToPath(module)) : undefined;
    const stdio: StdioOptions = ["ignore", "inherit", "inherit", "ipc"];
    const parent = [String(process.pid)]; // the worker dies with this process (parent-watch.ts)
    const child = bundle
      ? fork(bundle.worker, parent, { execArgv: [], stdio })
      : fork(WORKER, parent, { execArgv: ["--import", TSX_LOADER], stdio });
    let markReady: () => void = () => {};
    let markFailed: (err: Error) => void = () => {};
    const worker: Worker = {
      process: child,
      job: undefined,
      killed: false,
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
        this.release(worker)?.resolve(message.outcome);
        this.park(worker);
        this.dispatch();
      }
    });
    // kill() on a process that is already gone emits "error"; its "exit" event settles its job.
    child.on("error", () => {});
    child.on("exit", (code, signal) => {
      clearTimeout(worker.idleTimer);
      this.workers.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      const err = new WorkerExitedError(`worker process ${child.pid} exited (${signal ?? `code ${code}`})`);
      markFailed(err);
      this.release(worker)?.reject(err);
      if (!this.closed) this.dispatch();
    });
    this.send(worker, { type: "init", module: bundle?.runtime ?? module, options: this.runtime.options });
    return worker;
  }

  private fail(worker: Worker, err: Error): void {
    this.release(worker)?.reject(err);
    this.sigkill(worker);
  }

  private alive(worker: Worker): boolean {
    return worker.process.exitCode === null && worker.process.signalCode === null;
  }

  /** Sends SIGKILL once to a live worker; its "exit" handler settles its job. */
  private sigkill(worker: Worker): void {
    if (worker.killed || !this.alive(worker)) return;
    worker.killed = true;
    worker.process.kill("SIGKILL");
  }

  private exited(worker: Worker): Promise<void> {
    if (!this.alive(worker)) return Promise.resolve();
    return new Promise((resolve) => worker.process.once("exit", () => resolve()));
  }

  private stop(worker: Worker): Promise<void> {
    const exited = this.exited(worker);
    // A killed worker (SIGKILL sent) only has its exit left to see; writing to it could fail with EPIPE.
    if (!worker.killed && this.alive(worker)) this.send(worker, { type: "exit" });
    return exited;
  }

  /**
   * Sends a message, or kills the worker when it cannot get it: its channel is closed, or it died
   * between the check and the write (EPIPE, given to the callback). Its "exit" handler settles it.
   */
  private send(worker: Worker, message: ToWorker): void {
    if (!worker.process.connected) {
      this.sigkill(worker);
      return;
    }
    worker.process.send(message, (err) => {
      if (err) this.sigkill(worker);
    });
  }
}
