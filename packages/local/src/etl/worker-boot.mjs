// Entry of an ETL worker thread: TypeScript sources need tsx's loader, which a worker does not
// inherit from `--import tsx`, so register it here, then load the worker module.
import { workerData } from "node:worker_threads";

const { register } = await import("tsx/esm/api");
register();
await import(workerData.entry);
