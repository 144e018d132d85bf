import type { ObjectStore, Registry } from "../ports.ts";

/** What the workflow steps need: the data and model stores, the registry, a clock. */
export interface StepPorts {
  data: ObjectStore;
  models: ObjectStore;
  registry: Registry;
  now?: () => Date;
}

export const nowIso = (ports: StepPorts): string => (ports.now ? ports.now() : new Date()).toISOString();
