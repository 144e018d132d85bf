/**
 * Where the Glue job's logs go and how it encrypts: its own log groups with a retention (Glue 5.0
 * writes to `<prefix>/output` and `<prefix>/error` when given `--custom-logGroup-prefix`, instead
 * of the account-wide `/aws-glue/jobs/*` groups it would create without one, which never expire),
 * and a security configuration (S3 writes SSE-S3, like the buckets).
 */
import { RemovalPolicy, Stack } from "aws-cdk-lib";
import { CfnSecurityConfiguration } from "aws-cdk-lib/aws-glue";
import { Effect, PolicyStatement, type Role } from "aws-cdk-lib/aws-iam";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { suppress } from "./nag.ts";

/** How long the job's logs are kept (the Lambdas keep theirs a month, the state machine's three). */
export const ETL_LOG_RETENTION = RetentionDays.ONE_MONTH;

/** What the job definition needs: its log arguments and its security configuration's name. */
export interface EtlLogging {
  arguments: Record<string, string>;
  securityConfiguration: string;
  logGroups: LogGroup[];
}

/** Creates the job's log groups and security configuration, and lets `role` write those logs. */
export function etlLogging(scope: Construct, role: Role): EtlLogging {
  const stack = Stack.of(scope);
  const prefix = `/aws-glue/jobs/${stack.stackName}`;
  const logGroups = ["Output", "Error"].map(
    (kind) =>
      new LogGroup(scope, `Etl${kind}Logs`, {
        logGroupName: `${prefix}/${kind.toLowerCase()}`,
        retention: ETL_LOG_RETENTION,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
  );
  role.addToPolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      // the groups exist (created here); Glue may still ask to create them, and names a stream per driver and executor
      actions: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
      resources: logGroups.map((g) => g.logGroupArn),
    }),
  );
  const security = new CfnSecurityConfiguration(scope, "EtlSecurity", {
    name: `${stack.stackName}-etl`,
    encryptionConfiguration: {
      s3Encryptions: [{ s3EncryptionMode: "SSE-S3" }],
      // CloudWatch Logs encrypts every log group at rest already; a KMS key here would add a key
      // policy and $1 a month for logs that hold counts and reasons, never row content
      cloudWatchEncryption: { cloudWatchEncryptionMode: "DISABLED" },
      // bookmarks are disabled (every run reads its dataset's whole raw/ prefix)
      jobBookmarksEncryption: { jobBookmarksEncryptionMode: "DISABLED" },
    },
  });
  suppress(role, "AwsSolutions-IAM5", "log streams inside the job's own two log groups, named by Glue per run", [
    { regex: "/^Resource::<Etl(Output|Error)Logs[0-9A-F]{8}\\.Arn>$/" },
  ]);
  return {
    arguments: { "--custom-logGroup-prefix": prefix },
    securityConfiguration: security.ref,
    logGroups,
  };
}
