/**
 * A Map Run worker process (forked by pool.ts): builds the child runtime once from the module and
 * options it is sent, then runs one child execution at a time and answers with its outcome.
 * It exits when told to, or when its parent goes away: at once, even in the middle of a child
 * (parent-watch.ts). Argument: the parent's pid.
 */
import { dirname } from "node:path";
import { mapStacks } from "@tollgate/core/stack-maps";
import type { Outcome } from "../asl/execution.ts";
import { type ChildRun, type ChildRuntime, type ChildRuntimeModule, runChild, type WorkerHost } from "./child.ts";
import { dieIfOrphaned, guarded, watchParent } from "./parent-watch.ts";

export type ToWorker =
  | { type: "init"; module: string; options: unknown }
  | { type: "run"; child: ChildRun }
  | { type: "exit" };
export type FromWorker =
  | { type: "ready" }
  | { type: "done"; name: string; outcome: Outcome }
  | { type: "error"; message: string };

// Forked on its bundle (pool.ts): stack traces, in a step's error log say, name the .ts sources and
// lines as under tsx, not the bundle's chunks.
const script = process.argv[1] ?? "";
if (script.endsWith(".mjs")) mapStacks(dirname(script));

const parent = Number(process.argv[2]) || process.ppid;
watchParent(parent);
const host: WorkerHost = { guard: (stores) => guarded(stores, () => dieIfOrphaned(parent)) };

let runtime: ChildRuntime | undefined;
// The parent may have gone (an app closed while this worker was still booting): an EPIPE then goes
// to the callback, not to an unhandled "error" event; "disconnect" ends this process.
const send = (message: FromWorker) => {
  if (process.connected) process.send?.(message, undefined, {}, () => {});
};

process.on("message", (message: ToWorker) => {
  void handle(message).catch((err: unknown) => {
    send({ type: "error", message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  });
});
// The parent closed the channel (or died: then the watchdog may have ended this process first).
process.on("disconnect", () => process.exit(0));

async function handle(message: ToWorker): Promise<void> {
  if (message.type === "init") {
    const module = (await import(message.module)) as ChildRuntimeModule;
    runtime = await module.createChildRuntime(message.options, host);
    send({ type: "ready" });
  } else if (message.type === "run") {
    if (!runtime) throw new Error("worker not initialised");
    const outcome = await runChild(runtime, message.child);
    send({ type: "done", name: message.child.name, outcome });
  } else {
    runtime?.close();
    process.exit(0);
  }
}
