/** Storage, Serving and Audit: bucket hardening, the registry table, the Glue job's logs, the Function URL, the trail. */
import { COLLECTED_TAG } from "@tollgate/aws/s3-object-store";
import { describe, expect, it } from "vitest";
import type { Synthesized } from "../synth.ts";
import { HAS_PREDICT } from "../synth.ts";
import { actionsOf, arnOf, lambdaId, only, refOf, resolveImport, resources, roleStatements } from "../template.ts";

export function describeResources(app: () => Synthesized): void {
  describe("buckets", () => {
    it("every bucket blocks public access, is encrypted and denies requests without TLS", () => {
      for (const name of app().names) {
        const t = app().template(name);
        const policies = resources(t, "AWS::S3::BucketPolicy").map(([, p]) => JSON.stringify(p.Properties));
        for (const [id, bucket] of resources(t, "AWS::S3::Bucket")) {
          expect(bucket.Properties.PublicAccessBlockConfiguration, id).toEqual({
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          });
          expect(JSON.stringify(bucket.Properties.BucketEncryption), id).toMatch(/"SSEAlgorithm":"(AES256|aws:kms)"/);
          const sslOnly = policies.find(
            (p) => p.includes(`{"Bucket":{"Ref":"${id}"}`) && p.includes('"aws:SecureTransport":"false"'),
          );
          expect(sslOnly, `${id} has an SSL-only policy`).toBeDefined();
        }
      }
    });

    it("lifecycle rules expire only versions gc tagged, and noncurrent derived data; never raw/ or a current model", () => {
      const t = app().template("Storage");
      const rulesOf = (folder: string) =>
        (
          only(t, "AWS::S3::Bucket", (b) => JSON.stringify(b.Properties).includes(`"${folder}/"`))[1].Properties
            .LifecycleConfiguration as { Rules: Record<string, unknown>[] }
        ).Rules;
      const collected = {
        Id: "expire-collected",
        Status: "Enabled",
        TagFilters: [COLLECTED_TAG], // what S3ObjectStore.delete tags
        ExpirationInDays: 1,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      };
      expect(rulesOf("Models")).toEqual([collected]);
      const data = rulesOf("Data");
      expect(data[0]).toEqual(collected);
      for (const rule of data.slice(1)) {
        // untagged rules: only noncurrent versions, only under derived prefixes
        expect(Object.keys(rule).sort()).toEqual(["Id", "NoncurrentVersionExpiration", "Prefix", "Status"]);
        expect(["curated/", "prepared/", "runs/"]).toContain(rule.Prefix);
      }
      expect(data.map((r) => r.Prefix).filter(Boolean)).toEqual(["curated/", "prepared/", "runs/"]);
    });

    it("the model bucket is versioned; the registry is one pk/sk table with point-in-time recovery", () => {
      const t = app().template("Storage");
      const [, models] = only(t, "AWS::S3::Bucket", (b) => JSON.stringify(b.Properties).includes('"Models/"'));
      expect(models.Properties.VersioningConfiguration).toEqual({ Status: "Enabled" });
      const [, table] = only(t, "AWS::DynamoDB::Table");
      expect(table.Properties.KeySchema).toEqual([
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ]);
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    });
  });

  describe("the Glue job's logs and encryption", () => {
    it("logs to two log groups of its own with a retention, and runs with a security configuration", () => {
      const t = app().template("Pipeline");
      const [, job] = only(t, "AWS::Glue::Job");
      const prefix = (job.Properties.DefaultArguments as Record<string, string>)["--custom-logGroup-prefix"];
      expect(prefix).toMatch(/^\/aws-glue\/jobs\/test-tollgate-Pipeline$/);
      for (const kind of ["output", "error"]) {
        const [, group] = only(t, "AWS::Logs::LogGroup", (g) => g.Properties.LogGroupName === `${prefix}/${kind}`);
        expect(group.Properties.RetentionInDays, kind).toBeGreaterThan(0);
      }
      const [securityId, security] = only(t, "AWS::Glue::SecurityConfiguration");
      expect(job.Properties.SecurityConfiguration).toEqual(refOf(securityId));
      expect(security.Properties.EncryptionConfiguration).toMatchObject({
        S3Encryptions: [{ S3EncryptionMode: "SSE-S3" }],
      });
    });

    it("the Glue role writes logs only to the job's own log groups", () => {
      const t = app().template("Pipeline");
      const [roleId] = only(t, "AWS::IAM::Role", (r) => JSON.stringify(r.Properties).includes("glue.amazonaws.com"));
      const groups = resources(t, "AWS::Logs::LogGroup")
        .filter(([, g]) => String(g.Properties.LogGroupName).startsWith("/aws-glue/jobs/"))
        .map(([id]) => arnOf(id));
      const logs = roleStatements(t, roleId).filter((s) => actionsOf(s).some((a) => a.startsWith("logs:")));
      expect(logs.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]))).toEqual(groups);
    });
  });

  describe.skipIf(!HAS_PREDICT)("serving (needs functions/predict.ts)", () => {
    it("exposes predict through a Function URL with IAM auth, and nothing public", () => {
      const t = app().template("Serving");
      const [, url] = only(t, "AWS::Lambda::Url");
      expect(url.Properties).toMatchObject({
        AuthType: "AWS_IAM",
        TargetFunctionArn: arnOf(lambdaId(t, "functions/predict.handler")),
      });
      const publicGrants = resources(t, "AWS::Lambda::Permission").filter(([, p]) => p.Properties.Principal === "*");
      expect(publicGrants).toEqual([]);
    });
  });

  describe("audit trail", () => {
    const trail = () => only(app().template("Audit"), "AWS::CloudTrail::Trail")[1].Properties;
    type Selector = { Name: string; FieldSelectors: { Field: string; Equals?: unknown[]; StartsWith?: unknown[] }[] };
    const selector = (name: string) => (trail().AdvancedEventSelectors as Selector[]).find((s) => s.Name === name);
    const field = (s: Selector | undefined, f: string) => s?.FieldSelectors.find((x) => x.Field === f);

    it("validates log files, is logging, and writes to its own bucket", () => {
      const [trailBucketId] = only(app().template("Audit"), "AWS::S3::Bucket");
      expect(trail()).toMatchObject({
        EnableLogFileValidation: true,
        IsLogging: true,
        S3BucketName: refOf(trailBucketId),
      });
      expect(trail().EventSelectors).toBeUndefined();
    });

    it("records management events (who started each run)", () => {
      expect(field(selector("Management events"), "eventCategory")?.Equals).toEqual(["Management"]);
    });

    it("records every write to the model bucket's objects", () => {
      const s = selector("Writes to model objects");
      expect(field(s, "resources.type")?.Equals).toEqual(["AWS::S3::Object"]);
      expect(field(s, "readOnly")?.Equals).toEqual(["false"]);
      const [modelsId] = only(app().template("Storage"), "AWS::S3::Bucket", (b) =>
        JSON.stringify(b.Properties).includes('"Models/"'),
      );
      const prefix = field(s, "resources.ARN")?.StartsWith?.[0] as { "Fn::Join": [string, unknown[]] };
      expect(prefix["Fn::Join"][1][1]).toBe("/");
      expect(resolveImport(app(), prefix["Fn::Join"][1][0])).toEqual({ from: "Storage", value: arnOf(modelsId) });
    });

    it("records the uploads under the data bucket's raw/ (what starts each retrain)", () => {
      const s = selector("Uploads under raw/");
      expect(field(s, "eventCategory")?.Equals).toEqual(["Data"]);
      expect(field(s, "resources.type")?.Equals).toEqual(["AWS::S3::Object"]);
      expect(field(s, "readOnly")?.Equals).toEqual(["false"]);
      const [dataId] = only(app().template("Storage"), "AWS::S3::Bucket", (b) =>
        JSON.stringify(b.Properties).includes('"Data/"'),
      );
      const prefix = field(s, "resources.ARN")?.StartsWith?.[0] as { "Fn::Join": [string, unknown[]] };
      expect(prefix["Fn::Join"][1][1]).toBe("/raw/");
      expect(resolveImport(app(), prefix["Fn::Join"][1][0])).toEqual({ from: "Storage", value: arnOf(dataId) });
    });

    it("records every write to the registry table", () => {
      const s = selector("Writes to the registry table");
      expect(field(s, "resources.type")?.Equals).toEqual(["AWS::DynamoDB::Table"]);
      expect(field(s, "readOnly")?.Equals).toEqual(["false"]);
      const [tableId] = only(app().template("Storage"), "AWS::DynamoDB::Table");
      const arn = field(s, "resources.ARN")?.Equals?.[0];
      expect(resolveImport(app(), arn)).toEqual({ from: "Storage", value: arnOf(tableId) });
    });
  });
}
