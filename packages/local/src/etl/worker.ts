/** An ETL worker thread: runs the tasks (tasks.ts) the pool sends, one at a time, and answers each. */
import { parentPort, workerData } from "node:worker_threads";
import { TASKS, type TaskName } from "./tasks.ts";

const port = parentPort;
if (!port) throw new Error("etl/worker.ts runs as a worker thread (see pool.ts)");
port.on("message", (message: { id: number; task: TaskName; input: Record<string, unknown> }) => {
  try {
    const run = TASKS[message.task] as (input: unknown) => unknown;
    port.postMessage({ id: message.id, output: run({ ...message.input, workerId: workerData.workerId }) });
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    port.postMessage({ id: message.id, error: { name: error.name, message: error.message, stack: error.stack } });
  }
});
port.postMessage({ ready: true });
