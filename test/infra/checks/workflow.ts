/** The state machine is workflows/retrain.asl.json, verbatim, with each substitution bound to its resource. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lambdaSteps } from "../../../packages/core/src/workflow/asl.ts";
import { ASL_PATH } from "../../../stacks/Pipeline.ts";
import type { Synthesized } from "../synth.ts";
import { actionsOf, arnOf, lambdaId, only, refOf, resolveImport, roleStatements } from "../template.ts";

/** Which Lambda handler each `${<Key>FunctionArn}` must point at: its step's entry file. */
const FUNCTION_SUBSTITUTIONS: Record<string, string> = Object.fromEntries(
  lambdaSteps(JSON.parse(readFileSync(ASL_PATH, "utf8"))).map(({ key, handlerFile }) => [
    `${key}FunctionArn`,
    `functions/${handlerFile}.handler`,
  ]),
);

export function describeWorkflow(app: () => Synthesized): void {
  describe("state machine", () => {
    const asl = readFileSync(ASL_PATH, "utf8");
    const machine = () => only(app().template("Pipeline"), "AWS::StepFunctions::StateMachine")[1].Properties;
    const substitutions = () => machine().DefinitionSubstitutions as Record<string, unknown>;

    it("is a Standard workflow whose DefinitionString is the ASL file, byte for byte", () => {
      expect(machine().StateMachineType).toBe("STANDARD");
      expect(machine().DefinitionString).toBe(asl);
    });

    it("substitutes exactly the placeholders the ASL file uses", () => {
      const placeholders = [...new Set([...asl.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]))].sort();
      expect(Object.keys(substitutions()).sort()).toEqual(placeholders);
    });

    it("binds each function ARN to the Lambda running that step's handler", () => {
      const t = app().template("Pipeline");
      for (const [key, handler] of Object.entries(FUNCTION_SUBSTITUTIONS)) {
        expect(substitutions()[key], key).toEqual(arnOf(lambdaId(t, handler)));
      }
    });

    it("binds EtlJobName to the Glue 5.0 job running jobs/etl_job.py with tollgate_etl on its path", () => {
      const [jobId, job] = only(app().template("Pipeline"), "AWS::Glue::Job");
      expect(substitutions().EtlJobName).toEqual(refOf(jobId));
      expect(job.Properties.GlueVersion).toBe("5.0");
      const command = job.Properties.Command as { Name: string; ScriptLocation: string };
      expect(command.Name).toBe("glueetl");
      const script = app().assetDir(command.ScriptLocation.split("/").pop() ?? "");
      expect(readFileSync(script, "utf8")).toBe(readFileSync("jobs/etl_job.py", "utf8"));
      const library = (job.Properties.DefaultArguments as Record<string, string>)["--extra-py-files"]!;
      const zipRoot = app().assetDir(library.split("/").pop() ?? "");
      expect(readdirSync(zipRoot)).toEqual(["tollgate_etl"]);
      expect(readdirSync(join(zipRoot, "tollgate_etl"))).toContain("run.py");
    });

    it("binds DataBucketName to the data bucket (the one sending events to EventBridge)", () => {
      const { from, value } = resolveImport(app(), substitutions().DataBucketName);
      const [dataId] = only(app().template("Storage"), "AWS::S3::Bucket", (b) =>
        JSON.stringify(b.Properties.NotificationConfiguration ?? {}).includes('"EventBridgeEnabled":true'),
      );
      expect(from).toBe("Storage");
      expect(value).toEqual(refOf(dataId));
    });

    it("takes the Maps' MaxConcurrency and their children's reserved concurrency from one setting", () => {
      const t = app().template("Pipeline");
      expect(substitutions().MapConcurrency).toBe("100");
      const reserved = (handler: string) =>
        (t.toJSON().Resources[lambdaId(t, handler)] as { Properties: Record<string, unknown> }).Properties
          .ReservedConcurrentExecutions;
      expect(reserved("functions/train-shard.handler")).toBe(100);
      expect(reserved("functions/evaluate-shard.handler")).toBe(100);
      expect(reserved("functions/count-shard-terms.handler")).toBe(100);
      expect(reserved("functions/merge-term-parts.handler")).toBe(100);
      expect(reserved("functions/select-terms.handler")).toBeUndefined();
      expect(reserved("functions/merge.handler")).toBeUndefined();
      expect(asl).toContain('"MaxConcurrencyPath": "$.prepared.fanOut.maxConcurrency"');
    });

    it("lets the Distributed Maps start, watch and redrive its own children, read the shard lists, write results", () => {
      const t = app().template("Pipeline");
      const roleId = (machine().RoleArn as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
      const statements = roleStatements(t, roleId);
      const on = (action: string) =>
        statements.filter((s) => actionsOf(s).includes(action)).map((s) => JSON.stringify(s.Resource));
      const name = machine().StateMachineName as string;
      expect(on("states:StartExecution")).toEqual([expect.stringContaining(`:stateMachine:${name}"`)]);
      for (const action of ["states:DescribeExecution", "states:StopExecution", "states:RedriveExecution"])
        expect(on(action), action).toEqual([expect.stringContaining(`:execution:${name}/*"`)]);
      expect(on("s3:GetObject").join()).toContain('"/prepared/*"');
      expect(on("s3:PutObject")).toEqual([expect.stringContaining('"/runs/*"')]);
    });

    it("records every run that ends FAILED, TIMED_OUT or ABORTED (RecordFailure on its status change)", () => {
      const t = app().template("Pipeline");
      const [machineId] = only(t, "AWS::StepFunctions::StateMachine");
      const [, rule] = only(t, "AWS::Events::Rule", (r) =>
        JSON.stringify(r.Properties.EventPattern).includes("aws.states"),
      );
      expect(rule.Properties.EventPattern).toEqual({
        source: ["aws.states"],
        "detail-type": ["Step Functions Execution Status Change"],
        detail: { stateMachineArn: [refOf(machineId)], status: ["FAILED", "TIMED_OUT", "ABORTED"] },
      });
      const targets = rule.Properties.Targets as { Arn: unknown }[];
      expect(targets.map((x) => x.Arn)).toEqual([arnOf(lambdaId(t, "functions/record-failure.handler"))]);
    });

    it("logs every execution event to its own log group", () => {
      const logging = machine().LoggingConfiguration as { Level: string; Destinations: unknown[] };
      expect(logging.Level).toBe("ALL");
      expect(logging.Destinations).toHaveLength(1);
    });
  });
}
