/**
 * A pool of worker threads for the local ETL's tasks (tasks.ts), one task per thread at a time;
 * or, with no worker, the same tasks run inline in this thread (small inputs, where starting
 * threads would cost more than it saves). The output never depends on the pool's size.
 */
import { Worker } from "node:worker_threads";
import { TASKS, type TaskName } from "./tasks.ts";

type Input<T extends TaskName> = Omit<Parameters<(typeof TASKS)[T]>[0], "workerId">;
type Output<T extends TaskName> = ReturnType<(typeof TASKS)[T]>;

/** Runs tasks; `size` threads (0: inline). */
export interface TaskPool {
  readonly size: number;
  run<T extends TaskName>(task: T, input: Input<T>): Promise<Output<T>>;
  close(): Promise<void>;
}

/** A task failed in a worker: carries the worker's error name and message. */
export class WorkerTaskError extends Error {}

const BOOT = new URL("./worker-boot.mjs", import.meta.url);
const ENTRY = new URL("./worker.ts", import.meta.url).href;

interface Job {
  id: number;
  task: TaskName;
  input: unknown;
  resolve: (value: never) => void;
  reject: (err: Error) => void;
}

/** Runs every task inline, one at a time (worker id 0). */
function inlinePool(): TaskPool {
  return {
    size: 0,
    run: async (task, input) => (TASKS[task] as (i: unknown) => never)({ ...input, workerId: 0 }),
    close: async () => {},
  };
}

/** A pool of `size` worker threads (ids 0..size-1), or the inline pool when `size` is 0. */
export function openPool(size: number): TaskPool {
  if (size === 0) return inlinePool();
  const queue: Job[] = [];
  const running = new Map<number, Job>();
  const idle: Worker[] = [];
  let nextId = 0;
  let failure: Error | undefined;
  const workers = Array.from({ length: size }, (_, workerId) => {
    const worker = new Worker(BOOT, { workerData: { entry: ENTRY, workerId } });
    worker.on("message", (m: { ready?: true; id: number; output?: never; error?: Error }) => {
      if (!m.ready) {
        const job = running.get(m.id);
        running.delete(m.id);
        if (m.error) {
          const err = new WorkerTaskError(m.error.message);
          err.name = m.error.name;
          if (m.error.stack) err.stack = m.error.stack;
          job?.reject(err);
        } else job?.resolve(m.output as never);
      }
      idle.push(worker);
      pump();
    });
    worker.on("error", (err) => {
      failure = err;
      for (const job of [...running.values(), ...queue.splice(0)]) job.reject(err);
      running.clear();
    });
    return worker;
  });
  const pump = () => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop() as Worker;
      const job = queue.shift() as Job;
      running.set(job.id, job);
      worker.postMessage({ id: job.id, task: job.task, input: job.input });
    }
  };
  return {
    size,
    run: (task, input) =>
      new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        queue.push({ id: nextId++, task, input, resolve, reject });
        pump();
      }),
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
