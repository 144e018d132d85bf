/**
 * The trainer's worker threads (the refit beside the fit, selection candidates beside the main
 * thread, then on small data the exact race's wide work or its narrow refit ahead of the verdict):
 * where their modules are, whether one may help, and how a cached set travels to one.
 *
 * From TypeScript sources (local runs, tests) the worker modules are bundled by esbuild once per
 * install (bundle-cache.ts, under this package's node_modules/.cache/tollgate/), so a thread boots
 * in ~0.1 s: tsx's loader registered in a thread starts a loader-hooks thread of its own and
 * transpiles every module through it (0.7 s and 0.5–0.65 CPU s per thread on this machine, twice
 * per Train step). `prepareWorkers` looks the bundle up early (and builds it, in esbuild's own
 * process, if there is none) so that a build overlaps the featurizing. If esbuild is missing or
 * fails, a thread boots through tsx (`worker-boot.mjs`) as before.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { bundleReady } from "../bundle-cache.ts";
import type { ExampleSet } from "./examples.ts";
import { unionCache } from "./refit.ts";
import { VectorCache } from "./row-cache.ts";

/** A cache's arrays, as sent to a worker. */
export type CacheParts = Pick<VectorCache, "ids" | "values" | "offsets" | "classes" | "count">;

/** The worker modules, beside this file. */
export const WORKER_MODULES = ["./fit-worker.ts", "./refit-worker.ts", "./wide-worker.ts"] as const;
type WorkerModule = (typeof WORKER_MODULES)[number];

/** Per worker module: a URL to start a thread from (a bundle or the module itself), or undefined for tsx's boot. */
const bundles = new Map<WorkerModule, Promise<URL | undefined>>();

/**
 * Looks up the worker modules' bundle, or starts building it (TypeScript sources only; once per
 * process). Call it as soon as threads are likely to be used: `startWorker` waits for the bundle.
 */
export function prepareWorkers(): void {
  if (bundles.size > 0 || availableParallelism() < 2) return;
  const files = WORKER_MODULES.map((entry) => fileURLToPath(new URL(entry, import.meta.url)));
  const sources = files.every((file) => file.endsWith(".ts") && existsSync(file));
  const cache = fileURLToPath(new URL("../../node_modules/.cache/tollgate/", import.meta.url));
  const built = sources
    ? bundleReady(Object.fromEntries(files.map((file) => [basename(file, ".ts"), file])), cache)
    : undefined;
  for (const [k, entry] of WORKER_MODULES.entries()) {
    const name = basename(files[k] as string, ".ts");
    bundles.set(
      entry,
      built ? built.then((out) => (out?.[name] ? pathToFileURL(out[name]) : undefined)) : Promise.resolve(undefined),
    );
  }
}

/**
 * Waits until the worker modules' bundle is looked up or built (`prepareWorkers`): for a caller that
 * times a training and counts the bundle, built once per install, as installing (`pnpm bench:train`).
 */
export async function workersReady(): Promise<void> {
  prepareWorkers();
  await Promise.all(bundles.values());
}

/**
 * A worker thread running `entry` (a module beside this file), or undefined on a single core or
 * where the modules are not beside this one (a bundle): the caller then does the work itself.
 */
export async function startWorker(
  entry: WorkerModule,
  workerData: object,
  transferList: ArrayBuffer[] = [],
): Promise<Worker | undefined> {
  if (availableParallelism() < 2) return undefined;
  try {
    const module = new URL(entry, import.meta.url);
    if (!existsSync(fileURLToPath(module))) return undefined;
    prepareWorkers();
    const bundled = await bundles.get(entry);
    if (bundled) return new Worker(bundled, { workerData, transferList });
    const boot = new URL("./worker-boot.mjs", import.meta.url);
    if (!existsSync(fileURLToPath(boot))) return undefined;
    return new Worker(boot, { workerData: { ...workerData, entry: module.href }, transferList });
  } catch {
    return undefined;
  }
}

/** The examples of a cached set (its subset's, in that order) as compact arrays to send. */
export function cacheParts(set: ExampleSet & { kind: "cached" }): CacheParts {
  return set.subset ? unionCache(set) : set.cache;
}

/**
 * The examples of a cached set as arrays over SharedArrayBuffers (their used length, copied once
 * here): posted to another thread, they are shared, not copied again on either side.
 */
export function sharedParts(set: ExampleSet & { kind: "cached" }): CacheParts {
  const { ids, values, offsets, classes, count } = cacheParts(set);
  const nnz = offsets[count]!;
  // (typed as the cache's own arrays: nothing transfers them)
  const ints = (from: Int32Array, n: number) => {
    const to = new Int32Array(new SharedArrayBuffer(4 * n));
    to.set(from.subarray(0, n));
    return to as unknown as CacheParts["ids"];
  };
  const floats = new Float64Array(new SharedArrayBuffer(8 * nnz)) as unknown as CacheParts["values"];
  floats.set(values.subarray(0, nnz));
  return {
    ids: ints(ids, nnz),
    values: floats,
    offsets: ints(offsets, count + 1),
    classes: ints(classes, count),
    count,
  };
}

/** A cached set over arrays a worker received. */
export const cachedSet = (parts: CacheParts): ExampleSet => ({ kind: "cached", cache: VectorCache.from(parts) });
