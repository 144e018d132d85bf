/**
 * Pipeline: the Glue job, the step Lambdas, the Standard state machine built from
 * workflows/retrain.asl.json with DefinitionSubstitutions, and the trigger on raw/ uploads.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RemovalPolicy } from "aws-cdk-lib";
import { Effect, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from "aws-cdk-lib/aws-stepfunctions";
import { type StackContext, use } from "sst/constructs";
import { useProject } from "sst/project.js";
import { trainingOptionsOf } from "../packages/core/src/settings.ts";
import { type AslDefinition, type LambdaStep, lambdaSteps } from "../packages/core/src/workflow/asl.ts";
import { type StoreAccess, storeStatements } from "./access.ts";
import { etlJob } from "./etl.ts";
import { MAX_TIMEOUT, type TollgateFunction, tollgateFunction } from "./function.ts";
import { distributedMapStatements, recordUnsuccessfulEnds } from "./map-access.ts";
import { suppress } from "./nag.ts";
import { Storage } from "./Storage.ts";
import { readDeploySettings, settingsEnv } from "./settings.ts";
import { retrainTrigger } from "./trigger.ts";

/** A step Lambda's size and what it does with the stores (see packages/core/src/steps). */
interface StepSpec {
  memorySize: number;
  timeoutSeconds: number;
  access: StoreAccess;
  /** A Distributed Map's child: its reserved concurrency is the Maps' MaxConcurrency (one setting). */
  mapChild?: boolean;
}

/**
 * What each of the ASL's Lambda steps needs when deployed, keyed like its `${<Key>FunctionArn}`
 * substitution. The steps themselves come from the ASL file (`lambdaSteps`): synthesis fails when
 * one has no entry here, or an entry names no step; the handler is the step's entry file.
 */
export const STEPS = {
  CheckNewData: {
    memorySize: 512,
    timeoutSeconds: 60,
    access: { data: { read: ["runs/"] }, registry: ["getLive", "getModelVersion", "putRun"] },
  },
  Preprocess: {
    memorySize: 2048,
    timeoutSeconds: MAX_TIMEOUT,
    access: { data: { read: ["runs/", "curated/"], write: ["prepared/"] } },
  },
  // a child of the CountTerms Map (only when Preprocess did not read every row): its shards, the manifest's labels
  CountShardTerms: {
    memorySize: 3008,
    timeoutSeconds: MAX_TIMEOUT,
    access: { data: { read: ["curated/", "runs/"], write: ["runs/"] } },
    mapChild: true,
  },
  // a child of the MergeTerms Map: its partitions of every CountTerms child's tables → its top terms under runs/
  MergeTermParts: {
    memorySize: 3008,
    timeoutSeconds: MAX_TIMEOUT,
    access: { data: { read: ["runs/"], write: ["runs/"] } },
    mapChild: true,
  },
  // the MergeTerms children's top terms → the feature spec under prepared/
  SelectTerms: {
    memorySize: 3008,
    timeoutSeconds: MAX_TIMEOUT,
    access: { data: { read: ["runs/"], write: ["prepared/"] } },
  },
  Select: {
    memorySize: 3008,
    timeoutSeconds: MAX_TIMEOUT,
    access: { data: { read: ["prepared/"], write: ["runs/"] } },
  },
  // a child of the Train Map: its shards, the feature spec, the last merged weights
  TrainShard: {
    memorySize: 3008,
    timeoutSeconds: MAX_TIMEOUT,
    access: { data: { read: ["curated/", "prepared/", "runs/"], write: ["runs/"] } },
    mapChild: true,
  },
  Merge: {
    memorySize: 3008,
    timeoutSeconds: MAX_TIMEOUT,
    access: { data: { read: ["prepared/", "runs/"], write: ["runs/"] } },
  },
  Export: {
    memorySize: 3008,
    timeoutSeconds: MAX_TIMEOUT,
    // new objects only: a model version's files are written once and never replaced
    access: {
      data: { read: ["prepared/", "runs/"] },
      models: { create: ["models/"] },
      registry: ["putModelVersion"],
    },
  },
  // a child of the Evaluate Map: its shards' test rows, the candidate and the live model
  EvaluateShard: {
    memorySize: 3008,
    timeoutSeconds: MAX_TIMEOUT,
    access: {
      data: { read: ["curated/"], write: ["runs/"] },
      models: { read: ["models/"] },
      registry: ["getLive", "getModelVersion"],
    },
    mapChild: true,
  },
  Score: {
    memorySize: 1024,
    timeoutSeconds: MAX_TIMEOUT,
    access: {
      // runs/: the children's confusion counts, and the manifests of this run and of the live model's run (is the candidate superseded?)
      data: { read: ["runs/"] },
      models: { create: ["models/"] },
      registry: ["getModelVersion", "putModelVersion"],
    },
  },
  Promote: {
    memorySize: 512,
    timeoutSeconds: 60,
    access: { registry: ["getLive", "swapLive", "putRun", "listDecisions", "recordDecision"] },
  },
  Reject: {
    memorySize: 512,
    timeoutSeconds: 60,
    access: { registry: ["setModelStatus", "putRun"] },
  },
  RequestApproval: {
    memorySize: 512,
    timeoutSeconds: 60,
    access: { registry: ["setModelStatus", "putRun", "listDecisions", "recordDecision"] },
  },
  // also the target of the rule on the state machine's unsuccessful ends (a failed Map Run is not caught)
  RecordFailure: {
    memorySize: 512,
    timeoutSeconds: 60,
    access: { registry: ["getLive", "getModelVersion", "listModelVersions", "setModelStatus", "getRun", "putRun"] },
  },
} satisfies Record<string, StepSpec>;

export type StepKey = keyof typeof STEPS;

/**
 * The ASL's Lambda steps, each with its STEPS entry.
 * @throws Error naming a step without a STEPS entry, or an entry without a step.
 */
export function deployedSteps(definition: AslDefinition): (LambdaStep & { key: StepKey })[] {
  const steps = lambdaSteps(definition);
  const missing = steps.filter(({ key }) => !(key in STEPS)).map(({ key }) => key);
  const extra = Object.keys(STEPS).filter((key) => !steps.some((s) => s.key === key));
  if (missing.length || extra.length) {
    throw new Error(`${ASL_PATH} and STEPS disagree: no STEPS entry for [${missing}], no Lambda state for [${extra}]`);
  }
  return steps as (LambdaStep & { key: StepKey })[];
}

/** The state machine definition file, relative to the project root. */
export const ASL_PATH = "workflows/retrain.asl.json";

export function Pipeline({ stack }: StackContext) {
  const { dataBucket, modelBucket, table } = use(Storage);
  const settings = readDeploySettings();
  const environment = settingsEnv({
    dataBucket: dataBucket.bucketName,
    modelBucket: modelBucket.bucketName,
    registryTable: table.tableName,
    logLevel: settings.logLevel,
  });
  const stores = { data: dataBucket, models: modelBucket, table };

  const definition = readFileSync(join(useProject().paths.root, ASL_PATH), "utf8");
  const steps: Record<string, TollgateFunction> = {};
  for (const { key, handlerFile } of deployedSteps(JSON.parse(definition))) {
    const spec: StepSpec = STEPS[key];
    steps[key] = tollgateFunction(stack, key, {
      handler: `functions/${handlerFile}.handler`,
      description: `tollgate ${key} step (workflows/retrain.asl.json)`,
      memorySize: spec.memorySize,
      timeoutSeconds: spec.timeoutSeconds,
      environment,
      statements: storeStatements(stores, spec.access),
      // every step bundle imports the steps index, which loads onnxruntime-node
      onnx: true,
      ...(spec.mapChild ? { reservedConcurrency: settings.mapConcurrency } : {}),
    });
    suppress(steps[key].role, "AwsSolutions-IAM5", "objects under the fixed prefixes this step reads or writes", [
      { regex: "/^Resource::<(Data|Models)[0-9A-F]{8}\\.Arn>\\/[a-z]+\\/\\*$/" },
    ]);
  }

  const etl = etlJob(stack, dataBucket);
  const logGroup = new LogGroup(stack, "RetrainLogs", {
    retention: RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  // named, so that its role may start and watch its own Distributed Map children without a cycle
  const stateMachineName = `${stack.stackName}-retrain`;
  const stateMachine = new StateMachine(stack, "Retrain", {
    stateMachineName,
    stateMachineType: StateMachineType.STANDARD,
    definitionBody: DefinitionBody.fromString(definition),
    definitionSubstitutions: {
      EtlJobName: etl.job.ref,
      DataBucketName: dataBucket.bucketName,
      MapConcurrency: String(settings.mapConcurrency),
      RowsPerChild: String(settings.rowsPerChild),
      SpecSampleRows: String(settings.specSampleRows),
      ...Object.fromEntries(Object.entries(steps).map(([key, s]) => [`${key}FunctionArn`, s.fn.functionArn])),
    },
    logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: true },
    tracingEnabled: false,
  });
  stateMachine.addToRolePolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ["lambda:InvokeFunction"],
      resources: Object.values(steps).map((s) => s.fn.functionArn),
    }),
  );
  stateMachine.addToRolePolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      // what the glue:startJobRun.sync integration calls
      actions: ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"],
      resources: [etl.jobArn],
    }),
  );
  for (const statement of distributedMapStatements(stack, stateMachineName, dataBucket)) {
    stateMachine.addToRolePolicy(statement);
  }
  suppress(stateMachine, "AwsSolutions-IAM5", "CloudWatch Logs delivery for Step Functions only accepts resource *", [
    "Resource::*",
  ]);
  suppress(
    stateMachine,
    "AwsSolutions-IAM5",
    "Distributed Map children are executions of this state machine (named <machine>/<map run>:<id>); ItemReader reads the shard lists under prepared/, ResultWriter writes under runs/",
    [
      {
        regex: `/^Resource::arn:<AWS::Partition>:states:[^:]+:[^:]+:execution:${stateMachineName}\\/\\*$/`,
      },
      { regex: "/^Resource::<Data[0-9A-F]{8}\\.Arn>\\/(prepared|runs)\\/\\*$/" },
    ],
  );
  recordUnsuccessfulEnds(stack, stateMachine, steps.RecordFailure!.fn);
  suppress(
    stateMachine,
    "AwsSolutions-SF2",
    "execution history and the ALL-level log group trace every step; X-Ray would add xray:* on *",
  );

  const trigger = retrainTrigger(stack, { dataBucket, stateMachine, settings });

  stack.addOutputs({
    StateMachineArn: stateMachine.stateMachineArn,
    EtlJobName: etl.job.ref,
    TriggerQueueUrl: trigger.queue.queueUrl,
    // the trigger's naming and gate, so `tollgate run --stage` starts runs named as the trigger names them
    CoalesceSeconds: String(settings.coalesceSeconds),
    MinAccuracy: String(settings.minAccuracy),
    MinGain: String(settings.minGain),
    Seed: String(settings.seed),
    // the training options (tollgate.config.json `training`, JSON), for `run --stage` as for the trigger
    TrainingOptions: JSON.stringify(trainingOptionsOf(settings)),
    // per-dataset gate and seed (tollgate.config.json `datasets`), for `run --stage` as for the trigger
    ...(Object.keys(settings.datasetSettings).length
      ? { DatasetSettings: JSON.stringify(settings.datasetSettings) }
      : {}),
  });
  return { steps, etl, stateMachine, trigger };
}
