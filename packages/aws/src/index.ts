/**
 * The AWS SDK v3 adapters, shared by the Lambdas and the CLI's `--stage` backend: the S3 object
 * store and the DynamoDB registry (core's ports), and the retrain state machine's executions.
 * The CLI's stage operations are in `@tollgate/aws/stage`, the audit readers in
 * `@tollgate/aws/cloudtrail`, the Glue job run reader in `@tollgate/aws/glue`.
 */
export { DynamoRegistry, type DynamoRegistryOptions } from "./dynamo-registry.ts";
export { S3ObjectStore, type S3ObjectStoreOptions } from "./s3-object-store.ts";
export { type AwsExecutionSummary, executionArn, StepFunctionsRuns } from "./step-functions.ts";
export { keys as registryKeys, REGISTRY_KEY_SCHEMA, registryTableDefinition } from "./table.ts";
