/**
 * Finding a stage's resources: CloudFormation outputs of `<stage>-tollgate-<Stack>`, or SST's outputs
 * file (emulated-stage.test.ts connects through the file). DescribeStacks is mocked: the stacks are
 * SST's, which the emulator cannot deploy.
 */
import { writeFileSync } from "node:fs";
import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { stageFromCloudFormation, stageFromOutputsFile, triggerSettings } from "@tollgate/aws/stage";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { tempHome } from "../../../../test/helpers/topics.ts";
import { OUTPUTS, REGION } from "./harness.ts";

const cfn = mockClient(CloudFormationClient);
beforeEach(() => cfn.reset());

const stack = (name: string, outputs: Record<string, string>) => ({
  Stacks: [
    {
      StackName: name,
      StackStatus: "UPDATE_COMPLETE" as const,
      CreationTime: new Date(),
      Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    },
  ],
});
const missing = (name: string) =>
  Object.assign(new Error(`Stack with id ${name} does not exist`), { name: "ValidationError", $metadata: {} });
const client = () =>
  new CloudFormationClient({ region: REGION, credentials: async () => ({ accessKeyId: "a", secretAccessKey: "b" }) });

describe("stage outputs", () => {
  it("merges the outputs of the stage's stacks (DescribeStacks per stack); optional stacks may be missing", async () => {
    const { DataBucket, ModelBucket, RegistryTable, StateMachineArn, EtlJobName, PredictUrl } = OUTPUTS;
    cfn
      .on(DescribeStacksCommand, { StackName: "prod-tollgate-Storage" })
      .resolves(stack("prod-tollgate-Storage", { DataBucket, ModelBucket, RegistryTable }));
    cfn.on(DescribeStacksCommand, { StackName: "prod-tollgate-Pipeline" }).resolves(
      stack("prod-tollgate-Pipeline", {
        StateMachineArn,
        EtlJobName,
        TriggerQueueUrl: "https://sqs/q",
        CoalesceSeconds: "60",
        TrainingOptions: JSON.stringify({ selectionBudget: 2, learningRate: 0.5 }),
      }),
    );
    cfn
      .on(DescribeStacksCommand, { StackName: "prod-tollgate-Serving" })
      .resolves(stack("prod-tollgate-Serving", { PredictUrl: PredictUrl ?? "" }));
    cfn.on(DescribeStacksCommand, { StackName: "prod-tollgate-Audit" }).rejects(missing("prod-tollgate-Audit"));

    const stage = await stageFromCloudFormation(client(), "prod");

    expect(stage.outputs).toMatchObject({ DataBucket, StateMachineArn, PredictUrl, CoalesceSeconds: 60 });
    expect(stage.outputs.TrailBucket).toBeUndefined();
    expect(cfn.commandCalls(DescribeStacksCommand).map((c) => c.args[0].input.StackName)).toEqual([
      "prod-tollgate-Storage",
      "prod-tollgate-Pipeline",
      "prod-tollgate-Serving",
      "prod-tollgate-Audit",
    ]);
    expect(triggerSettings(stage, {}).coalesceSeconds).toBe(60);
    // the deployed file's training options reach the runs `run --stage` starts
    expect(triggerSettings(stage, {}).trainingOptions).toEqual({ selectionBudget: 2, learningRate: 0.5 });
    expect(triggerSettings(stage, { TOLLGATE_MIN_ACCURACY: "0.7" }).gate).toEqual({
      minAccuracy: 0.7,
      minGain: 0,
      minTestRows: 200,
      approval: "auto",
    });
  });

  it("says which stack is missing when the stage is not deployed in the region", async () => {
    cfn.on(DescribeStacksCommand).rejects(missing("staging-tollgate-Storage"));
    await expect(stageFromCloudFormation(client(), "staging")).rejects.toThrow(
      `stage staging is not deployed in ${REGION}: no stack staging-tollgate-Storage (deploy it with \`sst deploy --stage staging\`, or set AWS_REGION)`,
    );
  });

  it("names the outputs it lacks", async () => {
    cfn.on(DescribeStacksCommand).resolves(stack("x", { DataBucket: "d" }));
    await expect(stageFromCloudFormation(client(), "prod")).rejects.toThrow(/unusable outputs .*ModelBucket/);
  });

  it("reads SST's outputs file (`sst deploy` writes .sst/outputs.json)", async () => {
    const path = `${tempHome()}/outputs.json`;
    const { DataBucket, ModelBucket, RegistryTable, StateMachineArn, EtlJobName } = OUTPUTS;
    writeFileSync(
      path,
      JSON.stringify({
        "prod-tollgate-Storage": { DataBucket, ModelBucket, RegistryTable },
        "prod-tollgate-Pipeline": { StateMachineArn, EtlJobName },
      }),
    );
    expect((await stageFromOutputsFile(path, "prod")).outputs).toMatchObject({ DataBucket, EtlJobName });
    await expect(stageFromOutputsFile(path, "dev")).rejects.toThrow(`${path} has no stacks of stage dev`);
  });
});
