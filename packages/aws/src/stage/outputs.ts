/**
 * Where a deployed stage's resources are: the outputs of its stacks (`<stage>-tollgate-<Stack>`,
 * as SST v2 names them), read from CloudFormation, or from SST's `.sst/outputs.json` (written by
 * `sst deploy`) when `TOLLGATE_STAGE_OUTPUTS` names such a file.
 */
import { readFile } from "node:fs/promises";
import { type CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { DatasetSettingsJson, Settings, TrainingOptionsJson } from "@tollgate/core/settings";
import { z } from "zod";
import { StageNotFoundError } from "../errors.ts";

/** The SST app name (sst.config.ts). */
export const APP_NAME = "tollgate";
/** The app's stacks (stacks/app.ts); the first two are required. */
export const STAGE_STACKS = ["Storage", "Pipeline", "Serving", "Audit"] as const;
const REQUIRED_STACKS = new Set<string>(["Storage", "Pipeline"]);

/** The stack name SST v2 gives a stack of a stage. @example stackName("prod", "Storage") // "prod-tollgate-Storage" */
export const stackName = (stage: string, stack: string) => `${stage}-${APP_NAME}-${stack}`;

/** The outputs the CLI reads, all stacks merged (names as in `stack.addOutputs` in stacks/). */
export const StageOutputs = z.object({
  DataBucket: z.string().min(1).describe("Storage: the data bucket (raw/, curated/, runs/ …)"),
  ModelBucket: z.string().min(1).describe("Storage: the model bucket (models/<name>/<version>/)"),
  RegistryTable: z.string().min(1).describe("Storage: the registry table"),
  StateMachineArn: z.string().startsWith("arn:").describe("Pipeline: the retrain state machine"),
  EtlJobName: z.string().min(1).describe("Pipeline: the Glue ETL job"),
  PredictUrl: z.url().optional().describe("Serving: the predict Function URL (IAM auth)"),
  TrailBucket: z.string().min(1).optional().describe("Audit: the CloudTrail trail's bucket"),
  // the trigger's settings, as the Pipeline stack publishes them (bounds from the one settings schema)
  CoalesceSeconds: Settings.shape.coalesceSeconds.unwrap().optional().describe("Pipeline: the trigger's window"),
  MinAccuracy: Settings.shape.minAccuracy.unwrap().optional().describe("Pipeline: the gate's minimum accuracy"),
  MinGain: Settings.shape.minGain.unwrap().optional().describe("Pipeline: the gate's minimum gain"),
  Seed: Settings.shape.seed.unwrap().optional().describe("Pipeline: the training seed"),
  TrainingOptions: TrainingOptionsJson.optional().describe(
    "Pipeline: the training options (JSON: selection budget, pinned hyperparameters)",
  ),
  DatasetSettings: DatasetSettingsJson.optional().describe(
    "Pipeline: per-dataset gate and seed (JSON), when tollgate.config.json has `datasets`",
  ),
});
export type StageOutputs = z.infer<typeof StageOutputs>;

/** A deployed stage: its name and outputs. */
export interface Stage {
  name: string;
  outputs: StageOutputs;
}

/** Stage names become stack-name prefixes: keep to what CloudFormation accepts. */
const STAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

function parse(stage: string, raw: Record<string, string>, from: string): Stage {
  const parsed = StageOutputs.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new StageNotFoundError(`stage ${stage}: unusable outputs in ${from} (${problems})`);
  }
  return { name: stage, outputs: parsed.data };
}

/**
 * Reads the outputs of the stage's stacks with DescribeStacks (one call per stack).
 * @throws StageNotFoundError when a required stack does not exist or an output is missing.
 * @example const stage = await stageFromCloudFormation(new CloudFormationClient({}), "prod");
 */
export async function stageFromCloudFormation(cfn: CloudFormationClient, stage: string): Promise<Stage> {
  if (!STAGE_NAME.test(stage)) throw new StageNotFoundError(`"${stage}" is not a stage name`);
  const merged: Record<string, string> = {};
  for (const stack of STAGE_STACKS) {
    const name = stackName(stage, stack);
    try {
      const { Stacks = [] } = await cfn.send(new DescribeStacksCommand({ StackName: name }));
      for (const o of Stacks[0]?.Outputs ?? []) if (o.OutputKey && o.OutputValue) merged[o.OutputKey] = o.OutputValue;
    } catch (err) {
      const missing = err instanceof Error && err.name === "ValidationError" && /does not exist/.test(err.message);
      if (!missing) throw err;
      if (REQUIRED_STACKS.has(stack)) {
        const region = await cfn.config.region();
        throw new StageNotFoundError(
          `stage ${stage} is not deployed in ${region}: no stack ${name} (deploy it with \`sst deploy --stage ${stage}\`, or set AWS_REGION)`,
          { cause: err },
        );
      }
    }
  }
  return parse(stage, merged, `the stacks ${stackName(stage, "*")}`);
}

/**
 * Reads the stage's outputs from an SST outputs file (`{"<stage>-tollgate-Storage": {"DataBucket": …}, …}`).
 * @throws StageNotFoundError when the file has no stacks of this stage.
 */
export async function stageFromOutputsFile(path: string, stage: string): Promise<Stage> {
  let file: Record<string, Record<string, string>>;
  try {
    file = JSON.parse(await readFile(path, "utf8")) as Record<string, Record<string, string>>;
  } catch (err) {
    throw new StageNotFoundError(`cannot read the stage outputs file ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const stacks = STAGE_STACKS.map((s) => file[stackName(stage, s)]).filter((o) => o !== undefined);
  if (stacks.length === 0) throw new StageNotFoundError(`${path} has no stacks of stage ${stage}`);
  return parse(stage, Object.assign({}, ...stacks) as Record<string, string>, path);
}
