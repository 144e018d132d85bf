/**
 * The Map Run worker as plain JavaScript: from TypeScript sources (local runs, tests) the worker
 * entry and the child runtime module are bundled once per install (@tollgate/core/bundle-cache,
 * under this package's node_modules/.cache/tollgate/), and pool.ts forks workers on that bundle
 * with no loader. A process that finds no current bundle boots its workers through tsx until the
 * build it starts is there.
 */

import { pathToFileURL } from "node:url";
import { type BundleEntries, cachedBundle, bundleReady as entriesReady } from "@tollgate/core/bundle-cache";
import { INSTALL_CACHE } from "../../install-cache.ts";

/** Where a worker boots from: its entry file, and the runtime module URL it is sent. */
export interface WorkerBundle {
  worker: string;
  runtime: string;
}

const asWorker = (bundle: BundleEntries | undefined): WorkerBundle | undefined =>
  bundle && { worker: bundle.worker as string, runtime: pathToFileURL(bundle.runtime as string).href };
const typescript = (worker: string, runtime: string) => worker.endsWith(".ts") && runtime.endsWith(".ts");

/**
 * The current bundle of `worker` + `runtime` (paths of TypeScript modules), or undefined while
 * there is none (its build is then started).
 * @example const bundle = workerBundle(WORKER, fileURLToPath(spec.module)); fork(bundle?.worker ?? WORKER, …)
 */
export function workerBundle(worker: string, runtime: string, cacheDir = INSTALL_CACHE): WorkerBundle | undefined {
  return typescript(worker, runtime) ? asWorker(cachedBundle({ worker, runtime }, cacheDir)) : undefined;
}

/** The bundle of `worker` + `runtime`, built if needed; undefined when it cannot be built. */
export async function bundleReady(worker: string, runtime: string, cacheDir = INSTALL_CACHE) {
  return typescript(worker, runtime) ? asWorker(await entriesReady({ worker, runtime }, cacheDir)) : undefined;
}
