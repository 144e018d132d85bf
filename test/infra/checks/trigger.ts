/** Uploads under raw/ reach the trigger: bucket → EventBridge rule → delaying queue → trigger Lambda → state machine. */
import { describe, expect, it } from "vitest";
import { DeploySettings } from "../../../stacks/settings.ts";
import type { Synthesized } from "../synth.ts";
import { arnOf, lambdaId, only, refOf, resolveImport } from "../template.ts";

const DEFAULTS = DeploySettings.parse({});

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
  });
}
