// Entry of the refit's worker thread (refit-beside.ts): from TypeScript sources, tsx's loader is
// registered first (a worker does not inherit `--import tsx`); then the worker module is loaded.
import { workerData } from "node:worker_threads";

if (workerData.entry.endsWith(".ts")) {
  const { register } = await import("tsx/esm/api");
  register();
}
await import(workerData.entry);
