import type { ObjectStore, Registry } from "../ports.ts";

/** What the workflow steps need: the data and model stores, the registry, a clock. */
export interface StepPorts {
  data: ObjectStore;
  models: ObjectStore;
  registry: Registry;
  now?: () => Date;
  /**
   * Called at named points inside a step (e.g. `Promote:between-writes`); the local runtime's
   * fault injection throws from here. Absent on AWS.
   */
  checkpoint?: (point: string) => Promise<void>;
}

export const nowIso = (ports: StepPorts): string => (ports.now ? ports.now() : new Date()).toISOString();
