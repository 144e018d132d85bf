/**
 * The local composition root: builds the folder/SQLite ports, audits every write, and wires the
 * workflow's Task states to the same step handlers the Lambdas run.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { InjectedFaultError } from "@tollgate/core/errors";
import type { Step, StepPorts } from "@tollgate/core/steps";
import { type LambdaStep, lambdaSteps } from "@tollgate/core/workflow/asl";
import { loadDefinition } from "./engine/definition.ts";
import { localGlueJob } from "./engine/glue.ts";
import { LOCAL_ACCOUNT, LOCAL_REGION, LocalWorkflow } from "./engine/runner.ts";
import { auditedObjectStore, auditedRegistry } from "./stores/audited.ts";
import { LOCAL_NAMES, type LocalStores, openLocalStores } from "./stores/index.ts";

export const DEFAULT_DEFINITION = fileURLToPath(new URL("../../../workflows/retrain.asl.json", import.meta.url));
export const ETL_JOB_NAME = "tollgate-etl";
const lambdaArn = (step: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:tollgate-${step}`;

/** The workflow's Lambda steps, as the ASL file names them (nested states included). */
export function readLambdaSteps(definitionFile: string = DEFAULT_DEFINITION): LambdaStep[] {
  return lambdaSteps(JSON.parse(readFileSync(definitionFile, "utf8")));
}

/** The DefinitionSubstitutions for the local target (AWS gets real ARNs from the stacks). */
export function localSubstitutions(steps: readonly LambdaStep[]): Record<string, string> {
  return {
    EtlJobName: ETL_JOB_NAME,
    DataBucketName: LOCAL_NAMES.dataBucket,
    ...Object.fromEntries(steps.map(({ key }) => [`${key}FunctionArn`, lambdaArn(key)])),
  };
}

const loadedSteps = new Map<string, Promise<Step>>();

/** The step a handler module (functions/<file>.ts) exports, imported on first use: the Lambda's own code. */
function stepOf(handlerFile: string): Promise<Step> {
  let step = loadedSteps.get(handlerFile);
  if (!step) {
    step = import(`@tollgate/functions/${handlerFile}`).then((module: { step: Step }) => module.step);
    loadedSteps.set(handlerFile, step);
  }
  return step;
}

export interface Tollgate {
  home: string;
  stores: LocalStores;
  workflow: LocalWorkflow;
  /** Ports whose writes are audited as made by `principal` (a run id, or the CLI user). */
  portsFor(principal: string, runId?: string): StepPorts;
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
}

/** Wraps a task so that it throws InjectedFaultError when its state is listed in `faults`. */
const injected = (where: string) =>
  new InjectedFaultError(`fault injected at ${where} by configuration (TOLLGATE_FAULTS)`);

function faultable<A extends unknown[], R>(
  state: string,
  faults: readonly string[],
  task: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  if (!faults.includes(state)) return task;
  return async () => {
    throw injected(state);
  };
}

export function openTollgate(options: OpenOptions): Tollgate {
  const faults = options.faults ?? [];
  const stores = openLocalStores(options.home);
  const portsFor = (principal: string, runId?: string): StepPorts => {
    const ctx = { userIdentity: { type: "LocalUser", principalId: principal }, ...(runId ? { runId } : {}) };
    return {
      data: auditedObjectStore(stores.objects.data, stores.audit, ctx),
      models: auditedObjectStore(stores.objects.models, stores.audit, ctx),
      registry: auditedRegistry(stores.registry, stores.audit, ctx),
    };
  };
  const definitionFile = options.definitionFile ?? DEFAULT_DEFINITION;
  const steps = readLambdaSteps(definitionFile);
  const definition = loadDefinition(definitionFile, localSubstitutions(steps));
  const workflow = new LocalWorkflow({
    definition,
    executions: stores.executions,
    audit: stores.audit,
    targetsFor: (runId) => {
      const ports: StepPorts = {
        ...portsFor(`run:${runId}`, runId),
        checkpoint: async (point) => {
          if (faults.includes(point)) throw injected(point);
          await options.onCheckpoint?.(point, runId);
        },
      };
      return {
        lambdas: Object.fromEntries(
          steps.map(({ key, handlerFile }) => {
            const stepPorts = options.stepPorts?.(key, ports) ?? ports;
            const run = async (event: unknown) => (await stepOf(handlerFile)).make(stepPorts)(event);
            return [lambdaArn(key), faultable(key, faults, run)];
          }),
        ),
        glueJobs: { [ETL_JOB_NAME]: faultable("Etl", faults, localGlueJob(ports.data, ETL_JOB_NAME)) },
      };
    },
  });
  workflow.recoverInterrupted();
  return { home: options.home, stores, workflow, portsFor, close: () => stores.close() };
}
