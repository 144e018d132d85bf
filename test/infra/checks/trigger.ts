/** Uploads under raw/ reach the trigger: bucket → EventBridge rule → delaying queue → trigger Lambda → state machine. */

import { readSettings } from "@tollgate/core/settings";
import { runSettingsFor, triggerSettingsOf } from "@tollgate/core/workflow/upload-trigger";
import { describe, expect, it } from "vitest";
import { TriggerLambdaSettings } from "../../../functions/trigger.ts";
import { DeploySettings } from "../../../stacks/settings.ts";
import type { Synthesized } from "../synth.ts";
import { arnOf, lambdaId, only, refOf, resolveImport } from "../template.ts";

const DEFAULTS = DeploySettings.parse({});

/** The tollgate.config.json app.test.ts synthesizes with: training options and one dataset's overrides. */
export const DEPLOYED_CONFIG = {
  training: { selectionBudget: 2, learningRate: 0.5 },
  datasets: { reviews: { minAccuracy: 0.9, seed: 7, training: { ngramMax: 1 } } },
};

export function describeTrigger(app: () => Synthesized): void {
  describe("retrain trigger", () => {
    const pipeline = () => app().template("Pipeline");
    const rule = () =>
      only(pipeline(), "AWS::Events::Rule", (r) => JSON.stringify(r.Properties.EventPattern).includes("aws.s3"));
    const queueId = () => only(pipeline(), "AWS::SQS::Queue", (q) => q.Properties.RedrivePolicy !== undefined)[0];

    it("the data bucket sends its events to EventBridge", () => {
      const [, bucket] = only(app().template("Storage"), "AWS::S3::Bucket", (b) =>
        JSON.stringify(b.Properties).includes("EventBridgeEnabled"),
      );
      expect(bucket.Properties.NotificationConfiguration).toEqual({
        EventBridgeConfiguration: { EventBridgeEnabled: true },
      });
    });

    it("matches S3 Object Created events of the data bucket under raw/ only", () => {
      const pattern = rule()[1].Properties.EventPattern as {
        detail: { bucket: { name: unknown[] }; object: unknown };
      };
      expect(pattern).toMatchObject({ source: ["aws.s3"], "detail-type": ["Object Created"] });
      expect(pattern.detail.object).toEqual({ key: [{ prefix: "raw/" }] });
      const [dataId] = only(app().template("Storage"), "AWS::S3::Bucket", (b) =>
        JSON.stringify(b.Properties).includes("EventBridgeEnabled"),
      );
      expect(pattern.detail.bucket.name).toHaveLength(1);
      expect(resolveImport(app(), pattern.detail.bucket.name[0])).toEqual({ from: "Storage", value: refOf(dataId) });
    });

    it("targets the trigger queue, which EventBridge (this rule only) may send to", () => {
      expect(rule()[1].Properties.Targets).toEqual([{ Arn: arnOf(queueId()), Id: "Target0" }]);
      const [, policy] = only(pipeline(), "AWS::SQS::QueuePolicy", (p) =>
        JSON.stringify(p.Properties.Queues).includes(queueId()),
      );
      const allow = (policy.Properties.PolicyDocument as { Statement: { Effect: string }[] }).Statement.filter(
        (s) => s.Effect === "Allow",
      );
      expect(allow).toEqual([
        expect.objectContaining({
          Principal: { Service: "events.amazonaws.com" },
          Condition: { ArnEquals: { "aws:SourceArn": arnOf(rule()[0]) } },
        }),
      ]);
    });

    it("delays each event by the coalescing window and dead-letters what keeps failing", () => {
      const [, queue] = only(pipeline(), "AWS::SQS::Queue", (q) => q.Properties.RedrivePolicy !== undefined);
      expect(queue.Properties.DelaySeconds).toBe(DEFAULTS.coalesceSeconds);
      expect(queue.Properties.RedrivePolicy).toMatchObject({ maxReceiveCount: 5 });
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    });

    it("feeds the trigger Lambda, which reports failures per message", () => {
      const triggerId = lambdaId(pipeline(), "functions/trigger.handler");
      const [, mapping] = only(pipeline(), "AWS::Lambda::EventSourceMapping");
      expect(mapping.Properties).toMatchObject({
        EventSourceArn: arnOf(queueId()),
        FunctionName: refOf(triggerId),
        FunctionResponseTypes: ["ReportBatchItemFailures"],
      });
    });

    it("gives the trigger the state machine and the window it names executions with", () => {
      const t = pipeline();
      const [machineId] = only(t, "AWS::StepFunctions::StateMachine");
      const fn = t.toJSON().Resources[lambdaId(t, "functions/trigger.handler")];
      expect(fn.Properties.Environment.Variables).toMatchObject({
        STATE_MACHINE_ARN: refOf(machineId),
        TOLLGATE_COALESCE_SECONDS: String(DEFAULTS.coalesceSeconds),
        TOLLGATE_MIN_ACCURACY: String(DEFAULTS.minAccuracy),
        TOLLGATE_MIN_GAIN: String(DEFAULTS.minGain),
      });
    });

    it("gives the trigger the deployed file's training options and per-dataset settings, and publishes them for `run --stage`", () => {
      const t = pipeline();
      const vars = t.toJSON().Resources[lambdaId(t, "functions/trigger.handler")].Properties.Environment.Variables;
      expect(vars).toMatchObject({ TOLLGATE_SELECTION_BUDGET: "2", TOLLGATE_LEARNING_RATE: "0.5" });
      expect(vars).not.toHaveProperty("TOLLGATE_NGRAM_MAX"); // not pinned at the top level
      const reviews = {
        gate: { minAccuracy: 0.9, minGain: DEFAULTS.minGain, minTestRows: DEFAULTS.minTestRows, approval: "auto" },
        seed: 7,
        trainingOptions: { selectionBudget: 2, learningRate: 0.5, ngramMax: 1 },
      };
      expect(JSON.parse(vars.TOLLGATE_DATASET_SETTINGS)).toEqual({ reviews });
      // what the trigger Lambda makes of that environment: a run of reviews, and of another dataset
      const settings = triggerSettingsOf(readSettings(TriggerLambdaSettings, { ...vars, STATE_MACHINE_ARN: "arn:x" }));
      expect(runSettingsFor(settings, "reviews")).toEqual(reviews);
      expect(runSettingsFor(settings, "other")).toMatchObject({
        seed: DEFAULTS.seed,
        trainingOptions: { selectionBudget: 2, learningRate: 0.5 },
      });
      const outputs = t.toJSON().Outputs as Record<string, { Value: string }>;
      expect(JSON.parse(outputs.TrainingOptions!.Value)).toEqual({ selectionBudget: 2, learningRate: 0.5 });
      expect(JSON.parse(outputs.DatasetSettings!.Value)).toEqual({ reviews });
    });
  });
}
