/**
 * What a Map Run worker process builds (engine/map-run/worker.ts imports this module): the same
 * step handlers with the same local stores under TOLLGATE_HOME as the run that started the Map
 * Run, so a child's Task states run the code a top-level Task would. Audited as the parent run.
 * A fault `<MapState>[<index>]` in TOLLGATE_FAULTS fails every task of that one child.
 * The steps the Distributed Maps' children run are imported at boot, before the first child.
 * The stores are the worker's guarded ones: no call reaches them once the app's process is gone.
 */
import { readFileSync } from "node:fs";
import { type AslDefinition, lambdaSteps, walkStates } from "@tollgate/core/workflow/asl";
import { isDistributedMap } from "./engine/asl/types.ts";
import type { ChildRuntime, WorkerHost } from "./engine/map-run/child.ts";
import { openLocalStores } from "./stores/index.ts";
import { localTargets, preloadSteps } from "./targets.ts";

export interface ChildRuntimeOptions {
  home: string;
  definitionFile: string;
  faults: string[];
}

export async function createChildRuntime(options: ChildRuntimeOptions, host: WorkerHost): Promise<ChildRuntime> {
  const definition = JSON.parse(readFileSync(options.definitionFile, "utf8")) as AslDefinition;
  const steps = lambdaSteps(definition);
  const children = [...walkStates(definition.States)].flatMap(({ state }) =>
    isDistributedMap(state) ? lambdaSteps(state.ItemProcessor as AslDefinition) : [],
  );
  await preloadSteps(children);
  const stores = host.guard(openLocalStores(options.home));
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
