/**
 * The trainer's worker threads (the refit beside the fit, selection candidates beside the main
 * thread): where their modules are, whether one may help, and how a cached set travels to one.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ExampleSet } from "./examples.ts";
import { unionCache } from "./refit.ts";
import { VectorCache } from "./row-cache.ts";

/** A cache's arrays, as sent to a worker. */
export type CacheParts = Pick<VectorCache, "ids" | "values" | "offsets" | "classes" | "count">;

/**
 * A worker thread running `entry` (a module beside this file), or undefined on a single core or
 * where the modules are not beside this one (a bundle): the caller then does the work itself.
 */
export function startWorker(entry: string, workerData: object, transferList: ArrayBuffer[] = []): Worker | undefined {
  if (availableParallelism() < 2) return undefined;
  try {
    const boot = new URL("./worker-boot.mjs", import.meta.url);
    const module = new URL(entry, import.meta.url);
    if (!existsSync(fileURLToPath(boot)) || !existsSync(fileURLToPath(module))) return undefined;
    return new Worker(boot, { workerData: { ...workerData, entry: module.href }, transferList });
  } catch {
    return undefined;
  }
}

/** The examples of a cached set (its subset's, in that order) as compact arrays to send. */
export function cacheParts(set: ExampleSet & { kind: "cached" }): CacheParts {
  return set.subset ? unionCache(set) : set.cache;
}

/** A cached set over arrays a worker received. */
export const cachedSet = (parts: CacheParts): ExampleSet => ({ kind: "cached", cache: VectorCache.from(parts) });
