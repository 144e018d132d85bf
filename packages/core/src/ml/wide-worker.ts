/**
 * A thread of its own for `wide.ts`'s work (when no idle thread was handed over): it runs the
 * work it is sent (`runWide`), as the fit thread does once selection is done.
 */
import { parentPort } from "node:worker_threads";
import { runWide, type WideStart } from "./wide-run.ts";

parentPort!.once("message", (message: { wide: WideStart }) => void runWide(message.wide));
