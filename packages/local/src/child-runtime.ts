/**
 * What a Map Run worker process builds (engine/map-run/worker.ts imports this module): the same
 * step handlers with the same local stores under TOLLGATE_HOME as the run that started the Map
 * Run, so a child's Task states run the code a top-level Task would. Audited as the parent run.
 * A fault `<MapState>[<index>]` in TOLLGATE_FAULTS fails every task of that one child.
 */
import { readLambdaSteps } from "./app.ts";
import type { ChildRuntime } from "./engine/map-run/child.ts";
import { openLocalStores } from "./stores/index.ts";
import { localTargets } from "./targets.ts";

export interface ChildRuntimeOptions {
  home: string;
  definitionFile: string;
  faults: string[];
}

export function createChildRuntime(options: ChildRuntimeOptions): ChildRuntime {
  const stores = openLocalStores(options.home);
  const steps = readLambdaSteps(options.definitionFile);
  return {
    executions: stores.executions,
    targetsFor: (child) => {
      const fault = `${child.mapState}[${child.index}]`;
      return localTargets(steps, stores, child.parentName, {
        faults: options.faults,
        failAll: options.faults.includes(fault) ? fault : undefined,
      });
    },
    close: () => stores.close(),
  };
}
