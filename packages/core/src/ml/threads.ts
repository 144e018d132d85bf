/**
 * The trainer's worker threads (the refit beside the fit, selection candidates beside the main
 * thread): where their modules are, whether one may help, and how a cached set travels to one.
 *
 * From TypeScript sources (local runs, tests) each worker module is bundled once per process by
 * esbuild into one ES module, so a thread boots in ~0.1 s: tsx's loader registered in a thread
 * starts a loader-hooks thread of its own and transpiles every module through it (0.7 s and
 * 0.5–0.65 CPU s per thread on this machine, twice per Train step). `prepareWorkers` starts the
 * bundling early (esbuild runs in its own process) so that it overlaps the featurizing. If
 * esbuild is missing or fails, a thread boots through tsx (`worker-boot.mjs`) as before.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ExampleSet } from "./examples.ts";
import { unionCache } from "./refit.ts";
import { VectorCache } from "./row-cache.ts";

/** A cache's arrays, as sent to a worker. */
export type CacheParts = Pick<VectorCache, "ids" | "values" | "offsets" | "classes" | "count">;

/** The worker modules, beside this file. */
export const WORKER_MODULES = ["./fit-worker.ts", "./refit-worker.ts"] as const;
type WorkerModule = (typeof WORKER_MODULES)[number];

/** Per worker module: a URL to start a thread from (a bundle or the module itself), or undefined for tsx's boot. */
const bundles = new Map<WorkerModule, Promise<URL | undefined>>();

/**
 * Starts bundling the worker modules (TypeScript sources only; once per process). Call it as soon
 * as threads are likely to be used: `startWorker` waits for the bundle.
 */
export function prepareWorkers(): void {
  if (bundles.size > 0 || availableParallelism() < 2) return;
  const files = WORKER_MODULES.map((entry) => fileURLToPath(new URL(entry, import.meta.url)));
  const built = files.every((file) => file.endsWith(".ts") && existsSync(file)) ? bundle(files) : undefined;
  for (const [k, entry] of WORKER_MODULES.entries())
    bundles.set(entry, built ? built.then((urls) => urls?.[k]) : Promise.resolve(undefined));
}

/** One esbuild bundle per file (one build), as data: URLs; builtins are required through a `require` made for the files' folder. */
async function bundle(files: string[]): Promise<URL[] | undefined> {
  try {
    // The name is not a literal, so that a bundled Lambda (which never starts threads) does not pull esbuild in.
    const esbuild = "esbuild";
    const { build } = (await import(esbuild)) as typeof import("esbuild");
    const out = await build({
      entryPoints: files,
      outdir: dirname(files[0]!),
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      write: false,
      logLevel: "silent",
      banner: {
        js: `import { createRequire } from "node:module"; const require = createRequire(${JSON.stringify(files[0])});`,
      },
    });
    const urls = files.map((file) => {
      const js = out.outputFiles.find((f) => basename(f.path) === basename(file).replace(/\.ts$/, ".js"))!;
      return new URL(`data:text/javascript;base64,${Buffer.from(js.contents).toString("base64")}`);
    });
    return urls;
  } catch {
    return undefined;
  }
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

/** A cached set over arrays a worker received. */
export const cachedSet = (parts: CacheParts): ExampleSet => ({ kind: "cached", cache: VectorCache.from(parts) });
