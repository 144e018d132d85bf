/**
 * @tollgate/local: the embedded runtime. The workflow's ASL file run by the local ASL interpreter
 * (engine/asl) with the Lambda handlers in-process, folder and SQLite stores under one home, the
 * local ETL runner, the audit log and the local model server.
 * @example
 * import { openTollgate } from "@tollgate/local";
 * const tg = openTollgate({ home: ".tollgate" });
 */
export {
  DEFAULT_DEFINITION,
  ETL_JOB_NAME,
  localSubstitutions,
  type OpenOptions,
  openTollgate,
  readLambdaSteps,
  type Tollgate,
} from "./app.ts";
export { LocalConfig, readConfig } from "./config.ts";
export { LocalWorkflow, type RunHandle, STATE_MACHINE_ARN } from "./engine/runner.ts";
export { type LocalServer, type ServeLocalOptions, serveLocal } from "./server/index.ts";
export { type LocalStores, openLocalStores } from "./stores/index.ts";
export { type LocalTrigger, localTrigger, objectCreated } from "./trigger.ts";
