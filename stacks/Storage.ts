/**
 * Storage: the data bucket (raw/, curated/, quarantine/, runs/, prepared/; EventBridge on),
 * the versioned model bucket (models/<name>/<version>/), the registry table (pk/sk), and a
 * bucket for their server access logs. Lifecycle rules expire only what `tollgate gc` tagged, and
 * old versions of derived data. Every bucket: public access blocked, SSL only, SSE-S3.
 */
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import { AttributeType, BillingMode, Table, TableEncryption } from "aws-cdk-lib/aws-dynamodb";
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type BucketProps,
  type CfnBucket,
  type LifecycleRule,
  ObjectOwnership,
} from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";
import type { StackContext } from "sst/constructs";
import { suppress } from "./nag.ts";

/** Props every tollgate bucket shares. */
export const SECURE_BUCKET: BucketProps = {
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  encryption: BucketEncryption.S3_MANAGED,
  objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
};

/**
 * A bucket with the shared security props and its own folder in the access-log bucket.
 * @example const trailBucket = secureBucket(stack, "TrailLogs", accessLogs, { removalPolicy: RemovalPolicy.RETAIN });
 */
export function secureBucket(scope: Construct, id: string, accessLogs: Bucket, props: BucketProps = {}): Bucket {
  return new Bucket(scope, id, {
    ...SECURE_BUCKET,
    serverAccessLogsBucket: accessLogs,
    serverAccessLogsPrefix: `${id}/`,
    ...props,
  });
}

/**
 * What `tollgate gc` removed: it tags each object version `tollgate-gc=collected` before deleting it
 * (S3ObjectStore.delete), and only versions with that tag expire here. Kept versions' files never
 * carry it, so no rule can expire what a kept model version or its lineage needs (docs/retention.md).
 */
/** S3ObjectStore's COLLECTED_TAG (the stacks load no workspace code; test/infra checks they agree). */
const COLLECTED_TAG = { Key: "tollgate-gc", Value: "collected" } as const;

export const COLLECTED_RULE: LifecycleRule = {
  id: "expire-collected",
  tagFilters: { [COLLECTED_TAG.Key]: COLLECTED_TAG.Value },
  // a tagged object gc could not delete (interrupted) goes the next day; the noncurrent version a
  // delete leaves in a versioned bucket, one day after it became noncurrent
  expiration: Duration.days(1),
  noncurrentVersionExpiration: Duration.days(1),
};

/**
 * Overwritten or deleted versions of derived data (curated/, prepared/, runs/): what kept versions
 * read is the current version, so older ones may go. Not raw/: lineage names raw versions by id.
 */
const DERIVED_NONCURRENT: LifecycleRule[] = ["curated/", "prepared/", "runs/"].map((prefix) => ({
  id: `noncurrent-${prefix.slice(0, -1)}`,
  prefix,
  noncurrentVersionExpiration: Duration.days(30),
}));

export function Storage({ stack }: StackContext) {
  const accessLogs = new Bucket(stack, "AccessLogs", {
    ...SECURE_BUCKET,
    lifecycleRules: [{ expiration: Duration.days(365) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  suppress(accessLogs, "AwsSolutions-S1", "this is the server access log destination; logging it to itself would loop");

  const dataBucket = secureBucket(stack, "Data", accessLogs, {
    versioned: true,
    lifecycleRules: [COLLECTED_RULE, ...DERIVED_NONCURRENT],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // EventBridge notifications set natively on the bucket (the `eventBridgeEnabled` prop would add
  // a custom-resource Lambda with its own role for the same setting)
  (dataBucket.node.defaultChild as CfnBucket).notificationConfiguration = {
    eventBridgeConfiguration: { eventBridgeEnabled: true },
  };

  const modelBucket = secureBucket(stack, "Models", accessLogs, {
    versioned: true,
    lifecycleRules: [COLLECTED_RULE],
    removalPolicy: RemovalPolicy.RETAIN,
  });

  const table = new Table(stack, "Registry", {
    partitionKey: { name: "pk", type: AttributeType.STRING },
    sortKey: { name: "sk", type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    encryption: TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    removalPolicy: RemovalPolicy.RETAIN,
  });

  stack.addOutputs({
    DataBucket: dataBucket.bucketName,
    ModelBucket: modelBucket.bucketName,
    RegistryTable: table.tableName,
  });
  return { accessLogs, dataBucket, modelBucket, table };
}
