// `node --import ./log-loads.mjs …`: prints `LOADED <url>` on stderr for every module the process loads
// (program.test.ts checks which modules a command pulls in).
import { register } from "node:module";

export async function load(url, context, next) {
  process.stderr.write(`LOADED ${url}\n`);
  return next(url, context);
}

if (!process.env.TOLLGATE_LOG_LOADS_HOOKED) {
  process.env.TOLLGATE_LOG_LOADS_HOOKED = "1";
  register(import.meta.url);
}
