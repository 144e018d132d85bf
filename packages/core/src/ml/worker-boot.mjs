// Entry of the trainer's worker threads (refit-beside.ts, fit-thread.ts): from TypeScript sources,
// tsx's loader is registered first (a worker does not inherit `--import tsx`); then the worker module.
import { workerData } from "node:worker_threads";

if (workerData.entry.endsWith(".ts")) {
  const { register } = await import("tsx/esm/api");
  register();
}
await import(workerData.entry);
