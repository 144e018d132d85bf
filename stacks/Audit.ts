/**
 * Audit: a CloudTrail trail into its own bucket, with log file validation, all management
 * events (who started each run: states:StartExecution) and write data events for the uploads
 * under the data bucket's raw/ (what starts a retrain), the model bucket's objects and the
 * registry table (every write to models and the registry).
 */
import { RemovalPolicy } from "aws-cdk-lib";
import { type CfnTrail, Trail } from "aws-cdk-lib/aws-cloudtrail";
import { Bucket } from "aws-cdk-lib/aws-s3";
import { type StackContext, use } from "sst/constructs";
import { suppress } from "./nag.ts";
import { SECURE_BUCKET, Storage } from "./Storage.ts";

export function Audit({ stack }: StackContext) {
  const { dataBucket, modelBucket, table } = use(Storage);
  const trailBucket = new Bucket(stack, "TrailLogs", {
    ...SECURE_BUCKET,
    versioned: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  suppress(
    trailBucket,
    "AwsSolutions-S1",
    "holds the trail's own log files: CloudTrail is its only writer and log file validation (digest files) detects any change or deletion",
  );

  const trail = new Trail(stack, "Trail", {
    bucket: trailBucket,
    enableFileValidation: true,
    isMultiRegionTrail: false,
    includeGlobalServiceEvents: true,
  });
  const cfn = trail.node.defaultChild as CfnTrail;
  // Advanced selectors: basic ones cannot select DynamoDB tables or only write events.
  cfn.addPropertyDeletionOverride("EventSelectors");
  cfn.advancedEventSelectors = [
    { name: "Management events", fieldSelectors: [{ field: "eventCategory", equalTo: ["Management"] }] },
    {
      name: "Uploads under raw/",
      fieldSelectors: [
        { field: "eventCategory", equalTo: ["Data"] },
        { field: "resources.type", equalTo: ["AWS::S3::Object"] },
        { field: "readOnly", equalTo: ["false"] },
        { field: "resources.ARN", startsWith: [`${dataBucket.bucketArn}/raw/`] },
      ],
    },
    {
      name: "Writes to model objects",
      fieldSelectors: [
        { field: "eventCategory", equalTo: ["Data"] },
        { field: "resources.type", equalTo: ["AWS::S3::Object"] },
        { field: "readOnly", equalTo: ["false"] },
        { field: "resources.ARN", startsWith: [`${modelBucket.bucketArn}/`] },
      ],
    },
    {
      name: "Writes to the registry table",
      fieldSelectors: [
        { field: "eventCategory", equalTo: ["Data"] },
        { field: "resources.type", equalTo: ["AWS::DynamoDB::Table"] },
        { field: "readOnly", equalTo: ["false"] },
        { field: "resources.ARN", equalTo: [table.tableArn] },
      ],
    },
  ];
  stack.addOutputs({ TrailBucket: trailBucket.bucketName });
  return { trail, trailBucket };
}
