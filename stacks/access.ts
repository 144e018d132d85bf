/**
 * Least-privilege building blocks: IAM statements scoped to a bucket prefix or the registry
 * table, and what each registry method needs (DynamoRegistry in packages/aws).
 */

import type { Registry } from "@tollgate/core/ports";
import { Effect, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IBucket } from "aws-cdk-lib/aws-s3";

/** The DynamoDB actions each registry method performs (single table, no index). */
export const REGISTRY_METHOD_ACTIONS: Record<keyof Registry, string[]> = {
  putModelVersion: ["dynamodb:PutItem"],
  // reads the version and the live pointer (its status is derived from the pointer)
  getModelVersion: ["dynamodb:GetItem"],
  listModelVersions: ["dynamodb:Query"],
  setModelStatus: ["dynamodb:UpdateItem"],
  // only `tollgate gc` calls it, with the operator's credentials; no deployed function does
  markCollected: ["dynamodb:UpdateItem"],
  getLive: ["dynamodb:GetItem"],
  // checks the version exists, then the pointer's conditional put (first) or update, then statuses
  swapLive: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
  putRun: ["dynamodb:PutItem"],
  getRun: ["dynamodb:GetItem"],
  recordDecision: ["dynamodb:PutItem"],
  listDecisions: ["dynamodb:Query"],
};

/**
 * What a function does with a bucket, by key prefix: `read` (GetObject, and ListBucket under the
 * same prefixes, without which S3 answers a missing key with 403 instead of 404), `write`
 * (PutObject), `create` (PutObject of new keys only: the request must carry `If-None-Match`, so
 * an existing object, e.g. a live model, can never be replaced).
 */
export interface BucketAccess {
  read?: string[];
  write?: string[];
  create?: string[];
}

/** What a function does with the stores: what it does in each bucket, registry methods it calls. */
export interface StoreAccess {
  data?: BucketAccess;
  models?: BucketAccess;
  registry?: (keyof Registry)[];
}

/** `s3:GetObject` on the objects under each prefix (`raw/` → `arn:…:bucket/raw/*`). */
export function readObjects(bucket: IBucket, prefixes: string[]): PolicyStatement {
  return new PolicyStatement({
    effect: Effect.ALLOW,
    actions: ["s3:GetObject"],
    resources: prefixes.map((p) => bucket.arnForObjects(`${p}*`)),
  });
}

/** `s3:PutObject` on the objects under each prefix. */
export function writeObjects(bucket: IBucket, prefixes: string[]): PolicyStatement {
  return new PolicyStatement({
    effect: Effect.ALLOW,
    actions: ["s3:PutObject"],
    resources: prefixes.map((p) => bucket.arnForObjects(`${p}*`)),
  });
}

/**
 * `s3:PutObject` under each prefix for requests that carry `If-None-Match` only: S3 then refuses
 * (412) to replace an existing object, and IAM refuses a PutObject without the header.
 */
export function createObjects(bucket: IBucket, prefixes: string[]): PolicyStatement {
  return new PolicyStatement({
    effect: Effect.ALLOW,
    actions: ["s3:PutObject"],
    resources: prefixes.map((p) => bucket.arnForObjects(`${p}*`)),
    conditions: { Null: { "s3:if-none-match": "false" } },
  });
}

/** `s3:ListBucket` on the bucket, limited to keys under the prefixes. */
export function listObjects(bucket: IBucket, prefixes: string[]): PolicyStatement {
  return new PolicyStatement({
    effect: Effect.ALLOW,
    actions: ["s3:ListBucket"],
    resources: [bucket.bucketArn],
    conditions: { StringLike: { "s3:prefix": prefixes.map((p) => `${p}*`) } },
  });
}

/** The part of a table the statements need (structural: CDK's Table and ITable differ under exactOptionalPropertyTypes). */
export interface TableRef {
  tableArn: string;
}

/** The registry actions the given methods need, on the table only. */
export function registryAccess(table: TableRef, methods: (keyof Registry)[]): PolicyStatement | undefined {
  const actions = [...new Set(methods.flatMap((m) => REGISTRY_METHOD_ACTIONS[m]))].sort();
  if (actions.length === 0) return undefined;
  return new PolicyStatement({ effect: Effect.ALLOW, actions, resources: [table.tableArn] });
}

/**
 * All statements for a function's store access. Reading a prefix also grants listing it: the
 * steps name every key they read and never list, but S3 answers GetObject/HeadObject of a missing
 * key with 404 only to a caller that may list it (403 otherwise, indistinguishable from a denial).
 */
export function storeStatements(
  stores: { data: IBucket; models: IBucket; table: TableRef },
  access: StoreAccess,
): PolicyStatement[] {
  const out: PolicyStatement[] = [];
  for (const [bucket, use] of [
    [stores.data, access.data],
    [stores.models, access.models],
  ] as const) {
    if (use?.read?.length) out.push(readObjects(bucket, use.read), listObjects(bucket, use.read));
    if (use?.write?.length) out.push(writeObjects(bucket, use.write));
    if (use?.create?.length) out.push(createObjects(bucket, use.create));
  }
  const registry = registryAccess(stores.table, access.registry ?? []);
  if (registry) out.push(registry);
  return out;
}
