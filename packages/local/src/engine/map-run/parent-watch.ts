/**
 * A Map Run worker dies with the process that forked it. A SIGKILL of that process (`kill -9`, the
 * OOM killer) leaves its workers running: a worker exits on "disconnect" only once its event loop is
 * free, and a CPU-bound child (Train's featurizing, say) keeps it busy for seconds, writing its
 * child's history and outputs into a home that another process may own by then (an app opened on it
 * marks the run interrupted and redrives the same child). So, in each worker:
 * - a watchdog thread, with an event loop of its own, checks every {@link WATCH_MS} that the parent
 *   is alive and SIGKILLs the whole process when it is not ({@link watchParent});
 * - every call to a store checks it first, synchronously ({@link guarded}), so that nothing lands
 *   after the parent is gone, even within a watch period.
 * An app that opens the home waits for such a worker to be gone before it marks its child
 * interrupted (LocalWorkflow.recoverInterrupted).
 */
import { Worker } from "node:worker_threads";
import { parentGone } from "../../processes.ts";

/** How often the watchdog thread looks at the parent. */
export const WATCH_MS = 100;

// The thread's code (eval: nothing to bundle or resolve): the check of processes.ts parentGone,
// by the parent pid on Linux, else by kill(parent, 0).
const WATCHDOG = `
const { workerData: { parent, everyMs } } = require("node:worker_threads");
const { readFileSync } = require("node:fs");
const gone = () => {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) !== parent;
  } catch {
    try { process.kill(parent, 0); return false; } catch (err) { return err.code !== "EPERM"; }
  }
};
setInterval(() => { if (gone()) process.kill(process.pid, "SIGKILL"); }, everyMs);
`;

/** Ends this process at once if `parent` is gone. */
export function dieIfOrphaned(parent: number): void {
  if (parentGone(parent)) process.kill(process.pid, "SIGKILL");
}

/**
 * Starts the watchdog thread of this process (it does not keep the process alive), after a first
 * check: a parent that died before this process booted is seen at once.
 */
export function watchParent(parent: number, everyMs = WATCH_MS): void {
  dieIfOrphaned(parent);
  // No loader (a worker booted through tsx would load it in the thread too); a thread that cannot
  // start (out of memory) leaves the store guard, rather than ending the worker with an "error" event.
  const watchdog = new Worker(WATCHDOG, { eval: true, workerData: { parent, everyMs }, execArgv: [] });
  watchdog.on("error", () => {});
  watchdog.unref();
}

/**
 * `target` with `check()` run before every method call on it or on an object it holds
 * (`stores.objects.data.put(…)`, `stores.executions.appendEvents(…)`).
 */
export function guarded<T extends object>(target: T, check: () => void): T {
  return new Proxy(target, {
    get(object, key) {
      const value: unknown = Reflect.get(object, key, object);
      if (typeof value === "function")
        return (...args: unknown[]) => {
          check();
          return (value as (...a: unknown[]) => unknown).apply(object, args);
        };
      return value !== null && typeof value === "object" ? guarded(value, check) : value;
    },
  });
}
