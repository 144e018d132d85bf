/**
 * The whole SST app, synthesized once offline (no AWS credentials; npm installs onnxruntime-node
 * from the registry into the bundles), then checked as CloudFormation: see ./checks/.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempHome } from "../helpers/topics.ts";
import { describeBundles } from "./checks/bundles.ts";
import { describeCfnLint } from "./checks/cfn-lint.ts";
import { describeNag } from "./checks/nag.ts";
import { describePrivilege } from "./checks/privilege.ts";
import { describeResources } from "./checks/resources.ts";
import { DEPLOYED_CONFIG, describeTrigger } from "./checks/trigger.ts";
import { describeWorkflow } from "./checks/workflow.ts";
import { HAS_PREDICT, type Synthesized, synthesize } from "./synth.ts";

let synthesized: Synthesized | undefined;
const app = (): Synthesized => {
  if (!synthesized) throw new Error("the app was not synthesized (see beforeAll)");
  return synthesized;
};

describe("tollgate on AWS (sst.config.ts, synthesized)", () => {
  beforeAll(async () => {
    // what `TOLLGATE_MODEL=topics sst deploy --stage test` would see
    process.env.TOLLGATE_MODEL ??= "topics";
    // …with a tollgate.config.json that sets training options and per-dataset overrides (checks/trigger.ts)
    const config = join(tempHome(), "tollgate.config.json");
    writeFileSync(config, JSON.stringify(DEPLOYED_CONFIG));
    process.env.TOLLGATE_CONFIG = config;
    try {
      synthesized = await synthesize();
    } finally {
      delete process.env.TOLLGATE_CONFIG;
    }
    process.stderr.write(`[infra] synthesized ${app().names.join(", ")} in ${app().seconds.toFixed(1)} s\n`);
  }, 300_000);
  afterAll(() => synthesized?.cleanup());

  it(`has the stacks Storage, Pipeline, ${HAS_PREDICT ? "Serving, " : ""}Audit, named by stage`, () => {
    expect(app().names.map((n) => app().stack(n).stackName)).toEqual(app().names.map((n) => `test-tollgate-${n}`));
  });

  it("publishes the outputs the CLI reads for `--stage` (packages/aws/src/stage/outputs.ts)", () => {
    const keys = app().names.flatMap((n) => Object.keys(app().template(n).toJSON().Outputs ?? {}));
    const expected = ["DataBucket", "ModelBucket", "RegistryTable", "StateMachineArn", "EtlJobName", "TrailBucket"];
    expected.push("CoalesceSeconds", "MinAccuracy", "MinGain", "Seed", "TrainingOptions", "DatasetSettings");
    if (HAS_PREDICT) expected.push("PredictUrl");
    expect(keys).toEqual(expect.arrayContaining(expected));
  });

  describeWorkflow(app);
  describeTrigger(app);
  describeResources(app);
  describeBundles(app);
  describePrivilege(app);
  describeNag(app);
  describeCfnLint(app);
});
