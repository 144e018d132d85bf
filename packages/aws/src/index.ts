/** The AWS implementations of core's ports: S3 object stores and the DynamoDB registry. */
export { DynamoRegistry, type DynamoRegistryOptions } from "./dynamo-registry.ts";
export { S3ObjectStore, type S3ObjectStoreOptions } from "./s3-object-store.ts";
export { keys as registryKeys, REGISTRY_KEY_SCHEMA, registryTableDefinition } from "./table.ts";
