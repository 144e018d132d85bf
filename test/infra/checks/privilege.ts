/** Least privilege: every action granted to every role is one its code uses (or the platform uses for it). */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { ASL_PATH } from "../../../stacks/Pipeline.ts";
import { aslActions, bundleActions, excess, PLATFORM_ACTIONS, pythonActions } from "../privilege.ts";
import type { Synthesized } from "../synth.ts";
import {
  actionsOf,
  arnOf,
  type Resource,
  refOf,
  resolveImport,
  resources,
  roleStatements,
  type Statement,
} from "../template.ts";

/** The JavaScript esbuild wrote for a function (its own code, not installed packages). */
function bundleCode(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.(mjs|js)$/.test(f) && !f.startsWith("node_modules"))
    .map((f) => readFileSync(join(dir, f), "utf8"))
    .join("\n");
}

const glueSources = () =>
  ["jobs/etl_job.py", ...readdirSync("jobs/tollgate_etl").map((f) => `jobs/tollgate_etl/${f}`)]
    .filter((f) => f.endsWith(".py"))
    .map((f) => readFileSync(f, "utf8"));

/** What the code behind a role uses, by the service that assumes the role. */
function usedBy(app: Synthesized, stack: string, roleId: string, role: Resource): Set<string> {
  const t = app.template(stack as never);
  const service = JSON.stringify(role.Properties.AssumeRolePolicyDocument).match(/"Service":"([a-z.]+)"/)?.[1];
  if (service === "lambda.amazonaws.com") {
    const used = new Set<string>(PLATFORM_ACTIONS.lambdaLogs);
    const fns = resources(t, "AWS::Lambda::Function").filter(
      ([, f]) => JSON.stringify(f.Properties.Role) === JSON.stringify(arnOf(roleId)),
    );
    for (const [fnId, fn] of fns) {
      const code = bundleCode(app.assetDir((fn.Properties.Code as { S3Key: string }).S3Key));
      for (const a of bundleActions(code)) used.add(a);
      const polled = resources(t, "AWS::Lambda::EventSourceMapping").some(
        ([, m]) => JSON.stringify(m.Properties.FunctionName) === JSON.stringify(refOf(fnId)),
      );
      if (polled) for (const a of PLATFORM_ACTIONS.sqsPoller) used.add(a);
    }
    return used;
  }
  if (service === "states.amazonaws.com") {
    return new Set([...aslActions(readFileSync(ASL_PATH, "utf8")), ...PLATFORM_ACTIONS.stepFunctionsLogDelivery]);
  }
  if (service === "glue.amazonaws.com")
    return new Set([...pythonActions(glueSources()), ...PLATFORM_ACTIONS.glueRuntime]);
  throw new Error(`role ${roleId} in ${stack} is assumed by ${service}: no rule says what its code uses`);
}

/** The Lambda functions' roles of a template. */
function lambdaRoles(t: Template): [string, Resource][] {
  return resources(t, "AWS::IAM::Role").filter(([, r]) =>
    JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes("lambda.amazonaws.com"),
  );
}

/** The object resources of a statement (`<bucket ARN>/<prefix>*`) as the bucket ARN's expression and the prefix. */
function objectResources(s: Statement): { bucket: unknown; prefix: string }[] {
  const list = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
  return list.flatMap((r) => {
    const join = (r as { "Fn::Join"?: [string, unknown[]] })["Fn::Join"];
    const [bucket, tail] = join?.[1] ?? [];
    return typeof tail === "string" && tail.startsWith("/") && tail.endsWith("*")
      ? [{ bucket, prefix: tail.slice(1, -1) }]
      : [];
  });
}

/** The `s3:prefix` patterns a ListBucket statement is limited to. */
function listedPrefixes(s: Statement): string[] {
  const like = (s.Condition as { StringLike?: { "s3:prefix"?: string | string[] } } | undefined)?.StringLike?.[
    "s3:prefix"
  ];
  return like === undefined ? [] : Array.isArray(like) ? like : [like];
}

/** Whether a bucket ARN expression (an import of the Storage stack's output) is the model bucket's. */
function isModelBucket(app: Synthesized, bucket: unknown): boolean {
  return /"Models[0-9A-F]{8}"/.test(JSON.stringify(resolveImport(app, bucket).value));
}

export function describePrivilege(app: () => Synthesized): void {
  describe("least privilege", () => {
    it("a role granting an action its code does not use fails the check", () => {
      const used = bundleActions("await s3.send(new GetObjectCommand({ Bucket, Key }))");
      expect(excess(["s3:GetObject"], used)).toEqual([]);
      expect(excess(["s3:GetObject", "s3:DeleteObject", "s3:Get*"], used)).toEqual(["s3:DeleteObject", "s3:Get*"]);
    });

    it("no role has managed policies or wildcard actions; * resources only where the API has no resource", () => {
      for (const stack of app().names) {
        const t = app().template(stack);
        for (const [roleId, role] of resources(t, "AWS::IAM::Role")) {
          expect(role.Properties.ManagedPolicyArns, `${stack}/${roleId}`).toBeUndefined();
          for (const s of roleStatements(t, roleId)) {
            expect(
              actionsOf(s).filter((a) => a.includes("*")),
              `${stack}/${roleId}`,
            ).toEqual([]);
            if (JSON.stringify(s.Resource).includes('"*"') || s.Resource === "*") {
              expect(PLATFORM_ACTIONS.stepFunctionsLogDelivery, `${stack}/${roleId} on *`).toEqual(
                expect.arrayContaining(actionsOf(s)),
              );
            }
          }
        }
      }
    });

    it("every Lambda role that reads objects under a prefix may list that prefix, so a missing key is a 404", () => {
      let reads = 0;
      for (const stack of app().names) {
        const t = app().template(stack);
        for (const [roleId] of lambdaRoles(t)) {
          const statements = roleStatements(t, roleId);
          for (const read of statements.filter((s) => actionsOf(s).includes("s3:GetObject"))) {
            for (const { bucket, prefix } of objectResources(read)) {
              reads++;
              const listing = statements.find(
                (s) =>
                  actionsOf(s).includes("s3:ListBucket") &&
                  JSON.stringify(s.Resource) === JSON.stringify(bucket) &&
                  listedPrefixes(s).includes(`${prefix}*`),
              );
              expect(listing, `${stack}/${roleId} reads ${prefix}* without s3:ListBucket on it`).toBeDefined();
            }
          }
        }
      }
      expect(reads).toBeGreaterThanOrEqual(5);
    });

    it("model files can only be created, never replaced: every PutObject on the model bucket needs If-None-Match", () => {
      let puts = 0;
      for (const stack of app().names) {
        const t = app().template(stack);
        for (const [roleId] of resources(t, "AWS::IAM::Role")) {
          for (const s of roleStatements(t, roleId).filter((s) => actionsOf(s).includes("s3:PutObject"))) {
            const onModels = objectResources(s).filter(({ bucket }) => isModelBucket(app(), bucket));
            if (onModels.length === 0) continue;
            puts++;
            expect(s.Condition, `${stack}/${roleId} may replace model objects`).toEqual({
              Null: { "s3:if-none-match": "false" },
            });
          }
        }
      }
      expect(puts).toBe(2); // Export and Score
    });

    it("every role grants only actions its code (or the platform, for it) uses", () => {
      const report: Record<string, string[]> = {};
      let roles = 0;
      for (const stack of app().names) {
        const t = app().template(stack);
        for (const [roleId, role] of resources(t, "AWS::IAM::Role")) {
          roles++;
          const granted = roleStatements(t, roleId)
            .filter((s) => s.Effect === "Allow")
            .flatMap(actionsOf);
          const extra = excess(granted, usedBy(app(), stack, roleId, role));
          if (extra.length) report[`${stack}/${roleId}`] = extra;
        }
      }
      expect(roles).toBeGreaterThanOrEqual(app().names.includes("Serving") ? 10 : 9);
      expect(report).toEqual({});
    });
  });
}
