declare module "dynalite" {
  import type { Server } from "node:http";

  /** dynalite's options (subset used here). */
  interface DynaliteOptions {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
  }
  function dynalite(options?: DynaliteOptions): Server;
  export = dynalite;
}
