/**
 * @tollgate/cli: the `tollgate` command. `main.ts` runs it; `buildProgram` builds it around a
 * backend (the embedded runtime by default, or a deployed stage with `--stage`).
 * @example
 * import { buildProgram } from "@tollgate/cli";
 * await buildProgram({ out: console.log, err: console.error }).parseAsync(["node", "tollgate", "runs"]);
 */
export type { Backend } from "./backend.ts";
export { LocalBackend } from "./local-backend.ts";
export { buildProgram, type Io } from "./program.ts";
