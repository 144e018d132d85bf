/**
 * What the workflow's Task states run locally: the step each `functions/<step>.ts` entry file
 * exports, with folder/SQLite ports whose writes are audited as the run's, and the local Glue
 * job; fault injection by configuration wraps them. Used for a run (app.ts) and for a Map Run's
 * children in worker processes (child-runtime.ts), so both run the same code.
 */
import { InjectedFaultError } from "@tollgate/core/errors";
import type { Step, StepPorts } from "@tollgate/core/steps";
import type { LambdaStep } from "@tollgate/core/workflow/asl";
import { localGlueJob } from "./engine/glue.ts";
import type { Buckets } from "./engine/map-run/items.ts";
import { LOCAL_ACCOUNT, LOCAL_REGION } from "./engine/runner.ts";
import type { LocalTargets } from "./engine/tasks.ts";
import type { EtlLimits } from "./etl/rules.ts";
import { auditedObjectStore, auditedRegistry } from "./stores/audited.ts";
import type { LocalStores } from "./stores/index.ts";
import { withWriteFault, writeFaultOf } from "./write-faults.ts";

export const ETL_JOB_NAME = "tollgate-etl";
export const lambdaArn = (step: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:tollgate-${step}`;

const loadedSteps = new Map<string, Promise<Step>>();

/** The step a handler module (functions/<file>.ts) exports, imported on first use: the Lambda's own code. */
function stepOf(handlerFile: string): Promise<Step> {
  let step = loadedSteps.get(handlerFile);
  if (!step) {
    // @tollgate/functions/<file> by a path relative to this file: a bundler (the Map worker's,
    // engine/map-run/bundle.ts) can follow it and include every handler
    step = import(`../../../functions/${handlerFile}.ts`).then((module: { step: Step }) => module.step);
    loadedSteps.set(handlerFile, step);
  }
  return step;
}

/** Imports the steps' handler modules ahead of their first task (a Map Run worker does, at boot). */
export async function preloadSteps(steps: readonly LambdaStep[]): Promise<void> {
  await Promise.all(steps.map(({ handlerFile }) => stepOf(handlerFile)));
}

/** Ports whose writes are audited as made by `principal` (a run id, or the CLI user). */
export function auditedPorts(stores: LocalStores, principal: string, runId?: string): StepPorts {
  const ctx = { userIdentity: { type: "LocalUser", principalId: principal }, ...(runId ? { runId } : {}) };
  return {
    data: auditedObjectStore(stores.objects.data, stores.audit, ctx),
    models: auditedObjectStore(stores.objects.models, stores.audit, ctx),
    registry: auditedRegistry(stores.registry, stores.audit, ctx),
  };
}

/** The local buckets by the names the definition uses (ItemReader, ResultWriter), audited as `principal`. */
export function localBuckets(stores: LocalStores, principal: string, runId: string): Buckets {
  const ports = auditedPorts(stores, principal, runId);
  return { [stores.names.dataBucket]: ports.data, [stores.names.modelBucket]: ports.models };
}

const injected = (where: string) =>
  new InjectedFaultError(`fault injected at ${where} by configuration (TOLLGATE_FAULTS)`);

/** Wraps a task so that it throws InjectedFaultError when `fault` is set. */
function faultable<A extends unknown[], R>(fault: string | undefined, task: (...args: A) => Promise<R>) {
  if (!fault) return task;
  return async (..._: A): Promise<R> => {
    throw injected(fault);
  };
}

export interface TargetOptions {
  /**
   * Faults to inject (reliability testing): a state name fails that state's task before it runs;
   * a checkpoint name such as `Promote:between-writes` fails the step at that point inside it;
   * `<State>:after-write:<n>` / `<State>:after-return` fail it after its writes (write-faults.ts).
   */
  faults: readonly string[];
  /** A fault that fails every task (a Map Run child named by `<MapState>[<index>]`). */
  failAll?: string | undefined;
  onCheckpoint?: ((point: string, runId: string) => Promise<void>) | undefined;
  stepPorts?: ((step: string, ports: StepPorts) => StepPorts) | undefined;
  /** Lambda steps run by these functions instead of in-process (see OpenOptions.lambdas). */
  lambdas?: Record<string, (event: unknown) => Promise<unknown>> | undefined;
  /** The Glue job's store (see OpenOptions.etlStore). */
  etlStore?: ((ports: StepPorts) => StepPorts["data"]) | undefined;
  /** The local Glue job's shard limits (see OpenOptions.etlLimits). */
  etlLimits?: Partial<EtlLimits> | undefined;
}

/** The local Glue job over the run's ports, with its write fault when one is configured. */
function etlJob(ports: StepPorts, options: TargetOptions) {
  const etl = options.etlLimits ? { limits: options.etlLimits } : {};
  const job = (p: StepPorts) => localGlueJob(options.etlStore?.(p) ?? p.data, ETL_JOB_NAME, etl);
  const after = writeFaultOf(options.faults, "Etl");
  if (after === undefined) return job(ports);
  return (...args: Parameters<ReturnType<typeof job>>) => withWriteFault("Etl", after, ports, (p) => job(p)(...args));
}

/** The in-process targets of one run's Task states. */
export function localTargets(
  steps: readonly LambdaStep[],
  stores: LocalStores,
  runId: string,
  options: TargetOptions,
): LocalTargets {
  const { faults, failAll } = options;
  const ports: StepPorts = {
    ...auditedPorts(stores, `run:${runId}`, runId),
    checkpoint: async (point) => {
      if (faults.includes(point)) throw injected(point);
      await options.onCheckpoint?.(point, runId);
    },
  };
  const faultOf = (name: string) => failAll ?? (faults.includes(name) ? name : undefined);
  return {
    lambdas: Object.fromEntries(
      steps.map(({ key, handlerFile }) => {
        const stepPorts = options.stepPorts?.(key, ports) ?? ports;
        const invoke = (p: StepPorts) => async (event: unknown) => (await stepOf(handlerFile)).make(p)(event);
        const after = writeFaultOf(faults, key);
        const run =
          options.lambdas?.[key] ??
          (after === undefined
            ? invoke(stepPorts)
            : (event: unknown) => withWriteFault(key, after, stepPorts, (p) => invoke(p)(event)));
        return [lambdaArn(key), faultable(faultOf(key), run)];
      }),
    ),
    glueJobs: {
      [ETL_JOB_NAME]: faultable(faultOf("Etl"), etlJob(ports, options)),
    },
  };
}
