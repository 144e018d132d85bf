/**
 * The local composition root: builds the folder/SQLite ports, audits every write, and wires the
 * workflow's Task states to the same step handlers the Lambdas run.
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { ScaleSettings } from "@tollgate/core/contracts";
import { readSettings, Settings } from "@tollgate/core/settings";
import type { StepPorts } from "@tollgate/core/steps";
import type { ExecutionRecord } from "@tollgate/core/workflow";
import { type LambdaStep, lambdaSteps, walkStates } from "@tollgate/core/workflow/asl";
import type { ChildRuntimeOptions } from "./child-runtime.ts";
import { isDistributedMap } from "./engine/asl/types.ts";
import { type AslDefinition, loadDefinition } from "./engine/definition.ts";
import type { Buckets } from "./engine/map-run/items.ts";
import { WorkerPool, type WorkerRuntimeSpec } from "./engine/map-run/pool.ts";
import { LocalMapRunner } from "./engine/map-run/runner.ts";
import { LocalWorkflow, STATE_MACHINE_ARN, STATE_MACHINE_NAME } from "./engine/runner.ts";
import type { EtlLimits } from "./etl/rules.ts";
import { checkFaults } from "./fault-points.ts";
import { INSTALL_CACHE } from "./install-cache.ts";
import { LOCAL_NAMES, type LocalStores, openLocalStores } from "./stores/index.ts";
import { auditedPorts, ETL_JOB_NAME, lambdaArn, localBuckets, localTargets } from "./targets.ts";

export { ETL_JOB_NAME };

/** The module Map Run workers import to build their child runtime. */
const CHILD_RUNTIME_MODULE = new URL("./child-runtime.ts", import.meta.url).href;

export const DEFAULT_DEFINITION = fileURLToPath(new URL("../../../workflows/retrain.asl.json", import.meta.url));

/** The workflow's Lambda steps, as the ASL file names them (nested states included). */
export function readLambdaSteps(definitionFile: string = DEFAULT_DEFINITION): LambdaStep[] {
  return lambdaSteps(JSON.parse(readFileSync(definitionFile, "utf8")));
}

/** The names of a definition's Distributed Map states (each gets a local map runner). */
function distributedMaps(definition: AslDefinition): string[] {
  return [...walkStates(definition.States)].filter(({ state }) => isDistributedMap(state)).map(({ name }) => name);
}

/** How runs fan out when no setting says otherwise (the settings schema's defaults). */
export type LocalScale = Pick<ScaleSettings, "mapConcurrency" | "rowsPerChild" | "specSampleRows">;
export const DEFAULT_SCALE: LocalScale = readSettings(
  Settings.pick({ mapConcurrency: true, rowsPerChild: true, specSampleRows: true }),
  {},
);

/** The DefinitionSubstitutions for the local target (AWS gets real ARNs from the stacks, and the deploy settings). */
export function localSubstitutions(
  steps: readonly LambdaStep[],
  scale: LocalScale = DEFAULT_SCALE,
): Record<string, string> {
  return {
    EtlJobName: ETL_JOB_NAME,
    DataBucketName: LOCAL_NAMES.dataBucket,
    MapConcurrency: String(scale.mapConcurrency),
    RowsPerChild: String(scale.rowsPerChild),
    SpecSampleRows: String(scale.specSampleRows),
    ...Object.fromEntries(steps.map(({ key }) => [`${key}FunctionArn`, lambdaArn(key)])),
  };
}

export interface Tollgate {
  home: string;
  stores: LocalStores;
  workflow: LocalWorkflow;
  /** Ports whose writes are audited as made by `principal` (a run id, or the CLI user). */
  portsFor(principal: string, runId?: string): StepPorts;
  /** Closes the stores and stops the Map Run workers. */
  close(): void;
}

/**
 * Opens the local runtime under `home`.
 * @example const tg = openTollgate({ home: ".tollgate" }); const run = await tg.workflow.start(name, input);
 */
export interface OpenOptions {
  home: string;
  definitionFile?: string;
  /**
   * Faults to inject (reliability testing): a state name fails that state's task before it runs;
   * a checkpoint name such as `Promote:between-writes` fails the step at that point inside it.
   */
  faults?: string[];
  /** Called at each checkpoint inside a step, after fault injection (tests use it to line runs up). */
  onCheckpoint?: (point: string, runId: string) => Promise<void>;
  /**
   * The ports each step runs with, from the run's ports (default: those). Tests use it to give a
   * step only what its deployed role may touch, or the AWS adapters with that role's credentials.
   */
  stepPorts?: (step: string, ports: StepPorts) => StepPorts;
  /**
   * Runs these Lambda steps (by their `${<Key>FunctionArn}` key) with the given function instead of
   * in-process, e.g. the step's Lambda entry point with its deployed role's credentials.
   */
  lambdas?: Record<string, (event: unknown) => Promise<unknown>>;
  /** The store the Glue job (the Etl state) reads and writes (default: the run's data store). */
  etlStore?: (ports: StepPorts) => StepPorts["data"];
  /**
   * The local Glue job's shard limits (default: docs/etl-rules.md's): tests make a few hundred
   * rows into several curated shards, so that a run has several Map children.
   */
  etlLimits?: Partial<EtlLimits>;
  /** At most this many Map Run worker processes, shared by the app's Map Runs (default: one per core). */
  mapWorkers?: number;
  /**
   * What a Map Run's worker processes build to run the children (default: the local steps over
   * this home). Tests use it to run the children's entry points with their deployed role.
   */
  mapRuntime?: WorkerRuntimeSpec;
  /** The buckets a Distributed Map's ItemReader and ResultWriter use, by name (default: the local stores). */
  mapBuckets?: (runId: string) => Buckets;
  /** How runs fan out (default: the settings' defaults): substituted into the definition as on AWS. */
  scale?: Partial<LocalScale>;
}

/** EventBridge's "Step Functions Execution Status Change" event for a finished execution. */
export function statusChangeEvent(execution: ExecutionRecord) {
  return {
    source: "aws.states",
    "detail-type": "Step Functions Execution Status Change",
    detail: {
      executionArn: execution.executionArn,
      name: execution.name,
      status: execution.status,
      input: execution.input,
      error: execution.error,
      cause: execution.cause,
    },
  };
}

export function openTollgate(options: OpenOptions): Tollgate {
  const faults = options.faults ?? [];
  const definitionFile = options.definitionFile ?? DEFAULT_DEFINITION;
  const steps = readLambdaSteps(definitionFile);
  const substitutions = localSubstitutions(steps, { ...DEFAULT_SCALE, ...options.scale });
  const definition = loadDefinition(definitionFile, substitutions, INSTALL_CACHE);
  checkFaults(faults, definition.States, steps);
  const stores = openLocalStores(options.home);
  const portsFor = (principal: string, runId?: string) => auditedPorts(stores, principal, runId);
  const childRuntime: ChildRuntimeOptions = { home: stores.home, definitionFile, faults };
  // One pool for every Map Run of this app: a worker stays warm from one Map Run to the next.
  const pool = new WorkerPool(
    options.mapWorkers ?? availableParallelism(),
    options.mapRuntime ?? { module: CHILD_RUNTIME_MODULE, options: childRuntime },
  );
  const workflow = new LocalWorkflow({
    definition,
    executions: stores.executions,
    audit: stores.audit,
    targetsFor: (runId) => localTargets(steps, stores, runId, { ...options, faults }),
    // EventBridge's rule on AWS: a run that ends without success is recorded, caught or not
    onUnsuccessful: async (execution) => {
      const recordFailure = localTargets(steps, stores, execution.name, { ...options, faults }).lambdas[
        lambdaArn("RecordFailure")
      ];
      await recordFailure?.(statusChangeEvent(execution));
    },
    mapRunnersFor: (runId, onProgress) =>
      Object.fromEntries(
        distributedMaps(definition).map((state) => [
          state,
          new LocalMapRunner({
            executions: stores.executions,
            mapRuns: stores.mapRuns,
            buckets: options.mapBuckets?.(runId) ?? localBuckets(stores, `run:${runId}`, runId),
            pool,
            parent: { name: runId, stateMachineArn: STATE_MACHINE_ARN, stateMachineName: STATE_MACHINE_NAME },
            ...(onProgress ? { onProgress } : {}),
          }),
        ]),
      ),
  });
  workflow.recoverInterrupted();
  stores.mapRuns.failOrphans();
  const close = () => {
    void pool.close();
    stores.close();
  };
  return { home: options.home, stores, workflow, portsFor, close };
}
